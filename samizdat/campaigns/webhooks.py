"""What each Stripe webhook event does to our gifts. Each event id is handled once.

A retry from Stripe carries the same event id with a new signature time: it changes nothing and
gets a 200. The very same signed request sent again (same id, same signature time) is a replay:
400. Events about objects we did not create (another app on the same Stripe account) are ignored:
a gift is found by the donation id we put in the metadata, must be one paid by card, and must
match the campaign id and currency we sent.

Field names cover Stripe's API versions before and after 2025-03-31 (when an invoice's
subscription and metadata moved under `parent.subscription_details`).

Every field read from an event is type-checked (a signature proves who sent it, not that it is
well formed): a field of the wrong type or out of range raises MalformedEvent, and the whole
event is refused with nothing of it stored (the view answers 400).
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


class MalformedEvent(ValueError):
    """A signed event with a field of the wrong type or out of range; the message names the field."""


MAX_REFERENCE = 200  # a Stripe id; our ledger references ("refund:<id>:<total>") must fit 255
MAX_AMOUNT = 10**12  # Stripe's amounts have at most twelve digits (in the smallest unit)
MAX_TIMESTAMP = 10**10  # the year 2286


def _dict(obj: dict, key: str) -> dict:
    """A nested object (absent or null: empty)."""
    value = obj.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MalformedEvent(f"{key} is not an object")
    return value


def _text(obj: dict, key: str, limit: int = MAX_REFERENCE) -> str:
    """A string field (absent or null: empty)."""
    value = obj.get(key)
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise MalformedEvent(f"{key} is not a string of at most {limit} characters")
    return value


def _id(obj: dict, key: str) -> str:
    """A Stripe reference as its id, whether sent as "sub_123" or as the expanded object."""
    value = obj.get(key)
    return _text(value, "id") if isinstance(value, dict) else _text(obj, key)


def _amount(obj: dict, key: str, *, required: bool = True) -> int | None:
    """An amount in the smallest unit: a whole number from 0 to MAX_AMOUNT (absent or null: None
    if not required)."""
    value = obj.get(key)
    if value is None and not required:
        return None
    if type(value) is not int or not 0 <= value <= MAX_AMOUNT:
        raise MalformedEvent(f"{key} is not an amount")
    return value


def _timestamp(obj: dict, key: str) -> int | None:
    """A Unix time (absent or null: None)."""
    value = obj.get(key)
    if value is None:
        return None
    if type(value) is not int or not 0 < value < MAX_TIMESTAMP:
        raise MalformedEvent(f"{key} is not a timestamp")
    return value


def _donation(obj: dict, *, subscription: str = "", session: bool = False) -> Donation | None:
    """The card gift an object is about: by the donation id in its (or its subscription's)
    metadata, a Checkout Session's client_reference_id, or else the subscription we recorded."""
    metadata = _dict(obj, "metadata")
    if not _text(metadata, "donation_id"):
        details = _dict(_dict(obj, "parent"), "subscription_details") or _dict(obj, "subscription_details")
        metadata = _dict(details, "metadata") or metadata
    identifier = _text(metadata, "donation_id") or (_text(obj, "client_reference_id") if session else "")
    if identifier.isascii() and identifier.isdigit() and len(identifier) <= 18:
        donation = Donation.objects.filter(pk=int(identifier), method=Donation.Method.STRIPE).first()
        campaign = _text(metadata, "campaign_id")
        if donation is not None and (not campaign or campaign == str(donation.campaign_id)):
            return donation
    if subscription:
        return Donation.objects.filter(stripe_subscription=subscription,
                                       method=Donation.Method.STRIPE).first()
    return None


def _same_currency(obj: dict, donation: Donation) -> bool:
    currency = _text(obj, "currency", limit=3) or donation.currency
    if currency.lower() != donation.currency.lower():
        logger.warning("Stripe %s %s is in %s, donation %s in %s: not counted", _text(obj, "object"),
                       _id(obj, "id"), currency, donation.pk, donation.currency)
        return False
    return True


def _when(timestamp: int | None) -> datetime.datetime:
    if timestamp:
        return datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)
    return timezone.now()


def _receipt(donation: Donation) -> dict[str, str]:
    """What the receipt needs that a webhook request cannot tell: the page and the site's name."""
    campaign = donation.campaign
    site = campaign.get_site()
    return {"page_url": campaign.get_full_url() or "", "site_name": site.site_name if site else ""}


def _subscription_of(obj: dict) -> str:
    subscription = _id(obj, "subscription")
    if not subscription:
        subscription = _id(_dict(_dict(obj, "parent"), "subscription_details"), "subscription")
    return subscription


def _session_donation(session: dict) -> Donation | None:
    """The gift a Checkout Session is for, if it is the session we created for it."""
    donation = _donation(session, session=True)
    session_id = _id(session, "id")
    if donation is not None and donation.stripe_session not in ("", session_id):
        return None
    return donation


def _checkout_completed(session: dict) -> bool:
    session_id, intent = _id(session, "id"), _id(session, "payment_intent")
    updates = {"stripe_session": session_id, "stripe_customer": _id(session, "customer"),
               "stripe_subscription": _id(session, "subscription"), "stripe_payment_intent": intent}
    paid = _text(session, "mode") == "payment" and _text(session, "payment_status") == "paid"
    amount = _amount(session, "amount_total", required=paid)
    donation = _session_donation(session)
    if donation is None or not _same_currency(session, donation):
        return False
    Donation.objects.filter(pk=donation.pk).update(**{key: value for key, value in updates.items() if value})
    if paid:
        services.record_payment(donation.pk, amount or donation.amount, intent or f"session:{session_id}",
                                payment_intent=intent, **_receipt(donation))
    return True


def _invoice_intent(invoice: dict) -> str:
    """The PaymentIntent that paid an invoice (a field before 2025-03-31; then under `payments`,
    which a webhook carries only when expanded)."""
    intent = _id(invoice, "payment_intent")
    items = _dict(invoice, "payments").get("data") or []
    if not isinstance(items, list):
        raise MalformedEvent("payments.data is not a list")
    for item in items:
        if item is not None and not isinstance(item, dict):
            raise MalformedEvent("payments.data holds something other than objects")
        intent = intent or _id(_dict(item or {}, "payment"), "payment_intent")
    return intent


def _invoice_paid(invoice: dict) -> bool:
    """A month of a monthly gift (the first may arrive before checkout.session.completed)."""
    subscription = _subscription_of(invoice)
    if not subscription:
        return False  # not a subscription's invoice: one-off gifts are counted by their session
    invoice_id, customer, intent = _id(invoice, "id"), _id(invoice, "customer"), _invoice_intent(invoice)
    amount = _amount(invoice, "amount_paid")
    paid_at = _timestamp(_dict(invoice, "status_transitions"), "paid_at") or _timestamp(invoice, "created")
    donation = _donation(invoice, subscription=subscription)
    if donation is None or not amount or not _same_currency(invoice, donation):
        return False
    if not donation.stripe_subscription:
        Donation.objects.filter(pk=donation.pk).update(stripe_subscription=subscription)
    if not donation.stripe_customer and customer:
        Donation.objects.filter(pk=donation.pk).update(stripe_customer=customer)
    services.record_payment(donation.pk, amount, f"invoice:{invoice_id}", payment_intent=intent,
                            received_at=_when(paid_at), **_receipt(donation))
    return True


def _subscription_deleted(subscription: dict) -> bool:
    donation = _donation(subscription, subscription=_id(subscription, "id"))
    return donation is not None and services.end_monthly(donation.pk)


def _checkout_expired(session: dict) -> bool:
    donation = _session_donation(session)
    return donation is not None and services.expire(donation.pk)


def _charge_refunded(charge: dict) -> bool:
    """`amount_refunded` is the charge's refunded total so far: the ledger gets the difference."""
    intent, charge_id = _id(charge, "payment_intent"), _id(charge, "id")
    invoice = _id(charge, "invoice")  # before 2025-03-31, a monthly payment's charge names its invoice
    total = _amount(charge, "amount_refunded")
    if not intent:
        return False
    if invoice:
        Payment.objects.filter(reference=f"invoice:{invoice}", payment_intent="").update(
            payment_intent=intent)
    return services.record_refund(intent, total, f"refund:{charge_id}:{total}")


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
    """Apply one verified event, exactly once (the event row and its effects commit together).

    Raises MalformedEvent, with nothing stored (not even the event row), for an event a handler
    cannot read."""
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
    if handler is None:
        return Outcome.IGNORED
    obj = _dict(_dict(event, "data"), "object")
    return Outcome.HANDLED if handler(obj) else Outcome.IGNORED
