"""Contributors: the people who write, film and translate for the outlet."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from samizdat.core.chrome import OutletPageMixin

FEDIVERSE_HANDLE = re.compile(r"^@?[A-Za-z0-9_.-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


def validate_fediverse_handle(value: str) -> None:
    if value and not FEDIVERSE_HANDLE.match(value):
        raise ValidationError(_("Write a fediverse handle as @name@server.example"))


class Person(index.Indexed, models.Model):
    """A contributor. Not tied to a language: one author page per locale shows them."""

    class Role(models.TextChoices):
        STAFF = "staff", _("Staff writer")
        CORRESPONDENT = "correspondent", _("Correspondent")
        GUEST = "guest", _("Guest contributor")
        HISTORICAL = "historical", _("Historical author")

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.STAFF)
    bio = models.TextField(blank=True, help_text=_("Two or three sentences."))
    photo = models.ForeignKey(
        "core.OutletImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    fediverse_handle = models.CharField(
        max_length=255, blank=True, validators=[validate_fediverse_handle],
        help_text=_("Optional, e.g. @ana@social.example"),
    )

    federated = models.BooleanField(
        _("on the fediverse"), default=False,
        help_text=_("Give this author an account on the outlet's own server (@name@outlet-domain) that "
                    "fediverse users can follow to get their articles."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("role"),
        FieldPanel("bio"),
        FieldPanel("photo"),
        FieldPanel("fediverse_handle"),
        FieldPanel("federated"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name

    @property
    def fediverse_url(self) -> str:
        """The profile address a handle like @ana@social.example points to."""
        if not self.fediverse_handle:
            return ""
        name, _sep, server = self.fediverse_handle.lstrip("@").partition("@")
        return f"https://{server}/@{name}"


class PeopleIndexPage(OutletPageMixin, RoutablePageMixin, Page):
    """/authors/ lists contributors; /authors/<slug>/ is one contributor's archive."""

    intro = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    @path("")
    def people_list(self, request: HttpRequest) -> HttpResponse:
        from samizdat.core.images import portrait_specs, with_renditions

        contributors = Person.objects.filter(bylines__isnull=False).distinct().order_by("name")
        people = with_renditions(contributors, "photo", portrait_specs())
        return self.render(request, context_overrides={"people": people})

    @path("<slug:slug>/")
    def author(self, request: HttpRequest, slug: str) -> HttpResponse:
        from samizdat.articles.queries import article_cards
        from samizdat.core.images import portrait_specs, with_renditions
        from samizdat.core.pagination import paginate

        person = with_renditions(
            Person.objects.filter(slug=slug), "photo", portrait_specs()
        ).first()
        if person is None:
            raise Http404(_("No contributor with that name."))
        articles = article_cards(locale=self.locale_id).filter(authors__person=person)
        return self.render(
            request,
            context_overrides={"person": person, "articles": paginate(request, articles)},
            template="people/author_page.html",
            chrome_subpaths=f"{slug}/",
        )

    def author_url(self, person: Person) -> str:
        return self.url + self.reverse_subpage("author", kwargs={"slug": person.slug})


register_snippet(Person)


@receiver(post_save, sender=Person)
def photo_renditions(sender, instance: Person, **kwargs) -> None:
    """A contributor's photo gets its square crops in the background."""
    from samizdat.core.signals import enqueue_renditions

    enqueue_renditions(instance.photo_id)
