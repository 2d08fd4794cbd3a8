"""A monthly donor's page, reached from the link in their receipt: see the gift, cancel it at Stripe
(a local HTTP stand-in for Stripe's API), change the card; bad links and Stripe's failures."""

from __future__ import annotations

import datetime
import re
import time

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone
from lxml import html

from conftest import assert_mail_links_work
from samizdat.campaigns import services
from samizdat.campaigns.models import CampaignPage, Donation, Payment
from samizdat.campaigns.tests.conftest import (
    WEBHOOK_URL,
    giving,
    stripe_event,
    stripe_signature,
    totals,
)
from samizdat.campaigns.tests.stripe_standin import (
    NO_SUCH_SUBSCRIPTION,
    SERVER_ERROR,
    Server,
    StripeStandIn,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webhook_secret")]
URL = "/video-desk/"
SUBSCRIPTION = "/v1/subscriptions/sub_1"
PORTAL = "/v1/billing_portal/sessions"
MANAGE_LINK = re.compile(r"http://localhost(/video-desk/manage/[^/\s]+/)")



def webhook(client, event_type: str, obj: dict, event_id: str) -> None:
    """Post an event to our webhook, signed as Stripe signs it."""
    payload = stripe_event(event_type, obj, event_id=event_id)
    response = client.post(WEBHOOK_URL, payload, content_type="application/json",
                           headers={"Stripe-Signature": stripe_signature(payload)})
    assert response.json()["outcome"] == "handled", event_type


def monthly_paid(client, campaign: CampaignPage, stripe_api: StripeStandIn) -> Donation:
    """A €10 monthly gift through the give form and Checkout, its first month paid (Stripe's webhook)."""
    response = client.post(URL, giving(method="stripe", frequency="monthly", preset="1000"))
    assert response.status_code == 303 and response["Location"].startswith(stripe_api.base)
    donation = Donation.objects.get(frequency="monthly")
    ids = {"donation_id": str(donation.pk), "campaign_id": str(campaign.pk)}
    session = {"id": donation.stripe_session, "object": "checkout.session", "mode": "subscription",
               "status": "complete", "payment_status": "paid", "amount_total": 1000, "currency": "eur",
               "customer": "cus_1", "subscription": "sub_1", "payment_intent": None,
               "client_reference_id": str(donation.pk), "metadata": ids}
    webhook(client, "checkout.session.completed", session, "evt_cs")
    invoice = {"id": "in_1", "object": "invoice", "status": "paid", "amount_paid": 1000, "currency": "eur",
               "customer": "cus_1", "billing_reason": "subscription_create",
               "parent": {"type": "subscription_details",
                          "subscription_details": {"subscription": "sub_1", "metadata": ids}},
               "status_transitions": {"paid_at": int(time.time())}, "metadata": {}}
    webhook(client, "invoice.paid", invoice, "evt_in1")
    donation.refresh_from_db()
    assert (donation.status, donation.stripe_subscription, donation.stripe_customer) == (
        "paid", "sub_1", "cus_1")
    stripe_api.requests.clear()  # from here on, only what the manage page asks of Stripe
    return donation


def receipt_link(smtp_server) -> str:
    """The manage page's path, from the receipt's plain text."""
    [receipt] = smtp_server
    text = next(part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
                for part in receipt.walk() if part.get_content_type() == "text/plain")
    assert "Amount: €10.00 (monthly)" in text
    assert_mail_links_work(Client(), receipt, at_least=2)  # the campaign, the manage page
    return MANAGE_LINK.search(text).group(1)


@pytest.fixture
def paid(client, campaign, stripe_api, smtp_server) -> tuple[Donation, str]:
    """A paid monthly gift and the manage page's path from its receipt."""
    donation = monthly_paid(client, campaign, stripe_api)
    return donation, receipt_link(smtp_server)



def notice(response) -> str:
    """The page's status or error message."""
    page = html.fromstring(response.content)
    return " ".join(node.text_content() for node in page.cssselect(".form-thanks, .form-errors"))


def buttons(response) -> list[str]:
    """The actions the page offers."""
    page = html.fromstring(response.content)
    return [button.get("value") for button in page.cssselect("button[name=action]")]


def assert_private(response) -> None:
    """The page is never cached, indexed or sent on as a referrer."""
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "no-referrer"


def test_cancel_from_the_receipt_link(campaign, stripe_api, paid):
    donation, link = paid
    assert link == f"{URL}manage/{services.manage_token(donation)}/"
    browser = Client(enforce_csrf_checks=True)
    response = browser.get(link)
    assert response.status_code == 200
    assert_private(response)
    page = html.fromstring(response.content)
    details = page.cssselect(".gift-details")[0].text_content()
    assert "€10.00 · Monthly" in details and "Paid" in details
    assert buttons(response) == ["card", "cancel"]
    assert not stripe_api.requests  # looking changes nothing

    token = page.cssselect("input[name=csrfmiddlewaretoken]")[0].get("value")
    response = browser.post(link, {"action": "cancel", "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert_private(response)
    assert "Your monthly gift is cancelled" in notice(response)
    assert buttons(response) == []
    [cancel] = stripe_api.requests
    assert (cancel.method, cancel.path) == ("DELETE", SUBSCRIPTION)
    assert cancel.headers["Authorization"] == "Bearer sk_test_standin"
    donation.refresh_from_db()
    assert donation.status == "ended" and donation.ended_at is not None
    assert totals(campaign) == {"raised": 1000, "supporters": 1}  # what it gave still counts

    again = browser.post(link, {"action": "cancel", "csrfmiddlewaretoken": token})
    assert again.status_code == 200
    assert "had already ended" in notice(again)
    assert len(stripe_api.requests) == 1  # no second DELETE
    assert "Monthly gift ended" in html.fromstring(browser.get(link).content).cssselect(
        ".gift-details")[0].text_content()


def test_a_subscription_stripe_no_longer_has_still_ends(client, stripe_api, paid):
    donation, link = paid
    stripe_api.fail = NO_SUCH_SUBSCRIPTION
    response = client.post(link, {"action": "cancel"})
    assert response.status_code == 200 and "Your monthly gift is cancelled" in notice(response)
    assert len(stripe_api.calls("DELETE", SUBSCRIPTION)) == 1
    donation.refresh_from_db()
    assert donation.status == "ended"


def test_a_refunded_monthly_gift_can_still_be_stopped(client, campaign, stripe_api, paid):
    """A refund does not stop the subscription at Stripe: the donor must still be able to."""
    donation, link = paid
    Donation.objects.filter(pk=donation.pk).update(stripe_payment_intent="pi_in1")
    Payment.objects.filter(donation=donation).update(payment_intent="pi_in1")
    assert services.record_refund("pi_in1", 1000, "refund:ch_1:1000")
    donation.refresh_from_db()
    assert (donation.status, donation.ended_at) == ("refunded", None)
    assert buttons(client.get(link)) == ["card", "cancel"]
    response = client.post(link, {"action": "cancel"})
    assert response.status_code == 200 and "Your monthly gift is cancelled" in notice(response)
    assert len(stripe_api.calls("DELETE", SUBSCRIPTION)) == 1
    donation.refresh_from_db()
    assert donation.status == "refunded" and donation.ended_at is not None
    assert totals(campaign) == {"raised": 0, "supporters": 0}
    again = client.post(link, {"action": "cancel"})
    assert "had already ended" in notice(again) and buttons(again) == []
    assert len(stripe_api.calls("DELETE", SUBSCRIPTION)) == 1


@pytest.mark.parametrize("listening", [True, False], ids=["server-error", "nothing-listening"])
def test_stripe_failing_leaves_the_gift_running(client, campaign, standin: Server, paid, listening: bool):
    donation, link = paid
    stripe_api = standin.state
    if listening:
        stripe_api.fail = SERVER_ERROR
    else:
        standin.stop()
    response = client.post(link, {"action": "cancel"})
    assert response.status_code == 502
    assert_private(response)
    assert "We could not reach our payment provider. Nothing has changed" in notice(response)
    donation.refresh_from_db()
    assert (donation.status, donation.ended_at) == ("paid", None)
    assert buttons(response) == ["card", "cancel"]  # they can try again
    assert totals(campaign) == {"raised": 1000, "supporters": 1}
    if not listening:
        return
    assert len(stripe_api.calls("DELETE", SUBSCRIPTION)) == 2  # Stripe's client retries a 500 once
    stripe_api.fail = None
    response = client.post(link, {"action": "cancel"})
    assert response.status_code == 200 and "Your monthly gift is cancelled" in notice(response)
    donation.refresh_from_db()
    assert donation.status == "ended"


def test_change_card_goes_to_stripes_portal(client, stripe_api, paid):
    donation, link = paid
    response = client.post(link, {"action": "card"})
    assert response.status_code == 303
    assert_private(response)
    assert re.fullmatch(re.escape(stripe_api.base) + r"/p/session/bps_\d{4}", response["Location"])
    [portal] = stripe_api.requests
    assert (portal.method, portal.path) == ("POST", PORTAL)
    assert portal.form == {"customer": "cus_1", "return_url": f"http://testserver{link}"}
    donation.refresh_from_db()
    assert donation.status == "paid"


def test_portal_failing_says_so(client, stripe_api, paid):
    donation, link = paid
    stripe_api.fail = SERVER_ERROR
    response = client.post(link, {"action": "card"})
    assert response.status_code == 502
    assert "We could not reach our payment provider" in notice(response)


@pytest.mark.parametrize("action", ["", "delete", "CANCEL", "cancel " * 100])
def test_unknown_action(client, stripe_api, paid, action: str):
    donation, link = paid
    response = client.post(link, {"action": action} if action else {})
    assert response.status_code == 400
    assert_private(response)
    assert "Choose one of the buttons below" in notice(response)
    assert not stripe_api.requests
    donation.refresh_from_db()
    assert donation.status == "paid"


def tampered(token: str) -> str:
    """The token with the last character of its signature changed."""
    return token[:-1] + ("A" if token[-1] != "A" else "B")


@pytest.mark.parametrize("make", [
    tampered,
    lambda token: token.replace(token.split("_", 1)[0], str(int(token.split("_", 1)[0]) + 1), 1),
    lambda token: token.split("_", 1)[0],
    lambda token: token.split("_", 1)[0] + "_",
    lambda token: "_" + token.split("_", 1)[1],
    lambda token: token + "x" * 3000,
    lambda token: "nope",
    lambda token: "\uff11_" + token.split("_", 1)[1],  # a fullwidth 1
    lambda token: "99999999999999999999999_" + token.split("_", 1)[1],
], ids=["tampered", "other-pk", "no-signature", "empty-signature", "no-pk", "long", "garbage",
        "fullwidth-digit", "huge-pk"])
def test_bad_links_are_refused_kindly(client, stripe_api, paid, make):
    donation, _link = paid
    url = f"{URL}manage/{make(services.manage_token(donation))}/"
    for response in (client.get(url), client.post(url, {"action": "cancel"})):
        assert response.status_code == 400, url
        assert_private(response)
        assert "This link is not valid" in notice(response)
        assert not buttons(response) and "€10.00" not in response.content.decode()
    assert not stripe_api.requests
    donation.refresh_from_db()
    assert donation.status == "paid"


@pytest.mark.parametrize("token", ["1:abc", "%00_%FF", "%E2%80%AE1_abc", "1_abc%2F..%2F"])
def test_links_with_characters_no_token_has_are_not_found(client, stripe_api, paid, token: str):
    """Page paths take letters, digits, "-" and "_" (as a token does): anything else is a 404."""
    url = f"{URL}manage/{token}/"
    for response in (client.get(url), client.post(url, {"action": "cancel"})):
        assert response.status_code == 404, url
    assert not stripe_api.requests


def test_a_link_is_for_its_own_campaign_and_purpose(client, outlet, campaign, stripe_api, paid):
    donation, _link = paid
    other = CampaignPage(title="Another drive", slug="another", goal=1000, currency="EUR")
    outlet.home.add_child(instance=other)
    token = services.manage_token(donation)
    assert client.get(f"/another/manage/{token}/").status_code == 400
    foreign = signing.Signer().sign(str(donation.pk)).replace(":", "_")  # right pk, another salt
    assert client.get(f"{URL}manage/{foreign}/").status_code == 400


def test_a_closed_campaign_still_lets_donors_cancel(client, campaign, stripe_api, paid):
    donation, link = paid
    CampaignPage.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - datetime.timedelta(days=1))
    assert client.post(URL, giving()).status_code == 403  # no new gifts
    response = client.post(link, {"action": "cancel"})
    assert response.status_code == 200 and "Your monthly gift is cancelled" in notice(response)
    assert len(stripe_api.calls("DELETE", SUBSCRIPTION)) == 1


def test_a_one_off_gift_cannot_be_cancelled(client, campaign, stripe_api):
    assert client.post(URL, giving(method="stripe")).status_code == 303
    donation = Donation.objects.get()
    services.record_payment(donation.pk, 3000, "pi_1", payment_intent="pi_1")
    Donation.objects.filter(pk=donation.pk).update(stripe_customer="cus_1")
    stripe_api.requests.clear()
    link = f"{URL}manage/{services.manage_token(donation)}/"
    response = client.get(link)
    assert response.status_code == 200 and buttons(response) == []
    for action in ("cancel", "card"):
        response = client.post(link, {"action": action})
        assert response.status_code == 400
        assert "€30.00 · One-off" in response.content.decode()
    assert not stripe_api.requests
    donation.refresh_from_db()
    assert donation.status == "paid"


def test_manage_page_queries(client, campaign, stripe_api, paid, django_assert_max_num_queries):
    donation, link = paid
    client.get(link)
    with django_assert_max_num_queries(8) as captured:
        assert client.get(link).status_code == 200
    few = len(captured)
    for number in range(15):
        other = services.give(campaign, {**giving(), "amount": 1000, "email": f"r{number}@example.org",
                                         "is_public": True, "display_name": f"R{number}"}, method="offline")
        services.mark_received(other.pk)
    for month in range(2, 8):
        services.record_payment(donation.pk, 1000, f"invoice:in_{month}")
    with django_assert_max_num_queries(few):
        assert client.get(link).status_code == 200
