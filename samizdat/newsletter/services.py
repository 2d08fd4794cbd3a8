"""Business rules for subscribers: an explicit state machine, double opt-in, bounces.

    subscribe    new → pending (mail with the confirm link); pending → pending (the link again,
                 lists and languages updated); unsubscribed, bounced, complained → pending;
                 confirmed stays confirmed (the mail says so, with the preferences link)
    confirm      pending → confirmed; confirmed: "already"; anything else: refused
    preferences  confirmed: lists and languages change; no list ticked → unsubscribed;
                 not confirmed with lists ticked → confirmed (the link proves the address)
    unsubscribe  pending, confirmed → unsubscribed; unsubscribed, bounced, complained: "already"
    bounce       hard → bounced, complaint → complained, soft → one more in a row (5 → bounced)

The subscribe page never says whether an address is subscribed: it always says "check your
email", and the mail tells the owner of the address what happened.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import Locale

from samizdat.core.emails import normalize_email
from samizdat.core.mail import send_outlet_mail
from samizdat.newsletter import links
from samizdat.newsletter.models import MailingList, Subscriber

Status = Subscriber.Status
Source = Subscriber.Source
SOFT_BOUNCE_LIMIT = 5
STOPPED = (Status.UNSUBSCRIBED, Status.BOUNCED, Status.COMPLAINED)


class Outcome(StrEnum):
    """What a request did, for the page or the mail to say."""

    SUBSCRIBED = "subscribed"  # a new pending subscriber
    RESENT = "resent"  # still pending: the link again
    SUBSCRIBED_AGAIN = "subscribed_again"  # had left or bounced: pending again
    ALREADY_SUBSCRIBED = "already_subscribed"  # confirmed before: nothing changes
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already_confirmed"
    NOT_CONFIRMABLE = "not_confirmable"  # unsubscribed/bounced/complained: subscribe again instead
    UPDATED = "updated"
    UNSUBSCRIBED = "unsubscribed"
    ALREADY_UNSUBSCRIBED = "already_unsubscribed"
    BOUNCED = "bounced"
    SOFT_BOUNCE = "soft_bounce"
    COMPLAINED = "complained"
    IGNORED = "ignored"  # a bounce for an address we do not have


class BounceKind(StrEnum):
    HARD = "hard"
    SOFT = "soft"
    COMPLAINT = "complaint"


def default_lists() -> list[MailingList]:
    """The lists a quick (footer) subscription gets: the preselected public ones, else all public."""
    public = list(MailingList.objects.filter(public=True))
    return [item for item in public if item.preselected] or public


def locales_for(codes: Iterable[str]) -> list[Locale]:
    """The Locale rows of these language codes (unknown codes are left out)."""
    return list(Locale.objects.filter(language_code__in=list(codes)))


def mail_language(subscriber: Subscriber) -> str:
    """The language a subscriber's mail is written in: the first they read, else the current one."""
    codes = sorted(locale.language_code for locale in subscriber.languages.all())
    current = translation.get_language() or settings.LANGUAGE_CODE
    if current in codes or not codes:
        return current
    return codes[0]


def _lock(email: str, defaults: dict) -> tuple[Subscriber, bool]:
    """The subscriber row of `email`, locked, created with `defaults` if new.

    Two requests creating the same address at once: get_or_create catches the unique
    constraint's IntegrityError and reads the winner's row.
    """
    return Subscriber.objects.select_for_update().get_or_create(email=email, defaults=defaults)


def _clear_bounces(subscriber: Subscriber) -> None:
    subscriber.soft_bounces = 0
    subscriber.bounce_reason = ""
    subscriber.bounced_at = None


def _confirm_now(subscriber: Subscriber) -> None:
    now = timezone.now()
    subscriber.status = Status.CONFIRMED
    subscriber.confirmed_at = now
    subscriber.consent_at = now
    subscriber.unsubscribed_at = None
    _clear_bounces(subscriber)


def confirmation_mail(subscriber: Subscriber, outcome: Outcome, page_url: str, site_name: str = "") -> None:
    """Queue (on commit) the mail with the confirm link, or "already subscribed" with preferences."""
    language = mail_language(subscriber)
    with translation.override(language):
        context = {
            "subscriber": subscriber, "outcome": str(outcome), "site_name": site_name,
            "lists": list(subscriber.lists.all()), "page_url": page_url,
            "confirm_url": links.confirm_url(subscriber.pk, page_url),
            "preferences_url": links.preferences_url(subscriber.pk, page_url),
        }
        if outcome == Outcome.ALREADY_SUBSCRIBED:
            subject = _("You are already subscribed to the newsletter")
        else:
            subject = _("Confirm your newsletter subscription")
        subject = str(subject)
    email = subscriber.email

    def deliver() -> None:
        with translation.override(language):
            send_outlet_mail(email, subject, "newsletter/mail/confirm", context)

    transaction.on_commit(deliver)


@transaction.atomic
def subscribe(email: str, languages: Iterable[Locale], lists: Iterable[MailingList], *,
              source: str = Source.FORM, source_detail: str = "", page_url: str,
              site_name: str = "") -> tuple[Subscriber, Outcome]:
    """Record a subscription request and mail the address (see the module docstring)."""
    email = normalize_email(email)
    languages, lists = list(languages), list(lists)
    subscriber, created = _lock(email, {"status": Status.PENDING, "source": source,
                                        "source_detail": source_detail[:255]})
    if created:
        outcome = Outcome.SUBSCRIBED
    elif subscriber.status == Status.CONFIRMED:
        outcome = Outcome.ALREADY_SUBSCRIBED
    else:
        outcome = Outcome.RESENT if subscriber.status == Status.PENDING else Outcome.SUBSCRIBED_AGAIN
        subscriber.status = Status.PENDING
        subscriber.source, subscriber.source_detail = source, source_detail[:255]
        subscriber.confirmed_at = None
        subscriber.save()
    if outcome != Outcome.ALREADY_SUBSCRIBED:
        subscriber.languages.set(languages)
        subscriber.lists.set(lists)
    confirmation_mail(subscriber, outcome, page_url, site_name)
    return subscriber, outcome


def _locked(subscriber_id: int) -> Subscriber:
    subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
    if subscriber is None:
        raise links.BadLink()
    return subscriber


@transaction.atomic
def confirm(subscriber_id: int) -> tuple[Subscriber, Outcome]:
    """Confirm a pending address (consent now, the source kept); BadLink if it no longer exists."""
    subscriber = _locked(subscriber_id)
    if subscriber.status == Status.CONFIRMED:
        return subscriber, Outcome.ALREADY_CONFIRMED
    if subscriber.status != Status.PENDING:
        return subscriber, Outcome.NOT_CONFIRMABLE
    _confirm_now(subscriber)
    subscriber.save()
    return subscriber, Outcome.CONFIRMED


@transaction.atomic
def update_preferences(subscriber: Subscriber, lists: Iterable[MailingList],
                       languages: Iterable[Locale]) -> Outcome:
    """Save the lists and languages from the preferences page.

    No list ticked unsubscribes; lists ticked by someone not subscribed subscribe them again,
    confirmed at once (the signed link proves they own the address).
    """
    subscriber = _locked(subscriber.pk)
    lists, languages = [item for item in lists if item.public], list(languages)
    if not lists:
        return _unsubscribe(subscriber)
    kept = list(subscriber.lists.filter(public=False))  # lists readers do not see stay as they are
    outcome = Outcome.UPDATED
    if subscriber.status != Status.CONFIRMED:
        _confirm_now(subscriber)
        subscriber.source, subscriber.source_detail = Source.FORM, _("Preferences page")
        subscriber.save()
        outcome = Outcome.CONFIRMED
    subscriber.lists.set(lists + kept)
    if languages:
        subscriber.languages.set(languages)
    return outcome


def _unsubscribe(subscriber: Subscriber) -> Outcome:
    if subscriber.status in STOPPED:
        return Outcome.ALREADY_UNSUBSCRIBED
    subscriber.status = Status.UNSUBSCRIBED
    subscriber.unsubscribed_at = timezone.now()
    subscriber.save()
    return Outcome.UNSUBSCRIBED


@transaction.atomic
def unsubscribe(subscriber: Subscriber | int) -> tuple[Subscriber, Outcome]:
    """Stop every mail to this address; idempotent ("already unsubscribed")."""
    subscriber = _locked(subscriber if isinstance(subscriber, int) else subscriber.pk)
    return subscriber, _unsubscribe(subscriber)


@transaction.atomic
def record_bounce(email: str, kind: str, reason: str = "") -> Outcome:
    """Record a bounce or complaint report for `email`; IGNORED for an address we do not have.

    Hard bounces and complaints stop all sends at once; soft bounces do after five in a row.
    """
    kind = BounceKind(kind)
    subscriber = Subscriber.objects.select_for_update().filter(email=normalize_email(email)).first()
    if subscriber is None:
        return Outcome.IGNORED
    subscriber.bounced_at = timezone.now()
    subscriber.bounce_reason = reason[:255]
    if kind == BounceKind.COMPLAINT:
        subscriber.status, outcome = Status.COMPLAINED, Outcome.COMPLAINED
    elif kind == BounceKind.HARD:
        subscriber.status, outcome = Status.BOUNCED, Outcome.BOUNCED
    else:
        subscriber.soft_bounces += 1
        outcome = Outcome.SOFT_BOUNCE
        if subscriber.soft_bounces >= SOFT_BOUNCE_LIMIT and subscriber.status != Status.COMPLAINED:
            subscriber.status, outcome = Status.BOUNCED, Outcome.BOUNCED
    subscriber.save()
    return outcome


@transaction.atomic
def subscribe_from_letter(signature) -> Subscriber | None:
    """Subscribe the confirmed signer of an open letter who ticked "Send me the newsletter".

    The letter's own double opt-in just confirmed the address, so the subscriber is confirmed
    at once, on the default lists, reading the language they signed in. Someone who left,
    bounced or complained is never subscribed again this way; None when nothing was done.
    """
    if not signature.newsletter_opt_in or signature.status != "confirmed":
        return None
    email = normalize_email(signature.email)
    detail = str(signature.letter.title)[:255]
    subscriber, created = _lock(email, {"status": Status.PENDING, "source": Source.LETTER,
                                        "source_detail": detail})
    if subscriber.status in STOPPED:
        return None
    if subscriber.status == Status.PENDING:
        _confirm_now(subscriber)
        subscriber.source, subscriber.source_detail = Source.LETTER, detail
        subscriber.save()
    lists = default_lists()
    subscriber.lists.add(*lists)
    languages = locales_for([signature.language or settings.LANGUAGE_CODE])
    if languages and (created or not subscriber.languages.exists()):
        subscriber.languages.add(*languages)
    return subscriber
