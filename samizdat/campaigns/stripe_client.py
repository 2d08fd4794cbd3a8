"""The one place Samizdat talks to Stripe (the official `stripe` package).

Settings: STRIPE_SECRET_KEY (online giving is off without it), STRIPE_WEBHOOK_SECRET, and
STRIPE_API_BASE (tests point it at a local server standing in for Stripe's API).
"""

from __future__ import annotations

import json
import time

import stripe
from django.conf import settings

from samizdat.campaigns.models import Donation

TIMEOUT_SECONDS = 20  # per attempt; a donor waits for Checkout's URL, so never Stripe's default 80
# Checkout's languages (https://docs.stripe.com/api/checkout/sessions/create#locale); others get "auto".
CHECKOUT_LOCALES = frozenset(
    "bg cs da de el en en-GB es es-419 et fi fil fr fr-CA hr hu id it ja ko lt lv ms mt nb nl pl pt pt-BR "
    "ro ru sk sl sv th tr vi zh zh-HK zh-TW".split())


class PaymentProviderError(Exception):
    """Stripe could not be reached or refused the request; the message is safe to log."""


def _configure() -> None:
    stripe.api_key = settings.STRIPE_SECRET_KEY
    stripe.api_base = settings.STRIPE_API_BASE or stripe.DEFAULT_API_BASE
    stripe.max_network_retries = 1
    if stripe.default_http_client is None:
        stripe.default_http_client = stripe.RequestsClient(timeout=TIMEOUT_SECONDS)


def _provider_error(error: stripe.StripeError) -> PaymentProviderError:
    return PaymentProviderError(f"{error.__class__.__name__}: {error}")


def checkout_locale(language: str) -> str:
    """Stripe Checkout's locale for a site language ("es" → "es", "pt-br" → "pt-BR", "eu" → "auto")."""
    language, _sep, region = (language or "").partition("-")
    for candidate in (f"{language}-{region.upper()}" if region else "", language):
        if candidate in CHECKOUT_LOCALES:
            return candidate
    return "auto"


def create_checkout(donation: Donation, *, title: str, success_url: str, cancel_url: str) -> tuple[str, str]:
    """A Stripe Checkout Session for this gift; returns (session id, the URL to send the donor to)."""
    _configure()
    monthly = donation.frequency == Donation.Frequency.MONTHLY
    price = {"currency": donation.currency.lower(), "unit_amount": donation.amount,
             "product_data": {"name": title[:250]}}
    if monthly:
        price["recurring"] = {"interval": "month"}
    metadata = {"donation_id": str(donation.pk), "campaign_id": str(donation.campaign_id)}
    params = {
        "mode": "subscription" if monthly else "payment",
        "line_items": [{"price_data": price, "quantity": 1}],
        "customer_email": donation.email,
        "client_reference_id": str(donation.pk),
        "metadata": metadata,
        "success_url": success_url,
        "cancel_url": cancel_url,
        "locale": checkout_locale(donation.language),
    }
    if monthly:
        params["subscription_data"] = {"metadata": metadata}
    else:
        params["payment_intent_data"] = {"metadata": metadata}
        params["submit_type"] = "donate"
    try:
        session = stripe.checkout.Session.create(**params)
    except stripe.StripeError as error:
        raise _provider_error(error) from error
    session_id, url = getattr(session, "id", None), getattr(session, "url", None)
    if not session_id or not url:
        raise PaymentProviderError("Stripe answered a Checkout Session without an id or url")
    return session_id, url


def cancel_subscription(subscription_id: str) -> None:
    """Stop a monthly gift at Stripe (the webhook's subscription.deleted then ends it here too).

    A subscription Stripe no longer has is already stopped: not an error."""
    _configure()
    try:
        stripe.Subscription.cancel(subscription_id)
    except stripe.InvalidRequestError as error:
        if error.code != "resource_missing":
            raise _provider_error(error) from error
    except stripe.StripeError as error:
        raise _provider_error(error) from error


def portal_url(customer_id: str, return_url: str) -> str:
    """Stripe's customer portal, where a monthly donor changes their card."""
    _configure()
    try:
        session = stripe.billing_portal.Session.create(customer=customer_id, return_url=return_url)
    except stripe.StripeError as error:
        raise _provider_error(error) from error
    url = getattr(session, "url", None)
    if not url:
        raise PaymentProviderError("Stripe answered a portal session without a url")
    return url


MAX_CLOCK_SKEW = 300  # seconds a signature's time may be ahead of ours (never more than the tolerance)


def verified_event(payload: bytes, signature_header: str) -> tuple[dict, int]:
    """The event in a webhook request, checked with Stripe's own verification (the signature, and
    a timestamp no older than STRIPE_WEBHOOK_TOLERANCE) and ours (a timestamp no further ahead of
    our clock than the tolerance, at most MAX_CLOCK_SKEW: Stripe's check bounds only the past, and
    a request signed for a future time could be replayed until then); returns (event, the
    signature's timestamp).

    Raises stripe.SignatureVerificationError for anything forged, stale or from the future,
    ValueError for a signed body that is not a Stripe event.
    """
    tolerance = settings.STRIPE_WEBHOOK_TOLERANCE
    stripe.WebhookSignature.verify_header(payload, signature_header, settings.STRIPE_WEBHOOK_SECRET,
                                          tolerance=tolerance)
    # The timestamp Stripe's check used: the header's first t= (read as Stripe reads it).
    timestamp = int(next(part.split("=", 2)[1] for part in signature_header.split(",")
                         if part.split("=", 2)[0] == "t"))
    ahead = min(tolerance, MAX_CLOCK_SKEW) if tolerance > 0 else MAX_CLOCK_SKEW
    if timestamp > time.time() + ahead:
        raise stripe.SignatureVerificationError(
            f"Timestamp ahead of our clock by more than {ahead} seconds ({timestamp})",
            signature_header, payload)
    event = json.loads(payload)
    if not (isinstance(event, dict) and event.get("object") == "event"
            and isinstance(event.get("id"), str) and event["id"]
            and isinstance(event.get("type"), str) and isinstance(event.get("data"), dict)):
        raise ValueError("not a Stripe event")
    return event, timestamp
