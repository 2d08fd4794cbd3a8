"""localtime.js in headless Chromium: a reader in Madrid sees a Los Angeles event in their own time too.

The page is rendered by the test client and served to the browser through Playwright's request
routing (no live server, so no transactional database); the script is the real static file.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from conftest import needs_chromium

pytestmark = [
    pytest.mark.django_db,
    needs_chromium,
]
SCRIPT = Path(__file__).resolve().parents[1] / "static" / "events" / "localtime.js"
ORIGIN = "http://ledger.test"


def test_reader_sees_their_own_time(client, events, request):
    event = events.add("Winter forum", wall=datetime(2031, 12, 13, 16))
    html = client.get(event.url).content.decode()
    chromium = request.getfixturevalue("browser")  # after the ORM work: Playwright runs an event loop
    errors: list[str] = []

    def serve(route) -> None:
        path = route.request.url.removeprefix(ORIGIN)
        if path == event.url:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
        elif path.endswith("/events/localtime.js"):
            route.fulfill(status=200, content_type="text/javascript", body=SCRIPT.read_text())
        elif path.startswith("/static/"):
            route.fulfill(status=200, body="")
        else:
            route.abort()

    for zone, expected in (("Europe/Madrid", "Your time: Sunday, December 14, 2031 at 01:00 GMT+1"),
                           ("America/Los_Angeles", None)):
        context = chromium.new_context(timezone_id=zone, locale="en-GB")
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.route("**/*", serve)
        page.goto(ORIGIN + event.url)
        page.wait_for_load_state("load")
        notes = page.locator(".event-when .localtime").all_inner_texts()
        if expected is None:
            assert notes == []  # the reader is in the event's zone: nothing to add
        else:
            assert len(notes) == 1 and expected in notes[0], notes
        context.close()
    assert errors == []
