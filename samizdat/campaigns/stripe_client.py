"""The one place Samizdat talks to Stripe (the official `stripe` package).

Settings: STRIPE_SECRET_KEY (online giving is off without it), STRIPE_WEBHOOK_SECRET, and
STRIPE_API_BASE (tests point it at a local server standing in for Stripe's API).
"""

from __future__ import annotations

import stripe
from django.conf import settings

from samizdat.campaigns.models import Donation


class PaymentProviderError(Exception):
    """Stripe could not be reached or refused the request; the message is safe to log."""


def _configure() -> None:
    stripe.api_key = settings.STRIPE_SECRET_KEY
    if settings.STRIPE_API_BASE:
        stripe.api_base = settings.STRIPE_API_BASE
    stripe.max_network_retries = 1


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
        "locale": (donation.language or "auto")[:2] if donation.language else "auto",
    }
    if monthly:
        params["subscription_data"] = {"metadata": metadata}
    else:
        params["payment_intent_data"] = {"metadata": metadata}
        params["submit_type"] = "donate"
    try:
        session = stripe.checkout.Session.create(**params)
    except stripe.StripeError as error:
        raise PaymentProviderError(str(error.user_message or error.__class__.__name__)) from error
    return session.id, session.url


def cancel_subscription(subscription_id: str) -> None:
    """Stop a monthly gift at Stripe (the webhook's subscription.deleted then ends it here too)."""
    _configure()
    try:
        stripe.Subscription.cancel(subscription_id)
    except stripe.InvalidRequestError as error:
        if getattr(error, "code", "") != "resource_missing":
            raise PaymentProviderError(str(error.user_message or "invalid request")) from error
    except stripe.StripeError as error:
        raise PaymentProviderError(str(error.user_message or error.__class__.__name__)) from error


def portal_url(customer_id: str, return_url: str) -> str:
    """Stripe's customer portal, where a monthly donor changes their card."""
    _configure()
    try:
        session = stripe.billing_portal.Session.create(customer=customer_id, return_url=return_url)
    except stripe.StripeError as error:
        raise PaymentProviderError(str(error.user_message or error.__class__.__name__)) from error
    return session.url


def verified_event(payload: bytes, signature_header: str) -> tuple[dict, int]:
    """The event in a webhook request, checked with Stripe's own verification (signature and a
    five-minute window); returns (event, the signature's timestamp). Raises ValueError or
    stripe.SignatureVerificationError for anything forged, stale or unreadable."""
    event = stripe.Webhook.construct_event(payload, signature_header, settings.STRIPE_WEBHOOK_SECRET,
                                           tolerance=settings.STRIPE_WEBHOOK_TOLERANCE)
    timestamp = int(dict(part.split("=", 1) for part in signature_header.split(",") if "=" in part)["t"])
    return event.to_dict(), timestamp
