"""Stripe's webhook: events signed with a test secret exactly as Stripe signs them, posted to the
endpoint. Signature, staleness, replays and retries; what each event does to gifts and totals."""

from __future__ import annotations

import email.header
import json
import time

import pytest

from conftest import assert_mail_links_work
from samizdat.campaigns import services
from samizdat.campaigns.models import CampaignPage, Donation, Payment, Perk, StripeEvent
from samizdat.campaigns.tests.conftest import (
    WEBHOOK_SECRET,
    WEBHOOK_URL,
    choice,
    giving,
    stripe_event,
    stripe_signature,
    totals,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webhook_secret")]


def post(client, payload: bytes, header: str | None = None, **extra):
    """POST a body to the webhook, signed now with the test secret unless `header` is given."""
    header = stripe_signature(payload) if header is None else header
    headers = {"Stripe-Signature": header} if header else {}
    return client.post(WEBHOOK_URL, payload, content_type="application/json", headers=headers, **extra)


def outcome(client, payload: bytes, header: str | None = None) -> str:
    """What the webhook answered for a verified event: handled, ignored or duplicate."""
    return post(client, payload, header).json()["outcome"]


def stripe_gift(campaign: CampaignPage, amount: int = 3000, frequency: str = "once", **extra) -> Donation:
    """A pending card gift, as the give form records it before sending the donor to Checkout."""
    data = {**giving(), "amount": amount, "frequency": frequency, "email": "rosa@example.org",
            "is_public": True, "display_name": "Rosa O.", **extra}
    return services.give(campaign, data, method=Donation.Method.STRIPE)


def metadata(donation: Donation) -> dict:
    return {"donation_id": str(donation.pk), "campaign_id": str(donation.campaign_id)}


def session(donation: Donation, *, mode: str = "payment", paid: bool = True, **fields) -> dict:
    """A Checkout Session as Stripe sends it in checkout.session.* events."""
    monthly = mode == "subscription"
    return {"id": "cs_test_1", "object": "checkout.session", "mode": mode, "status": "complete",
            "payment_status": "paid" if paid else "unpaid", "amount_total": donation.amount,
            "currency": "eur",
            "customer": "cus_1", "customer_email": donation.email, "client_reference_id": str(donation.pk),
            "payment_intent": None if monthly else "pi_1", "subscription": "sub_1" if monthly else None,
            "metadata": metadata(donation), "created": int(time.time()), **fields}


def invoice(donation: Donation | None, number: int, amount: int = 1000, **fields) -> dict:
    """A subscription's paid invoice in the current API's shape (subscription under `parent`)."""
    details = {"subscription": "sub_1", "metadata": metadata(donation) if donation else {}}
    paid_at = int(time.time()) - 86400 * (3 - number)
    return {"id": f"in_{number}", "object": "invoice", "status": "paid", "amount_paid": amount,
            "currency": "eur", "customer": "cus_1", "billing_reason": "subscription_cycle",
            "parent": {"type": "subscription_details", "subscription_details": details},
            "status_transitions": {"paid_at": paid_at}, "created": paid_at - 3600, "metadata": {}, **fields}


def charge(refunded: int, amount: int = 3000) -> dict:
    return {"id": "ch_1", "object": "charge", "payment_intent": "pi_1", "amount": amount, "currency": "eur",
            "amount_refunded": refunded, "refunded": refunded >= amount}



def ledger(donation: Donation) -> list[int]:
    return list(Payment.objects.filter(donation=donation).order_by("pk").values_list("amount", flat=True))


def text_of(message) -> str:
    return next(part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
                for part in message.walk() if part.get_content_type() == "text/plain")


def subject_of(message) -> str:
    return str(email.header.make_header(email.header.decode_header(message["Subject"])))


def test_one_off_payment_counts_once_retry_is_ok_and_replay_is_refused(client, campaign, smtp_server):
    donation = stripe_gift(campaign)
    payload = stripe_event("checkout.session.completed", session(donation), event_id="evt_paid")
    first = stripe_signature(payload, at=int(time.time()) - 60)
    response = post(client, payload, first)
    assert response.status_code == 200 and response.json() == {"received": True, "outcome": "handled"}
    donation.refresh_from_db()
    assert (donation.status, donation.stripe_payment_intent) == ("paid", "pi_1")
    assert donation.stripe_customer == "cus_1"
    assert donation.paid_at is not None and ledger(donation) == [3000]
    assert totals(campaign) == {"raised": 3000, "supporters": 1}
    progress = client.get("/video-desk/progress/").json()
    assert (progress["raised"], progress["supporters"], progress["raised_display"]) == (3000, 1, "€30")

    [receipt] = smtp_server
    assert receipt.envelope_rcpt == ["rosa@example.org"]
    assert subject_of(receipt) == "Thank you: your receipt for Kick-start the video desk"
    body = text_of(receipt)
    assert "Amount: €30.00" in body and f"Reference: SZ-{donation.pk:06d}" in body
    assert "http://localhost/video-desk/" in body and "— The Test Ledger" in body
    assert "/manage/" not in body and "monthly" not in body
    assert_mail_links_work(client, receipt)

    retry = post(client, payload, stripe_signature(payload))  # Stripe's retry: same id, new timestamp
    assert retry.status_code == 200 and retry.json()["outcome"] == "duplicate"
    replay = post(client, payload, first)  # the very same signed request again
    assert replay.status_code == 400 and b"replay" in replay.content
    assert ledger(donation) == [3000] and totals(campaign) == {"raised": 3000, "supporters": 1}
    assert len(smtp_server) == 1 and StripeEvent.objects.count() == 1


def test_unpaid_session_waits_for_the_async_payment(client, campaign):
    donation = stripe_gift(campaign)
    unpaid = stripe_event("checkout.session.completed", session(donation, paid=False), event_id="evt_1")
    assert outcome(client, unpaid) == "handled"
    donation.refresh_from_db()
    assert donation.status == "pending" and totals(campaign)["raised"] == 0
    paid = stripe_event("checkout.session.async_payment_succeeded", session(donation), event_id="evt_2")
    assert outcome(client, paid) == "handled"
    assert totals(campaign) == {"raised": 3000, "supporters": 1}


def _header_forged(payload: bytes) -> str:
    return f"t={int(time.time())},v1={'0' * 64}"


def _header_wrong_secret(payload: bytes) -> str:
    return stripe_signature(payload, secret="whsec_someone_else")


def _header_stale(payload: bytes) -> str:
    return stripe_signature(payload, at=int(time.time()) - 301)  # the tolerance is 300 seconds


def _header_future(payload: bytes) -> str:
    return stripe_signature(payload, at=int(time.time()) + 3600)  # replayable for an hour


def _header_far_future(payload: bytes) -> str:
    return stripe_signature(payload, at=2**70)  # beyond what a timestamp column holds


def _header_unreadable(payload: bytes) -> str:
    return "v1=" + stripe_signature(payload).split("v1=")[1]  # no timestamp


def _header_other_scheme(payload: bytes) -> str:
    return stripe_signature(payload).replace("v1=", "v0=")


@pytest.mark.parametrize("make_header", [
    _header_forged, _header_wrong_secret, _header_stale, _header_future, _header_far_future,
    _header_unreadable, _header_other_scheme,
    lambda payload: "",  # no Stripe-Signature header at all
], ids=["forged", "wrong-secret", "stale", "future", "far-future", "no-timestamp", "other-scheme", "missing"])
def test_unverified_events_are_refused_and_change_nothing(client, campaign, make_header):
    donation = stripe_gift(campaign)
    payload = stripe_event("checkout.session.completed", session(donation))
    response = post(client, payload, make_header(payload))
    assert response.status_code == 400 and b"Signature check failed" in response.content
    donation.refresh_from_db()
    assert donation.status == "pending" and not StripeEvent.objects.exists() and not Payment.objects.exists()


def test_a_little_clock_skew_is_allowed_but_not_more_than_the_tolerance(client, campaign, settings):
    donation = stripe_gift(campaign)
    payload = stripe_event("checkout.session.completed", session(donation))
    ahead = post(client, payload, stripe_signature(payload, at=int(time.time()) + 310))
    assert ahead.status_code == 400 and b"ahead of our clock" in ahead.content
    settings.STRIPE_WEBHOOK_TOLERANCE = 60  # a tighter tolerance bounds the future as tightly
    assert post(client, payload, stripe_signature(payload, at=int(time.time()) + 120)).status_code == 400
    assert not StripeEvent.objects.exists() and not Payment.objects.exists()
    assert outcome(client, payload, stripe_signature(payload, at=int(time.time()) + 30)) == "handled"
    assert ledger(donation) == [3000]


def test_a_body_changed_after_signing_is_refused(client, campaign):
    donation = stripe_gift(campaign)
    payload = stripe_event("checkout.session.completed", session(donation, amount_total=100))
    header = stripe_signature(payload)
    tampered = payload.replace(b'"amount_total": 100,', b'"amount_total": 100000,')
    assert tampered != payload
    assert post(client, tampered, header).status_code == 400
    assert not Payment.objects.exists()


@pytest.mark.parametrize("payload", [
    b'{"id": "evt_1", "type": "checkout.session.completed", ',  # cut short
    b"[1, 2, 3]", b"null", b'"evt_1"', b"{}",
    b'{"id": "evt_1", "object": "event", "type": "charge.refunded"}',  # no data
    b'{"id": "", "object": "event", "type": "charge.refunded", "data": {"object": {}}}',
    b'{"id": "evt_1", "object": "v2.core.event", "type": "x", "data": {}}',
    "{\"id\": \"evt_\xe9\"}".encode("latin-1"),  # not UTF-8
], ids=["cut", "list", "null", "string", "empty", "no-data", "no-id", "thin-event", "latin-1"])
def test_signed_bodies_that_are_not_events_are_refused(client, campaign, payload):
    response = post(client, payload)
    assert response.status_code == 400 and response.content == b"Not a Stripe event."
    assert not StripeEvent.objects.exists()


BAD_AMOUNTS = ["abc", "3000", [3000], {"value": 3000}, 30.5, 3000.0, 10**30, -3000, True]


def _malformed_events(donation: Donation) -> list[tuple[str, dict]]:
    """Events a handler reads, each with one field of the wrong type or out of range."""
    monthly_invoice = invoice(donation, 1)
    return [
        *[("checkout.session.completed", session(donation, amount_total=bad)) for bad in BAD_AMOUNTS],
        ("checkout.session.completed", session(donation, amount_total=None)),  # paid, but how much?
        *[("invoice.paid", invoice(donation, 1, amount=bad)) for bad in [*BAD_AMOUNTS, None]],
        *[("charge.refunded", {**charge(1000), "amount_refunded": bad}) for bad in [*BAD_AMOUNTS, None]],
        ("checkout.session.completed", session(donation, metadata=["donation_id", str(donation.pk)])),
        ("checkout.session.completed", session(donation, metadata={"donation_id": donation.pk})),
        ("checkout.session.completed", session(donation, client_reference_id=donation.pk, metadata=None)),
        ("checkout.session.completed", session(donation, customer=12345)),
        ("checkout.session.completed", session(donation, customer={"id": ["cus_1"]})),
        ("checkout.session.completed", session(donation, payment_intent="pi_" + "1" * 300)),
        ("checkout.session.completed", session(donation, currency=["eur"])),
        ("checkout.session.completed", session(donation, mode={"payment": True})),
        ("checkout.session.expired", session(donation, id=7, paid=False)),
        ("invoice.paid", {**monthly_invoice, "parent": "sub_1"}),
        ("invoice.paid", {**monthly_invoice, "status_transitions": {"paid_at": "yesterday"}}),
        ("invoice.paid", {**monthly_invoice, "status_transitions": {"paid_at": 10**20}}),
        ("invoice.paid", {**monthly_invoice, "status_transitions": [], "created": None}),
        ("invoice.paid", {**monthly_invoice, "payments": {"data": "pi_1"}}),
        ("invoice.paid", {**monthly_invoice, "payments": {"data": ["pi_1"]}}),
        ("customer.subscription.deleted", {"id": "sub_1", "object": "subscription", "metadata": "x"}),
        ("charge.refunded", {**charge(1000), "invoice": 17}),
        ("charge.refunded", ["not", "an", "object"]),
    ]


def test_signed_events_with_malformed_fields_are_refused_and_change_nothing(client, campaign, caplog):
    donation = stripe_gift(campaign, amount=3000)
    post(client, stripe_event("checkout.session.completed", session(donation, paid=False), event_id="evt_0"))
    monthly = stripe_gift(campaign, amount=1000, frequency="monthly", email="month@example.org")
    before = (list(Donation.objects.order_by("pk").values()), list(Payment.objects.values()),
              list(StripeEvent.objects.values_list("event_id", flat=True)))
    for number, (event_type, obj) in enumerate(_malformed_events(donation) + _malformed_events(monthly)):
        caplog.clear()
        payload = stripe_event(event_type, obj, event_id=f"evt_bad_{number}")
        response = post(client, payload)
        assert response.status_code == 400, (event_type, obj, response.content)
        assert response.content.startswith(b"Malformed event: ")
        assert f"evt_bad_{number}" in caplog.text and "nothing stored" in caplog.text
    after = (list(Donation.objects.order_by("pk").values()), list(Payment.objects.values()),
             list(StripeEvent.objects.values_list("event_id", flat=True)))
    assert after == before and before[2] == ["evt_0"]
    # Stripe's retry of a refused event, once well formed, is not taken for a duplicate.
    fixed = stripe_event("checkout.session.completed", session(donation), event_id="evt_bad_0")
    assert outcome(client, fixed) == "handled"
    assert ledger(donation) == [3000]


def test_size_limit_method_and_secret(client, campaign, settings):
    from samizdat.campaigns.views import MAX_WEBHOOK_BYTES

    donation = stripe_gift(campaign)
    big = json.loads(stripe_event("checkout.session.completed", session(donation)))
    big["data"]["object"]["padding"] = "x" * MAX_WEBHOOK_BYTES
    response = post(client, json.dumps(big).encode())
    assert response.status_code == 413
    payload = stripe_event("checkout.session.completed", session(donation))
    assert post(client, payload, CONTENT_LENGTH="lots").status_code == 400  # never a 500
    assert client.get(WEBHOOK_URL).status_code == 405
    assert client.head(WEBHOOK_URL).status_code == 405
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert post(client, payload).status_code == 404
    assert not StripeEvent.objects.exists() and not Payment.objects.exists()


def test_unknown_events_and_foreign_objects_are_ignored(client, campaign):
    donation = stripe_gift(campaign)
    offline = services.give(campaign, {**giving(), "amount": 3000}, method=Donation.Method.OFFLINE)
    events = [
        ("customer.created", {"id": "cus_9", "object": "customer"}),
        ("payment_intent.succeeded", {"id": "pi_9", "object": "payment_intent", "amount": 3000}),
        ("checkout.session.completed", session(donation, metadata={"donation_id": "999999"},
                                               client_reference_id=None)),
        ("checkout.session.completed",
         session(donation, metadata={"order": "42"}, client_reference_id="A-7")),
        ("checkout.session.completed", session(offline, id="cs_other")),  # an offline pledge's id
        ("checkout.session.completed", session(donation, metadata={**metadata(donation), "campaign_id": "7"},
                                               client_reference_id=None)),
        ("checkout.session.completed", session(donation, currency="usd")),
        ("invoice.paid", invoice(None, 1)),  # another app's subscription
        ("invoice.paid", {**invoice(donation, 1), "parent": None}),  # not a subscription's invoice
        ("customer.subscription.deleted", {"id": "sub_9", "object": "subscription", "metadata": {}}),
        ("charge.refunded", {**charge(3000), "payment_intent": "pi_9"}),
        ("checkout.session.expired", session(donation, metadata={}, client_reference_id="12x")),
    ]
    for number, (event_type, obj) in enumerate(events):
        response = post(client, stripe_event(event_type, obj, event_id=f"evt_{number}"))
        assert response.status_code == 200, event_type
        assert response.json()["outcome"] == "ignored", (event_type, obj)
    donation.refresh_from_db()
    offline.refresh_from_db()
    assert (donation.status, offline.status) == ("pending", "pending")
    assert not Payment.objects.exists() and StripeEvent.objects.count() == len(events)


def test_another_session_for_the_same_gift_is_ignored(client, campaign):
    donation = stripe_gift(campaign)
    Donation.objects.filter(pk=donation.pk).update(stripe_session="cs_ours")
    other = stripe_event("checkout.session.completed", session(donation, id="cs_theirs"), event_id="evt_1")
    assert outcome(client, other) == "ignored"
    ours = stripe_event("checkout.session.completed", session(donation, id="cs_ours"), event_id="evt_2")
    assert outcome(client, ours) == "handled"
    assert totals(campaign)["raised"] == 3000


def test_expired_checkout_releases_the_perk(client, campaign):
    shirt = Perk.objects.get(campaign=campaign, title="T-shirt")
    red_star = choice(campaign, "Red star")  # the only one
    picked = {"perk_object": shirt, "choice_ids": [red_star.pk, choice(campaign, "M").pk],
              "ship_to": "Calle Mayor 1", "ship_country": "Spain"}
    donation = stripe_gift(campaign, amount=5000, **picked)
    with pytest.raises(services.SoldOut):
        stripe_gift(campaign, amount=5000, **picked)
    payload = stripe_event("checkout.session.expired", session(donation, status="expired", paid=False))
    assert outcome(client, payload) == "handled"
    donation.refresh_from_db()
    assert (donation.status, donation.ended_at is not None) == ("expired", True)
    again = stripe_gift(campaign, amount=5000, email="other@example.org", **picked)  # free again
    assert again.perk_choices == {"Design": "Red star", "Size": "M"}
    late = stripe_event("checkout.session.expired", session(again, paid=False), event_id="evt_late")
    Donation.objects.filter(pk=again.pk).update(status="paid")
    assert outcome(client, late) == "ignored"  # a paid gift does not expire


def test_monthly_gift_first_invoice_before_checkout_then_a_second_month(client, campaign, smtp_server):
    donation = stripe_gift(campaign, amount=1000, frequency="monthly")
    first = post(client, stripe_event("invoice.paid", invoice(donation, 1), event_id="evt_in1"))
    assert first.json()["outcome"] == "handled"  # found by the subscription's metadata
    donation.refresh_from_db()
    assert (donation.status, donation.stripe_subscription) == ("paid", "sub_1")
    assert donation.stripe_customer == "cus_1"
    completed = session(donation, mode="subscription", amount_total=1000)
    payload = stripe_event("checkout.session.completed", completed, event_id="evt_cs")
    assert outcome(client, payload) == "handled"
    assert ledger(donation) == [1000] and totals(campaign) == {"raised": 1000, "supporters": 1}

    # The second month, in the API's older shape: the invoice names its subscription, no metadata.
    second = {**invoice(None, 2), "parent": None, "subscription": "sub_1", "payment_intent": "pi_2"}
    payload = stripe_event("invoice.paid", second, event_id="evt_in2")
    assert outcome(client, payload, stripe_signature(payload, at=int(time.time()) - 90)) == "handled"
    assert outcome(client, payload) == "duplicate"  # Stripe's retry
    assert ledger(donation) == [1000, 1000] and totals(campaign) == {"raised": 2000, "supporters": 1}
    payments = list(Payment.objects.filter(donation=donation).order_by("pk"))
    assert [payment.reference for payment in payments] == ["invoice:in_1", "invoice:in_2"]
    assert payments[0].received_at < payments[1].received_at  # when each invoice was paid

    assert len(smtp_server) == 2  # one receipt per month
    for receipt in smtp_server:
        body = text_of(receipt)
        assert "Amount: €10.00 (monthly)" in body
        assert f"http://localhost/video-desk/manage/{services.manage_token(donation)}/" in body


def test_subscription_deleted_ends_the_gift_which_still_counts(client, campaign):
    donation = stripe_gift(campaign, amount=1000, frequency="monthly")
    post(client, stripe_event("invoice.paid", invoice(donation, 1), event_id="evt_in1"))
    deleted = {"id": "sub_1", "object": "subscription", "status": "canceled", "metadata": metadata(donation)}
    payload = stripe_event("customer.subscription.deleted", deleted, event_id="evt_del")
    assert outcome(client, payload) == "handled"
    donation.refresh_from_db()
    assert donation.status == "ended" and donation.ended_at is not None
    assert totals(campaign) == {"raised": 1000, "supporters": 1}
    unpaid = stripe_gift(campaign, amount=1000, frequency="monthly", email="late@example.org")
    Donation.objects.filter(pk=unpaid.pk).update(stripe_subscription="sub_2")
    never_paid = {"id": "sub_2", "object": "subscription", "status": "canceled", "metadata": {}}
    payload = stripe_event("customer.subscription.deleted", never_paid, event_id="evt_del2")
    assert outcome(client, payload) == "handled"  # found by the subscription we recorded
    unpaid.refresh_from_db()
    assert unpaid.status == "expired"


def test_partial_then_full_refund(client, campaign):
    donation = stripe_gift(campaign)
    post(client, stripe_event("checkout.session.completed", session(donation), event_id="evt_paid"))
    assert totals(campaign) == {"raised": 3000, "supporters": 1}

    partial = stripe_event("charge.refunded", charge(1000), event_id="evt_r1")
    assert outcome(client, partial, stripe_signature(partial, at=int(time.time()) - 60)) == "handled"
    assert ledger(donation) == [3000, -1000] and totals(campaign) == {"raised": 2000, "supporters": 1}
    assert outcome(client, partial) == "duplicate"  # the same event re-sent
    same_state = stripe_event("charge.refunded", charge(1000), event_id="evt_r1b")  # another event, same sum
    assert outcome(client, same_state) == "ignored"
    assert ledger(donation) == [3000, -1000]
    donation.refresh_from_db()
    assert donation.status == "paid"

    full = stripe_event("charge.refunded", charge(3000), event_id="evt_r2")
    assert outcome(client, full) == "handled"
    assert outcome(client, full, stripe_signature(full, at=int(time.time()) - 5)) == "duplicate"
    assert ledger(donation) == [3000, -1000, -2000]
    donation.refresh_from_db()
    assert donation.status == "refunded"
    assert totals(campaign) == {"raised": 0, "supporters": 0}
    progress = client.get("/video-desk/progress/").json()
    assert (progress["raised"], progress["supporters"]) == (0, 0)


def test_refund_of_a_monthly_payment_found_by_its_invoice(client, campaign):
    """Before API version 2025-03-31 the invoice did not always carry the payment intent; its charge
    names the invoice."""
    donation = stripe_gift(campaign, amount=1000, frequency="monthly")
    post(client, stripe_event("invoice.paid", invoice(donation, 1), event_id="evt_in1"))
    post(client, stripe_event("invoice.paid", invoice(donation, 2), event_id="evt_in2"))
    refund = {**charge(1000, amount=1000), "id": "ch_2", "payment_intent": "pi_in2", "invoice": "in_2"}
    assert outcome(client, stripe_event("charge.refunded", refund, event_id="evt_r")) == "handled"
    assert ledger(donation) == [1000, 1000, -1000]
    donation.refresh_from_db()
    assert donation.status == "paid" and totals(campaign) == {"raised": 1000, "supporters": 1}


def test_the_secret_is_the_one_in_settings(client, campaign, settings):
    settings.STRIPE_WEBHOOK_SECRET = "whsec_rotated"
    donation = stripe_gift(campaign)
    payload = stripe_event("checkout.session.completed", session(donation))
    assert post(client, payload, stripe_signature(payload, secret=WEBHOOK_SECRET)).status_code == 400
    assert post(client, payload, stripe_signature(payload, secret="whsec_rotated")).status_code == 200
