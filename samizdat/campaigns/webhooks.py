"""What each Stripe webhook event does to our gifts. Each event id is handled once.

A retry from Stripe carries the same event id with a new signature time: it changes nothing and
gets a 200. The very same signed request sent again (same id, same signature time) is a replay:
400. Events about objects we did not create (another app on the same Stripe account) are ignored.
"""

from __future__ import annotations

import datetime
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.utils import timezone

from samizdat.campaigns import services
from samizdat.campaigns.models import Donation, StripeEvent


class Outcome(StrEnum):
    HANDLED = "handled"
    IGNORED = "ignored"
    DUPLICATE = "duplicate"  # a retry of an event already handled
    REPLAY = "replay"  # the same signed request again


def _donation(obj: dict, *, subscription: str = "") -> Donation | None:
    """The gift an object is about: by the donation id we put in its metadata, or its subscription."""
    metadata = obj.get("metadata") or {}
    parent = (obj.get("parent") or {}).get("subscription_details") or obj.get("subscription_details") or {}
    metadata = metadata or parent.get("metadata") or {}
    identifier = str(metadata.get("donation_id") or obj.get("client_reference_id") or "")
    if identifier.isascii() and identifier.isdigit():
        donation = Donation.objects.filter(pk=int(identifier)).first()
        if donation is not None:
            return donation
    if subscription:
        return Donation.objects.filter(stripe_subscription=subscription).first()
    return None


def _when(obj: dict) -> datetime.datetime:
    created = obj.get("created")
    if isinstance(created, int):
        return datetime.datetime.fromtimestamp(created, tz=datetime.UTC)
    return timezone.now()


def _subscription_of(obj: dict) -> str:
    subscription = obj.get("subscription") or ""
    if not subscription:
        details = (obj.get("parent") or {}).get("subscription_details") or {}
        subscription = details.get("subscription") or ""
    return subscription if isinstance(subscription, str) else subscription.get("id", "")


def _checkout_completed(session: dict) -> bool:
    donation = _donation(session)
    if donation is None:
        return False
    updates = {"stripe_session": session.get("id") or "", "stripe_customer": session.get("customer") or "",
               "stripe_subscription": session.get("subscription") or "",
               "stripe_payment_intent": session.get("payment_intent") or ""}
    Donation.objects.filter(pk=donation.pk).update(**{key: value for key, value in updates.items() if value})
    if session.get("mode") == "payment" and session.get("payment_status") == "paid":
        intent = session.get("payment_intent") or ""
        services.record_payment(donation.pk, int(session.get("amount_total") or donation.amount),
                                intent or f"session:{session.get('id')}", payment_intent=intent)
    return True


def _invoice_paid(invoice: dict) -> bool:
    subscription = _subscription_of(invoice)
    donation = _donation(invoice, subscription=subscription)
    if donation is None or not invoice.get("amount_paid"):
        return False
    if subscription and not donation.stripe_subscription:
        Donation.objects.filter(pk=donation.pk).update(stripe_subscription=subscription,
                                                       stripe_customer=invoice.get("customer") or "")
    services.record_payment(donation.pk, int(invoice["amount_paid"]), f"invoice:{invoice.get('id')}",
                            payment_intent=invoice.get("payment_intent") or "", received_at=_when(invoice))
    return True


def _subscription_deleted(subscription: dict) -> bool:
    donation = _donation(subscription, subscription=subscription.get("id") or "")
    return donation is not None and services.end_monthly(donation.pk)


def _checkout_expired(session: dict) -> bool:
    donation = _donation(session)
    return donation is not None and services.expire(donation.pk)


def _charge_refunded(charge: dict) -> bool:
    intent = charge.get("payment_intent") or ""
    total = int(charge.get("amount_refunded") or 0)
    return bool(intent) and services.record_refund(intent, total, f"refund:{charge.get('id')}:{total}")


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
    event_id = str(event.get("id") or "")
    event_type = str(event.get("type") or "")
    seen = StripeEvent.objects.filter(event_id=event_id).first()
    if seen is not None:
        return Outcome.REPLAY if seen.signed_at == signed_at else Outcome.DUPLICATE
    try:
        with transaction.atomic():
            StripeEvent.objects.create(event_id=event_id, type=event_type[:100], signed_at=signed_at)
    except IntegrityError:
        return Outcome.DUPLICATE  # the same event arriving twice at once: the other request has it
    handler = HANDLERS.get(event_type)
    obj = (event.get("data") or {}).get("object") or {}
    if handler is None or not isinstance(obj, dict):
        return Outcome.IGNORED
    return Outcome.HANDLED if handler(obj) else Outcome.IGNORED
