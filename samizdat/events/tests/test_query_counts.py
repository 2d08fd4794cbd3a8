"""Public event pages and calendars: fixed query counts, 3 or 30 events and registrations, no writes."""

from __future__ import annotations

import pytest

from samizdat.core.tests.test_query_counts import MAX_QUERIES, queries_for
from samizdat.events.models import Registration

pytestmark = pytest.mark.django_db


def grow(events, forum, start: int, count: int) -> None:
    for number in range(start, start + count):
        events.add(f"Upcoming {number}", days=number + 1, venue="Hall", format="hybrid", address="1 Main St")
        events.add(f"Past {number}", days=-(number + 1))
        Registration.objects.create(event=forum, name=f"P{number}", email=f"p{number}@example.org",
                                    country="Chile", status="waiting" if number % 2 else "confirmed")


def test_event_pages_do_not_grow(client, events):
    forum = events.add("Forum", capacity=500, days=2, registration_deadline=None)
    registration = Registration.objects.create(event=forum, name="Zoë", email="zoe@example.org",
                                               country="Chile")
    urls = {"index": "/events/", "index page 2": "/events/?page=2", "feed": "/events/calendar/",
            "event": forum.url, "event ics": f"{forum.url}calendar/",
            "registration": f"{forum.url}registration/{registration.token}/",
            "registration ics": f"{forum.url}registration/{registration.token}/calendar/",
            "cancel": f"{forum.url}cancel/{registration.token}/"}
    grow(events, forum, 100, 3)
    small = {name: queries_for(client, url) for name, url in urls.items()}
    grow(events, forum, 200, 27)
    large = {name: queries_for(client, url) for name, url in urls.items()}
    print("queries per page:", small)
    assert large == small
    assert max(small.values()) <= MAX_QUERIES, small
