"""Business rules for signatures: an explicit state machine, signed links, the exact count.

    sign      new → pending, pending → pending (the link again), withdrawn → pending;
              confirmed stays confirmed (the mail says so; nothing changes)
    confirm   pending → confirmed (count +1); confirmed: "already confirmed"; withdrawn: refused
    withdraw  pending → withdrawn, confirmed → withdrawn (count -1); withdrawn: "already withdrawn"

Every transition locks the signature row and moves the letter's `signature_count` with an F()
update in the same transaction, so the count is exact however many people confirm at once.
The page never says whether an address has signed (that would reveal private signatures):
it always says "check your email", and the mail tells the owner of the address what happened.
"""

from __future__ import annotations

from enum import StrEnum

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from samizdat.core import tokens
from samizdat.core.emails import normalize_email
from samizdat.core.mail import send_outlet_mail
from samizdat.letters.models import LetterPage, Signature

CONFIRM_MAX_AGE = 7 * 24 * 60 * 60
CONFIRM_SALT = "samizdat.letters.confirm"
WITHDRAW_SALT = "samizdat.letters.withdraw"

Status = Signature.Status


class Event(StrEnum):
    SIGN = "sign"
    CONFIRM = "confirm"
    WITHDRAW = "withdraw"


class Outcome(StrEnum):
    """What a request did, for the page or the mail to say."""

    SIGNED = "signed"  # a new pending signature
    RESENT = "resent"  # still pending: the link again
    SIGNED_AGAIN = "signed_again"  # was withdrawn, pending again
    ALREADY_SIGNED = "already_signed"  # confirmed before: nothing changes
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already_confirmed"
    NOT_CONFIRMABLE = "not_confirmable"  # withdrawn: sign again instead
    WITHDRAWN = "withdrawn"
    ALREADY_WITHDRAWN = "already_withdrawn"


# (event, current status) → (new status, outcome); a missing pair means "no change", outcome in STAY.
TRANSITIONS: dict[tuple[Event, str], tuple[str, Outcome]] = {
    (Event.SIGN, Status.PENDING): (Status.PENDING, Outcome.RESENT),
    (Event.SIGN, Status.WITHDRAWN): (Status.PENDING, Outcome.SIGNED_AGAIN),
    (Event.CONFIRM, Status.PENDING): (Status.CONFIRMED, Outcome.CONFIRMED),
    (Event.WITHDRAW, Status.PENDING): (Status.WITHDRAWN, Outcome.WITHDRAWN),
    (Event.WITHDRAW, Status.CONFIRMED): (Status.WITHDRAWN, Outcome.WITHDRAWN),
}
STAY: dict[tuple[Event, str], Outcome] = {
    (Event.SIGN, Status.CONFIRMED): Outcome.ALREADY_SIGNED,
    (Event.CONFIRM, Status.CONFIRMED): Outcome.ALREADY_CONFIRMED,
    (Event.CONFIRM, Status.WITHDRAWN): Outcome.NOT_CONFIRMABLE,
    (Event.WITHDRAW, Status.WITHDRAWN): Outcome.ALREADY_WITHDRAWN,
}


class LinkInvalid(Exception):
    """A tampered, truncated or foreign link, or one whose signature no longer exists."""


class LinkExpired(Exception):
    """A confirmation link older than seven days."""


def _move(signature: Signature, event: Event) -> Outcome:
    """Apply `event` to a locked signature: status, timestamps and the letter's count."""
    key = (event, signature.status)
    if key in STAY:
        return STAY[key]
    new_status, outcome = TRANSITIONS[key]
    delta = (new_status == Status.CONFIRMED) - (signature.status == Status.CONFIRMED)
    now = timezone.now()
    signature.status = new_status
    if new_status == Status.CONFIRMED:
        signature.confirmed_at = now
    elif new_status == Status.WITHDRAWN:
        signature.withdrawn_at = now
    else:
        signature.confirmed_at = None
    signature.save()
    if delta:
        LetterPage.objects.filter(pk=signature.letter_id).update(signature_count=F("signature_count") + delta)
    return outcome


def _signer(purpose: str) -> signing.Signer:
    if purpose == "confirm":
        return signing.TimestampSigner(salt=CONFIRM_SALT)
    return signing.Signer(salt=WITHDRAW_SALT)


def _to_url(signed: str) -> str:
    return tokens.to_route(signed)


def _from_url(token: str, purpose: str) -> str:
    return tokens.from_route(token, timestamped=purpose == "confirm")


def _value(signature: Signature) -> str:
    return f"{signature.pk}-{signature.letter_id}"


def confirm_token(signature: Signature) -> str:
    """A link token that confirms this signature for seven days."""
    return _to_url(_signer("confirm").sign(_value(signature)))


def withdraw_token(signature: Signature) -> str:
    """A link token that withdraws this signature; it does not expire."""
    return _to_url(_signer("withdraw").sign(_value(signature)))


def _signature(letter: LetterPage, value: str) -> Signature:
    parts = value.split("-")
    if len(parts) != 2 or not all(part.isascii() and part.isdigit() for part in parts):
        raise LinkInvalid
    signature_id, letter_id = (int(part) for part in parts)
    signature = Signature.objects.filter(pk=signature_id, letter_id=letter.pk).first() \
        if letter_id == letter.pk else None
    if signature is None:
        raise LinkInvalid
    return signature


def signature_for_token(letter: LetterPage, token: str, purpose: str) -> Signature:
    """The signature a confirm or withdraw link of `letter` stands for.

    Raises LinkInvalid (tampered, other letter, deleted) or LinkExpired; an expired confirmation
    link of a signature that is already confirmed still finds it, so the page can say so.
    """
    signer = _signer(purpose)
    token = _from_url(token, purpose)
    try:
        if purpose == "confirm":
            value = signer.unsign(token, max_age=CONFIRM_MAX_AGE)
        else:
            value = signer.unsign(token)
    except signing.SignatureExpired:
        signature = _signature(letter, signer.unsign(token))
        if signature.status != Status.CONFIRMED:
            raise LinkExpired from None
        return signature
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkInvalid from None
    return _signature(letter, value)


def _links(letter: LetterPage, page_url: str, signature: Signature) -> dict[str, str]:
    base = page_url.rstrip("/") + "/"
    confirm = letter.reverse_subpage("confirm", kwargs={"token": confirm_token(signature)})
    withdraw = letter.reverse_subpage("withdraw", kwargs={"token": withdraw_token(signature)})
    return {"confirm_url": base + confirm, "withdraw_url": base + withdraw, "letter_url": base}


@transaction.atomic
def sign(letter: LetterPage, data: dict, *, page_url: str, site_name: str = "",
         language: str | None = None, shown: LetterPage | None = None) -> tuple[Signature, Outcome]:
    """Record a signature as pending (or find the one this address made) and mail the address.

    `letter` holds the signatures (the original, see LetterPage.signed_letter); `shown` is the
    translation the reader signed, whose title and address (`page_url`) the mail uses.
    `data` is a SignatureForm's cleaned_data.
    One row per address and letter: signing again re-sends the link, or after a withdrawal
    makes the signature pending again with the new details.
    """
    email = normalize_email(data["email"])
    details = {
        "name": data["name"], "organization": data.get("organization", ""), "role": data.get("role", ""),
        "city": data.get("city", ""), "country": data.get("country", ""),
        "is_public": bool(data.get("is_public")), "newsletter_opt_in": bool(data.get("newsletter_opt_in")),
        "language": language or get_language() or settings.LANGUAGE_CODE,
    }
    signature, created = Signature.objects.select_for_update().get_or_create(
        letter=letter, email=email, defaults=details,
    )
    if created:
        outcome = Outcome.SIGNED
    else:
        if signature.status != Status.CONFIRMED:
            for field, value in details.items():
                setattr(signature, field, value)
        outcome = _move(signature, Event.SIGN)
    shown = shown or letter
    context = {"signature": signature, "letter": shown, "site_name": site_name, "outcome": str(outcome),
               **_links(shown, page_url, signature)}
    if outcome == Outcome.ALREADY_SIGNED:
        subject = _("You have already signed: %(title)s") % {"title": shown.title}
    else:
        subject = _("Confirm your signature: %(title)s") % {"title": shown.title}
    transaction.on_commit(lambda: send_outlet_mail(email, subject, "letters/mail/confirm", context))
    return signature, outcome


@transaction.atomic
def confirm(signature_id: int) -> tuple[Signature, Outcome]:
    """Confirm a pending signature (count +1); idempotent for a confirmed one."""
    signature = Signature.objects.select_for_update().filter(pk=signature_id).first()
    if signature is None:
        raise LinkInvalid
    outcome = _move(signature, Event.CONFIRM)
    if outcome == Outcome.CONFIRMED and signature.newsletter_opt_in:
        from samizdat.newsletter.services import subscribe_from_letter

        subscribe_from_letter(signature)  # the letter's double opt-in confirmed the address
    return signature, outcome


@transaction.atomic
def withdraw(signature_id: int) -> tuple[Signature, Outcome]:
    """Withdraw a signature (count -1 if it was confirmed); idempotent for a withdrawn one."""
    signature = Signature.objects.select_for_update().filter(pk=signature_id).first()
    if signature is None:
        raise LinkInvalid
    return signature, _move(signature, Event.WITHDRAW)


def recount(letter: LetterPage) -> int:
    """Set the letter's count from its confirmed rows (a repair tool; the services keep it exact)."""
    count = letter.signatures.filter(status=Status.CONFIRMED).count()
    LetterPage.objects.filter(pk=letter.pk).update(signature_count=count)
    return count
