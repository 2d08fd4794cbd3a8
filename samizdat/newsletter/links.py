"""Signed links in newsletter mail and pages: confirm, preferences, one-click unsubscribe.

Preferences and unsubscribe links never expire (a mail from last year must still let its
reader leave); confirmation links do, after CONFIRM_MAX_AGE. Tokens carry the subscriber's id
only, signed with SECRET_KEY and a salt per purpose, so one kind cannot stand in for another.
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale, Site

from samizdat.core import tokens

CONFIRM_MAX_AGE = 7 * 24 * 60 * 60
CONFIRM_SALT = "samizdat.newsletter.confirm"
PREFERENCES_SALT = "samizdat.newsletter.preferences"
UNSUBSCRIBE_SALT = "samizdat.newsletter.unsubscribe"


class BadLink(Exception):
    """A token that was tampered with, is of another kind, or (confirm) has expired."""

    def __init__(self, expired: bool = False) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def make_token(subscriber_id: int, salt: str) -> str:
    if salt == CONFIRM_SALT:
        return signing.TimestampSigner(salt=salt).sign(str(subscriber_id))
    return signing.Signer(salt=salt).sign(str(subscriber_id))


def read_token(token: str, salt: str) -> int:
    """The subscriber id in `token`, or BadLink."""
    try:
        if salt == CONFIRM_SALT:
            value = signing.TimestampSigner(salt=salt).unsign(token, max_age=CONFIRM_MAX_AGE)
        else:
            value = signing.Signer(salt=salt).unsign(token)
        return int(value)
    except signing.SignatureExpired as error:
        raise BadLink(expired=True) from error
    except (signing.BadSignature, ValueError) as error:
        raise BadLink() from error


def site_root_url() -> str:
    """The default site's root URL ("https://news.example.org"), for links in mail sent by tasks."""
    site = Site.objects.filter(is_default_site=True).only("hostname", "port").first()
    return site.root_url if site else "http://localhost"


def unsubscribe_url(subscriber_id: int, language: str, root_url: str | None = None) -> str:
    """The one-click unsubscribe URL (RFC 8058): a GET shows a button, a POST unsubscribes."""
    with translation.override(language):
        path = reverse("newsletter_unsubscribe", args=[make_token(subscriber_id, UNSUBSCRIBE_SALT)])
    return (root_url if root_url is not None else site_root_url()) + path


def newsletter_page_url(locale: Locale | None = None) -> str:
    """The absolute URL of the live newsletter page in `locale` (else any language's), or ""."""
    from samizdat.newsletter.pages import NewsletterPage

    pages = NewsletterPage.objects.live().order_by("pk")
    page = (pages.filter(locale=locale).first() if locale else None) or pages.first()
    return (page.get_full_url() or "") if page else ""


def preferences_url(subscriber_id: int, page_url: str) -> str:
    """The subscriber's preferences page under the newsletter page at `page_url`."""
    token = tokens.to_route(make_token(subscriber_id, PREFERENCES_SALT))
    return f"{page_url.rstrip('/')}/preferences/{token}/"


def confirm_url(subscriber_id: int, page_url: str) -> str:
    """The page that confirms the subscription (a button: mail scanners prefetch links)."""
    return f"{page_url.rstrip('/')}/confirm/{tokens.to_route(make_token(subscriber_id, CONFIRM_SALT))}/"


def read_link(token: str, salt: str) -> int:
    """The subscriber id of a page link's token (either spelling of the separator), or BadLink."""
    try:
        return read_token(token, salt)
    except BadLink as error:
        if error.expired or ":" in token:
            raise
    return read_token(tokens.from_route(token, timestamped=salt == CONFIRM_SALT), salt)
