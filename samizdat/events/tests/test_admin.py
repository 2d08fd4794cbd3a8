"""Admin: registrants filtered by event and status, CSV export, counts on the event's edit page."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model

from samizdat.events.models import Registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(client, events):
    client.force_login(get_user_model().objects.create_superuser("boss", "boss@example.org", "pw"))
    forum, meeting = events.add("Forum"), events.add("Meeting", days=-3)
    for name, event, status, attended in [("Zoë Ñandú", forum, "confirmed", False),
                                          ("李小龍", forum, "waiting", False),
                                          ("Amal", forum, "cancelled", False),
                                          ("Kwame", meeting, "confirmed", True)]:
        Registration.objects.create(event=event, name=name, email=f"{len(name)}{status}@example.org",
                                    country="Chile", status=status, attended=attended)
    return {"forum": forum, "meeting": meeting}


def names(response) -> set[str]:
    assert response.status_code == 200
    return {r.name for r in response.context["object_list"]}


def test_filters_and_export(client, roster):
    base = "/admin/event_registrations/"
    assert names(client.get(base)) == {"Zoë Ñandú", "李小龍", "Amal", "Kwame"}
    assert names(client.get(f"{base}?event={roster['forum'].pk}")) == {"Zoë Ñandú", "李小龍", "Amal"}
    assert names(client.get(f"{base}?event={roster['forum'].pk}&status=waiting")) == {"李小龍"}
    assert names(client.get(f"{base}?attended=true")) == {"Kwame"}
    assert client.get(f"{base}?event=999999&status=nonsense").status_code == 200
    response = client.get(f"{base}?event={roster['forum'].pk}&export=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert {row["Name"]: row["Status"] for row in rows} == {
        "Zoë Ñandú": "Confirmed", "李小龍": "Waiting list", "Amal": "Cancelled"}
    assert {row["Event"] for row in rows} == {"Forum"}


def test_ticking_attendance_and_counts_on_the_event(client, roster):
    zoe = Registration.objects.get(name="Zoë Ñandú")
    response = client.post(f"/admin/event_registrations/edit/{zoe.pk}/",
                           {"event": zoe.event_id, "name": zoe.name, "email": zoe.email, "organization": "",
                            "country": "Chile", "attended": "on"})
    assert response.status_code == 302
    zoe.refresh_from_db()
    assert zoe.attended and zoe.status == "confirmed" and zoe.token
    page = client.get(f"/admin/pages/{roster['forum'].pk}/edit/").content.decode()
    assert "Confirmed: 1 · Waiting list: 1 · Cancelled: 1 · Attended: 1" in page
    assert f"/admin/event_registrations/?event={roster['forum'].pk}" in page
    index = roster["forum"].get_parent()
    assert client.get(f"/admin/pages/add/events/eventpage/{index.pk}/").status_code == 200


def test_editing_into_a_duplicate_email_is_a_form_error(client, roster):
    zoe, li = Registration.objects.get(name="Zoë Ñandú"), Registration.objects.get(name="李小龍")
    response = client.post(f"/admin/event_registrations/edit/{zoe.pk}/",
                           {"event": zoe.event_id, "name": zoe.name, "email": li.email.upper(),
                            "organization": "", "country": "Chile"})
    assert response.status_code == 200
    assert "already registered for this event" in response.content.decode()
    zoe.refresh_from_db()
    assert zoe.email != li.email.upper()


def test_pending_registrations_show_their_status(client, roster):
    from samizdat.events import services

    forum = roster["forum"]
    registration, _outcome = services.register(forum, {"name": "Kofi", "email": "Kofi@ÉXAMPLE.org",
                                                       "country": "Ghana"})
    assert (registration.status, registration.email) == ("pending", "kofi@xn--xample-9ua.org")
    base = "/admin/event_registrations/"
    page = client.get(f"{base}?event={forum.pk}").content.decode()
    assert "Waiting for confirmation" in page
    assert names(client.get(f"{base}?event={forum.pk}&status=pending")) == {"Kofi"}
    counts = client.get(f"/admin/pages/{forum.pk}/edit/").content.decode()
    assert "Cancelled: 1 · Attended: 0 · Not yet confirmed by email: 1" in counts
