"""Registration is confirmed by email: the page tells nobody who is registered, the join link
travels only in the mail after confirming, one address is one registrant however it is spelled.
Mail arrives through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone
from icalendar import Calendar

from samizdat.events import services
from samizdat.events.models import Registration
from samizdat.events.tests.conftest import JOIN_URL, confirm_link, register_and_confirm, signup, text_of

pytestmark = pytest.mark.django_db

SPELLINGS = ["x@ÉXAMPLE.org", "x@éxample.org", "x@xn--xample-9ua.org"]


def main_text(response) -> str:
    """The page's <main>, without the per-request CSRF and form-timestamp values."""
    html = response.content.decode()
    main = html[html.index('<main id="main"'):html.index("</main>")]
    main = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', main)
    return re.sub(r'name="started" value="[^"]*"', 'name="started"', main)


def ics_of(mail) -> Calendar | None:
    for part in mail.walk():
        if part.get_filename() == "event.ics":
            return Calendar.from_ical(part.get_payload(decode=True))
    return None


@pytest.fixture
def forum(events):
    return events.add("Forum", capacity=3)


def test_three_spellings_are_one_registrant(client, forum, smtp_server):
    for spelling in SPELLINGS:
        assert client.post(forum.url, signup(email=spelling)).status_code == 302
    registration = Registration.objects.get()
    assert (registration.email, registration.status) == ("x@xn--xample-9ua.org", "pending")
    assert [mail.envelope_rcpt for mail in smtp_server] == [["x@xn--xample-9ua.org"]] * 3
    assert client.post(confirm_link(smtp_server[-1])).status_code == 302
    for spelling in SPELLINGS:  # from another address: the form allows five posts in ten minutes
        client.post(forum.url, signup(email=spelling.upper()), REMOTE_ADDR="192.0.2.7")
    assert Registration.objects.get().status == "confirmed"
    assert [mail["Subject"] for mail in smtp_server[3:]] == [
        "You are registered: Forum"] + ["You are already registered: Forum"] * 3
    assert "2 seats left" in client.get(forum.url).content.decode()


def test_the_answer_is_the_same_for_new_pending_and_registered_addresses(client, forum, smtp_server):
    register_and_confirm(client, forum, smtp_server, email="known@example.org")
    client.post(forum.url, signup(email="pending@example.org"))
    del smtp_server[:]
    answers = {}
    for kind, email in (("new", "new@example.org"), ("pending", "PENDING@example.org"),
                        ("known", "Known@Example.org")):
        response = client.post(forum.url, signup(email=email, name=f"Someone {kind}"))
        followed = client.get(response["Location"])
        answers[kind] = (response.status_code, response["Location"], followed.status_code,
                         main_text(followed))
        assert JOIN_URL not in response.content.decode() + followed.content.decode()
    assert answers["new"] == answers["pending"] == answers["known"]
    assert answers["new"][:3] == (302, f"{forum.url}?sent=1", 200)
    assert "Check your email" in answers["new"][3] and "2 seats left" in answers["new"][3]
    mails = {mail.envelope_rcpt[0]: mail for mail in smtp_server}
    assert {address: mail["Subject"] for address, mail in mails.items()} == {
        "new@example.org": "Confirm your registration: Forum",
        "pending@example.org": "Confirm your registration: Forum",
        "known@example.org": "You are already registered: Forum"}
    known = Registration.objects.get(email="known@example.org")
    assert known.name == "Zoë Ñandú"  # the form changed nothing about a registered address
    assert f"{forum.url}cancel/{known.token}/" in text_of(mails["known@example.org"])
    assert Registration.objects.get(email="pending@example.org").name == "Someone pending"
    assert not any(JOIN_URL in text_of(mail) or ics_of(mail) for mail in smtp_server)


def test_the_join_link_comes_only_in_the_mail_after_confirming(client, forum, smtp_server):
    client.post(forum.url, signup())
    registration = Registration.objects.get()
    first = smtp_server[0]
    assert first["Subject"] == "Confirm your registration: Forum"
    assert JOIN_URL not in text_of(first) and ics_of(first) is None
    own = client.get(f"{forum.url}registration/{registration.token}/").content.decode()
    assert JOIN_URL not in own and "waiting for you to confirm it" in own
    private = client.get(f"{forum.url}registration/{registration.token}/calendar/").content.decode()
    assert JOIN_URL not in private
    assert "3 seats left" in client.get(forum.url).content.decode()  # pending: no seat

    link = confirm_link(first)
    button = client.get(link)
    assert button.status_code == 200 and "Confirm my registration" in button.content.decode()
    assert JOIN_URL not in button.content.decode()
    registration.refresh_from_db()
    assert registration.status == "pending" and len(smtp_server) == 1  # a link scanner's GET does nothing

    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == f"{forum.url}registration/{registration.token}/?new=1"
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    assert [mail["Subject"] for mail in smtp_server] == ["Confirm your registration: Forum",
                                                         "You are registered: Forum"]
    confirmation = smtp_server[1]
    assert JOIN_URL in text_of(confirmation)
    assert JOIN_URL in str(ics_of(confirmation).walk("VEVENT")[0]["DESCRIPTION"])
    assert "2 seats left" in client.get(forum.url).content.decode()

    again = client.post(link)  # the link again: nothing changes, no second mail
    assert again.status_code == 200 and "already confirmed" in again.content.decode()
    assert len(smtp_server) == 2


def expired_token(registration: Registration) -> str:
    """A confirmation token signed eight days ago (Django's signer, with an old timestamp)."""
    signer = signing.TimestampSigner(salt=services.CONFIRM_SALT)
    old = signing.b62_encode(int(time.time()) - 8 * 24 * 60 * 60)
    signed = signing.Signer.sign(signer, f"{registration.pk}-{registration.event_id}:{old}")
    return signed.replace(":", "_")


def test_tampered_and_expired_links_get_a_clear_page(client, events, forum, smtp_server):
    client.post(forum.url, signup())
    registration = Registration.objects.get()
    link = confirm_link(smtp_server[0])
    token = link.rstrip("/").rsplit("/", 1)[1]
    other = events.add("Other event")
    tampered = [token[:-1] + ("A" if token[-1] != "A" else "B"), token[:20], "nope", "1-1_abc_def",
                "x" * 500, f"{registration.pk}-{registration.event_id}", "_".join(["", "", ""])]
    for bad in tampered:
        for method in (client.get, client.post):
            response = method(f"{forum.url}confirm/{bad}/")
            assert response.status_code == 400, bad
            page = response.content.decode()
            assert "This link is not valid" in page and '<main id="main"' in page
            assert "The Test Ledger" in page and "Other event" not in page
    assert client.get(f"{other.url}confirm/{token}/").status_code == 400  # another event's link

    expired = f"{forum.url}confirm/{expired_token(registration)}/"
    for method in (client.get, client.post):
        response = method(expired)
        assert response.status_code == 410
        assert "This confirmation link has expired" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == "pending" and len(smtp_server) == 1

    client.post(link)
    response = client.get(expired)  # an old link of a confirmed registration: it says so
    assert response.status_code == 200 and "already confirmed" in response.content.decode()

    Registration.objects.all().delete()
    assert client.post(link).status_code == 400


def test_cancelled_registration_link_confirms_nothing(client, forum, smtp_server):
    client.post(forum.url, signup())
    registration = Registration.objects.get()
    services.cancel(registration)
    response = client.post(confirm_link(smtp_server[0]))
    assert response.status_code == 200 and "no longer confirms it" in response.content.decode()
    assert Registration.objects.get().status == "cancelled"


def test_pending_registrations_hold_no_seat(client, events, smtp_server):
    room = events.add("Small room", capacity=1, waiting_list=False)
    for name in ("a", "b", "c"):
        assert client.post(room.url, signup(email=f"{name}@example.org")).status_code == 302
    links = [confirm_link(mail) for mail in smtp_server]
    page = client.get(room.url).content.decode()
    assert "1 seat left" in page and 'name="email"' in page
    assert client.post(links[1]).status_code == 302  # b confirms first: the seat is b's
    refused = client.post(links[0])
    assert refused.status_code == 409 and "This event is full." in refused.content.decode()
    assert dict(Registration.objects.values_list("email", "status")) == {
        "a@example.org": "pending", "b@example.org": "confirmed", "c@example.org": "pending"}
    assert [mail.envelope_rcpt[0] for mail in smtp_server[3:]] == ["b@example.org"]

    hall = events.add("Hall", capacity=1, waiting_list=True)
    for name in ("d", "e"):
        register_and_confirm(client, hall, smtp_server, email=f"{name}@example.org")
    statuses = list(hall.registrations.order_by("pk").values_list("status", flat=True))
    assert statuses == ["confirmed", "waiting"]
    assert smtp_server[-1]["Subject"] == "You are on the waiting list: Hall"
    assert JOIN_URL not in text_of(smtp_server[-1])


def test_registration_closing_before_the_confirmation_refuses_it(client, events, smtp_server):
    event = events.add("Soon", days=2)
    client.post(event.url, signup())
    event.registration_deadline = timezone.now() - timedelta(minutes=1)
    event.save()
    response = client.post(confirm_link(smtp_server[0]))
    assert response.status_code == 409
    assert "Registration for this event has closed." in response.content.decode()
    assert Registration.objects.get().status == "pending" and len(smtp_server) == 1


BAD_POSTS = [
    {"email": "a@" + "é" * 70 + ".org"},  # a label IDNA cannot encode
    {"email": "a@é..org"},
    {"email": "x" * 60 + "@" + ".".join(["éé" * 10] * 9) + ".org"},  # fits as typed, too long in ASCII
    {"email": "zoe@example.org\x00"},
    {"email": "zoe@exa mple.org"},
    {"email": "<script>@example.org"},
    {"email": "x" * 5000 + "@example.org"},
    {"email": ["a@example.org", "b@example.org"]},
    {"name": "Zoë" * 2000},
    {"country": "Spain\u202e"},
    {"started": "garbage"},
    {"email": ""},
]


def test_bad_input_never_gives_a_500(client, forum, smtp_server):
    for number, overrides in enumerate(BAD_POSTS):
        response = client.post(forum.url, signup(**overrides), REMOTE_ADDR=f"192.0.2.{number}")
        assert response.status_code in (200, 302), overrides
        if response.status_code == 200:
            assert "form-errors" in response.content.decode(), overrides
        else:
            assert response["Location"] == f"{forum.url}?sent=1", overrides
    stored = set(Registration.objects.values_list("email", flat=True))
    assert stored <= {"zoe@example.org", "b@example.org"}, stored  # a list: Django takes the last one
    for token in ("%00", "%C3%A9", "a" * 2000, "..", "1_2", "-_-_-"):
        for method in (client.get, client.post):
            assert method(f"{forum.url}confirm/{token}/").status_code in (400, 404), token
    response = client.post(forum.url, data=b"name=\xff\xfe&email=\xff@example.org",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500
