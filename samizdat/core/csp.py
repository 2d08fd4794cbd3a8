"""Content-Security-Policy: a strict one for readers' pages, a looser one for the admin.

Public pages run no inline script and load nothing from elsewhere until a reader asks (a video
player after a click): `script-src 'self'` holds. Wagtail's admin needs inline styles, `data:`
and `blob:` images (uploads, previews) and its own frames, so it gets its own policy. Both are
in settings (CONTENT_SECURITY_POLICY, SAMIZDAT_ADMIN_CSP) and sent by django-csp.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from csp.constants import NONE, SELF
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

ADMIN_PREFIX = "/admin/"


STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"


def public_policy(*, media_origin: str = "") -> dict:
    """The readers' pages' directives (django-csp's DIRECTIVES)."""
    images = [SELF, "data:"] + ([media_origin] if media_origin else [])
    return {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": images,
        "media-src": [SELF] + ([media_origin] if media_origin else []),
        "font-src": [SELF],
        "connect-src": [SELF],
        # Video players (YouTube's no-cookie host, any PeerTube) load only when a reader clicks.
        "frame-src": [SELF, "https:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }


def admin_policy(*, media_origin: str = "") -> dict:
    """The admin's directives: the readers' policy plus what Wagtail needs — inline scripts and
    styles, `blob:` previews of uploads, `data:` fonts — and still no other site's scripts."""
    policy = public_policy(media_origin=media_origin)
    policy["script-src"] = [SELF, "'unsafe-inline'"]
    policy["style-src"] = [SELF, "'unsafe-inline'"]
    policy["img-src"] = [*policy["img-src"], "blob:"]
    policy["media-src"] = [*policy["media-src"], "blob:"]
    policy["font-src"] = [SELF, "data:"]
    return policy


def checkout_origin() -> str:
    """Where online gifts go on to pay, when online giving is on (else "")."""
    if not settings.STRIPE_SECRET_KEY:
        return ""
    if settings.STRIPE_API_BASE:  # a stand-in for Stripe (tests): its checkout pages are its own
        parts = urlsplit(settings.STRIPE_API_BASE)
        return f"{parts.scheme}://{parts.netloc}"
    return STRIPE_CHECKOUT_ORIGIN


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's own policy under /admin/, and Stripe Checkout
    allowed as a form's destination while online giving is on (Chrome applies form-action to
    the redirect after a post too)."""

    def get_policy_parts(self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only or parts.config is not None:
            return parts
        if request.path_info.startswith(ADMIN_PREFIX):
            parts.config = settings.SAMIZDAT_ADMIN_CSP
        elif origin := checkout_origin():
            parts.update = {**(parts.update or {}), "form-action": [SELF, origin]}
        return parts
