"""In headless Chromium: a reader pledges offline for a T-shirt (the address appears only for a perk we
post), an editor marks the pledge received in the admin, and the reader's page shows the money."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model

from conftest import needs_chromium
from samizdat.campaigns.models import Donation, Payment

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


def watch(page, requested: list[str]) -> list[str]:
    """Record every request the page makes, and every script error or failed request."""
    errors: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
    return errors


def wait_for(condition, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


def progress(page) -> tuple[str, str, str]:
    box = page.locator(".campaign-progress")
    return (box.locator("progress").get_attribute("value"), box.locator("[data-raised]").inner_text(),
            box.locator("[data-supporters]").inner_text())


def test_reader_pledges_a_shirt_and_the_editor_marks_it_received(live_server, browser, campaign,
                                                                 smtp_server, settings):
    settings.SPAM_MIN_SECONDS = 0  # a robot types faster than people; the timestamp is still checked
    settings.STRIPE_SECRET_KEY = ""  # no online payment: gifts are offline pledges
    get_user_model().objects.create_superuser("boss", "boss@example.org", "a-long-password-1")
    requested: list[str] = []
    reader = browser.new_page()
    errors = watch(reader, requested)

    reader.goto(live_server.url + campaign.url)
    assert reader.locator("h1").inner_text().strip() == "Kick-start the video desk"
    assert progress(reader) == ("0", "€0", "0")
    shipping = reader.locator("fieldset.shipping")
    assert shipping.is_hidden()  # nothing picked yet: no address asked for
    issue, design = reader.get_by_label("Which issue"), reader.get_by_label("Design")
    assert issue.is_hidden() and design.is_hidden()  # a perk's questions show once it is picked

    other = reader.get_by_role("textbox", name="Other amount")
    other.fill("12")
    assert reader.get_by_role("radio", name="Other", exact=True).is_checked()
    reader.get_by_role("radio", name="€50", exact=True).check()
    assert other.input_value() == ""  # the suggested amount replaces the typed one

    reader.get_by_role("radio", name="A magazine issue (€30+)").check()
    assert issue.is_visible() and design.is_hidden()
    assert shipping.is_hidden()  # collected, not posted
    reader.get_by_role("radio", name="T-shirt (€50+)").check()
    shipping.wait_for(state="visible")
    assert issue.is_hidden() and design.is_visible()
    reader.get_by_role("radio", name="No perk, thanks").check()
    shipping.wait_for(state="hidden")
    reader.get_by_role("radio", name="T-shirt (€50+)").check()
    shipping.wait_for(state="visible")

    wall_name = reader.get_by_role("textbox", name="Name on the wall")
    reader.get_by_role("checkbox", name="Show my name on the supporters wall").uncheck()
    assert wall_name.is_hidden()
    reader.get_by_role("checkbox", name="Show my name on the supporters wall").check()
    assert wall_name.is_visible()
    design.select_option(label="Red star (1 left)")
    reader.get_by_label("Size").select_option(label="L")
    reader.get_by_role("textbox", name="Name (required)").fill("Zoë Ñandú")
    reader.get_by_role("textbox", name="Email").fill("Zoe@Example.org")
    reader.get_by_role("textbox", name="Postal address").fill("Zoë Ñandú\nCalle Mayor 1\n48001 Bilbao")
    reader.get_by_role("textbox", name="Country").fill("Spain")
    reader.get_by_role("textbox", name="A message for the wall").fill("Film every picket line!")
    reader.get_by_role("button", name="Give", exact=True).click()
    reader.wait_for_load_state("load")
    thanks = reader.locator(".form-thanks")
    assert "We have sent you an email with how to pay" in thanks.inner_text()
    assert "Thank you, comrade." in thanks.inner_text()
    assert progress(reader) == ("0", "€0", "0")  # pledged, not yet received

    pledge = Donation.objects.get()
    assert (pledge.status, pledge.amount, pledge.email, pledge.method) == ("pending", 5000, "zoe@example.org",
                                                                           "offline")
    assert pledge.perk_choices == {"Design": "Red star", "Size": "L"} and "Bilbao" in pledge.ship_to
    wait_for(lambda: smtp_server)
    assert [mail.envelope_rcpt for mail in smtp_server] == [["zoe@example.org"]]
    assert pledge.reference in smtp_server[0].get_payload(decode=True).decode()

    editor = browser.new_context().new_page()  # another person: no shared cookies
    errors += watch(editor, requested)
    editor.goto(live_server.url + "/admin/login/")
    editor.get_by_label("Username").fill("boss")
    editor.get_by_label("Password").fill("a-long-password-1")
    editor.get_by_role("button", name="Sign in").click()
    editor.wait_for_load_state("load")
    editor.goto(f"{live_server.url}/admin/campaigns_admin/{campaign.pk}/")
    row = editor.get_by_role("row").filter(has_text=pledge.reference)
    assert "Zoë Ñandú" in row.inner_text() and "Red star" in row.inner_text()
    row.get_by_role("button", name="Mark received").click()
    editor.wait_for_load_state("load")
    assert "marked received" in editor.locator(".messages").inner_text()
    assert editor.get_by_role("row").filter(has_text=pledge.reference).count() == 0
    assert "€50.00" in editor.locator("[data-raised]").inner_text()
    assert Payment.objects.get().reference == f"offline:{pledge.pk}"
    wait_for(lambda: len(smtp_server) == 2)  # the receipt
    assert smtp_server[1].envelope_rcpt == ["zoe@example.org"]

    reader.goto(live_server.url + campaign.url)
    assert progress(reader) == ("5000", "€50", "1")
    assert "1%" in reader.locator("[data-percent]").inner_text()
    wall = reader.locator(".supporter-wall li").first
    assert "Zoë Ñandú" in wall.inner_text() and "Film every picket line!" in wall.inner_text()
    assert "(sold out)" in reader.locator(".perk").nth(1).inner_text()  # the red star shirt went to Zoë

    site = urlsplit(live_server.url).netloc
    assert {urlsplit(url).netloc for url in requested} == {site}
    assert errors == [], errors
