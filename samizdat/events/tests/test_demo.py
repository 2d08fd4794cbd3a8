"""The demo's events part, run alone on the test outlet (the full loader is tested in samizdat/demo)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from samizdat.demo import events as demo_events
from samizdat.demo.loader import _DemoLoader
from samizdat.events.models import EventPage, Registration

pytestmark = pytest.mark.django_db


def test_demo_events(client, outlet):
    loader = _DemoLoader("pw", print)
    loader.en, loader.es, loader.home_en, loader.home_es = outlet.en, outlet.es, outlet.home, outlet.home_es
    loader.editor = loader.moderator = None
    demo_events.load(loader)
    forum = EventPage.objects.get(slug="forum-war-and-workers")
    local = forum.local_starts_at
    assert (local.hour, local.minute, forum.capacity) == (16, 0, 300) and forum.starts_at > timezone.now()
    page = client.get("/events/").content.decode()
    assert "Forum: the war and the workers" in page and "Meet the dockers" in page and "Foro" not in page
    spanish = client.get("/es/eventos/").content.decode()
    assert "Foro: la guerra y los trabajadores" in spanish
    forum_page = client.get(forum.url).content.decode()
    assert "meet.example.org" not in forum_page and "297 seats left" in forum_page
    assert Registration.objects.filter(attended=True).count() == 2
