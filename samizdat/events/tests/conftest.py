"""Fixtures for the events app: an index per language, events built in code, a committing client."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from django.utils.text import slugify

from samizdat.core import spam
from samizdat.events.models import EventIndexPage, EventPage, wall_clock_to_utc

JOIN_URL = "https://meet.example.org/secret-room-42"


@pytest.fixture
def client(committing_client):
    """Mail queued on commit goes out after each POST (see conftest.committing_client)."""
    return committing_client


class Events:
    """The outlet's event indexes (English and Spanish) and a helper to add events."""

    def __init__(self, outlet) -> None:
        self.outlet = outlet
        self.index = outlet.home.add_child(instance=EventIndexPage(title="Events", slug="events"))
        self.index_es = self.index.copy_for_translation(outlet.es)
        self.index_es.title, self.index_es.slug = "Eventos", "eventos"
        self.index_es.save_revision().publish()
        self.index_es = EventIndexPage.objects.get(pk=self.index_es.pk)

    def add(self, title: str, *, starts_at: datetime | None = None, days: float = 10, hours: float = 2,
            index=None, wall: datetime | None = None, time_zone: str = "America/Los_Angeles", **fields):
        """A live event `days` from now (or at `starts_at`, or at wall-clock `wall` in its zone)."""
        if wall is not None:
            starts_at = wall_clock_to_utc(wall, time_zone)
        starts_at = starts_at or timezone.now() + timedelta(days=days)
        starts_at = starts_at.replace(second=0, microsecond=0)
        fields.setdefault("join_url", JOIN_URL)
        page = EventPage(title=title, slug=slugify(title) or "event", starts_at=starts_at,
                         ends_at=starts_at + timedelta(hours=hours), time_zone=time_zone, **fields)
        (index or self.index).add_child(instance=page)
        return EventPage.objects.get(pk=page.pk)


@pytest.fixture
def events(outlet) -> Events:
    return Events(outlet)


def signup(**overrides) -> dict:
    data = {"name": "Zoë Ñandú", "email": "zoe@example.org", "organization": "Nurses' Union",
            "country": "Spain", "started": spam.timestamp_token("event", time.time() - 30), "website": ""}
    data.update(overrides)
    return data


def text_of(mail) -> str:
    """The text part of a received mail (not the .ics)."""
    for part in mail.walk():
        if part.get_content_type() == "text/plain" and not part.get_filename():
            return part.get_payload(decode=True).decode(part.get_content_charset())
    raise AssertionError("no text part")


def confirm_link(mail) -> str:
    """The path of the confirmation link in a "Confirm your registration" mail."""
    found = re.search(r"http://localhost(/\S+/confirm/[\w-]+/)", text_of(mail))
    assert found, text_of(mail)
    return found.group(1)


def register_and_confirm(client, event, smtp_server, **overrides):
    """Send the form, follow the link in the mail it brings and press the button; the response."""
    assert client.post(event.url, signup(**overrides)).status_code == 302
    return client.post(confirm_link(smtp_server[-1]))
