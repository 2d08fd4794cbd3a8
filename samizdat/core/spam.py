"""Spam protection for public forms, without third-party captchas.

Three layers, shared by every form readers can post:

1. a honeypot field, hidden from people and labelled "leave empty": a filled one means a bot,
   and the submission is dropped silently (the bot sees the normal thank-you);
2. a signed timestamp (``TimestampSigner``): forms sent back faster than a person could fill
   them in, or more than a day later, or with a tampered token, get a clear form error;
3. a per-IP rate limit counted in the database under a salted SHA-256 of the address (no address
   is stored), atomically: over the limit the page answers 429 with the form and what the reader
   typed, and stores nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import time
import unicodedata
from enum import StrEnum

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

HONEYPOT_FIELD = "website"
TIMESTAMP_FIELD = "started"
MIN_SECONDS = 2
MAX_AGE_SECONDS = 24 * 60 * 60
RATE_LIMIT = 5
RATE_WINDOW_SECONDS = 10 * 60
ALLOWED_CONTROL = {"\n", "\r", "\t"}


class _Signer(signing.TimestampSigner):
    """A TimestampSigner whose clock can be set (tests make tokens issued in the past)."""

    def __init__(self, at: float | None = None) -> None:
        super().__init__(salt="samizdat.core.spam")
        self.at = at

    def timestamp(self) -> str:
        if self.at is None:
            return super().timestamp()
        return signing.b62_encode(int(self.at))


def timestamp_token(form_name: str, at: float | None = None) -> str:
    """A signed token saying when `form_name` was handed out (now, or at the Unix time `at`)."""
    return _Signer(at).sign(form_name)


def token_age(token: str, form_name: str) -> float | None:
    """Seconds since the token was issued, or None if it is forged, for another form or expired."""
    signer = _Signer()
    try:
        value = signer.unsign(token, max_age=MAX_AGE_SECONDS)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if value != form_name:
        return None
    issued = signing.b62_decode(token.rsplit(signer.sep, 2)[1])
    return time.time() - issued


def reject_control_characters(value: str) -> None:
    """Validator: no control characters in a single-line field (names, subjects)."""
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise ValidationError(_("Remove the control characters from this field."), code="control")


def reject_control_characters_multiline(value: str) -> None:
    """Validator for text areas: line breaks and tabs are fine, other control characters are not."""
    if any(unicodedata.category(char) == "Cc" and char not in ALLOWED_CONTROL for char in value):
        raise ValidationError(_("Remove the control characters from this field."), code="control")


class SpamProtectedForm(forms.Form):
    """Base form adding the honeypot and the signed timestamp.

    A bound form re-renders with a fresh timestamp, so a reader who is told to submit again
    (or who fixes another error) keeps what they typed and can simply resend.
    """

    spam_form_name = "form"

    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *args, **kwargs) -> None:
        self.submitted_token = None
        if data is not None:
            self.submitted_token = data.get(TIMESTAMP_FIELD)
            data = data.copy()
            data[TIMESTAMP_FIELD] = timestamp_token(self.spam_form_name)
        super().__init__(data, *args, **kwargs)
        if data is None:
            self.initial[TIMESTAMP_FIELD] = timestamp_token(self.spam_form_name)

    def honeypot_filled(self) -> bool:
        """Whether a bot filled the hidden field (checked before validation)."""
        return bool(self.data.get(HONEYPOT_FIELD, "").strip()) if self.is_bound else False

    def clean(self) -> dict:
        cleaned = super().clean()
        age = token_age(self.submitted_token or "", self.spam_form_name)
        minimum = getattr(settings, "SPAM_MIN_SECONDS", MIN_SECONDS)
        if age is None or age < minimum:
            raise ValidationError(
                _("Sorry, we could not accept the form as sent: please submit the form again."),
                code="timestamp",
            )
        return cleaned


def client_ip(request: HttpRequest) -> str:
    """The reader's address: REMOTE_ADDR, or behind our TLS proxy the hop the proxy added.

    The proxy appends the address it saw to X-Forwarded-For, so the last entry is the one we
    trust; anything before it is whatever the client claimed. Garbage falls back to REMOTE_ADDR.
    """
    address = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            address = hops[-1]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return request.META.get("REMOTE_ADDR", "") or "unknown"


def _rate_key(request: HttpRequest, scope: str) -> str:
    salted = f"{settings.SECRET_KEY}:{client_ip(request)}".encode()
    return f"{scope[:30]}:{hashlib.sha256(salted).hexdigest()}"


def _limit() -> int:
    return getattr(settings, "SPAM_RATE_LIMIT", RATE_LIMIT)


def over_limit(request: HttpRequest, scope: str) -> bool:
    """Whether this address has already used up its submissions of `scope` in the window (a cheap
    early look; `claim_submission` is the check that counts)."""
    from samizdat.core.models import SubmissionWindow

    since = timezone.now() - datetime.timedelta(seconds=RATE_WINDOW_SECONDS)
    return SubmissionWindow.objects.filter(
        key=_rate_key(request, scope), started_at__gt=since, count__gte=_limit()
    ).exists()


def claim_submission(request: HttpRequest, scope: str) -> bool:
    """Count one submission of `scope` from this address, unless it has used up the window's
    allowance: True if counted (go ahead), False if over the limit (store nothing).

    Atomic across processes and hosts: the address's row is locked while it is read and counted.
    The window starts at the first submission and lasts RATE_WINDOW_SECONDS.
    """
    from samizdat.core.models import SubmissionWindow

    key = _rate_key(request, scope)
    now = timezone.now()
    window_start = now - datetime.timedelta(seconds=RATE_WINDOW_SECONDS)
    with transaction.atomic():
        _, created = SubmissionWindow.objects.get_or_create(key=key, defaults={"started_at": now})
        if created:
            SubmissionWindow.objects.filter(started_at__lt=window_start).delete()
        row = SubmissionWindow.objects.select_for_update().get(key=key)
        if row.started_at <= window_start:
            row.started_at, row.count = now, 0
        if row.count >= _limit():
            return False
        row.count += 1
        row.save(update_fields=["started_at", "count"])
    return True


class Verdict(StrEnum):
    """What to do with a posted reader's form (see `screen`)."""

    ACCEPT = "accept"  # valid and counted: store it
    INVALID = "invalid"  # show the form again with its errors
    REFUSED = "refused"  # over the rate limit: show it again with what was typed, as a 429
    BOT = "bot"  # honeypot filled: pretend it was accepted, store nothing


def screen(request: HttpRequest, scope: str, form: SpamProtectedForm) -> Verdict:
    """The one gate every reader's form passes: rate limit, honeypot, validation, then the atomic
    count. A refused form gets the error that says to wait."""
    if over_limit(request, scope):
        refuse_over_limit(form)
        return Verdict.REFUSED
    if form.honeypot_filled():
        claim_submission(request, scope)
        return Verdict.BOT
    if not form.is_valid():
        return Verdict.INVALID
    if not claim_submission(request, scope):
        refuse_over_limit(form)
        return Verdict.REFUSED
    return Verdict.ACCEPT


def refuse_over_limit(form: forms.Form) -> None:
    """Mark a bound form as refused for the rate limit: it shows again with what the reader typed
    (and any other errors) and a message to wait."""
    form.is_valid()
    form.add_error(None, ValidationError(
        _("We have received several submissions of this form from your connection in the last few "
          "minutes, so we did not save this one. Please wait ten minutes and send it again."),
        code="rate_limit",
    ))


def too_many_requests(response: HttpResponse) -> HttpResponse:
    """The page with a form refused for the rate limit, as a 429 that says when to come back."""
    response.status_code = 429
    response["Retry-After"] = str(RATE_WINDOW_SECONDS)
    return response
