"""Business rules for events: registering, the waiting list, cancelling, reminders.

A registration's status moves only along TRANSITIONS (pending / confirmed / waiting / cancelled).
The public form makes a pending registration and mails a signed link to the address (as letters
do); following it confirms the address, and only then does the registration take a seat, or a
place on the waiting list, and get the mail with the join link and the .ics. Pending ones hold
no seat. The form's answer is the same for a new, a pending and a registered address: a pending
one gets the link again, a registered one a reminder of its registration; only the mail, to the
address itself, says which. Seats are counted with the event's row locked, so two people
confirming at once can't both take the last seat.

Reminders go out 24 hours and 1 hour before the start, each exactly once: every message is
sent synchronously inside its own transaction that holds the registration's row and marks it
sent; a crash between the mail server's answer and the commit resends at most that one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samizdat.core import tokens
from samizdat.core.emails import normalize_email
from samizdat.core.mail import deliver_mail, send_outlet_mail
from samizdat.events.models import EventPage, Registration

logger = logging.getLogger(__name__)

CONFIRM_MAX_AGE = 7 * 24 * 60 * 60
CONFIRM_SALT = "samizdat.events.confirm"

Status = Registration.Status

TRANSITIONS: dict[str | None, set[str]] = {
    None: {Status.PENDING},
    Status.PENDING: {Status.CONFIRMED, Status.WAITING, Status.CANCELLED},
    Status.WAITING: {Status.CONFIRMED, Status.CANCELLED},
    Status.CONFIRMED: {Status.CANCELLED},
    Status.CANCELLED: set(),
}

REMINDERS = {
    # kind: (flag field, how long before the start the window opens)
    "day": ("reminder_day_sent_at", timedelta(hours=24)),
    "hour": ("reminder_hour_sent_at", timedelta(hours=1)),
}


class RegistrationRefused(Exception):
    """A registration or cancellation that the rules don't allow; `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Outcome(StrEnum):
    """What a request did, for the view to answer and the mail to say."""

    NEW = "new"  # a new pending registration: the link to confirm it
    RESENT = "resent"  # still pending: the link again, with the details just sent
    ALREADY_REGISTERED = "already_registered"  # confirmed or waiting: a reminder, nothing changes
    CONFIRMED = "confirmed"  # pending → a seat or a place on the waiting list
    ALREADY_CONFIRMED = "already_confirmed"  # the link again after confirming: nothing changes
    NOT_CONFIRMABLE = "not_confirmable"  # cancelled: register again instead


class LinkInvalid(Exception):
    """A tampered, truncated or foreign confirmation link, or one whose registration is gone."""


class LinkExpired(Exception):
    """A confirmation link older than CONFIRM_MAX_AGE of a registration still pending."""


class InvalidTransition(Exception):
    """A status change outside TRANSITIONS: a programming error, never a reader's."""


def move(registration: Registration, status: str, now: datetime | None = None) -> None:
    """Change the registration's status (unsaved), following TRANSITIONS."""
    current = registration.status if registration.pk else None
    if status not in TRANSITIONS[current]:
        raise InvalidTransition(f"{current} → {status}")
    registration.status = status
    if status == Status.CANCELLED:
        registration.cancelled_at = now or timezone.now()


@dataclass(frozen=True)
class Availability:
    """What the event page shows about seats and whether the form is open."""

    confirmed: int
    waiting: int
    seats_left: int | None  # None: no limit
    closed_reason: str  # empty when registration is open
    full: bool

    @property
    def is_open(self) -> bool:
        return not self.closed_reason

    @property
    def joins_waiting_list(self) -> bool:
        return self.is_open and self.full


def counts(event: EventPage) -> dict[str, int]:
    """Pending, confirmed, waiting, cancelled and attended registrations, in one query."""
    return event.registrations.aggregate(
        pending=Count("pk", filter=Q(status=Status.PENDING)),
        confirmed=Count("pk", filter=Q(status=Status.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=Status.WAITING)),
        cancelled=Count("pk", filter=Q(status=Status.CANCELLED)),
        attended=Count("pk", filter=Q(attended=True)),
    )


def closed_reason(event: EventPage, now: datetime | None = None) -> str:
    """Why nobody can register now ("" if they can), leaving capacity aside."""
    now = now or timezone.now()
    if now >= event.ends_at:
        return _("This event is over.")
    if now >= event.starts_at:
        return _("This event has started; registration is closed.")
    if event.registration_deadline and now >= event.registration_deadline:
        return _("Registration for this event has closed.")
    return ""


def availability(event: EventPage, now: datetime | None = None) -> Availability:
    found = counts(event) if event.pk else {"confirmed": 0, "waiting": 0}
    seats_left = None if event.capacity is None else max(event.capacity - found["confirmed"], 0)
    full = seats_left == 0
    reason = closed_reason(event, now) if event.starts_at and event.ends_at else ""
    if not reason and full and not event.waiting_list:
        reason = _("This event is full.")
    return Availability(found["confirmed"], found["waiting"], seats_left, reason, full)


def _lock(event: EventPage) -> EventPage:
    """The event, re-read with its row locked until the transaction ends (PostgreSQL)."""
    return EventPage.objects.select_for_update(of=("self",)).get(pk=event.pk) \
        if _supports_lock_of() else EventPage.objects.select_for_update().get(pk=event.pk)


def _supports_lock_of() -> bool:
    from django.db import connection

    return connection.features.has_select_for_update_of


def _live_registration(event: EventPage, email: str) -> Registration | None:
    """The one registration of `email` (normalized) that is not cancelled, locked."""
    live = event.registrations.select_for_update().exclude(status=Status.CANCELLED)
    return live.filter(email=email).first()


def _refusal(event: EventPage, now: datetime) -> str:
    """Why nobody may register or confirm now ("" if they may); the event row must be locked."""
    reason = closed_reason(event, now)
    if not reason and not event.waiting_list and event.capacity is not None:
        if event.registrations.filter(status=Status.CONFIRMED).count() >= event.capacity:
            reason = _("This event is full.")
    return reason


def register(event: EventPage, data: dict, site_name: str = "",
             now: datetime | None = None) -> tuple[Registration, Outcome]:
    """Record a pending registration (or find this address's) and mail the address after commit.

    New address: a pending registration and a mail with the link to confirm it. Pending: its
    details are replaced and the link is sent again. Confirmed or waiting: nothing changes; the
    mail reminds them of their registration, with their cancel link.
    Raises RegistrationRefused, for every address alike, when registration is closed or the
    event is full without a waiting list.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = _lock(event)
        reason = _refusal(event, now)
        if reason:
            raise RegistrationRefused(reason)
        email = normalize_email(data["email"])
        details = {
            "name": data["name"].strip(), "organization": (data.get("organization") or "").strip(),
            "country": (data.get("country") or "").strip(),
            "language": translation.get_language() or settings.LANGUAGE_CODE,
        }
        registration = _live_registration(event, email)
        if registration is None:
            registration = Registration(event=event, email=email, created_at=now, **details)
            move(registration, Status.PENDING)
            try:
                with transaction.atomic():
                    registration.save()
            except IntegrityError:  # the same address at the same moment (no row lock on SQLite)
                registration = _live_registration(event, email)
                if registration is None:
                    raise
                outcome = Outcome.ALREADY_REGISTERED
            else:
                outcome = Outcome.NEW
        else:
            outcome = Outcome.ALREADY_REGISTERED
        if outcome == Outcome.ALREADY_REGISTERED and registration.status == Status.PENDING:
            for field, value in details.items():
                setattr(registration, field, value)
            registration.created_at = now
            registration.save(update_fields=[*details, "created_at"])
            outcome = Outcome.RESENT
        kind = "already" if outcome == Outcome.ALREADY_REGISTERED else "confirm"
        transaction.on_commit(lambda: send_registration_mail(registration, kind, site_name))
    return registration, outcome


def confirm(registration: Registration, site_name: str = "",
            now: datetime | None = None) -> tuple[Registration, Outcome]:
    """Confirm a pending registration's address: a seat, or a place on the waiting list.

    The confirmation (join link, .ics) or waiting-list mail goes out after commit. Again is a
    no-op (ALREADY_CONFIRMED); a cancelled one is NOT_CONFIRMABLE. Raises RegistrationRefused
    (it stays pending) when registration has closed since, or the event filled up without a
    waiting list.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = _lock(registration.event)
        registration = Registration.objects.select_for_update().filter(pk=registration.pk).first()
        if registration is None:
            raise LinkInvalid
        if registration.status == Status.CANCELLED:
            return registration, Outcome.NOT_CONFIRMABLE
        if registration.status != Status.PENDING:
            return registration, Outcome.ALREADY_CONFIRMED
        reason = _refusal(event, now)
        if reason:
            raise RegistrationRefused(reason)
        confirmed = event.registrations.filter(status=Status.CONFIRMED).count()
        move(registration, Status.CONFIRMED if event.capacity is None or confirmed < event.capacity
             else Status.WAITING)
        registration.created_at = now
        registration.save(update_fields=["status", "created_at"])
        kind = "confirmation" if registration.status == Status.CONFIRMED else "waiting"
        transaction.on_commit(lambda: send_registration_mail(registration, kind, site_name))
    return registration, Outcome.CONFIRMED


# -------------------------------------------------------------------- confirmation links

def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=CONFIRM_SALT)


def confirm_token(registration: Registration) -> str:
    """A link token that confirms this registration for CONFIRM_MAX_AGE.

    (see core.tokens for how it fits in a page address).
    """
    return tokens.to_route(_signer().sign(f"{registration.pk}-{registration.event_id}"))


def _registration(event: EventPage, value: str) -> Registration:
    parts = value.split("-")
    if len(parts) != 2 or not all(part.isascii() and part.isdigit() for part in parts):
        raise LinkInvalid
    registration_id, event_id = (int(part) for part in parts)
    registration = Registration.objects.filter(pk=registration_id, event_id=event.pk).first() \
        if event_id == event.pk else None
    if registration is None:
        raise LinkInvalid
    return registration


def registration_for_confirm_token(event: EventPage, token: str) -> Registration:
    """The registration a confirmation link of `event` stands for.

    Raises LinkInvalid (tampered, another event's, deleted) or LinkExpired; an expired link of a
    registration that is no longer pending still finds it, so the page can say where it stands.
    """
    signed = tokens.from_route(token, timestamped=True) if len(token) <= 200 else ""
    signer = _signer()
    try:
        value = signer.unsign(signed, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        registration = _registration(event, signer.unsign(signed))
        if registration.status == Status.PENDING:
            raise LinkExpired from None
        return registration
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkInvalid from None
    return _registration(event, value)


def confirm_url(registration: Registration) -> str:
    event = registration.event
    token = confirm_token(registration)
    return event.get_full_url() + event.reverse_subpage("confirm", kwargs={"token": token})


def cancel(registration: Registration, site_name: str = "",
           now: datetime | None = None) -> Registration | None:
    """Cancel a registration (again is a no-op); a freed seat goes to the first one waiting.

    Returns the promoted registration, if any. Refused once the event has started.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = _lock(registration.event)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Status.CANCELLED:
            return None
        if now >= event.starts_at:
            raise RegistrationRefused(_("The event has already started, so there is nothing to cancel."))
        move(registration, Status.CANCELLED, now)
        registration.save(update_fields=["status", "cancelled_at"])
        transaction.on_commit(lambda: send_registration_mail(registration, "cancelled", site_name))
        promoted = _promote_first_waiting(event)
        if promoted is not None:
            transaction.on_commit(lambda: send_registration_mail(promoted, "promoted", site_name))
        return promoted


def fill_freed_seats(event: EventPage, site_name: str = "",
                     now: datetime | None = None) -> list[Registration]:
    """After editors raise the capacity (or turn it off), confirm those waiting, first come first served."""
    now = now or timezone.now()
    promoted: list[Registration] = []
    with transaction.atomic():
        event = _lock(event)
        if now >= event.starts_at:
            return promoted
        while (registration := _promote_first_waiting(event)) is not None:
            promoted.append(registration)
        for registration in promoted:
            transaction.on_commit(lambda r=registration: send_registration_mail(r, "promoted", site_name))
    return promoted


def _promote_first_waiting(event: EventPage) -> Registration | None:
    """Confirm the longest-waiting registrant if a seat is free (the event row must be locked)."""
    confirmed = event.registrations.filter(status=Status.CONFIRMED).count()
    if event.capacity is not None and confirmed >= event.capacity:
        return None
    first = event.registrations.filter(status=Status.WAITING).order_by("created_at", "pk").first()
    if first is None:
        return None
    move(first, Status.CONFIRMED)
    first.save(update_fields=["status"])
    return first


# -------------------------------------------------------------------- mail

SUBJECTS = {
    "confirm": gettext_lazy("Confirm your registration: %(title)s"),
    "already": gettext_lazy("You are already registered: %(title)s"),
    "confirmation": gettext_lazy("You are registered: %(title)s"),
    "waiting": gettext_lazy("You are on the waiting list: %(title)s"),
    "promoted": gettext_lazy("A seat is yours: %(title)s"),
    "cancelled": gettext_lazy("Registration cancelled: %(title)s"),
    "reminder_day": gettext_lazy("Tomorrow: %(title)s"),
    "reminder_hour": gettext_lazy("In one hour: %(title)s"),
}
WITH_JOIN_LINK = {"confirmation", "promoted", "reminder_day", "reminder_hour"}


def _message(registration: Registration, kind: str, site_name: str) -> tuple[str, str, list]:
    """Subject, text and attachments of one mail, in the registrant's language."""
    from samizdat.core.templatetags.outlet_tags import site_name as outlet_site_name
    from samizdat.events import ical

    event = registration.event
    with translation.override(registration.language or settings.LANGUAGE_CODE):
        context = {
            "registration": registration, "event": event,
            "site_name": site_name or outlet_site_name(event.get_site()),
            "kind": kind, "join_url": event.join_url if kind in WITH_JOIN_LINK else "",
            "event_url": event.get_full_url(), "registration_url": registration.registration_url(),
            "cancel_url": registration.cancel_url(),
            "confirm_url": confirm_url(registration) if kind == "confirm" else "",
        }
        subject = str(SUBJECTS[kind]) % {"title": event.title}
        text = render_to_string(f"events/mail/{kind.split('_')[0]}.txt", context)
        attachments = []
        if kind in WITH_JOIN_LINK:
            attachments.append(("event.ics", ical.event_calendar(event, registration=registration),
                                "text/calendar"))
    return subject, text, attachments


def send_registration_mail(registration: Registration, kind: str, site_name: str = "") -> None:
    """Enqueue one mail about a registration (call inside transaction.on_commit)."""
    subject, text, attachments = _message(registration, kind, site_name)
    with translation.override(registration.language or settings.LANGUAGE_CODE):
        send_outlet_mail(registration.email, subject, "events/mail/plain", {"text": text},
                         attachments=attachments)


# -------------------------------------------------------------------- reminders

def due_reminders(kind: str, now: datetime):
    """Confirmed registrations whose `kind` reminder is due and not yet sent.

    Due: the event starts within the window (24 h or 1 h) and the person registered before the
    window opened (their confirmation is fresher than a reminder would be). The day reminder
    is skipped once the hour window is open, so nobody gets both at once.
    """
    field, lead = REMINDERS[kind]
    queryset = Registration.objects.filter(
        status=Status.CONFIRMED, event__live=True, event__starts_at__gt=now,
        event__starts_at__lte=now + lead, created_at__lt=F("event__starts_at") - lead,
        **{f"{field}__isnull": True},
    )
    if kind == "day":
        queryset = queryset.filter(event__starts_at__gt=now + REMINDERS["hour"][1])
    return queryset.order_by("event__starts_at", "pk")


def _deliver(registration: Registration, kind: str) -> None:
    """Send one reminder now, through the same mail helper as every other message (not queued)."""
    subject, text, attachments = _message(registration, f"reminder_{kind}", "")
    deliver_mail.call([registration.email], subject, text, None, [], attachments)


def send_due_reminders(now: datetime | None = None) -> int:
    """Send every due reminder, each in its own transaction; returns how many went out.

    Rows another worker holds are skipped (it is sending them); a failed send leaves the row
    unmarked for the next run.
    """
    now = now or timezone.now()
    sent = 0
    for kind, (field, _lead) in REMINDERS.items():
        for pk in list(due_reminders(kind, now).values_list("pk", flat=True)):
            try:
                with transaction.atomic():
                    locked = Registration.objects.select_for_update(skip_locked=True).filter(
                        pk=pk, status=Status.CONFIRMED, **{f"{field}__isnull": True},
                    ).first()
                    if locked is None:
                        continue
                    _deliver(locked, kind)
                    setattr(locked, field, timezone.now())
                    locked.save(update_fields=[field])
                    sent += 1
            except Exception:
                logger.exception("Could not send the %s reminder for registration %s", kind, pk)
    return sent
