"""Times in the event's zone, the public .ics and the calendar feed, parsed with icalendar; the index."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from icalendar import Calendar

from samizdat.events.models import EventPage, wall_clock_to_utc
from samizdat.events.tests.conftest import JOIN_URL

pytestmark = pytest.mark.django_db
LA = ZoneInfo("America/Los_Angeles")


def test_wall_clock_conversion_across_dst():
    assert wall_clock_to_utc(datetime(2031, 6, 10, 16), "America/Los_Angeles") == \
        datetime(2031, 6, 10, 23, tzinfo=UTC)  # PDT, UTC-7
    assert wall_clock_to_utc(datetime(2031, 12, 13, 16), "America/Los_Angeles") == \
        datetime(2031, 12, 14, 0, tzinfo=UTC)  # PST, UTC-8: midnight UTC the next day
    with pytest.raises(ValueError):
        wall_clock_to_utc(datetime(2031, 3, 9, 2, 30), "America/Los_Angeles")  # skipped by the change


def test_public_ics_has_the_zone_and_no_join_link(client, events):
    winter = events.add("Winter forum", wall=datetime(2031, 12, 13, 16), address="1 Main St",
                        format="hybrid", venue="Hall")
    response = client.get(f"{winter.url}calendar/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert 'filename="event.ics"' in response["Content-Disposition"]
    assert JOIN_URL not in response.content.decode()
    calendar = Calendar.from_ical(response.content)
    event = calendar.walk("VEVENT")[0]
    start = event.decoded("DTSTART")
    assert event["DTSTART"].params["TZID"] == "America/Los_Angeles"
    assert (start.hour, start.minute, start.utcoffset()) == (16, 0, timedelta(hours=-8))
    assert start.astimezone(UTC) == datetime(2031, 12, 14, 0, tzinfo=UTC)
    assert event.decoded("DTEND").astimezone(UTC) == datetime(2031, 12, 14, 2, tzinfo=UTC)
    assert str(event["LOCATION"]) == "Hall, 1 Main St" and str(event["SUMMARY"]) == "Winter forum"
    assert str(event["URL"]) == f"http://localhost{winter.url}"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/Los_Angeles"]


def test_feed_lists_upcoming_events_of_the_language(client, events):
    summer = events.add("Summer forum", wall=datetime(2031, 6, 10, 16))
    winter = events.add("Winter forum", wall=datetime(2031, 12, 13, 16))
    events.add("Long gone", starts_at=timezone.now() - timedelta(days=30))
    events.add("Foro", index=events.index_es, locale=events.outlet.es)
    events.add("Draft", days=5, live=False)
    response = client.get("/events/calendar/")
    assert response.status_code == 200 and JOIN_URL not in response.content.decode()
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "Events"
    found = {str(e["SUMMARY"]): e.decoded("DTSTART") for e in calendar.walk("VEVENT")}
    assert set(found) == {"Summer forum", "Winter forum"}
    assert found["Summer forum"].astimezone(UTC) == summer.starts_at == datetime(2031, 6, 10, 23, tzinfo=UTC)
    assert found["Winter forum"].astimezone(UTC) == winter.starts_at == datetime(2031, 12, 14, 0, tzinfo=UTC)
    assert (found["Summer forum"].hour, found["Winter forum"].hour) == (16, 16)  # 16:00 local on both sides
    spanish = Calendar.from_ical(client.get("/es/eventos/calendar/").content)
    assert [str(e["SUMMARY"]) for e in spanish.walk("VEVENT")] == ["Foro"]


def test_index_lists_upcoming_then_past_in_its_language(client, events):
    events.add("Next week", days=7)
    events.add("Tomorrow", days=1)
    events.add("Last month", days=-30)
    events.add("Foro", index=events.index_es, locale=events.outlet.es)
    page = client.get("/events/").content.decode()
    order = [page.index(text) for text in ("Tomorrow", "Next week", "Past events", "Last month")]
    assert order == sorted(order)
    assert "Foro" not in page
    assert '<link rel="alternate" type="text/calendar" title="Events" href="/events/calendar/">' in page
    spanish = client.get("/es/eventos/").content.decode()
    assert "Foro" in spanish and "Tomorrow" not in spanish


def admin_form(page, data=None):
    """The page's admin form, as the Wagtail editor builds it."""
    user = get_user_model().objects.get_or_create(username="boss", is_superuser=True)[0]
    form_class = EventPage.get_edit_handler().get_form_class()
    return form_class(data, instance=page, for_user=user, parent_page=page.get_parent())


@translation.override("en")
def test_editors_type_times_in_the_events_zone(events):
    event = events.add("Forum", wall=datetime(2031, 12, 13, 16))
    form = admin_form(event)
    assert str(form["starts_at"].value()) == "2031-12-13 16:00:00"  # shown as typed, not in UTC
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(title="Forum", slug="forum", starts_at="2031-12-13 16:00", ends_at="2031-12-13 18:00",
                time_zone="America/Los_Angeles", format="online", language="en",
                registration_deadline="2031-12-12 09:00", description='{"blocks": [], "entityMap": {}}')
    form = admin_form(event, data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["starts_at"] == datetime(2031, 12, 14, 0, tzinfo=UTC)
    assert form.cleaned_data["registration_deadline"] == datetime(2031, 12, 12, 17, tzinfo=UTC)
    data.update(starts_at="2031-06-10 16:00", ends_at="2031-06-10 15:00", registration_deadline="")
    form = admin_form(event, data)
    assert not form.is_valid() and "must end after it starts" in str(form.errors["ends_at"])
    data.update(starts_at="2031-03-09 02:30", ends_at="2031-03-09 04:00", time_zone="America/Los_Angeles")
    form = admin_form(event, data)
    assert not form.is_valid() and "does not exist" in str(form.errors["starts_at"])
    data.update(starts_at="2031-06-10 16:00", ends_at="2031-06-10 18:00", time_zone="Mars/Olympus")
    form = admin_form(event, data)
    assert not form.is_valid() and "time_zone" in form.errors
