"""iCalendar files: one event (public, or a registrant's with the join link) and the feed of upcoming ones.

Start and end carry the event's own time zone (TZID plus a VTIMEZONE), so calendar apps show
the right time across daylight-saving changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from urllib.parse import urlsplit

from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import normalize_newlines
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDuration

PRODID = "-//Samizdat//Events//EN"


def _calendar(name: str = "") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def _plain(html: str) -> str:
    text = strip_tags(html.replace("</p>", "\n\n").replace("<br/>", "\n").replace("<br>", "\n"))
    return normalize_newlines(text).strip()


def _event(page, url: str, registration=None) -> Event:
    event = Event()
    host = urlsplit(url).hostname or "localhost"
    event.add("uid", f"event-{page.pk}@{host}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", page.local_starts_at)
    event.add("dtend", page.local_ends_at)
    event.add("summary", page.title)
    event.add("url", url)
    lines = [page.summary] if page.summary else []
    description = _plain(page.description or "")
    if description:
        lines.append(description)
    if page.organizers:
        lines.append(_("Organized by %(organizers)s") % {"organizers": page.organizers})
    places = [part for part in (page.venue, " ".join(page.address.split())) if part]
    places = places if page.is_in_person else []
    join_url = ""
    if registration is not None and registration.status == registration.Status.CONFIRMED and page.join_url:
        join_url = page.join_url
        lines.append(_("Join: %(url)s") % {"url": join_url})
    lines.append(url)
    event.add("description", "\n\n".join(lines))
    if places:
        event.add("location", ", ".join(places))
    elif join_url:
        event.add("location", join_url)
    elif page.is_online:
        event.add("location", _("Online"))
    if join_url:
        event.add("conference", join_url, parameters={"value": "URI", "feature": "VIDEO"})
    event.add("status", "CONFIRMED")
    return event


def _add_timezones(calendar: Calendar, pages: list) -> None:
    """VTIMEZONEs for the zones used, with the transitions around the events' dates only."""
    if pages:
        calendar.add_missing_timezones(
            first_date=min(page.starts_at for page in pages).date() - timedelta(days=366),
            last_date=max(page.ends_at for page in pages).date() + timedelta(days=366),
        )


def event_calendar(page, request: HttpRequest | None = None, registration=None) -> str:
    """One event as an .ics; with a confirmed `registration`, the join link is in it."""
    calendar = _calendar()
    calendar.add_component(_event(page, page.get_full_url(request), registration))
    _add_timezones(calendar, [page])
    return calendar.to_ical().decode()


def feed(pages: Iterable, name: str = "", request: HttpRequest | None = None) -> str:
    """Upcoming events as one calendar apps can subscribe to (no join links)."""
    calendar = _calendar(name)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"value": "DURATION"})
    calendar.add("x-published-ttl", vDuration(timedelta(hours=1)))
    pages = list(pages)
    for page in pages:
        calendar.add_component(_event(page, page.get_full_url(request)))
    _add_timezones(calendar, pages)
    return calendar.to_ical().decode()
