"""Reader support in Wagtail's admin, as editors use it: the campaigns list and each campaign's
dashboard (totals from the ledger, the SVG chart, offline pledges to mark received or cancel),
the perk fulfilment list with its CSV, the donations listing, permissions, and query counts."""

from __future__ import annotations

import csv
import datetime
import email.header
import io
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree, html

from conftest import make_user, messages_of
from samizdat.campaigns import services
from samizdat.campaigns.admin_views import FULFILMENT_COLUMNS
from samizdat.campaigns.models import CampaignPage, Donation, Payment, Perk
from samizdat.campaigns.tests.conftest import choice

pytestmark = pytest.mark.django_db
BASE = "/admin/campaigns_admin/"
DONATIONS = "/admin/campaigns_donations/"
SVG = "{http://www.w3.org/2000/svg}"
ADDRESS = "Calle Mayor 1, 2º izq.\n28013 Madrid"


def gift(campaign: CampaignPage, amount: int = 3000, *, method: str = Donation.Method.OFFLINE,
         name: str = "Rosa Ortiz", perk: str = "", labels: tuple[str, ...] = (), **extra) -> Donation:
    """A pending gift as the give form records it, with a perk and its choices picked by label."""
    perk_object = Perk.objects.get(campaign=campaign, title=perk) if perk else None
    data = {"amount": amount, "name": name, "email": f"{name.split()[0].lower()}@example.org",
            "frequency": "once", "is_public": False, "perk_object": perk_object,
            "choice_ids": [choice(campaign, label).pk for label in labels],
            "ship_to": ADDRESS if perk_object and perk_object.ships else "",
            "ship_country": "España" if perk_object and perk_object.ships else "", **extra}
    return services.give(campaign, data, method=method)


def paid(campaign: CampaignPage, amount: int = 3000, *, days_ago: int = 0, **fields) -> Donation:
    """A card gift whose payment Stripe reported `days_ago` days ago."""
    donation = gift(campaign, amount, method=Donation.Method.STRIPE, **fields)
    services.record_payment(donation.pk, amount, f"ch_{donation.pk}", payment_intent=f"pi_{donation.pk}",
                            received_at=timezone.now() - datetime.timedelta(days=days_ago))
    return Donation.objects.get(pk=donation.pk)


def other_campaign(outlet) -> CampaignPage:
    page = CampaignPage(title="Printing press fund", slug="press", goal=100_000, currency="EUR")
    outlet.home.add_child(instance=page)
    return page


def totals_of(client, campaign: CampaignPage) -> dict:
    response = client.get(f"{BASE}{campaign.pk}/")
    assert response.status_code == 200
    page = html.fromstring(response.content)
    return {**response.context["totals"], "percent": response.context["percent"],
            "shown": " ".join(page.cssselect("[data-raised]")[0].text_content().split())}


def svg_of(response) -> etree._Element:
    """The chart exactly as served, parsed by a strict XML parser (so it must be well-formed)."""
    found = re.search(rb'<div class="campaign-chart">(.*?)</div>', response.content, re.DOTALL)
    assert found, "no chart on the page"
    return etree.fromstring(found.group(1), etree.XMLParser(resolve_entities=False, no_network=True))


def text_of(message) -> str:
    part = next(part for part in message.walk() if part.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def csv_rows(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


# The list and the dashboard: money is the ledger's


def test_totals_count_the_ledger_only(boss, campaign):
    first = gift(campaign, 3000, name="Ana Pérez")
    gift(campaign, 5000, name="Bo Lind", perk="T-shirt", labels=("Red star", "M"))
    gift(campaign, 2000, method=Donation.Method.STRIPE, name="Cy Checkout")  # checkout never finished
    card = paid(campaign, 10000, name="Dee Card", days_ago=2)

    figures = totals_of(boss, campaign)
    assert (figures["raised"], figures["supporters"], figures["pending"], figures["pending_amount"]) == (
        10000, 1, 3, 8000)
    assert figures["percent"] == 2 and figures["shown"] == "€100.00 of €5,000 (2%)"

    response = boss.post(f"{BASE}{campaign.pk}/pledges/{first.pk}/received/")
    assert response.status_code == 302 and response["Location"] == f"{BASE}{campaign.pk}/"
    figures = totals_of(boss, campaign)
    assert (figures["raised"], figures["supporters"], figures["pending"], figures["pending_amount"]) == (
        13000, 2, 2, 5000)

    assert services.record_refund(f"pi_{card.pk}", 4000, "re_1") is True
    figures = totals_of(boss, campaign)
    assert (figures["raised"], figures["refunded"], figures["supporters"]) == (9000, 4000, 2)
    assert figures["shown"] == "€90.00 of €5,000 (1%)"
    assert services.record_refund(f"pi_{card.pk}", 10000, "re_2") is True  # the rest: nothing left
    figures = totals_of(boss, campaign)
    assert (figures["raised"], figures["refunded"], figures["supporters"]) == (3000, 10000, 1)
    assert Donation.objects.get(pk=card.pk).status == Donation.Status.REFUNDED

    listing = boss.get(BASE)
    assert listing.status_code == 200
    row = html.fromstring(listing.content).xpath(f"//tr[.//a[@href='{BASE}{campaign.pk}/']]")[0]
    cells = [" ".join(cell.text_content().split()) for cell in row.cssselect("td")]
    assert cells == ["Kick-start the video desk", "English", "€30", "€5,000", "1", "2", "0"]


def test_dashboard_lists_pledges_and_latest_gifts(boss, campaign):
    pledge = gift(campaign, 5000, name="Zoë Ñandú", perk="T-shirt", labels=("Fist", "L"))
    paid(campaign, 2500, name="Ana Pérez")
    page = html.fromstring(boss.get(f"{BASE}{campaign.pk}/").content)
    tables = page.cssselect("table.listing")
    pledges, recent = tables[0].text_content(), tables[1].text_content()
    assert pledge.reference in pledges and "Zoë Ñandú" in pledges and "Design: Fist; Size: L" in pledges
    assert "Ana Pérez" not in pledges and "Ana Pérez" in recent and "Zoë Ñandú" not in recent
    forms = tables[0].cssselect("form")
    assert forms[0].get("action") == f"{BASE}{campaign.pk}/pledges/{pledge.pk}/received/"
    assert forms[0].cssselect("button[formaction]")[0].get("formaction") == (
        f"{BASE}{campaign.pk}/pledges/{pledge.pk}/cancel/")
    links = {link.get("href") for link in page.cssselect("a")}
    assert f"{BASE}{campaign.pk}/perks/" in links and f"{DONATIONS}?campaign={campaign.pk}" in links


def test_campaign_pages_get_a_dashboard_button(boss, campaign, outlet):
    response = boss.get(f"/admin/pages/{outlet.home.pk}/")
    assert f'href="{BASE}{campaign.pk}/"' in response.content.decode()


# The chart


def test_chart_is_well_formed_svg_with_a_dot_per_day(boss, campaign):
    paid(campaign, 10000, days_ago=6)
    paid(campaign, 2000, days_ago=6)
    paid(campaign, 5000, days_ago=3)
    card = paid(campaign, 4000, days_ago=3)
    paid(campaign, 1000, days_ago=0)
    services.record_refund(f"pi_{card.pk}", 4000, "re_1")  # today: back down
    response = boss.get(f"{BASE}{campaign.pk}/")
    svg = svg_of(response)
    assert svg.tag == f"{SVG}svg" and svg.get("viewBox") == "0 0 640 240" and svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text.endswith("€180")
    dots = svg.findall(f"{SVG}circle")
    titles = [dot.find(f"{SVG}title").text for dot in dots]
    assert len(dots) == 3  # three days money moved
    assert [title.split(": ")[1] for title in titles] == ["€120", "€210", "€180"]
    heights = [float(dot.get("cy")) for dot in dots]
    assert heights[1] < heights[2] < heights[0]  # higher up is more money
    xs = [float(dot.get("cx")) for dot in dots]
    assert xs == sorted(xs) and xs[0] == 80.0 and xs[-1] == 640 - 16
    assert all(element.tag.startswith(SVG) for element in svg.iter(etree.Element))
    assert not svg.xpath("//*[local-name()='script' or local-name()='foreignObject' or @href]")
    assert not any(name.startswith("on") for element in svg.iter() for name in element.attrib)


def test_chart_of_an_empty_campaign_and_of_one_day(boss, campaign):
    response = boss.get(f"{BASE}{campaign.pk}/")
    chart = html.fromstring(response.content).cssselect(".campaign-chart")[0]
    assert not chart.cssselect("svg") and chart.text_content() == "No money received yet."
    gift(campaign, 3000)  # a pledge is not money
    assert not html.fromstring(boss.get(f"{BASE}{campaign.pk}/").content).cssselect(".campaign-chart svg")
    paid(campaign, 3000)
    assert len(svg_of(boss.get(f"{BASE}{campaign.pk}/")).findall(f"{SVG}circle")) == 1


@pytest.mark.parametrize("path", ["", "{pk}/", "{pk}/perks/", "{pk}/perks/?show=all"])
def test_admin_pages_load_nothing_from_elsewhere(boss, campaign, path):
    paid(campaign, 5000, perk="T-shirt", labels=("Fist", "M"))
    response = boss.get(BASE + path.format(pk=campaign.pk))
    assert response.status_code == 200
    page = html.fromstring(response.content)
    loaded = (page.xpath("//script/@src") + page.xpath("//link[contains(@rel, 'stylesheet')]/@href")
              + page.xpath("//img/@src") + page.xpath("//iframe/@src"))
    assert loaded and all(urlsplit(url).netloc in ("", "testserver") for url in loaded), loaded
    assert not page.xpath("//*[@class='campaign-chart']//script")


# Offline pledges: mark received, cancel


def test_mark_received_twice_counts_once_and_mails_one_receipt(boss, campaign, smtp_server):
    pledge = gift(campaign, 3000, name="Ana Pérez")
    url = f"{BASE}{campaign.pk}/pledges/{pledge.pk}/received/"
    first = boss.post(url, follow=True)
    assert any("marked received" in message for message in messages_of(first))
    second = boss.post(url, follow=True)
    assert any("already been marked received" in message for message in messages_of(second))
    assert list(Payment.objects.filter(donation=pledge).values_list("amount", "reference")) == [
        (3000, f"offline:{pledge.pk}")]
    assert Donation.objects.get(pk=pledge.pk).status == Donation.Status.PAID
    assert second.context["totals"]["raised"] == 3000 and second.context["pledges"] == []

    assert len(smtp_server) == 1
    receipt = smtp_server[0]
    assert receipt.envelope_rcpt == ["ana@example.org"]
    subject = str(email.header.make_header(email.header.decode_header(receipt["Subject"])))
    assert subject == "Thank you: your receipt for Kick-start the video desk"
    assert "€30.00" in text_of(receipt)


def test_cancel_ends_a_pledge_and_frees_its_stock(boss, campaign):
    pledge = gift(campaign, 5000, name="Bo Lind", perk="T-shirt", labels=("Red star", "M"))
    with pytest.raises(services.SoldOut):  # the only red star shirt is held
        gift(campaign, 5000, perk="T-shirt", labels=("Red star", "L"))
    response = boss.post(f"{BASE}{campaign.pk}/pledges/{pledge.pk}/cancel/", follow=True)
    assert any("Pledge cancelled" in message for message in messages_of(response))
    pledge.refresh_from_db()
    assert pledge.status == Donation.Status.EXPIRED and pledge.ended_at is not None
    assert response.context["pledges"] == [] and response.context["totals"]["pending"] == 0
    assert gift(campaign, 5000, perk="T-shirt", labels=("Red star", "L")).status == Donation.Status.PENDING
    assert not Payment.objects.exists()


def test_cancel_leaves_a_received_pledge_alone(boss, campaign):
    pledge = gift(campaign, 3000)
    boss.post(f"{BASE}{campaign.pk}/pledges/{pledge.pk}/received/")
    response = boss.post(f"{BASE}{campaign.pk}/pledges/{pledge.pk}/cancel/", follow=True)
    assert any("no longer waiting" in message for message in messages_of(response))
    assert Donation.objects.get(pk=pledge.pk).status == Donation.Status.PAID
    assert response.context["totals"]["raised"] == 3000


def test_actions_are_post_only(boss, campaign):
    pledge = gift(campaign, 3000)
    for url in (f"{BASE}{campaign.pk}/pledges/{pledge.pk}/received/",
                f"{BASE}{campaign.pk}/pledges/{pledge.pk}/cancel/", f"{BASE}{campaign.pk}/perks/shipped/"):
        response = boss.get(url)
        assert response.status_code == 405 and "POST" in response["Allow"]
    assert boss.post(f"{BASE}{campaign.pk}/").status_code == 405
    assert boss.post(f"{BASE}{campaign.pk}/perks/").status_code == 405
    assert Donation.objects.get(pk=pledge.pk).status == Donation.Status.PENDING


def test_actions_need_the_csrf_token(campaign):
    pledge = gift(campaign, 3000)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(get_user_model().objects.create_superuser("boss", "boss@example.org", "pw"))
    url = f"{BASE}{campaign.pk}/pledges/{pledge.pk}/received/"
    assert browser.post(url).status_code == 403
    assert browser.post(f"{BASE}{campaign.pk}/perks/shipped/").status_code == 403
    assert not Payment.objects.exists()
    page = html.fromstring(browser.get(f"{BASE}{campaign.pk}/").content)
    token = page.cssselect(f"form[action='{url}'] input[name=csrfmiddlewaretoken]")[0].get("value")
    assert browser.post(url, {"csrfmiddlewaretoken": token}).status_code == 302
    assert Payment.objects.get().amount == 3000


def test_unknown_foreign_and_card_gifts_are_not_found(boss, campaign, outlet):
    elsewhere = gift(other_campaign(outlet), 3000)
    card = gift(campaign, 3000, method=Donation.Method.STRIPE)  # its money comes from Stripe only
    for donation_id in (elsewhere.pk, card.pk, 999999):
        for action in ("received", "cancel"):
            assert boss.post(f"{BASE}{campaign.pk}/pledges/{donation_id}/{action}/").status_code == 404
    assert not Payment.objects.exists()
    assert set(Donation.objects.values_list("status", flat=True)) == {Donation.Status.PENDING}


@pytest.mark.parametrize("path", [
    "abc/", "-1/", "99999999999999999999/", "{home}/", "999999/", "{pk}/perks/abc/",
    "abc/perks/", "{home}/perks/", "99999999999999999999/perks/",
    "{pk}/pledges/abc/received/", "{pk}/pledges/99999999999999999999/received/", "{pk}/pledges/1.5/cancel/",
    "{home}/pledges/{pledge}/received/", "99999999999999999999/pledges/{pledge}/cancel/",
])
def test_bad_ids_are_a_clear_404(boss, campaign, outlet, path):
    pledge = gift(campaign, 3000)
    url = BASE + path.format(pk=campaign.pk, home=outlet.home.pk, pledge=pledge.pk)
    response = boss.post(url) if "pledges" in path else boss.get(url)
    assert response.status_code == 404
    assert Donation.objects.get(pk=pledge.pk).status == Donation.Status.PENDING


# Perk fulfilment


@pytest.fixture
def perks_to_send(campaign, outlet) -> dict[str, Donation]:
    """Paid shirts (one already sent), and gifts that are not the post's business."""
    gifts = {
        "zoe": paid(campaign, 5000, name="Zoë Ñandú", perk="T-shirt", labels=("Fist", "M"), days_ago=2),
        "li": paid(campaign, 6000, name="李小龍 Li", perk="T-shirt", labels=("Red star", "L"), days_ago=1),
        "sent": paid(campaign, 5000, name="Sam Sent", perk="T-shirt", labels=("Fist", "L"), days_ago=3),
        "magazine": paid(campaign, 3000, name="Mag Reader", perk="A magazine issue", labels=("Spring",)),
        "waiting": gift(campaign, 5000, name="Wai Ting", perk="T-shirt", labels=("Fist", "M")),
        "refunded": paid(campaign, 5000, name="Ref Und", perk="T-shirt", labels=("Fist", "L")),
        "elsewhere": paid(other_campaign(outlet), 5000, name="Else Where"),
    }
    services.record_refund(f"pi_{gifts['refunded'].pk}", 5000, "re_1")
    services.mark_shipped([gifts["sent"].pk])
    return gifts


def test_fulfilment_lists_paid_shipping_perks_with_choices_and_address(boss, campaign, perks_to_send):
    response = boss.get(f"{BASE}{campaign.pk}/perks/")
    assert response.status_code == 200
    assert [donation.name for donation in response.context["rows"]] == ["Zoë Ñandú", "李小龍 Li"]
    page = html.fromstring(response.content)
    rows = page.cssselect("table.listing tbody tr")
    zoe = [cell.text_content() for cell in rows[0].cssselect("td")]
    assert zoe[1] == perks_to_send["zoe"].reference and zoe[2].startswith("Zoë Ñandú")
    assert (zoe[3], zoe[4]) == ("T-shirt", "Design: Fist; Size: M")
    assert zoe[5] == "Calle Mayor 1, 2º izq.28013 MadridEspaña"  # lines kept apart by <br>
    assert len(rows[0].cssselect("td br")) == 3
    assert rows[0].cssselect("input[type=checkbox]")[0].get("value") == str(perks_to_send["zoe"].pk)

    everything = boss.get(f"{BASE}{campaign.pk}/perks/", {"show": "all"})
    names = [donation.name for donation in everything.context["rows"]]
    assert names == ["Zoë Ñandú", "李小龍 Li", "Sam Sent"]
    sent_row = html.fromstring(everything.content).cssselect("table.listing tbody tr")[2]
    assert not sent_row.cssselect("input[type=checkbox]")
    assert services.dashboard_totals(campaign)["to_ship"] == 2


def test_fulfilment_csv(boss, campaign, perks_to_send):
    response = boss.get(f"{BASE}{campaign.pk}/perks/", {"export": "csv"})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="perks-video-desk.csv"'
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header == FULFILMENT_COLUMNS
    rows = csv_rows(response)
    assert [row["name"] for row in rows] == ["Zoë Ñandú", "李小龍 Li"]
    zoe = rows[0]
    assert (zoe["reference"], zoe["email"], zoe["perk"], zoe["choices"]) == (
        perks_to_send["zoe"].reference, "zoë@example.org", "T-shirt", "Design: Fist; Size: M")
    assert (zoe["ship_to"], zoe["ship_country"], zoe["amount"], zoe["status"], zoe["shipped"]) == (
        ADDRESS, "España", "€50.00", "paid", "")
    assert zoe["given"] == timezone.localdate().isoformat()
    assert rows[1]["choices"] == "Design: Red star; Size: L"

    everything = csv_rows(boss.get(f"{BASE}{campaign.pk}/perks/", {"export": "csv", "show": "all"}))
    assert [row["name"] for row in everything][-1] == "Sam Sent"
    assert everything[-1]["shipped"] == timezone.localdate().isoformat()


def test_mark_shipped_is_idempotent_and_only_for_perks_to_send(boss, campaign, perks_to_send):
    url = f"{BASE}{campaign.pk}/perks/shipped/"
    zoe, sent = perks_to_send["zoe"], perks_to_send["sent"]
    sent_at = Donation.objects.get(pk=sent.pk).shipped_at
    response = boss.post(url, {"donation": [str(zoe.pk), str(sent.pk)]}, follow=True)
    assert any("1 marked shipped" in message for message in messages_of(response))
    assert [donation.name for donation in response.context["rows"]] == ["李小龍 Li"]
    shipped_at = Donation.objects.get(pk=zoe.pk).shipped_at
    assert shipped_at is not None and Donation.objects.get(pk=sent.pk).shipped_at == sent_at

    boss.post(url, {"donation": [str(zoe.pk)]})
    assert Donation.objects.get(pk=zoe.pk).shipped_at == shipped_at  # the first date stays

    others = [perks_to_send[key].pk for key in ("magazine", "waiting", "refunded", "elsewhere")]
    junk = ["abc", "", "-3", "1.5", "99999999999999999999999", "٣"]
    response = boss.post(url, {"donation": [str(pk) for pk in others] + junk}, follow=True)
    assert response.status_code == 200
    assert any("Tick the perks" in message for message in messages_of(response))
    assert not Donation.objects.filter(pk__in=others, shipped_at__isnull=False).exists()


# The donations listing (a ModelViewSet)


def test_donations_listing_filters_and_exports(boss, campaign, perks_to_send):
    response = boss.get(DONATIONS)
    assert response.status_code == 200
    assert {donation.name for donation in response.context["object_list"]} == {
        donation.name for donation in perks_to_send.values()}
    here = boss.get(DONATIONS, {"campaign": campaign.pk, "status": "paid"})
    assert {donation.name for donation in here.context["object_list"]} == {
        "Zoë Ñandú", "李小龍 Li", "Sam Sent", "Mag Reader"}
    assert boss.get(DONATIONS, {"campaign": "abc", "status": "nonsense"}).status_code == 200

    exported = boss.get(DONATIONS, {"export": "csv", "campaign": campaign.pk, "status": "paid"})
    assert exported.status_code == 200
    rows = {row["Name"]: row for row in csv_rows(exported)}
    assert set(rows) == {"Zoë Ñandú", "李小龍 Li", "Sam Sent", "Mag Reader"}
    assert rows["Zoë Ñandú"]["Amount (minor units)"] == "5000"
    # Donation.choices_text follows the stored JSON object, whose keys jsonb reorders on PostgreSQL.
    assert set(rows["Zoë Ñandú"]["Choices"].split("; ")) == {"Design: Fist", "Size: M"}
    assert rows["李小龍 Li"]["Reference"] == perks_to_send["li"].reference


def test_donations_cannot_be_added_or_copied(boss, campaign):
    donation = paid(campaign, 3000)
    index = boss.get(DONATIONS)
    assert f'href="{DONATIONS}new/"' not in index.content.decode()
    assert index.context.get("add_url") is None
    for url in (f"{DONATIONS}new/", f"{DONATIONS}copy/{donation.pk}/"):
        assert boss.get(url).status_code == 404
        assert boss.post(url, {"name": "Forged", "amount": "100"}).status_code == 404
    assert Donation.objects.count() == 1


def test_editing_a_donation_cannot_change_its_money(boss, campaign):
    donation = paid(campaign, 3000, name="Ana Pérez")
    url = f"{DONATIONS}edit/{donation.pk}/"
    form = html.fromstring(boss.get(url).content).cssselect("form#w-editor-form")[0]
    fields = {element.get("name") for element in form.cssselect("input, select, textarea")}
    assert {"name", "ship_to", "shipped_at"} <= fields
    assert not fields & {"amount", "currency", "status", "method", "frequency", "campaign", "email"}
    response = boss.post(url, {"name": "Ana P. Pérez", "display_name": "", "message": "", "ship_to": "",
                               "ship_country": "", "shipped_at": "", "amount": "1", "currency": "USD",
                               "status": "refunded", "method": "offline"})
    assert response.status_code == 302
    donation.refresh_from_db()
    assert (donation.name, donation.amount, donation.currency, donation.status, donation.method) == (
        "Ana P. Pérez", 3000, "EUR", "paid", "stripe")
    assert services.dashboard_totals(campaign)["raised"] == 3000


def test_only_a_gift_without_money_can_be_deleted(boss, campaign):
    donation = paid(campaign, 3000)
    abandoned = gift(campaign, 5000, method=Donation.Method.STRIPE, perk="T-shirt", labels=("Red star",))
    for shown, each in ((False, donation), (True, abandoned)):
        edit = boss.get(f"{DONATIONS}edit/{each.pk}/").content.decode()
        assert (f'href="{DONATIONS}delete/{each.pk}/"' in edit) is shown
    for method in (boss.get, boss.post):
        response = method(f"{DONATIONS}delete/{donation.pk}/", follow=True)
        assert response.redirect_chain == [(f"{DONATIONS}edit/{donation.pk}/", 302)]
        assert "Money for this gift is in the ledger, so it cannot be deleted." in messages_of(response)
    assert Donation.objects.filter(pk=donation.pk).exists() and Payment.objects.count() == 1

    assert boss.post(f"{DONATIONS}delete/{abandoned.pk}/").status_code == 302
    assert not Donation.objects.filter(pk=abandoned.pk).exists()
    assert gift(campaign, 5000, perk="T-shirt", labels=("Red star",)).status == Donation.Status.PENDING


@pytest.mark.parametrize("path", ["edit/abc/", "edit/99999999999999999999/", "inspect/abc/", "delete/abc/",
                                  "edit/999999/"])
def test_donations_bad_ids_are_404(boss, path):
    assert boss.get(DONATIONS + path).status_code == 404


# Who may


@pytest.mark.parametrize("path", ["", "{pk}/", "{pk}/perks/", "{pk}/perks/?export=csv"])
def test_no_admin_access_goes_to_login(client, campaign, path):
    url = BASE + path.format(pk=campaign.pk)
    for user in (None, make_user("reader")):
        if user:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    response = client.post(f"{BASE}{campaign.pk}/pledges/{gift(campaign).pk}/received/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert not Payment.objects.exists()


@pytest.mark.parametrize("group", ["Editors", "Moderators"])
def test_newsroom_without_campaign_permissions_is_turned_away(client, campaign, outlet, group):
    pledge = gift(campaign, 3000)
    client.force_login(make_user("newsroom", groups=(group,)))
    assert client.get("/admin/").status_code == 200
    assert BASE not in client.get("/admin/").content.decode()  # no menu item
    explorer = client.get(f"/admin/pages/{outlet.home.pk}/").content.decode()
    assert "Kick-start the video desk" in explorer and f'href="{BASE}{campaign.pk}/"' not in explorer
    for url in (BASE, f"{BASE}{campaign.pk}/", f"{BASE}{campaign.pk}/perks/?export=csv", DONATIONS,
                f"{DONATIONS}edit/{pledge.pk}/"):
        response = client.get(url, follow=True)
        assert response.redirect_chain == [("/admin/", 302)], url  # Wagtail's "permission denied"
        assert "Sorry, you do not have permission to access this area." in messages_of(response)
    for action in ("received", "cancel"):
        assert client.post(f"{BASE}{campaign.pk}/pledges/{pledge.pk}/{action}/").status_code == 403
    assert client.post(f"{BASE}{campaign.pk}/perks/shipped/", {"donation": pledge.pk}).status_code == 403
    assert Donation.objects.get(pk=pledge.pk).status == Donation.Status.PENDING


def test_viewing_is_not_changing(client, campaign):
    pledge = gift(campaign, 3000)
    shirt = paid(campaign, 5000, perk="T-shirt", labels=("Fist", "M"))
    client.force_login(make_user("treasurer", groups=("Editors",), perms=("campaigns.view_donation",)))
    assert client.get(f"{BASE}{campaign.pk}/").status_code == 200
    assert client.get(f"{BASE}{campaign.pk}/perks/").status_code == 200
    assert client.get(DONATIONS).status_code == 200
    assert BASE in client.get("/admin/").content.decode()
    for action in ("received", "cancel"):
        response = client.post(f"{BASE}{campaign.pk}/pledges/{pledge.pk}/{action}/")
        assert response.status_code == 403
    assert client.post(f"{BASE}{campaign.pk}/perks/shipped/", {"donation": shirt.pk}).status_code == 403
    assert Donation.objects.get(pk=pledge.pk).status == Donation.Status.PENDING
    assert Donation.objects.get(pk=shirt.pk).shipped_at is None

    client.force_login(make_user("organizer", groups=("Editors",), perms=("campaigns.change_donation",)))
    assert client.post(f"{BASE}{campaign.pk}/pledges/{pledge.pk}/received/").status_code == 302
    assert client.post(f"{BASE}{campaign.pk}/perks/shipped/", {"donation": shirt.pk}).status_code == 302
    assert Donation.objects.get(pk=pledge.pk).status == Donation.Status.PAID
    assert Donation.objects.get(pk=shirt.pk).shipped_at is not None


# Queries do not grow with the number of gifts


def fill(campaign: CampaignPage, count: int) -> None:
    """`count` gifts of every kind: pledges, paid shirts over several days, a refund, a monthly gift."""
    for number in range(count):
        kind = number % 5
        if kind == 0:
            gift(campaign, 3000 + number, name=f"Pledger {number}", perk="A magazine issue",
                 labels=("Autumn",))
        elif kind in (1, 2):
            paid(campaign, 5000 + number, name=f"Shirt {number}", perk="T-shirt", labels=("L",),
                 days_ago=number % 7)
        elif kind == 3:
            card = paid(campaign, 2000 + number, name=f"Refund {number}", days_ago=number % 4)
            services.record_refund(f"pi_{card.pk}", 1000, f"re_{card.pk}")
        else:
            paid(campaign, 1000, name=f"Monthly {number}", frequency="monthly", is_public=True,
                 display_name=f"M{number}", days_ago=number % 3)


def queries(client, url: str) -> int:
    client.get(url)  # caches (site, menus) warm
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("url", [BASE, BASE + "{pk}/", BASE + "{pk}/perks/", BASE + "{pk}/perks/?show=all",
                                 BASE + "{pk}/perks/?export=csv", DONATIONS, DONATIONS + "?campaign={pk}"])
def test_pages_do_not_grow_queries_with_gifts(boss, campaign, url):
    url = url.format(pk=campaign.pk)
    fill(campaign, 3)
    few = queries(boss, url)
    fill(campaign, 27)
    assert Donation.objects.filter(campaign=campaign).count() == 30
    assert queries(boss, url) == few
    assert few <= 25


def test_campaigns_list_names_itself_in_the_breadcrumbs(boss):
    from django.urls import reverse

    page = html.fromstring(boss.get(reverse("campaigns_admin:index")).content)
    assert "Campaigns" in page.cssselect(".w-breadcrumbs")[0].text_content()
