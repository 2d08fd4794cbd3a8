"""Card gifts through the give form to Stripe Checkout, against a local HTTP stand-in for Stripe's
API: what we ask Stripe for, where the donor is sent, what happens when Stripe fails, the return page."""

from __future__ import annotations

import pytest
from lxml import html

from samizdat.campaigns import services, stripe_client
from samizdat.campaigns.models import Donation
from samizdat.campaigns.tests.conftest import choice, giving, perk_fields, totals
from samizdat.campaigns.tests.stripe_standin import (
    CARD_DECLINED,
    SERVER_ERROR,
    Failure,
    Recorded,
    Server,
    StripeStandIn,
)

pytestmark = pytest.mark.django_db
URL = "/video-desk/"
SESSIONS = "/v1/checkout/sessions"
PROVIDER_ERROR = "We could not reach our payment provider. Nothing was charged"




def only_session_request(stripe_api: StripeStandIn) -> Recorded:
    """The one request Stripe received: creating a Checkout Session."""
    [request] = stripe_api.calls("POST", SESSIONS)
    assert len(stripe_api.requests) == 1
    return request


def card(**overrides) -> dict:
    """A valid give form submission paying by card."""
    return giving(method="stripe", **overrides)


def test_one_off_card_gift_goes_to_checkout(client, campaign, stripe_api, smtp_server):
    response = client.post(URL, card())
    assert response.status_code == 303
    assert response["Location"] == f"{stripe_api.base}/c/pay/cs_test_0001"

    donation = Donation.objects.get()
    assert (donation.status, donation.method, donation.frequency, donation.amount) == (
        "pending", "stripe", "once", 3000)
    assert donation.stripe_session == "cs_test_0001"
    assert totals(campaign) == {"raised": 0, "supporters": 0}
    assert not smtp_server  # the receipt waits for Stripe's webhook

    request = only_session_request(stripe_api)
    assert request.headers["Authorization"] == "Bearer sk_test_standin"
    ids = {"donation_id": str(donation.pk), "campaign_id": str(campaign.pk)}
    assert request.form == {
        "mode": "payment",
        "line_items[0][price_data][currency]": "eur",
        "line_items[0][price_data][unit_amount]": "3000",
        "line_items[0][price_data][product_data][name]": "Kick-start the video desk",
        "line_items[0][quantity]": "1",
        "customer_email": "rosa@example.org",
        "client_reference_id": str(donation.pk),
        **{f"metadata[{key}]": value for key, value in ids.items()},
        **{f"payment_intent_data[metadata][{key}]": value for key, value in ids.items()},
        "submit_type": "donate",
        "success_url": "http://localhost/video-desk/thanks/?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "http://localhost/video-desk/#give",
        "locale": "en",
    }


def test_a_typed_amount_is_sent_in_minor_units(client, campaign, stripe_api):
    response = client.post(URL, card(preset="other", other_amount="12,50"))
    assert response.status_code == 303
    form = only_session_request(stripe_api).form
    assert (form["line_items[0][price_data][unit_amount]"], form["line_items[0][price_data][currency]"]) == (
        "1250", "eur")
    assert Donation.objects.get().amount == 1250


def test_monthly_gift_is_a_subscription(client, campaign, stripe_api):
    response = client.post(URL, card(frequency="monthly", preset="1000"))
    assert response.status_code == 303
    donation = Donation.objects.get()
    assert (donation.frequency, donation.status, donation.stripe_session) == (
        "monthly", "pending", "cs_test_0001")
    form = only_session_request(stripe_api).form
    assert form["mode"] == "subscription"
    assert form["line_items[0][price_data][recurring][interval]"] == "month"
    assert form["line_items[0][price_data][unit_amount]"] == "1000"
    ids = {"donation_id": str(donation.pk), "campaign_id": str(campaign.pk)}
    for key, value in ids.items():
        assert form[f"subscription_data[metadata][{key}]"] == value
        assert form[f"metadata[{key}]"] == value
    assert not [key for key in form if key.startswith("payment_intent_data")]
    assert "submit_type" not in form
    assert totals(campaign) == {"raised": 0, "supporters": 0}


def test_spanish_page_asks_for_a_spanish_checkout(client, outlet, campaign, stripe_api):
    spanish = campaign.copy_for_translation(outlet.es)
    spanish.title = "Pon en marcha la mesa de vídeo"
    spanish.save_revision().publish()
    response = client.post("/es/video-desk/", card())
    assert response.status_code == 303
    donation = Donation.objects.get()
    assert (donation.campaign_id, donation.language) == (spanish.pk, "es")
    form = only_session_request(stripe_api).form
    assert form["locale"] == "es"
    assert form["line_items[0][price_data][product_data][name]"] == "Pon en marcha la mesa de vídeo"
    assert form["success_url"] == "http://localhost/es/video-desk/thanks/?session_id={CHECKOUT_SESSION_ID}"
    assert form["cancel_url"] == "http://localhost/es/video-desk/#give"


@pytest.mark.parametrize("failure", [SERVER_ERROR, CARD_DECLINED, None],
                         ids=["server-error", "card-declined", "nothing-listening"])
def test_provider_failure_keeps_the_form_and_frees_the_perk(client, campaign, standin: Server,
                                                            failure: Failure | None):
    stripe_api = standin.state
    if failure is None:
        standin.stop()
    else:
        stripe_api.fail = failure
    shirt = perk_fields(campaign, "T-shirt", "Red star", "L")  # the only red star
    address = {"ship_to": "Calle Mayor 1\n48001 Bilbao", "ship_country": "Spain"}
    response = client.post(URL, card(preset="5000", name="Keep Me", **shirt, **address))

    assert response.status_code == 400
    page = html.fromstring(response.content)
    assert PROVIDER_ERROR in page.cssselect(".give-form .form-errors")[0].text_content()
    assert page.cssselect("input[name=name]")[0].get("value") == "Keep Me"
    assert page.cssselect("input[name=email]")[0].get("value") == "Rosa@Example.org"
    assert page.cssselect("textarea[name=ship_to]")[0].text_content().strip() == "Calle Mayor 1\n48001 Bilbao"
    assert page.cssselect("input[name=method][value=stripe]")[0].get("checked") is not None
    red_star = page.cssselect(f"option[value='{choice(campaign, 'Red star').pk}']")[0]
    assert red_star.get("selected") is not None

    donation = Donation.objects.get()
    assert (donation.status, donation.stripe_session) == ("expired", "")
    assert donation.ended_at is not None
    attempts = stripe_api.calls("POST", SESSIONS)
    if failure is SERVER_ERROR:  # retried once, with the same idempotency key: never two sessions
        assert len({attempt.headers["Idempotency-Key"] for attempt in attempts}) == 1 and len(attempts) == 2
    elif failure is CARD_DECLINED:  # Stripe-Should-Retry: false
        assert len(attempts) == 1
    assert totals(campaign) == {"raised": 0, "supporters": 0}

    other = giving(preset="5000", email="other@example.org", **shirt, **address)  # an offline pledge
    assert client.post(URL, other).status_code == 302
    assert Donation.objects.filter(status="pending").get().email == "other@example.org"


def test_without_a_secret_key_a_card_gift_is_an_offline_pledge(client, campaign, settings, smtp_server):
    settings.STRIPE_SECRET_KEY = ""
    page = html.fromstring(client.get(URL).content)
    assert page.cssselect("input[type=hidden][name=method]")[0].get("value") == "offline"
    response = client.post(URL, card())
    assert response.status_code == 302 and "sent=offline" in response["Location"]
    donation = Donation.objects.get()
    assert (donation.method, donation.status, donation.stripe_session) == ("offline", "pending", "")
    assert "IBAN" in smtp_server[0].get_payload(decode=True).decode()


def thanks_text(client, session_id: str, url: str = URL) -> str:
    """The thank-you message on the page Stripe sends the donor back to."""
    response = client.get(f"{url}thanks/", {"session_id": session_id})
    assert response.status_code == 200
    assert (response["Cache-Control"], response["X-Robots-Tag"]) == ("private, no-store", "noindex")
    return html.fromstring(response.content).cssselect(".form-thanks")[0].text_content()


def test_thanks_page(client, campaign, stripe_api):
    assert "being confirmed" in thanks_text(client, "cs_unknown")
    assert "being confirmed" in thanks_text(client, "{CHECKOUT_SESSION_ID}")  # Stripe did not fill it in
    assert "being confirmed" in thanks_text(client, "")
    assert client.post(URL, card()).status_code == 303
    donation = Donation.objects.get()
    text = thanks_text(client, donation.stripe_session)
    assert "being confirmed" in text and "€30" not in text  # the webhook has not come yet
    services.record_payment(donation.pk, 3000, "pi_1", payment_intent="pi_1")
    text = thanks_text(client, donation.stripe_session)
    assert "We have received your gift of €30.00" in text
    assert "Thank you, comrade." in text
    assert "€30.00" not in thanks_text(client, "cs_unknown")


@pytest.mark.parametrize(("language", "locale"), [
    ("es", "es"), ("pt-br", "pt-BR"), ("eu", "auto"), ("en-gb", "en-GB"), ("", "auto"),
    ("en", "en"), ("fr-ca", "fr-CA"), ("es-mx", "es"),
])
def test_checkout_locale(language: str, locale: str) -> None:
    assert stripe_client.checkout_locale(language) == locale
