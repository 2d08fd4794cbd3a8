"""Event pages: registration, waiting list, cancelling, bad input, spam; mail through real SMTP."""

from __future__ import annotations

import time
from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from django.utils import timezone
from icalendar import Calendar

from conftest import assert_mail_links_work
from samizdat.core import spam
from samizdat.events.models import Registration
from samizdat.events.tests.conftest import JOIN_URL, register_and_confirm, signup

pytestmark = pytest.mark.django_db


def body_of(mail) -> str:
    for part in mail.walk():
        if part.get_content_type() == "text/plain" and not part.get_filename():
            return part.get_payload(decode=True).decode(part.get_content_charset())
    raise AssertionError("no text part")


def ics_of(mail) -> Calendar | None:
    for part in mail.walk():
        if part.get_filename() == "event.ics":
            return Calendar.from_ical(part.get_payload(decode=True))
    return None


@pytest.fixture
def forum(events):
    return events.add("Forum on the war", capacity=2, organizers="International desk", language="en",
                      summary="Reporters talk.", description="<p>Then your questions.</p>")


def test_register_confirms_and_mails_the_join_link(client, forum, smtp_server):
    page = client.get(forum.url).content.decode()
    assert JOIN_URL not in page and "2 seats left" in page and 'name="email"' in page
    response = client.post(forum.url, signup())
    assert response.status_code == 302 and response["Location"] == f"{forum.url}?sent=1"
    assert [mail["Subject"] for mail in smtp_server] == ["Confirm your registration: Forum on the war"]
    assert_mail_links_work(client, smtp_server[0])  # the confirm page (a button), the event
    response = register_and_confirm(client, forum, smtp_server)  # the form again: the same link again
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{forum.url}registration/{registration.token}/?new=1"
    assert (registration.status, registration.language, registration.name) == ("confirmed", "en", "Zoë Ñandú")
    assert len(smtp_server) == 3
    mail = smtp_server[2]
    assert mail.envelope_rcpt == ["zoe@example.org"]
    assert mail["Subject"] == "You are registered: Forum on the war"
    body = body_of(mail)
    assert "Hello Zoë Ñandú" in body and JOIN_URL in body
    assert f"http://localhost{forum.url}cancel/{registration.token}/" in body
    event = ics_of(mail).walk("VEVENT")[0]
    assert JOIN_URL in str(event["DESCRIPTION"]) and str(event["LOCATION"]) == JOIN_URL
    assert event.decoded("DTSTART") == forum.starts_at
    assert_mail_links_work(client, mail, at_least=2)  # the registration page, the cancel page
    own = client.get(response["Location"]).content.decode()
    assert JOIN_URL in own and "your seat is confirmed" in own and "1 seat left" not in own
    assert "1 seat left" in client.get(forum.url).content.decode()
    private = client.get(f"{forum.url}registration/{registration.token}/calendar/")
    assert JOIN_URL in Calendar.from_ical(private.content).walk("VEVENT")[0]["DESCRIPTION"]


def test_names_in_any_script_are_welcome(client, events, smtp_server):
    event = events.add("Big forum")
    names = ["Zoë Ñandú", "李小龍", "محمد", "O'Brien-Ngũgĩ"]
    for number, name in enumerate(names):
        assert client.post(event.url, signup(name=name, email=f"n{number}@example.org")).status_code == 302
        assert name in body_of(smtp_server[number])
    assert list(Registration.objects.order_by("pk").values_list("name", flat=True)) == names


BAD_INPUT = [
    ({"email": "not-an-email"}, "email", "valid email"),
    ({"name": "Zoë\x1b[31m"}, "name", "control characters"),
    ({"name": "!!! 123"}, "name", "with letters"),
    ({"name": "cheap pills http://spam.example"}, "name", "not a web address"),
    ({"name": ""}, "name", "required"),
    ({"country": ""}, "country", "required"),
    ({"country": "\x00"}, "country", "Null characters"),
    ({"organization": "Union\x07"}, "organization", "control characters"),
]


def test_bad_input_shows_errors_and_stores_nothing(client, forum, smtp_server):
    for overrides, field, text in BAD_INPUT:
        response = client.post(forum.url, signup(**overrides))
        assert response.status_code == 200
        assert text in str(response.context["form"].errors[field]), overrides
        page = response.content.decode()
        kept = 'value="zoe@example.org"' if field != "email" else 'value="Spain"'
        assert "everything you typed is still here" in page and kept in page, overrides
    assert Registration.objects.count() == 0 and smtp_server == []


def test_registering_twice_reminds_and_duplicates_nothing(client, forum, smtp_server):
    register_and_confirm(client, forum, smtp_server)
    response = client.post(forum.url, signup(email="ZOE@example.org ", name="Zoë again"))
    assert response.status_code == 302 and response["Location"] == f"{forum.url}?sent=1"
    registration = Registration.objects.get()
    assert (registration.name, registration.status) == ("Zoë Ñandú", "confirmed")
    assert [mail["Subject"] for mail in smtp_server] == [
        "Confirm your registration: Forum on the war", "You are registered: Forum on the war",
        "You are already registered: Forum on the war"]
    reminder = smtp_server[2]
    assert reminder.envelope_rcpt == ["zoe@example.org"] and ics_of(reminder) is None
    body = body_of(reminder)
    assert "nothing has changed" in body and f"{forum.url}cancel/{registration.token}/" in body
    assert_mail_links_work(client, reminder)


def test_waiting_list_then_promotion_on_cancel(client, forum, smtp_server):
    for number in range(3):
        register_and_confirm(client, forum, smtp_server, email=f"p{number}@example.org",
                             name=f"Person {number}")
    first, second, third = Registration.objects.order_by("pk")
    assert [r.status for r in (first, second, third)] == ["confirmed", "confirmed", "waiting"]
    del smtp_server[0:5:2]  # the three "confirm your registration" mails
    waiting_mail = smtp_server[2]
    assert "waiting list" in waiting_mail["Subject"] and JOIN_URL not in body_of(waiting_mail)
    assert ics_of(waiting_mail) is None
    assert_mail_links_work(client, waiting_mail)
    own = client.get(f"{forum.url}registration/{third.token}/").content.decode()
    assert "you are on the waiting list" in own and JOIN_URL not in own
    page = client.get(forum.url).content.decode()
    assert "join the waiting list" in page and "Join the waiting list" in page

    cancel_url = f"{forum.url}cancel/{first.token}/"
    confirm = client.get(cancel_url)
    assert confirm.status_code == 200 and "Yes, cancel my registration" in confirm.content.decode()
    first.refresh_from_db()
    assert first.status == "confirmed"  # a link scanner's GET cancels nothing
    response = client.post(cancel_url)
    assert response.status_code == 302 and response["Location"] == cancel_url + "?done=1"
    first.refresh_from_db()
    third.refresh_from_db()
    assert first.status == "cancelled" and first.cancelled_at and third.status == "confirmed"
    subjects = {mail["Subject"]: mail for mail in smtp_server[3:]}
    assert set(subjects) == {"Registration cancelled: Forum on the war", "A seat is yours: Forum on the war"}
    promoted = subjects["A seat is yours: Forum on the war"]
    assert promoted.envelope_rcpt == ["p2@example.org"] and JOIN_URL in body_of(promoted)
    assert JOIN_URL in str(ics_of(promoted).walk("VEVENT")[0]["DESCRIPTION"])
    for mail in subjects.values():
        assert_mail_links_work(client, mail, at_least=0)
    assert "is cancelled" in client.get(cancel_url + "?done=1").content.decode()
    assert client.post(cancel_url).status_code == 302  # again: nothing happens
    assert len(smtp_server) == 5
    register_and_confirm(client, forum, smtp_server, email="p0@example.org")  # may register again
    assert Registration.objects.filter(email="p0@example.org").count() == 2


def test_full_without_waiting_list(client, events, smtp_server):
    event = events.add("Small room", capacity=1, waiting_list=False)
    register_and_confirm(client, event, smtp_server)
    page = client.get(event.url).content.decode()
    assert "This event is full." in page and 'name="email"' not in page
    response = client.post(event.url, signup(email="late@example.org"))
    assert response.status_code == 200 and "This event is full." in response.content.decode()
    assert Registration.objects.count() == 1 and len(smtp_server) == 2


def test_closed_events_refuse_clearly(client, events, smtp_server):
    now = timezone.now()
    closed = [
        (events.add("Over", days=-3), "This event is over."),
        (events.add("Started", starts_at=now - timedelta(minutes=10), hours=3), "has started"),
        (events.add("Deadline", days=2, registration_deadline=now - timedelta(hours=1)), "has closed"),
    ]
    for event, message in closed:
        page = client.get(event.url).content.decode()
        assert message in page and 'name="email"' not in page
        response = client.post(event.url, signup())
        assert response.status_code == 200 and message in response.content.decode()
    assert Registration.objects.count() == 0 and smtp_server == []


def test_cancel_after_start_is_refused(client, events, smtp_server):
    event = events.add("Soon")
    register_and_confirm(client, event, smtp_server)
    registration = Registration.objects.get()
    event.starts_at = timezone.now() - timedelta(minutes=1)
    event.save()
    response = client.post(f"{event.url}cancel/{registration.token}/")
    assert response.status_code == 200 and "already started" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_unknown_or_tampered_tokens_are_404(client, forum, smtp_server):
    register_and_confirm(client, forum, smtp_server)
    token = Registration.objects.get().token
    for suffix in ("registration/{token}/", "cancel/{token}/", "registration/{token}/calendar/"):
        for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), "x" * 500, "nope"):
            response = client.get(forum.url + suffix.format(token=bad))
            assert response.status_code == 404
            assert "does not match any registration" in response.content.decode()
    response = client.post(forum.url + "cancel/nope/")
    assert response.status_code == 404
    assert Registration.objects.get().status == "confirmed"


def test_another_events_token_is_404(client, events, forum, smtp_server):
    other = events.add("Other event")
    client.post(forum.url, signup())
    token = Registration.objects.get().token
    assert client.get(f"{other.url}registration/{token}/").status_code == 404


def test_spam_layers(client, forum, smtp_server):
    response = client.post(forum.url, signup(website="http://buy.example"))
    assert response.status_code == 302 and response["Location"] == f"{forum.url}?sent=1"
    assert Registration.objects.count() == 0 and smtp_server == []
    assert "Check your email" in client.get(f"{forum.url}?sent=1").content.decode()
    response = client.post(forum.url, signup(started=spam.timestamp_token("event")))
    assert "please submit the form again" in response.content.decode()
    response = client.post(forum.url, signup(started=spam.timestamp_token("contact", time.time() - 30)))
    assert "please submit the form again" in response.content.decode()
    assert Registration.objects.count() == 0


def test_rate_limit(client, events, smtp_server):
    event = events.add("Big", capacity=None)
    for number in range(5):
        assert client.post(event.url, signup(email=f"r{number}@example.org")).status_code == 302
    response = client.post(event.url, signup(email="r6@example.org"))
    assert response.status_code == 429 and Registration.objects.count() == 5


def test_methods(client, forum):
    from django.test import Client

    assert client.put(forum.url).status_code == 405
    assert client.post(f"{forum.url}calendar/").status_code == 405
    assert client.post(f"{forum.url}registration/abc/").status_code == 405
    assert client.head(forum.url).status_code == 200
    assert client.get(f"{forum.url}no-such-route/").status_code == 404
    assert Client(enforce_csrf_checks=True).post(forum.url, signup()).status_code == 403
    assert Registration.objects.count() == 0


def test_spanish_registration_mails_in_spanish(client, events, smtp_server):
    foro = events.add("Foro", index=events.index_es, language="es", locale=events.outlet.es)
    assert foro.url.startswith("/es/eventos/")
    assert register_and_confirm(client, foro, smtp_server).status_code == 302
    assert Registration.objects.get().language == "es"
    assert "Hola, Zoë Ñandú" in body_of(smtp_server[0]) and "Hola, Zoë Ñandú" in body_of(smtp_server[1])
    assert str(make_header(decode_header(smtp_server[0]["Subject"]))) == "Confirma tu inscripción: Foro"
    assert "Tu inscripción solo cuenta cuando la confirmas" in body_of(smtp_server[0])


def test_event_page_shows_details_in_its_zone(client, events):
    from datetime import datetime

    event = events.add("Meeting", wall=datetime(2031, 6, 10, 16, 0), format="hybrid", venue="Union Hall",
                       address="1 Main St, Oakland", language="es", organizers="The desk",
                       registration_deadline=None)
    page = client.get(event.url).content.decode()
    assert "Tuesday 10 June 2031, 16:00" in page and "PDT" in page and "America/Los_Angeles" in page
    assert 'datetime="2031-06-10T23:00:00+00:00"' in page and "events/localtime.js" in page
    assert "https://www.openstreetmap.org/search?query=1+Main+St%2C+Oakland" in page
    assert "Union Hall" in page and "Spanish" in page and "The desk" in page
    assert "<iframe" not in page and JOIN_URL not in page


def test_more_seats_on_publish_go_to_those_waiting(client, events, smtp_server,
                                                   django_capture_on_commit_callbacks):
    event = events.add("Growing", capacity=1)
    for number in range(3):
        register_and_confirm(client, event, smtp_server, email=f"g{number}@example.org")
    assert list(Registration.objects.order_by("pk").values_list("status", flat=True)) == [
        "confirmed", "waiting", "waiting"]
    event.capacity = 2
    with django_capture_on_commit_callbacks(execute=True):
        event.save_revision().publish()
    assert list(Registration.objects.order_by("pk").values_list("status", flat=True)) == [
        "confirmed", "confirmed", "waiting"]
    assert smtp_server[-1]["Subject"] == "A seat is yours: Growing"
    assert smtp_server[-1].envelope_rcpt == ["g1@example.org"]
