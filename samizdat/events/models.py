"""Public events (online forums, meetings) with registration, waiting list and reminders.

Times are stored in UTC; editors type them as wall-clock times in the event's own time zone
(EventPageForm converts both ways), and readers see them in that zone and, with a small
script, in their own.
"""

from __future__ import annotations

import secrets
import zoneinfo
from datetime import datetime
from functools import cache
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, Panel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from samizdat.core import spam
from samizdat.core.chrome import OutletPageMixin
from samizdat.core.emails import normalize_email
from samizdat.core.pages import FormPageMixin
from samizdat.volunteers.models import LANGUAGES

CALENDAR_TYPE = "text/calendar; charset=utf-8"


@cache
def zone_names() -> frozenset[str]:
    """Every IANA time zone name this machine knows."""
    return frozenset(zoneinfo.available_timezones())


def zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zone_names())]


def validate_time_zone(value: str) -> None:
    """Validator: an IANA time zone name such as America/Los_Angeles."""
    if value not in zone_names():
        raise ValidationError(_("%(value)s is not a time zone name such as America/Los_Angeles."),
                              params={"value": value}, code="time_zone")


def new_token() -> str:
    """An unguessable token for a registrant's own page and cancel link."""
    return secrets.token_urlsafe(24)


def default_time_zone() -> str:
    zone = getattr(settings, "TIME_ZONE", None) or "UTC"
    return zone if zone in zone_names() else "UTC"


def wall_clock_to_utc(wall: datetime, zone_name: str) -> datetime:
    """A naive wall-clock time in `zone_name` as an aware UTC datetime.

    Raises ValueError for a time that does not exist there (skipped by a clock change). In
    the repeated hour of an autumn change the first (summer-time) reading is taken.
    """
    zone = zoneinfo.ZoneInfo(zone_name)
    aware = wall.replace(tzinfo=zone, fold=0)
    utc = aware.astimezone(zoneinfo.ZoneInfo("UTC"))
    if utc.astimezone(zone).replace(tzinfo=None) != wall.replace(tzinfo=None):
        raise ValueError("nonexistent time")
    return utc


class EventPageForm(WagtailAdminPageForm):
    """Start, end and deadline are typed and shown in the event's time zone, stored in UTC."""

    time_fields = ("starts_at", "ends_at", "registration_deadline")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance is not None and instance.time_zone in zone_names():
            zone = zoneinfo.ZoneInfo(instance.time_zone)
            for name in self.time_fields:
                value = getattr(instance, name, None)
                if name in self.fields and value is not None:
                    self.initial[name] = value.astimezone(zone).replace(tzinfo=None)

    def clean(self) -> dict:
        cleaned = super().clean()
        zone_name = cleaned.get("time_zone")
        if zone_name not in zone_names():
            return cleaned
        for name in self.time_fields:
            value = cleaned.get(name)
            if value is None:
                continue
            # The field read the typed wall-clock time in the admin's zone: take it back out.
            wall = timezone.make_naive(value) if timezone.is_aware(value) else value
            try:
                cleaned[name] = wall_clock_to_utc(wall, zone_name)
            except ValueError:
                self.add_error(name, _("This time does not exist in %(zone)s (the clocks change then).")
                               % {"zone": zone_name})
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts and not self.has_error("ends_at"):
            self.add_error("ends_at", _("The event must end after it starts."))
        deadline = cleaned.get("registration_deadline")
        if deadline and starts and deadline > starts and not self.has_error("registration_deadline"):
            self.add_error("registration_deadline", _("Registration must close before the event starts."))
        return cleaned


class RegistrationCountsPanel(Panel):
    """On the event's edit page: confirmed, waiting, cancelled and attended, and a link to the list."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "events/admin/registration_counts.html"

        def get_context_data(self, parent_context=None) -> dict:
            from django.urls import reverse

            from samizdat.events.services import counts

            context = super().get_context_data(parent_context)
            if self.instance is not None and self.instance.pk:
                context["counts"] = counts(self.instance)
                url = reverse("event_registrations:index")
                context["registrants_url"] = f"{url}?event={self.instance.pk}"
            return context


class EventIndexPage(OutletPageMixin, RoutablePageMixin, Page):
    """/events/: upcoming events of this language first, then past ones; /events/calendar/ the feed.

    (Wagtail's URL pattern allows no dot in page paths, hence calendar/ rather than calendar.ics.)
    """

    intro = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["events.EventPage"]
    max_count_per_parent = 1
    show_in_menus_default = True

    class Meta:
        verbose_name = _("event index page")

    def events(self):
        from samizdat.core.routing import exclude_restricted

        events = EventPage.objects.child_of(self).live().public().filter(locale=self.locale_id)
        return exclude_restricted(events)

    @path("")
    def listing(self, request: HttpRequest) -> HttpResponse:
        from samizdat.core.pagination import paginate

        now = timezone.now()
        columns = ("id", "title", "url_path", "path", "depth", "locale", "summary", "starts_at", "ends_at",
                   "time_zone", "format", "venue", "language")
        events = self.events().only(*columns)
        upcoming = list(events.filter(ends_at__gte=now).order_by("starts_at", "pk"))
        past = paginate(request, events.filter(ends_at__lt=now).order_by("-starts_at", "-pk"))
        return self.render(request, context_overrides={"upcoming": upcoming, "past": past, "articles": past})

    @path("calendar/")
    def calendar(self, request: HttpRequest) -> HttpResponse:
        from samizdat.events import ical

        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        events = list(self.events().filter(ends_at__gte=timezone.now()).order_by("starts_at", "pk"))
        text = ical.feed(events, name=self.title, request=request)
        response = HttpResponse(text, content_type=CALENDAR_TYPE)
        response["Cache-Control"] = "max-age=300"
        return response

    def calendar_url(self) -> str:
        return self.url + self.reverse_subpage("calendar")


class EventPage(FormPageMixin, RoutablePageMixin, Page):
    """One event: details, the registration form, and the registrants' own pages."""

    class Format(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in_person", _("In person")
        HYBRID = "hybrid", _("In person and online")

    summary = models.TextField(_("summary"), blank=True, max_length=500,
                               help_text=_("One or two sentences for listings and calendars."))
    description = RichTextField(_("description"), blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default=default_time_zone,
                                 validators=[validate_time_zone],
                                 help_text=_("Where the organizers are, e.g. America/Los_Angeles. The times "
                                             "below are typed and shown in this zone."))
    starts_at = models.DateTimeField(_("starts"), help_text=_("In the event's time zone."))
    ends_at = models.DateTimeField(_("ends"), help_text=_("In the event's time zone."))
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default=Format.ONLINE)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True, max_length=500,
                               help_text=_("Street, city, country; readers get a link to a map of it."))
    join_url = models.URLField(_("join link"), blank=True, max_length=500,
                               help_text=_("Private: the video-call link. Only registrants see it, in their "
                                           "confirmation email and on their own registration page; never on "
                                           "the public page or calendar."))
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGES, default="en")
    organizers = models.CharField(_("organizers"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True,
                                           validators=[MinValueValidator(1)],
                                           help_text=_("Seats; leave empty for no limit."))
    waiting_list = models.BooleanField(_("waiting list"), default=True,
                                       help_text=_("When full, let people join a waiting list. Someone "
                                                   "who cancels is replaced by the first one waiting."))
    registration_deadline = models.DateTimeField(_("registration closes"), null=True, blank=True,
                                                 help_text=_("In the event's time zone; empty: at the "
                                                             "start."))
    thanks = models.TextField(_("thanks"), blank=True,
                              help_text=_("Shown to someone who has just registered."))

    base_form_class = EventPageForm
    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("description"),
        MultiFieldPanel([
            FieldPanel("time_zone", widget=forms.Select(choices=zone_choices)),
            FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        ], heading=_("When")),
        MultiFieldPanel([FieldPanel("format"), FieldPanel("venue"), FieldPanel("address"),
                         FieldPanel("join_url")], heading=_("Where")),
        FieldPanel("language"),
        FieldPanel("organizers"),
        MultiFieldPanel([FieldPanel("capacity"), FieldPanel("waiting_list"),
                         FieldPanel("registration_deadline"), FieldPanel("thanks")],
                        heading=_("Registration")),
        RegistrationCountsPanel(heading=_("Registrations")),
    ]
    parent_page_types = ["events.EventIndexPage"]
    subpage_types: list[str] = []
    rate_scope = "event"

    class Meta:
        verbose_name = _("event page")

    def clean(self) -> None:
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The event must end after it starts.")})

    @property
    def form_class(self) -> type:
        from samizdat.events.forms import RegistrationForm

        return RegistrationForm

    # ---------------------------------------------------------------- facts for templates

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone if self.time_zone in zone_names() else "UTC")

    @property
    def local_starts_at(self) -> datetime:
        return self.starts_at.astimezone(self.zone)

    @property
    def local_ends_at(self) -> datetime:
        return self.ends_at.astimezone(self.zone)

    @property
    def is_online(self) -> bool:
        return self.format in (self.Format.ONLINE, self.Format.HYBRID)

    @property
    def is_in_person(self) -> bool:
        return self.format in (self.Format.IN_PERSON, self.Format.HYBRID)

    @property
    def map_url(self) -> str:
        """A plain link to OpenStreetMap's search for the address (nothing is embedded)."""
        place = " ".join(part for part in (self.address or "").split())
        return "https://www.openstreetmap.org/search?" + urlencode({"query": place}) if place else ""

    def ics_url(self) -> str:
        return self.url + self.reverse_subpage("public_ics")

    def registration_path(self, token: str) -> str:
        return self.reverse_subpage("registration", kwargs={"token": token})

    def cancel_path(self, token: str) -> str:
        return self.reverse_subpage("cancel", kwargs={"token": token})

    # ---------------------------------------------------------------- serving

    def serve(self, request: HttpRequest, view=None, args=None, kwargs=None) -> HttpResponse:
        """The page itself through `event_view`; sub-routes through their own views.

        FormPageMixin.serve would ignore RoutablePageMixin's (view, args, kwargs), so the two
        are combined here explicitly.
        """
        if view is None:
            return self.event_view(request)
        return view(request, *(args or ()), **(kwargs or {}))

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        from samizdat.events.services import availability

        context = super().get_context(request, *args, **kwargs)
        context["availability"] = availability(self)
        return context

    @path("")
    def event_view(self, request: HttpRequest) -> HttpResponse:
        """GET shows the event and the form; POST registers (spam checks as on every public form)."""
        return FormPageMixin.serve(self, request)

    def accept(self, request: HttpRequest, form) -> HttpResponse | None:
        """Mail the address (a link to confirm, or a reminder of its registration); "check your email".

        The answer is the same whether the address is new, waiting for confirmation or registered,
        so the page tells nobody who has registered; only the mail, to the address itself, does.
        A refusal that holds for everyone (closed, full without a waiting list) goes back to the form.
        """
        from samizdat.core.templatetags.outlet_tags import request_site_name
        from samizdat.events import services

        try:
            services.register(self, form.cleaned_data, site_name=request_site_name(request))
        except services.RegistrationRefused as refusal:
            form.add_error(None, refusal.message)
        return None

    def _registration_or_404(self, request: HttpRequest, token: str):
        from samizdat.events.models import Registration

        registration = None
        if len(token) <= 64:
            registration = Registration.objects.filter(event=self, token=token).first()
        if registration is None:
            context = self.get_context(request)
            return None, TemplateResponse(request, "events/not_found.html", context, status=404)
        return registration, None

    @path("confirm/<str:token>/", name="confirm")
    def confirm_view(self, request: HttpRequest, token: str) -> HttpResponse:
        """The link in the first mail: GET shows a button (link scanners only GET), POST confirms.

        A confirmed registration goes to its own page (the join link is in the mail that follows).
        A tampered link is a 400, an expired one a 410, both on a page in the site's design.
        """
        from samizdat.core.templatetags.outlet_tags import request_site_name
        from samizdat.events import services

        if request.method not in ("GET", "HEAD", "POST"):
            return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
        context = self.get_context(request)
        try:
            registration = services.registration_for_confirm_token(self, token)
        except services.LinkExpired:
            context["link_error"] = "expired"
            return TemplateResponse(request, "events/confirm.html", context, status=410)
        except services.LinkInvalid:
            context["link_error"] = "invalid"
            return TemplateResponse(request, "events/confirm.html", context, status=400)
        own_page = self.url + self.registration_path(registration.token)
        if request.method == "POST":
            try:
                registration, outcome = services.confirm(registration, site_name=request_site_name(request))
            except services.RegistrationRefused as refusal:
                context.update(registration=registration, refusal=refusal.message)
                return TemplateResponse(request, "events/confirm.html", context, status=409)
            if outcome == services.Outcome.CONFIRMED:
                return HttpResponseRedirect(own_page + "?new=1")
        context.update(registration=registration, own_page=own_page)
        return TemplateResponse(request, "events/confirm.html", context)

    @path("calendar/", name="public_ics")
    def public_ics(self, request: HttpRequest) -> HttpResponse:
        """The event for calendar apps, without the join link."""
        from samizdat.events import ical

        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        response = HttpResponse(ical.event_calendar(self, request=request), content_type=CALENDAR_TYPE)
        response["Content-Disposition"] = 'attachment; filename="event.ics"'
        return response

    @path("registration/<str:token>/", name="registration")
    def registration_view(self, request: HttpRequest, token: str) -> HttpResponse:
        """The registrant's own page: status, join link when confirmed, their .ics, a cancel link."""
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        registration, missing = self._registration_or_404(request, token)
        if missing:
            return missing
        return self.render(request, template="events/registration.html", context_overrides={
            "registration": registration, "just_registered": request.GET.get("new") == "1",
            "ics_url": self.url + self.reverse_subpage("private_ics", kwargs={"token": token}),
            "cancel_url": self.url + self.cancel_path(token),
        })

    @path("registration/<str:token>/calendar/", name="private_ics")
    def private_ics(self, request: HttpRequest, token: str) -> HttpResponse:
        """The registrant's calendar entry, with the join link once their seat is confirmed."""
        from samizdat.events import ical

        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        registration, missing = self._registration_or_404(request, token)
        if missing:
            return missing
        if registration.status == Registration.Status.CANCELLED:
            raise Http404
        text = ical.event_calendar(self, request=request, registration=registration)
        response = HttpResponse(text, content_type=CALENDAR_TYPE)
        response["Content-Disposition"] = 'attachment; filename="event.ics"'
        return response

    @path("cancel/<str:token>/", name="cancel")
    def cancel_view(self, request: HttpRequest, token: str) -> HttpResponse:
        """GET asks to confirm (link scanners only GET), POST cancels."""
        from samizdat.core.templatetags.outlet_tags import request_site_name
        from samizdat.events import services

        if request.method not in ("GET", "HEAD", "POST"):
            return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
        registration, missing = self._registration_or_404(request, token)
        if missing:
            return missing
        if request.method == "POST":
            try:
                services.cancel(registration, site_name=request_site_name(request))
            except services.RegistrationRefused as refusal:
                return self.render(request, template="events/cancel.html", context_overrides={
                    "registration": registration, "refusal": refusal.message})
            return HttpResponseRedirect(self.url + self.cancel_path(token) + "?done=1")
        return self.render(request, template="events/cancel.html", context_overrides={
            "registration": registration, "done": request.GET.get("done") == "1"})


class Registration(models.Model):
    """Someone's seat (or place on the waiting list) at an event.

    A registration from the public form is pending until its address is confirmed (the link in
    the first mail); only then does it take a seat or a place on the waiting list. `created_at`
    is when it did (for a pending one: when the form was last sent). `email` is stored in
    `samizdat.core.emails.normalize_email`'s spelling, the key of one live registration per event.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("Waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(EventPage, on_delete=models.CASCADE, related_name="registrations",
                              verbose_name=_("event"))
    name = models.CharField(_("name"), max_length=200, validators=[spam.reject_control_characters])
    email = models.EmailField(_("email"), help_text=_("Stored in lower case, the domain in ASCII."))
    organization = models.CharField(_("organization"), max_length=200, blank=True,
                                    validators=[spam.reject_control_characters])
    country = models.CharField(_("country"), max_length=100, validators=[spam.reject_control_characters])
    language = models.CharField(_("site language"), max_length=10, blank=True,
                                help_text=_("The language of the site when they registered; their mail "
                                            "is written in it."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED,
                              editable=False)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("registered"), default=timezone.now, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)
    attended = models.BooleanField(_("attended"), default=False)
    reminder_day_sent_at = models.DateTimeField(_("day reminder sent"), null=True, blank=True, editable=False)
    reminder_hour_sent_at = models.DateTimeField(_("hour reminder sent"), null=True, blank=True,
                                                 editable=False)

    panels = [FieldPanel("event"), FieldPanel("name"), FieldPanel("email"), FieldPanel("organization"),
              FieldPanel("country"), FieldPanel("attended")]

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        constraints = [
            models.UniqueConstraint(Lower("email"), "event", condition=~models.Q(status="cancelled"),
                                    name="events_one_live_registration_per_email"),
        ]
        indexes = [models.Index(fields=["event", "status", "created_at"], name="events_reg_event_status")]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    def save(self, *args, **kwargs):
        self.email = normalize_email(self.email)
        return super().save(*args, **kwargs)

    def clean(self) -> None:
        """One live registration per email and event (the admin's form leaves status out of its checks)."""
        super().clean()
        self.email = normalize_email(self.email)
        if self.event_id and self.email and self.status != self.Status.CANCELLED:
            clash = Registration.objects.filter(event_id=self.event_id, email=self.email).exclude(
                status=self.Status.CANCELLED).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError({"email": _("Someone is already registered for this event with this "
                                                  "email address.")})

    def registration_url(self) -> str:
        return self.event.get_full_url() + self.event.registration_path(self.token)

    def cancel_url(self) -> str:
        return self.event.get_full_url() + self.event.cancel_path(self.token)
