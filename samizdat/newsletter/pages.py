"""The newsletter page of each language: the subscribe form, confirmation, preferences, archive."""

from __future__ import annotations

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page

from samizdat.core.pages import FormPageMixin

ISSUES_PER_PAGE = 20


class NewsletterPage(FormPageMixin, RoutablePageMixin, Page):
    """"Newsletter": subscribe, confirm the address, change lists or leave; past issues below."""

    intro = models.TextField(_("intro"), blank=True)
    thanks = models.TextField(_("thank-you text"), blank=True,
                              help_text=_("Shown once a reader confirms their address."))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("thanks")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["newsletter.NewsletterIssuePage"]
    max_count_per_parent = 1
    show_in_menus_default = True
    rate_scope = "newsletter"

    class Meta:
        verbose_name = _("newsletter page")
        verbose_name_plural = _("newsletter pages")

    @property
    def form_class(self) -> type:
        from samizdat.newsletter.forms import SubscribeForm

        return SubscribeForm

    def blank_form(self):
        """The full form, with the page's language and the preselected lists ticked."""
        from samizdat.newsletter.forms import SubscribeForm

        form = SubscribeForm()
        form.initial["languages"] = [self.locale.language_code]
        form.initial["lists"] = [item.pk for item in form.fields["lists"].queryset if item.preselected]
        return form

    def past_issues(self, request: HttpRequest):
        from samizdat.core.pagination import paginate
        from samizdat.core.routing import exclude_restricted
        from samizdat.newsletter.issues import NewsletterIssuePage

        issues = exclude_restricted(
            NewsletterIssuePage.objects.child_of(self).live()
            .only("id", "title", "url_path", "path", "depth", "locale", "first_published_at")
            .order_by("-first_published_at", "-pk")
        )
        return paginate(request, issues, ISSUES_PER_PAGE)

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["form"] = self.blank_form()
        context["newsletter_url"] = self.get_url(request) or "/"
        return context

    def serve(self, request: HttpRequest, view=None, args=None, kwargs=None) -> HttpResponse:
        """Dispatch to the routes below; FormPageMixin's serve handles only the page itself."""
        if view is None:
            return self.subscribe_page(request)
        return view(request, *(args or ()), **(kwargs or {}))

    def sent_url(self, request: HttpRequest) -> str:
        """The page itself, also for the quick form posted to `newsletter/subscribe/`."""
        return f"{self.get_url(request) or request.path}?sent=1"

    def accept(self, request: HttpRequest, form) -> None:
        from samizdat.core.templatetags.outlet_tags import request_site_name
        from samizdat.newsletter import services

        data = form.cleaned_data
        if data.get("quick") or not data.get("languages"):
            languages = [self.locale]
        else:
            languages = services.locales_for(data["languages"])
        lists = list(data.get("lists") or []) or services.default_lists()
        page_url = self.get_full_url(request) or request.build_absolute_uri(request.path)
        referer = request.headers.get("Referer", "")[:255]
        services.subscribe(data["email"], languages, lists, source=services.Source.FORM,
                           source_detail=referer or page_url, page_url=page_url,
                           site_name=request_site_name(request))

    @path("")
    def subscribe_page(self, request: HttpRequest) -> HttpResponse:
        response = FormPageMixin.serve(self, request)
        if isinstance(response, TemplateResponse):
            response.context_data["issues"] = self.past_issues(request)
        return response

    def _subscriber(self, token: str, salt: str):
        """(subscriber, None) for a good link, else (None, "expired" | "invalid")."""
        from samizdat.newsletter import links
        from samizdat.newsletter.models import Subscriber

        try:
            subscriber_id = links.read_link(token, salt)
        except links.BadLink as error:
            return None, "expired" if error.expired else "invalid"
        subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
        return (subscriber, None) if subscriber else (None, "invalid")

    def _route_context(self, request: HttpRequest) -> dict:
        context = self.get_context(request, chrome_subpaths=None)
        context["request_path"] = request.path
        return context

    @path("confirm/<str:token>/")
    def confirm(self, request: HttpRequest, token: str) -> HttpResponse:
        """GET shows a button (mail scanners prefetch links); POST confirms."""
        from samizdat.newsletter import links, services

        context = self._route_context(request)
        subscriber, error = self._subscriber(token, links.CONFIRM_SALT)
        if error:
            context["link_error"] = error
            return TemplateResponse(request, "newsletter/confirm.html", context,
                                    status=410 if error == "expired" else 400)
        if request.method == "POST":
            subscriber, outcome = services.confirm(subscriber.pk)
            context["outcome"] = str(outcome)
        context["subscriber"] = subscriber
        context["preferences_url"] = links.preferences_url(subscriber.pk, context["newsletter_url"])
        return TemplateResponse(request, "newsletter/confirm.html", context)

    @path("preferences/<str:token>/")
    def preferences(self, request: HttpRequest, token: str) -> HttpResponse:
        """The lists and languages of the link's subscriber; saving with no list unsubscribes."""
        from samizdat.newsletter import links, services
        from samizdat.newsletter.forms import PreferencesForm
        from samizdat.newsletter.models import Subscriber

        context = self._route_context(request)
        subscriber, error = self._subscriber(token, links.PREFERENCES_SALT)
        if error:
            context["link_error"] = error
            return TemplateResponse(request, "newsletter/preferences.html", context, status=400)
        if request.method == "POST":
            if "unsubscribe" in request.POST:
                subscriber, outcome = services.unsubscribe(subscriber)
                form = PreferencesForm()
            else:
                form = PreferencesForm(request.POST)
                outcome = None
                if form.is_valid():
                    outcome = services.update_preferences(
                        subscriber, form.cleaned_data["lists"],
                        services.locales_for(form.cleaned_data["languages"]))
            context["outcome"] = str(outcome) if outcome else ""
            subscriber = Subscriber.objects.get(pk=subscriber.pk)
        if request.method != "POST" or context["outcome"]:
            active = subscriber.status in (Subscriber.Status.CONFIRMED, Subscriber.Status.PENDING)
            form = PreferencesForm(initial={
                "lists": [item.pk for item in subscriber.lists.all()] if active else [],
                "languages": [locale.language_code for locale in subscriber.languages.all()]
                or [self.locale.language_code],
            })
        context.update({"form": form, "subscriber": subscriber,
                        "unsubscribe_url": links.unsubscribe_url(subscriber.pk, self.locale.language_code,
                                                                 root_url="")})
        return TemplateResponse(request, "newsletter/preferences.html", context)
