"""A reader signs a letter in headless Chromium, confirms from the mail, and finds their name listed."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest

from conftest import needs_chromium
from samizdat.letters.models import LetterPage, Signature
from samizdat.letters.tests.conftest import links_in

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


def wait_for_mail(received: list, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not received and time.monotonic() < deadline:
        time.sleep(0.05)


def test_reader_signs_confirms_and_is_listed(live_server, browser, letter, smtp_server, settings):
    settings.SPAM_MIN_SECONDS = 0  # a robot types faster than people; the timestamp is still checked
    page = browser.new_page()
    requested: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    page.goto(live_server.url + letter.url)
    assert page.locator("h1").inner_text().strip() == "Pay the cleaners"
    page.get_by_role("textbox", name="Name").fill("李小龍")
    page.get_by_role("textbox", name="Email").fill("Lee@Example.org")
    page.get_by_role("textbox", name="Organization").fill("Dockers' Union")
    page.get_by_role("button", name="Sign", exact=True).click()
    page.wait_for_load_state("load")
    assert "we have sent you an email" in page.locator(".form-thanks").inner_text()

    wait_for_mail(smtp_server)
    [mail] = smtp_server
    assert mail.envelope_rcpt == ["lee@example.org"]
    page.goto(live_server.url + links_in(mail)["confirm"])
    assert Signature.objects.get().status == "pending"
    page.get_by_role("button", name="Confirm my signature").click()
    page.wait_for_load_state("load")
    assert "Thank you, and pass it on." in page.locator(".form-thanks").inner_text()
    assert LetterPage.objects.get(pk=letter.pk).signature_count == 1

    page.get_by_role("link", name="See your name in the list of signatories").click()
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path == letter.url + "signatures/"
    entry = page.locator("ol.signatories li").first
    assert "李小龍" in entry.inner_text() and "Dockers' Union" in entry.locator("strong").inner_text()

    site = urlsplit(live_server.url).netloc
    assert {urlsplit(url).netloc for url in requested} == {site}
    assert errors == [], errors
