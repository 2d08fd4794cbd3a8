"""Open letters readers and organizations sign, with double opt-in signatures."""

from __future__ import annotations

import json

from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import F, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from samizdat.core import spam
from samizdat.core.chrome import OutletPageMixin
from samizdat.core.pages import FormPageMixin

RICH = ["bold", "italic", "link", "ol", "ul", "h2", "h3"]
FIRST_SIGNATORIES = 20
SIGNATURES_PER_PAGE = 50
MAX_QUERY_LENGTH = 100


class LetterIndexPage(OutletPageMixin, Page):
    """"Open letters": the letters of its language, newest first, with their counts."""

    intro = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["letters.LetterPage"]
    max_count_per_parent = 1
    show_in_menus_default = True

    class Meta:
        verbose_name = _("open letters index")

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        from samizdat.core.routing import exclude_restricted

        context = super().get_context(request, *args, **kwargs)
        originals = LetterPage.objects.filter(translation_key=OuterRef("translation_key")).order_by("pk")
        context["letters"] = exclude_restricted(
            LetterPage.objects.child_of(self).live()
            .only("id", "title", "url_path", "path", "depth", "locale", "addressee", "call_to_action",
                  "goal", "signing_open", "first_published_at")
            .annotate(all_languages_count=Subquery(originals.values("signature_count")[:1]))
            .order_by("-first_published_at", "-pk")
        )
        return context


class LetterPage(FormPageMixin, RoutablePageMixin, Page):
    """One open letter: its text, the signature form, and routes to confirm, withdraw and list.

    `signature_count` is changed only by the services' F() updates, in the transaction that
    confirms or withdraws a signature; saving the page (an editor publishing a revision made
    before some signatures arrived) never writes it.

    A letter and its translations collect one list of signatures: they belong to the original
    (the first page of the translation group), whichever language a reader signs in.
    """

    addressee = models.CharField(_("addressed to"), max_length=255, blank=True,
                                 help_text=_("e.g. To the city council of Bilbao"))
    body = RichTextField(_("text of the letter"), features=RICH)
    call_to_action = models.CharField(_("call to action"), max_length=255, blank=True,
                                      help_text=_("One line above the form, e.g. Add your name"))
    goal = models.PositiveIntegerField(_("goal"), null=True, blank=True, validators=[MinValueValidator(1)],
                                       help_text=_("How many signatures you aim for (optional)."))
    signing_open = models.BooleanField(_("open for signatures"), default=True)
    show_signatures = models.BooleanField(_("show the list of signatories"), default=True)
    thanks = models.TextField(_("thank-you text"), blank=True,
                              help_text=_("Shown after someone confirms their signature."))
    signature_count = models.PositiveIntegerField(_("confirmed signatures"), default=0, editable=False)

    content_panels = Page.content_panels + [
        FieldPanel("addressee"),
        FieldPanel("body"),
        FieldPanel("call_to_action"),
        MultiFieldPanel([FieldPanel("goal"), FieldPanel("signing_open"), FieldPanel("show_signatures")],
                        heading=_("Signatures")),
        FieldPanel("thanks"),
    ]
    parent_page_types = ["letters.LetterIndexPage"]
    subpage_types: list[str] = []
    search_fields = Page.search_fields + [index.SearchField("body"), index.SearchField("addressee")]
    exclude_fields_in_copy = ["signature_count"]
    rate_scope = "letter"

    class Meta:
        verbose_name = _("open letter")

    @property
    def form_class(self) -> type:
        from samizdat.letters.forms import SignatureForm

        return SignatureForm

    def save(self, *args, **kwargs):
        """Save the page without ever writing `signature_count` over the services' updates."""
        if self.pk is not None and kwargs.get("update_fields") is None:
            skip = self.get_deferred_fields() | {"signature_count"}
            kwargs["update_fields"] = [
                field.name for field in self._meta.concrete_fields
                if not field.primary_key and field.attname not in skip and field.name not in skip
            ]
        return super().save(*args, **kwargs)

    def serve(self, request: HttpRequest, view=None, args=None, kwargs=None) -> HttpResponse:
        """Dispatch to the routes below; FormPageMixin's serve handles only the letter itself."""
        if view is None:
            return self.letter(request)
        return view(request, *(args or ()), **(kwargs or {}))

    @cached_property
    def signed_letter(self) -> LetterPage:
        """The page the signatures belong to: the original of this letter's translations."""
        original = (LetterPage.objects.filter(translation_key=self.translation_key).order_by("pk")
                    .only("id", "signature_count").first())
        return self if original is None or original.pk == self.pk else original

    @property
    def shared_count(self) -> int:
        """Confirmed signatures of the letter in every language."""
        return self.signed_letter.signature_count

    def progress(self) -> int | None:
        """Percentage of the goal reached (capped at 100), or None without a goal."""
        if not self.goal:
            return None
        return min(100, self.shared_count * 100 // self.goal)

    def subpage_url(self, request: HttpRequest, name: str, **kwargs) -> str:
        return (self.get_url(request) or "/") + self.reverse_subpage(name, kwargs=kwargs)

    def public_signatures(self):
        """Confirmed signatures shown in public, earliest first."""
        shown = self.signed_letter.signatures.filter(status=Signature.Status.CONFIRMED, is_public=True)
        return shown.order_by("confirmed_at", "pk")

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["letter_url"] = self.get_url(request) or "/"
        # Lazy: only the letter's own template reads it, so the other routes make no query for it.
        context["first_signatures"] = (
            self.public_signatures()[:FIRST_SIGNATORIES] if self.show_signatures else []
        )
        return context

    def accept(self, request: HttpRequest, form) -> None:
        from samizdat.core.templatetags.outlet_tags import request_site_name
        from samizdat.letters.services import sign

        page_url = self.get_full_url(request) or request.build_absolute_uri()
        sign(self.signed_letter, form.cleaned_data, shown=self, page_url=page_url,
             site_name=request_site_name(request))

    @path("")
    def letter(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and not self.signing_open:
            context = self.get_context(request)
            context["closed_error"] = True
            return TemplateResponse(request, self.get_template(request), context, status=403)
        return FormPageMixin.serve(self, request)

    def _token_page(self, request: HttpRequest, token: str, action: str) -> HttpResponse:
        from samizdat.letters import services

        template = f"letters/{action}.html"
        context = self.get_context(request, chrome_subpaths=None)
        try:
            signature = services.signature_for_token(self.signed_letter, token, action)
        except services.LinkExpired:
            context["link_error"] = "expired"
            return TemplateResponse(request, template, context, status=410)
        except services.LinkInvalid:
            context["link_error"] = "invalid"
            return TemplateResponse(request, template, context, status=400)
        if request.method == "POST":
            run = services.confirm if action == "confirm" else services.withdraw
            signature, outcome = run(signature.pk)
            context["outcome"] = outcome
        context["signature"] = signature
        if action == "confirm":
            withdraw = services.withdraw_token(signature)
            context["withdraw_url"] = self.subpage_url(request, "withdraw", token=withdraw)
        return TemplateResponse(request, template, context)

    @path("confirm/<str:token>/")
    def confirm(self, request: HttpRequest, token: str) -> HttpResponse:
        """GET shows a button (link scanners prefetch GETs); POST confirms."""
        return self._token_page(request, token, "confirm")

    @path("withdraw/<str:token>/")
    def withdraw(self, request: HttpRequest, token: str) -> HttpResponse:
        """GET shows a button; POST withdraws the signature."""
        return self._token_page(request, token, "withdraw")

    @path("signatures/")
    def signature_list(self, request: HttpRequest) -> HttpResponse:
        """The public signatories, 50 a page, searchable by name, organization and city."""
        from samizdat.core.pagination import paginate

        if request.method == "POST":
            return HttpResponseNotAllowed(["GET", "HEAD", "OPTIONS"])
        if not self.show_signatures:
            raise Http404(_("This letter does not publish its signatories."))
        query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
        query = "".join(char for char in query if char.isprintable())
        signatures = self.public_signatures()
        if query:
            signatures = signatures.filter(
                models.Q(name__icontains=query) | models.Q(organization__icontains=query)
                | models.Q(city__icontains=query)
            )
        return self.render(
            request,
            context_overrides={"signatures": paginate(request, signatures, SIGNATURES_PER_PAGE),
                               "query": query},
            template="letters/signatures.html",
            chrome_subpaths="signatures/",
        )

    @path("count/")
    def count_json(self, request: HttpRequest) -> HttpResponse:
        """The live count, cheap and cacheable, for the page's enhancing script."""
        if request.method == "POST":
            return HttpResponseNotAllowed(["GET", "HEAD", "OPTIONS"])
        data = {"count": self.shared_count, "goal": self.goal}
        response = HttpResponse(json.dumps(data), content_type="application/json")
        response["Cache-Control"] = "public, max-age=30"
        return response

    def render(self, request: HttpRequest, *args, template=None, context_overrides=None,
               chrome_subpaths=None, **kwargs) -> HttpResponse:
        template = template or self.get_template(request)
        context = self.get_context(request, chrome_subpaths=chrome_subpaths)
        context.update(context_overrides or {})
        return TemplateResponse(request, template, context)


class Signature(models.Model):
    """One person's (or organization's) name under a letter; counts only once confirmed.

    The states and their transitions live in `samizdat.letters.services`.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    letter = models.ForeignKey(LetterPage, on_delete=models.CASCADE, related_name="signatures",
                               verbose_name=_("letter"))
    name = models.CharField(_("name"), max_length=200, validators=[spam.reject_control_characters])
    email = models.EmailField(_("email"), max_length=254, help_text=_("Stored in lower case."))
    organization = models.CharField(_("organization"), max_length=200, blank=True,
                                    validators=[spam.reject_control_characters])
    role = models.CharField(_("role"), max_length=200, blank=True,
                            validators=[spam.reject_control_characters])
    city = models.CharField(_("city"), max_length=100, blank=True,
                            validators=[spam.reject_control_characters])
    country = models.CharField(_("country"), max_length=100, blank=True,
                               validators=[spam.reject_control_characters])
    is_public = models.BooleanField(_("public"), default=True,
                                    help_text=_("Shown in the public list of signatories."))
    newsletter_opt_in = models.BooleanField(_("newsletter"), default=False)
    language = models.CharField(_("site language"), max_length=10, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("signed"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("signature")
        constraints = [
            models.UniqueConstraint(fields=["letter", "email"], name="letters_one_signature_per_email"),
        ]
        indexes = [models.Index(fields=["letter", "status", "confirmed_at"], name="letters_sig_list")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"

    def delete(self, *args, **kwargs):
        """Deleting one signature (the admin's delete) takes a confirmed one out of the count too.

        Deleting the letter deletes its signatures in bulk, without this; the count goes with it.
        """
        with transaction.atomic():
            status = Signature.objects.select_for_update().filter(pk=self.pk).values_list(
                "status", flat=True).first()
            result = super().delete(*args, **kwargs)
            if status == Signature.Status.CONFIRMED:
                LetterPage.objects.filter(pk=self.letter_id, signature_count__gt=0).update(
                    signature_count=F("signature_count") - 1
                )
        return result

