"""The campaign page: progress, perks, the give form and its errors, offline pledges."""

from __future__ import annotations

import pytest
from lxml import html

from conftest import assert_mail_links_work
from samizdat.campaigns import services
from samizdat.campaigns.models import Donation
from samizdat.campaigns.tests.conftest import choice, giving, perk_fields

pytestmark = pytest.mark.django_db
URL = "/video-desk/"


def test_page_shows_progress_perks_and_form(client, campaign):
    response = client.get(URL)
    assert response.status_code == 200
    page = html.fromstring(response.content)
    bar = page.cssselect(".campaign-progress progress")[0]
    assert (bar.get("max"), bar.get("value")) == ("500000", "0")
    assert "€5,000" in page.cssselect(".campaign-progress .raised")[0].text_content()
    perks = [h.text_content() for h in page.cssselect(".perk h3")]
    assert perks == ["A magazine issue", "T-shirt"]
    assert "1 left" in page.cssselect(".perk")[1].text_content()
    assert page.cssselect("form.give-form input[name=preset][value='3000']")


def test_offline_pledge_is_pending_until_marked_received(client, campaign, smtp_server):
    response = client.post(URL, giving())
    assert response.status_code == 302 and "sent=offline" in response["Location"]
    donation = Donation.objects.get()
    assert (donation.status, donation.amount, donation.email, donation.method) == (
        "pending", 3000, "rosa@example.org", "offline")
    assert campaign.totals["raised"] == 0
    assert "IBAN" in smtp_server[0].get_payload(decode=True).decode()
    assert_mail_links_work(client, smtp_server[0])
    assert services.mark_received(donation.pk) is True
    assert services.mark_received(donation.pk) is False  # clicked twice: counted once
    page = html.fromstring(client.get(URL).content)
    assert page.cssselect(".campaign-progress progress")[0].get("value") == "3000"
    assert "Rosa Ortiz" in page.cssselect(".supporter-wall")[0].text_content()


@pytest.mark.parametrize(("amount", "message"), [
    ("0", "greater than zero"), ("-5", "greater than zero"), ("lots", "as a number"),
    ("10.555", "at most 2 digits"), ("1000000", "The most we take"), ("nan", "as a number"),
])
def test_bad_amounts_say_what_is_wrong_and_keep_the_input(client, campaign, amount, message):
    response = client.post(URL, giving(preset="other", other_amount=amount, name="Keep Me"))
    assert response.status_code == 400
    page = html.fromstring(response.content)
    errors = page.cssselect(".amounts .errorlist")[0].text_content()
    assert message in errors
    assert page.cssselect("input[name=name]")[0].get("value") == "Keep Me"
    assert page.cssselect("input[name=other_amount]")[0].get("value") == amount
    assert not Donation.objects.exists()


def test_unknown_currency_and_perk_rules(client, campaign):
    response = client.post(URL, giving(currency="XYZ"))
    assert response.status_code == 400 and b"Unknown currency: XYZ" in response.content
    response = client.post(URL, giving(preset="1000", **perk_fields(campaign, "A magazine issue", "Spring")))
    assert response.status_code == 400 and "is for gifts of €30 or more".encode() in response.content
    response = client.post(URL, giving(preset="5000", **perk_fields(campaign, "T-shirt", "Fist", "M")))
    assert response.status_code == 400 and b"enter your postal address" in response.content
    response = client.post(URL, giving(preset="5000", **perk_fields(campaign, "T-shirt", "Fist")))
    assert response.status_code == 400 and "Choose one for “T-shirt”".encode() in response.content
    assert not Donation.objects.exists()


def test_the_last_shirt_goes_once(client, campaign):
    shirt = perk_fields(campaign, "T-shirt", "Red star", "L")
    address = {"ship_to": "Calle Mayor 1\n48001 Bilbao", "ship_country": "Spain"}
    assert client.post(URL, giving(preset="5000", **shirt, **address)).status_code == 302
    response = client.post(URL, giving(preset="5000", email="other@example.org", **shirt, **address))
    assert response.status_code == 400 and "“Red star” is sold out".encode() in response.content
    donation = Donation.objects.get()
    assert donation.perk_choices == {"Design": "Red star", "Size": "L"}
    assert donation.ship_to == "Calle Mayor 1\n48001 Bilbao"
    services.expire(donation.pk)  # the pledge never came: the shirt is free again
    assert choice(campaign, "Red star").claims.count() == 1
    third = giving(preset="5000", email="third@example.org", **shirt, **address)
    assert client.post(URL, third).status_code == 302


def test_progress_json_and_query_counts(client, campaign, django_assert_max_num_queries):
    for number in range(5):
        donation = services.give(campaign.specific, {**giving(), "amount": 1000, "name": f"R{number}",
                                                     "email": f"r{number}@example.org", "is_public": True,
                                                     "display_name": f"R{number}"}, method="offline")
        services.mark_received(donation.pk)
    data = client.get(URL + "progress/").json()
    assert (data["raised"], data["supporters"], data["percent"]) == (5000, 5, 1)
    client.get(URL)
    with django_assert_max_num_queries(14) as captured:
        client.get(URL)
    few = len(captured)
    for number in range(20):
        donation = services.give(campaign.specific, {**giving(), "amount": 1000, "name": f"S{number}",
                                                     "email": f"s{number}@example.org", "is_public": True,
                                                     "display_name": f"S{number}"}, method="offline")
        services.mark_received(donation.pk)
    with django_assert_max_num_queries(few):
        client.get(URL)


def test_a_translated_campaign_is_the_same_drive(client, outlet, campaign):
    """Readers of either language see one total and one wall; perks and stock stay per page."""
    spanish = campaign.copy_for_translation(outlet.es)
    spanish.save_revision().publish()
    english_gift = services.pledge_offline(campaign, {**giving(), "amount": 3000, "display_name": "Rosa"},
                                           page_url=URL)
    spanish_gift = services.pledge_offline(spanish, {**giving(), "amount": 2000, "display_name": "Ana"},
                                           page_url="/es/video-desk/")
    services.mark_received(english_gift.pk)
    services.mark_received(spanish_gift.pk)
    for url in (URL, "/es/video-desk/"):
        page = html.fromstring(client.get(url).content)
        assert page.cssselect(".campaign-progress progress")[0].get("value") == "5000"
        assert len(page.cssselect(".supporter-wall li")) == 2
    assert services.dashboard_totals(campaign)["raised"] == 5000
    assert [day_total for _day, day_total in services.money_over_time(spanish)] == [5000]
