"""Money: what readers type becomes whole minor units (never a float), and bad amounts are refused
with a message next to the right field, keeping everything the reader typed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.utils import translation
from lxml import html

from samizdat.campaigns import services
from samizdat.campaigns.models import CampaignPage, Donation, Payment, PerkChoice, PerkClaim
from samizdat.campaigns.money import CURRENCIES, AmountError, format_money, parse_amount, to_minor
from samizdat.campaigns.tests.conftest import choice, giving, perk_fields

URL = "/video-desk/"
ADDRESS = {"ship_to": "Calle Mayor 1\n48001 Bilbao", "ship_country": "Spain"}


def test_the_currencies_tested_here_exist() -> None:
    """EUR has cents and JPY none, as Stripe counts them."""
    assert CURRENCIES["EUR"][1] == 2 and CURRENCIES["JPY"][1] == 0


@pytest.mark.parametrize(("typed", "currency", "minor"), [
    ("10", "EUR", 1000), ("10.5", "EUR", 1050), ("10,50", "EUR", 1050), ("10.05", "EUR", 1005),
    ("0.01", "EUR", 1), (".5", "EUR", 50), ("30.", "EUR", 3000), ("+30", "EUR", 3000),
    ("  30 ", "EUR", 3000), ("\u00a030\t", "EUR", 3000), ("€30", "EUR", 3000), ("€ 30,50", "EUR", 3050),
    ("EUR 30", "EUR", 3000), ("30 eur", "EUR", 3000), ("1 000", "EUR", 100000), ("1\u202f000", "EUR", 100000),
    ("1,000", "EUR", 100000), ("1,000.50", "EUR", 100050), ("1.000,50", "EUR", 100050),
    ("1'000.50", "EUR", 100050), ("10.00", "EUR", 1000), ("10000", "EUR", 1000000),
    ("10", "JPY", 10), ("¥1,000", "JPY", 1000), ("1 000", "JPY", 1000), ("1000.00", "JPY", 1000),
    ("JPY 500", "JPY", 500),
])
def test_parse_amount_takes_what_readers_type(typed: str, currency: str, minor: int) -> None:
    parsed = parse_amount(typed, currency)
    assert parsed == minor and type(parsed) is int


def test_a_lone_dot_is_the_decimal_point() -> None:
    """"1.000" is one, not a thousand: misreading a grouping dot never takes more than was meant."""
    assert parse_amount("1.000", "EUR") == 100
    assert parse_amount("1.500", "EUR") == 150
    assert parse_amount("1.000", "JPY") == 1
    with pytest.raises(AmountError, match="at most 2 digits"):
        parse_amount("1.505", "EUR")


@pytest.mark.parametrize(("typed", "currency", "message"), [
    ("0", "EUR", "greater than zero"), ("0.00", "EUR", "greater than zero"),
    ("-5", "EUR", "greater than zero"), ("-0.01", "EUR", "greater than zero"),
    ("abc", "EUR", "as a number"), ("30 euros", "EUR", "as a number"),
    ("", "EUR", "Enter an amount"), ("   ", "EUR", "Enter an amount"), ("€", "EUR", "Enter an amount"),
    ("nan", "EUR", "as a number"), ("inf", "EUR", "as a number"), ("-Infinity", "EUR", "as a number"),
    ("1e3", "EUR", "as a number"), ("1E-2", "EUR", "as a number"), ("1e999999999", "EUR", "as a number"),
    ("1_000", "EUR", "as a number"), ("1.2.3", "EUR", "as a number"), ("0x10", "EUR", "as a number"),
    ("10.555", "EUR", "at most 2 digits after the decimal point"),
    ("10,555.5", "EUR", "The most we take"),
    ("1.0000000000000000000000000001", "EUR", "at most 2 digits"),
    ("10.5", "JPY", "whole amount"), ("10,5", "JPY", "whole amount"),
    ("10000.01", "EUR", "The most we take online in one gift is €10,000.00"),
    ("1000000", "EUR", "The most we take"), ("9" * 40, "EUR", "The most we take"),
    ("10001", "JPY", "The most we take online in one gift is ¥10,000"),
    ("30", "XYZ", "Unknown currency: XYZ"),
])
def test_parse_amount_refuses_with_a_message(typed: str, currency: str, message: str) -> None:
    with pytest.raises(AmountError, match=message):
        parse_amount(typed, currency)


def test_the_maximum_comes_from_settings_or_the_caller(settings) -> None:
    settings.CAMPAIGN_MAX_AMOUNT = 100
    assert parse_amount("100", "EUR") == 10000
    with pytest.raises(AmountError, match="€100.00"):
        parse_amount("100.01", "EUR")
    assert parse_amount("100", "JPY") == 100
    with pytest.raises(AmountError, match="¥100"):
        parse_amount("101", "JPY")
    assert parse_amount("5", "EUR", maximum_minor=500) == 500
    with pytest.raises(AmountError, match="€5.00"):
        parse_amount("5.01", "EUR", maximum_minor=500)


@pytest.mark.parametrize(("major", "currency", "minor"), [
    (30, "EUR", 3000), ("30", "EUR", 3000), (Decimal("30.5"), "EUR", 3050), ("0.1", "EUR", 10),
    (Decimal("0.1") + Decimal("0.2"), "EUR", 30), (Decimal("10.50000"), "EUR", 1050), (0, "EUR", 0),
    (-3, "EUR", -300), (1000, "JPY", 1000), (Decimal("1000.0"), "jpy", 1000), (10**20, "EUR", 10**22),
])
def test_to_minor_is_exact(major: Decimal | int | str, currency: str, minor: int) -> None:
    result = to_minor(major, currency)
    assert result == minor and type(result) is int


def test_to_minor_refuses_floats_inexact_and_unknown() -> None:
    with pytest.raises(TypeError, match="never a float"):
        to_minor(0.1 + 0.2, "EUR")
    with pytest.raises(TypeError, match="never a float"):
        to_minor(30.0, "EUR")
    with pytest.raises(AmountError, match="at most 2 digits"):
        to_minor(Decimal("0.001"), "EUR")
    with pytest.raises(AmountError, match="at most 2 digits"):
        to_minor("1E-999999", "EUR")
    with pytest.raises(AmountError, match="whole amount"):
        to_minor("0.5", "JPY")
    with pytest.raises(AmountError, match="too large"):
        to_minor("1E+999999", "EUR")
    with pytest.raises(AmountError, match="as a number"):
        to_minor("NaN", "EUR")
    with pytest.raises(AmountError, match="Unknown currency: XYZ"):
        to_minor(30, "XYZ")


@pytest.mark.parametrize(("minor", "currency", "whole", "shown"), [
    (3000, "EUR", False, "€30.00"), (3000, "EUR", True, "€30"), (3050, "EUR", True, "€30.50"),
    (1, "EUR", False, "€0.01"), (123456789, "EUR", False, "€1,234,567.89"), (-150, "EUR", False, "-€1.50"),
    (None, "EUR", False, "€0.00"), (1000, "JPY", False, "¥1,000"), (1000, "JPY", True, "¥1,000"),
    (500, "usd", False, "$5.00"), (100, "XYZ", False, "XYZ 1.00"),
])
def test_format_money(minor: int | None, currency: str, whole: bool, shown: str) -> None:
    assert format_money(minor, currency, whole=whole) == shown


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(("minor", "currency"), [(1, "EUR"), (3050, "EUR"), (123456, "EUR"), (999999, "EUR"),
                                                 (1, "JPY"), (1000, "JPY"), (9999, "JPY")])
def test_what_is_shown_reads_back(language: str, minor: int, currency: str) -> None:
    """A reader copying an amount from the page (in either language) gives exactly that."""
    with translation.override(language):
        assert parse_amount(format_money(minor, currency), currency) == minor


# Through the give form on the campaign page.


def _page(response) -> html.HtmlElement:
    """The form shown again (400) with nothing stored; its parsed HTML."""
    assert response.status_code == 400
    assert not Donation.objects.exists() and not PerkClaim.objects.exists()
    return html.fromstring(response.content)


def _errors(page: html.HtmlElement, field: str) -> str:
    """The errors shown next to a field ("" if none)."""
    found = page.cssselect(f"#id_{field}-errors")
    return found[0].text_content() if found else ""


def _value(page: html.HtmlElement, name: str) -> str | None:
    """What the re-rendered form holds for `name`: an input's value, a textarea's text, the
    checked radio or the selected option."""
    form = page.cssselect("form.give-form")[0]
    for element in form.cssselect(f"[name='{name}']"):
        if element.tag == "textarea":
            return element.text_content().lstrip("\n")
        if element.tag == "select":
            selected = element.cssselect("option[selected]")
            return selected[0].get("value") if selected else None
        if element.get("type") in ("radio", "checkbox"):
            if element.get("checked") is not None:
                return element.get("value")
            continue
        return element.get("value")
    return None


def _kept(page: html.HtmlElement, data: dict) -> None:
    """Everything the reader typed or picked is still in the form."""
    for name in ("other_amount", "name", "email", "display_name", "message", "ship_to", "ship_country",
                 "preset", "perk"):
        if data.get(name):
            assert _value(page, name) == data[name], name


@pytest.mark.django_db
@pytest.mark.parametrize(("amount", "message"), [
    ("0", "Enter an amount greater than zero."), ("-5", "Enter an amount greater than zero."),
    ("abc", "Enter an amount as a number"), ("10000.01", "The most we take online in one gift is €10,000.00"),
    ("12.345", "Use at most 2 digits after the decimal point."), ("1e3", "Enter an amount as a number"),
    ("1e999999999", "Enter an amount as a number"), ("", "Enter an amount."),
])
def test_bad_amounts_through_the_form(client, campaign: CampaignPage, amount: str, message: str) -> None:
    data = giving(preset="other", other_amount=amount, name="Keep Me", email="keep@example.org",
                  display_name="K. M.", message="Solidarity")
    page = _page(client.post(URL, data))
    assert message in _errors(page, "other_amount")
    assert "field-error" in page.cssselect("fieldset.amounts")[0].get("class")
    assert _errors(page, "name") == _errors(page, "perk") == ""
    _kept(page, data)


@pytest.mark.django_db
def test_a_perk_needs_its_minimum(client, campaign: CampaignPage) -> None:
    data = giving(preset="3000", name="Keep Me", **perk_fields(campaign, "T-shirt", "Red star", "M"),
                  **ADDRESS)
    page = _page(client.post(URL, data))
    assert "“T-shirt” is for gifts of €50 or more." in _errors(page, "perk")
    _kept(page, data)
    for name in ("perk_{}_choice_0", "perk_{}_choice_1"):
        field = name.format(data["perk"])
        assert _value(page, field) == data[field]
    typed = giving(preset="other", other_amount="49.99", **perk_fields(campaign, "T-shirt", "Fist", "L"),
                   **ADDRESS)
    page = _page(client.post(URL, typed))
    assert "“T-shirt” is for gifts of €50 or more." in _errors(page, "perk")
    _kept(page, typed)


@pytest.mark.django_db
def test_a_sold_out_choice_is_refused(client, campaign: CampaignPage) -> None:
    PerkChoice.objects.filter(pk=choice(campaign, "Fist").pk).update(stock=0)
    data = giving(preset="5000", name="Keep Me", **perk_fields(campaign, "T-shirt", "Fist", "L"), **ADDRESS)
    page = _page(client.post(URL, data))
    field = next(name for name in data if name.startswith("perk_") and name.endswith("_choice_0"))
    assert "“Fist” is sold out: choose another." in _errors(page, field)
    assert "Fist (sold out)" in page.cssselect(f"select[name='{field}']")[0].text_content()
    _kept(page, data)


@pytest.mark.django_db
def test_a_posted_perk_needs_an_address(client, campaign: CampaignPage) -> None:
    data = giving(preset="5000", name="Keep Me", **perk_fields(campaign, "T-shirt", "Fist", "M"),
                  ship_to="  \n ", ship_country="")
    page = _page(client.post(URL, data))
    assert "enter your postal address" in _errors(page, "ship_to")
    assert "Enter the country we post it to." in _errors(page, "ship_country")
    _kept(page, data)
    data = giving(preset="5000", **perk_fields(campaign, "T-shirt", "Fist", "M"), ship_to="Calle Mayor 1")
    page = _page(client.post(URL, data))
    assert _errors(page, "ship_to") == "" and "Enter the country" in _errors(page, "ship_country")
    _kept(page, data)


@pytest.mark.django_db
@pytest.mark.parametrize(("currency", "message"), [
    ("XYZ", "Unknown currency: XYZ."), ("USD", "This campaign takes gifts in EUR."),
    ("", "This field is required."),
])
def test_an_unknown_or_foreign_currency_is_refused(client, campaign: CampaignPage, currency: str,
                                                   message: str) -> None:
    data = giving(currency=currency, preset="other", other_amount="30", name="Keep Me")
    page = _page(client.post(URL, data))
    errors = page.cssselect("input[name=currency] + ul.errorlist")
    assert errors and message in errors[0].text_content()
    assert _errors(page, "other_amount") == ""
    _kept(page, data)


@pytest.mark.django_db
@pytest.mark.parametrize(("typed", "minor"), [("12,34", 1234), ("€1.234,56", 123456), ("0.10", 10),
                                              ("1,000", 100000)])
def test_stored_amounts_are_whole_minor_units(client, campaign: CampaignPage, typed: str, minor: int) -> None:
    response = client.post(URL, giving(preset="other", other_amount=typed))
    assert response.status_code == 302
    donation = Donation.objects.get()
    assert donation.amount == minor and type(donation.amount) is int
    with connection.cursor() as cursor:
        cursor.execute("SELECT amount FROM campaigns_donation WHERE id = %s", [donation.pk])
        stored = cursor.fetchone()[0]
    assert stored == minor and type(stored) is int
    services.mark_received(donation.pk)
    payment = Payment.objects.get()
    assert payment.amount == minor and type(payment.amount) is int
    assert {Donation._meta.get_field("amount").get_internal_type(),
            Payment._meta.get_field("amount").get_internal_type()} == {"PositiveBigIntegerField",
                                                                        "BigIntegerField"}


@pytest.mark.django_db
def test_a_yen_campaign_takes_whole_yen(client, campaign: CampaignPage) -> None:
    CampaignPage.objects.filter(pk=campaign.pk).update(currency="JPY")
    response = client.post(URL, giving(currency="JPY", preset="other", other_amount="¥1,500"))
    assert response.status_code == 302
    assert Donation.objects.get().amount == 1500 and Donation.objects.get().currency == "JPY"
    Donation.objects.all().delete()
    data = giving(currency="JPY", preset="other", other_amount="1500.5", name="Keep Me")
    page = _page(client.post(URL, data))
    assert "Enter a whole amount, with no decimals." in _errors(page, "other_amount")
    _kept(page, data)
