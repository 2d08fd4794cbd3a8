"""Stock never goes below zero when readers take the last T-shirt at once, or when an editor frees
one while a reader takes it (PostgreSQL: real threads, real requests, committed transactions).

SQLite serializes every write, so racing threads prove nothing there; the race tests run on
PostgreSQL. A pledge paid after it was cancelled (its shirt gone to another reader meanwhile)
needs no race and runs on both.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from lxml import html

from conftest import race
from samizdat.campaigns import services
from samizdat.campaigns.forms import choice_field_name
from samizdat.campaigns.models import CampaignPage, Donation, Payment, Perk, PerkChoice, PerkClaim
from samizdat.campaigns.tests.conftest import choice, giving, perk_fields

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serializes all writes, so there is no race to test")

URL = "/video-desk/"
READERS = 20
ROUNDS = 4


def shirt_form(campaign: CampaignPage, number: int, *labels: str) -> dict:
    """Reader `number` asks for a T-shirt in `labels`, posted to their own address."""
    return giving(preset="5000", name=f"Reader {number}", email=f"reader{number}@example.org",
                  ship_to=f"Calle Mayor {number}\n48001 Bilbao", ship_country="Spain",
                  **perk_fields(campaign, "T-shirt", *labels))


def post(number: int, data: dict) -> Callable[[], HttpResponse]:
    """A reader's POST of the give form from their own address (so no one hits the rate limit)."""
    return lambda: Client(REMOTE_ADDR=f"10.0.{number // 200}.{number % 200 + 1}").post(URL, data)


def holding(picked: PerkChoice) -> int:
    """How many gifts hold this choice now (each takes one unit of its stock)."""
    return PerkClaim.objects.filter(choice=picked, donation__status__in=services.HOLDING).count()


def left(campaign: CampaignPage, label: str) -> int | None:
    """What the page shows as left of a choice (never below zero by construction, so also check
    `holding` against the stock)."""
    tiers = CampaignPage.objects.get(pk=campaign.pk).perk_tiers()
    return next(picked.left for perk in tiers for picked in perk.loaded_choices if picked.label == label)


def pledge(campaign: CampaignPage, number: int, picked: PerkChoice) -> Donation:
    """A pending offline pledge of €50 holding one T-shirt in `picked` (as services take it)."""
    data = {**shirt_form(campaign, number), "amount": 5000,
            "perk_object": Perk.objects.get(campaign=campaign, title="T-shirt"), "choice_ids": [picked.pk]}
    return services.give(campaign, data, method=Donation.Method.OFFLINE)


def free_all() -> None:
    """A fresh round: every gift lets go of its perk."""
    Donation.objects.filter(status__in=services.HOLDING).update(status=Donation.Status.EXPIRED)


def design_field(campaign: CampaignPage) -> str:
    """The name of the T-shirt's "Design" select in the give form."""
    return choice_field_name(Perk.objects.get(campaign=campaign, title="T-shirt"), 0)


def assert_refused_and_kept(response: HttpResponse, data: dict, field: str, label: str) -> None:
    """The form came back saying the choice sold out, with what the reader typed still in it."""
    assert response.status_code == 400
    page = html.fromstring(response.content)
    assert f"“{label}”" in page.cssselect(f"#id_{field}-errors")[0].text_content()
    assert "sold out" in page.cssselect(f"#id_{field}-errors")[0].text_content()
    form = page.cssselect("form.give-form")[0]
    for name in ("name", "email", "ship_country"):
        assert form.cssselect(f"input[name={name}]")[0].get("value") == data[name]
    assert form.cssselect("textarea[name=ship_to]")[0].text_content().strip() == data["ship_to"]
    assert form.cssselect("input[name=perk][checked]")[0].get("value") == data["perk"]
    [selected] = form.cssselect(f"select[name={field}] option[selected]")
    assert selected.get("value") == data[field]
    assert selected.text_content() == f"{label} (sold out)"  # no longer "(1 left)"


@on_postgresql
def test_two_readers_take_the_last_shirt_at_once(campaign: CampaignPage) -> None:
    red = choice(campaign, "Red star")
    assert red.stock == 1
    forms = [shirt_form(campaign, 1, "Red star", "M"), shirt_form(campaign, 2, "Red star", "L")]
    responses = race([post(number, data) for number, data in enumerate(forms, start=1)])
    assert sorted(response.status_code for response in responses) == [302, 400]
    won = next(index for index, response in enumerate(responses) if response.status_code == 302)
    assert "sent=offline" in responses[won]["Location"]
    assert_refused_and_kept(responses[1 - won], forms[1 - won], design_field(campaign), "Red star")
    donation = Donation.objects.get()
    assert (donation.email, donation.ship_to) == (forms[won]["email"], forms[won]["ship_to"])
    assert donation.perk_choices["Design"] == "Red star"
    assert PerkClaim.objects.filter(choice=red).get().donation == donation
    assert holding(red) == 1 and left(campaign, "Red star") == 0


@on_postgresql
def test_many_readers_get_exactly_the_stock(campaign: CampaignPage) -> None:
    fist = choice(campaign, "Fist")
    PerkChoice.objects.filter(pk=fist.pk).update(stock=5)
    forms = [shirt_form(campaign, number, "Fist", "L") for number in range(READERS)]
    responses = race([post(number, data) for number, data in enumerate(forms)])
    codes = [response.status_code for response in responses]
    assert codes.count(302) == 5 and codes.count(400) == READERS - 5
    field = design_field(campaign)
    for data, response in zip(forms, responses, strict=True):
        if response.status_code == 400:
            assert_refused_and_kept(response, data, field, "Fist")
    winners = {data["email"] for data, response in zip(forms, responses, strict=True)
               if response.status_code == 302}
    assert set(Donation.objects.values_list("email", flat=True)) == winners
    assert PerkClaim.objects.filter(choice=fist).count() == holding(fist) == 5
    assert left(campaign, "Fist") == 0


@on_postgresql
def test_an_editor_frees_a_shirt_while_a_reader_takes_it(campaign: CampaignPage) -> None:
    """Whichever commits first, the shirt is held at most once, and it is never lost: a reader
    refused while the cancelling went through gets it on the next try."""
    red = choice(campaign, "Red star")
    field = design_field(campaign)
    for round_number in range(ROUNDS):
        free_all()
        given = pledge(campaign, 100 + round_number, red)
        assert holding(red) == 1
        data = shirt_form(campaign, round_number, "Red star", "M")
        expired, response = race([lambda pk=given.pk: services.expire(pk), post(round_number, data)])
        assert expired is True
        assert Donation.objects.get(pk=given.pk).status == Donation.Status.EXPIRED
        if response.status_code == 302:
            assert holding(red) == 1
            held = PerkClaim.objects.get(choice=red, donation__status__in=services.HOLDING)
            assert held.donation.email == data["email"]
        else:
            assert_refused_and_kept(response, data, field, "Red star")
            assert holding(red) == 0 and left(campaign, "Red star") == 1
            assert post(round_number + 50, data)().status_code == 302
        assert holding(red) == 1 and left(campaign, "Red star") == 0


@on_postgresql
def test_cancel_and_received_clicked_at_once_while_a_reader_takes_the_shirt(campaign: CampaignPage) -> None:
    """Two editors click "cancel" and "received" on the same pledge as a reader asks for its shirt:
    the money counts once, and the shirt is held once, by the pledge or by the reader."""
    red = choice(campaign, "Red star")
    for round_number in range(ROUNDS):
        free_all()
        given = pledge(campaign, 100 + round_number, red)
        data = shirt_form(campaign, round_number, "Red star", "L")
        _expired, received, response = race([lambda pk=given.pk: services.expire(pk),
                                             lambda pk=given.pk: services.mark_received(pk),
                                             post(round_number, data)])
        given.refresh_from_db()
        assert received is True and given.status == Donation.Status.PAID
        assert Payment.objects.filter(donation=given).count() == 1
        assert holding(red) == 1 and left(campaign, "Red star") == 0
        if response.status_code == 302:
            assert (given.perk_title, given.perk_choices, given.claims.count()) == ("", {}, 0)
        else:
            assert response.status_code == 400
            assert given.claims.get().choice == red and given.perk_title == "T-shirt"


def test_a_cancelled_pledge_paid_after_all_keeps_its_shirt_if_still_there(campaign: CampaignPage) -> None:
    """The money of a pledge an editor cancelled arrives after all: it counts, and the pledge gets
    its shirt back if no one took it meanwhile; if someone did, stock does not go below zero."""
    red, fist = choice(campaign, "Red star"), choice(campaign, "Fist")
    PerkChoice.objects.filter(pk=fist.pk).update(stock=1)
    kept = pledge(campaign, 1, red)
    assert services.expire(kept.pk) is True and holding(red) == 0
    assert services.mark_received(kept.pk) is True
    kept.refresh_from_db()
    assert kept.status == Donation.Status.PAID and kept.perk_title == "T-shirt"
    assert holding(red) == 1 and left(campaign, "Red star") == 0
    assert services.expire(kept.pk) is False  # paid: an editor's late "cancel" changes nothing

    lost = pledge(campaign, 2, fist)
    assert services.expire(lost.pk) is True
    taker = shirt_form(campaign, 3, "Fist", "M")
    assert post(3, taker)().status_code == 302
    assert services.mark_received(lost.pk) is True
    lost.refresh_from_db()
    assert lost.status == Donation.Status.PAID
    assert (lost.perk, lost.perk_title, lost.perk_choices, lost.ship_to) == (None, "", {}, "")
    assert holding(fist) == 1 and left(campaign, "Fist") == 0
    assert PerkClaim.objects.get(choice=fist).donation.email == taker["email"]
    assert CampaignPage.objects.get(pk=campaign.pk).totals["raised"] == 10000
