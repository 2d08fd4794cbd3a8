"""What each Stripe webhook event does to our gifts. Each event id is handled once.

A retry from Stripe carries the same event id with a new signature time: it changes nothing and
gets a 200. The very same signed request sent again (same id, same signature time) is a replay:
400. Events about objects we did not create (another app on the same Stripe account) are ignored:
a gift is found by the donation id we put in the metadata, must be one paid by card, and must
match the campaign id and currency we sent.

Field names cover Stripe's API versions before and after 2025-03-31 (when an invoice's
subscription and metadata moved under `parent.subscription_details`).
"""

from __future__ import annotations

import datetime
import logging
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.utils import timezone

from samizdat.campaigns import services
from samizdat.campaigns.models import Donation, Payment, StripeEvent

logger = logging.getLogger(__name__)


class Outcome(StrEnum):
    HANDLED = "handled"
    IGNORED = "ignored"
    DUPLICATE = "duplicate"  # a retry of an event already handled
    REPLAY = "replay"  # the same signed request again


def _id(value: object) -> str:
    """A Stripe reference as its id, whether sent as "sub_123" or as the expanded object."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def _donation(obj: dict, *, subscription: str = "", session: bool = False) -> Donation | None:
    """The card gift an object is about: by the donation id in its (or its subscription's)
    metadata, a Checkout Session's client_reference_id, or else the subscription we recorded."""
    metadata = obj.get("metadata") or {}
    if not metadata.get("donation_id"):
        parent = obj.get("parent") or {}
        details = parent.get("subscription_details") or obj.get("subscription_details") or {}
        metadata = details.get("metadata") or metadata
    identifier = str(metadata.get("donation_id") or (obj.get("client_reference_id") if session else "") or "")
    if identifier.isascii() and identifier.isdigit():
        donation = Donation.objects.filter(pk=int(identifier), method=Donation.Method.STRIPE).first()
        campaign = str(metadata.get("campaign_id") or "")
        if donation is not None and (not campaign or campaign == str(donation.campaign_id)):
            return donation
    if subscription:
        return Donation.objects.filter(stripe_subscription=subscription,
                                       method=Donation.Method.STRIPE).first()
    return None


def _same_currency(obj: dict, donation: Donation) -> bool:
    currency = str(obj.get("currency") or donation.currency)
    if currency.lower() != donation.currency.lower():
        logger.warning("Stripe %s %s is in %s, donation %s in %s: not counted", obj.get("object"),
                       obj.get("id"), currency, donation.pk, donation.currency)
        return False
    return True


def _when(timestamp: object) -> datetime.datetime:
    if isinstance(timestamp, int) and timestamp > 0:
        return datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
    return timezone.now()


def _receipt(donation: Donation) -> dict[str, str]:
    """What the receipt needs that a webhook request cannot tell: the page and the site's name."""
    campaign = donation.campaign
    site = campaign.get_site()
    return {"page_url": campaign.get_full_url() or "", "site_name": site.site_name if site else ""}


def _subscription_of(obj: dict) -> str:
    subscription = _id(obj.get("subscription"))
    if not subscription:
        details = (obj.get("parent") or {}).get("subscription_details") or {}
        subscription = _id(details.get("subscription"))
    return subscription


def _session_donation(session: dict) -> Donation | None:
    """The gift a Checkout Session is for, if it is the session we created for it."""
    donation = _donation(session, session=True)
    session_id = _id(session.get("id"))
    if donation is not None and donation.stripe_session not in ("", session_id):
        return None
    return donation


def _checkout_completed(session: dict) -> bool:
    donation = _session_donation(session)
    if donation is None or not _same_currency(session, donation):
        return False
    session_id = _id(session.get("id"))
    intent = _id(session.get("payment_intent"))
    updates = {"stripe_session": session_id, "stripe_customer": _id(session.get("customer")),
               "stripe_subscription": _id(session.get("subscription")), "stripe_payment_intent": intent}
    Donation.objects.filter(pk=donation.pk).update(**{key: value for key, value in updates.items() if value})
    if session.get("mode") == "payment" and session.get("payment_status") == "paid":
        services.record_payment(donation.pk, int(session.get("amount_total") or donation.amount),
                                intent or f"session:{session_id}", payment_intent=intent,
                                **_receipt(donation))
    return True


def _invoice_intent(invoice: dict) -> str:
    """The PaymentIntent that paid an invoice (a field before 2025-03-31; then under `payments`,
    which a webhook carries only when expanded)."""
    intent = _id(invoice.get("payment_intent"))
    for item in (invoice.get("payments") or {}).get("data") or []:
        intent = intent or _id(((item or {}).get("payment") or {}).get("payment_intent"))
    return intent


def _invoice_paid(invoice: dict) -> bool:
    """A month of a monthly gift (the first may arrive before checkout.session.completed)."""
    subscription = _subscription_of(invoice)
    if not subscription:
        return False  # not a subscription's invoice: one-off gifts are counted by their session
    donation = _donation(invoice, subscription=subscription)
    if donation is None or not invoice.get("amount_paid") or not _same_currency(invoice, donation):
        return False
    if not donation.stripe_subscription:
        Donation.objects.filter(pk=donation.pk).update(stripe_subscription=subscription)
    if not donation.stripe_customer and _id(invoice.get("customer")):
        Donation.objects.filter(pk=donation.pk).update(stripe_customer=_id(invoice.get("customer")))
    paid_at = (invoice.get("status_transitions") or {}).get("paid_at") or invoice.get("created")
    services.record_payment(donation.pk, int(invoice["amount_paid"]), f"invoice:{_id(invoice.get('id'))}",
                            payment_intent=_invoice_intent(invoice), received_at=_when(paid_at),
                            **_receipt(donation))
    return True


def _subscription_deleted(subscription: dict) -> bool:
    donation = _donation(subscription, subscription=_id(subscription.get("id")))
    return donation is not None and services.end_monthly(donation.pk)


def _checkout_expired(session: dict) -> bool:
    donation = _session_donation(session)
    return donation is not None and services.expire(donation.pk)


def _charge_refunded(charge: dict) -> bool:
    """`amount_refunded` is the charge's refunded total so far: the ledger gets the difference."""
    intent = _id(charge.get("payment_intent"))
    if not intent:
        return False
    invoice = _id(charge.get("invoice"))  # before 2025-03-31, a monthly payment's charge names its invoice
    if invoice:
        Payment.objects.filter(reference=f"invoice:{invoice}", payment_intent="").update(
            payment_intent=intent)
    total = int(charge.get("amount_refunded") or 0)
    return services.record_refund(intent, total, f"refund:{_id(charge.get('id'))}:{total}")


HANDLERS = {
    "checkout.session.completed": _checkout_completed,
    "checkout.session.async_payment_succeeded": _checkout_completed,
    "checkout.session.expired": _checkout_expired,
    "checkout.session.async_payment_failed": _checkout_expired,
    "invoice.paid": _invoice_paid,
    "customer.subscription.deleted": _subscription_deleted,
    "charge.refunded": _charge_refunded,
}


@transaction.atomic
def handle_event(event: dict, signed_at: int) -> Outcome:
    """Apply one verified event, exactly once (the event row and its effects commit together)."""
    event_id = str(event.get("id") or "")[:255]
    event_type = str(event.get("type") or "")[:100]
    seen = StripeEvent.objects.filter(event_id=event_id).first()
    if seen is not None:
        return Outcome.REPLAY if seen.signed_at == signed_at else Outcome.DUPLICATE
    try:
        with transaction.atomic():
            StripeEvent.objects.create(event_id=event_id, type=event_type, signed_at=signed_at)
    except IntegrityError:
        return Outcome.DUPLICATE  # the same event arriving twice at once: the other request has it
    handler = HANDLERS.get(event_type)
    obj = (event.get("data") or {}).get("object") or {}
    if handler is None or not isinstance(obj, dict):
        return Outcome.IGNORED
    return Outcome.HANDLED if handler(obj) else Outcome.IGNORED
