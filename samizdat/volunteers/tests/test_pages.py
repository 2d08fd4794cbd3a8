"""Get involved and contact pages: sign-up, contact, bad input, spam, mail through real SMTP."""

from __future__ import annotations

import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import html

from conftest import assert_mail_links_work, local_smtp
from samizdat.core import spam
from samizdat.core.models import OutletSettings
from samizdat.volunteers.models import ContactMessage, ContactPage, GetInvolvedPage, Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(committing_client):
    """Mail queued on commit goes out after each POST (see conftest.committing_client)."""
    return committing_client


@pytest.fixture
def pages(outlet):
    involved = outlet.home.add_child(instance=GetInvolvedPage(title="Get involved", slug="get-involved",
                                                              intro="We need translators."))
    contact = outlet.home.add_child(instance=ContactPage(title="Contact", slug="contact"))
    settings_row = OutletSettings.objects.create(site=outlet.home.get_site(),
                                                 public_email="news@ledger.example",
                                                 public_phone="+34 600 000 000",
                                                 contact_recipient="desk@ledger.example")
    return {"involved": involved, "contact": contact, "settings": settings_row}


def signup(**overrides) -> dict:
    data = {"name": "Zoë Ñandú", "email": "zoe@example.org", "city": "Bilbao", "country": "Spain",
            "skills": ["translation", "copy_editing"], "availability": "week", "note": "Evenings.\nWeekends.",
            "pair1_from": "es", "pair1_to": "en", "pair1_level": "native",
            "pair2_from": "pt", "pair2_to": "en", "pair2_level": "working",
            "started": spam.timestamp_token("volunteer", time.time() - 30), "website": ""}
    data.update(overrides)
    return data


def message(**overrides) -> dict:
    data = {"name": "Ana López", "email": "ana@example.org", "subject": "A tip",
            "message": "Look at the port.",
            "started": spam.timestamp_token("contact", time.time() - 30), "website": ""}
    data.update(overrides)
    return data


def test_signup_stores_volunteer_and_mails_confirmation(client, pages, smtp_server):
    response = client.post("/get-involved/", signup())
    assert response.status_code == 302 and response["Location"] == "/get-involved/?sent=1"
    volunteer = Volunteer.objects.get()
    assert volunteer.name == "Zoë Ñandú" and volunteer.status == "new" and volunteer.language == "en"
    assert sorted(s.code for s in volunteer.skills.all()) == ["copy_editing", "translation"]
    assert volunteer.pair_list() == "es → en (Native); pt → en (Working knowledge)"
    assert len(smtp_server) == 1
    mail = smtp_server[0]
    assert mail.envelope_rcpt == ["zoe@example.org"]
    assert "The Test Ledger" in mail["Subject"]
    body = mail.get_payload(decode=True).decode(mail.get_content_charset())
    assert "Hello Zoë Ñandú" in body and "Spanish → English (Native)" in body
    assert_mail_links_work(client, mail, at_least=0)
    thanks = client.get(response["Location"])
    assert "Thank you for signing up" in thanks.content.decode()


def test_spanish_signup(client, pages, smtp_server):
    involved_es = pages["involved"].copy_for_translation(pages["involved"].locale.__class__.objects.get(
        language_code="es"))
    involved_es.save_revision().publish()
    response = client.post(involved_es.url, signup(skills=["design"], pair1_from="", pair1_to="",
                                                   pair2_from="", pair2_to=""))
    assert response.status_code == 302
    assert Volunteer.objects.get().language == "es"
    assert len(smtp_server) == 1


@pytest.mark.parametrize("overrides, field, text", [
    ({"email": "not-an-email"}, "email", "valid email"),
    ({"pair1_from": "", "pair1_to": "", "pair2_from": "", "pair2_to": ""}, "pair1_from", "at least one"),
    ({"pair1_to": ""}, "pair1_to", "both languages"),
    ({"pair1_to": "es"}, "pair1_to", "two different"),
    ({"name": "Zoë\x1b[31m"}, "name", "control characters"),
    ({"note": "ok\x00"}, "note", "Null characters"),
    ({"skills": ["hacking"]}, "skills", "valid choice"),
    ({"pair1_from": "xx"}, "pair1_from", "valid choice"),
])
def test_bad_signups_show_errors_and_store_nothing(client, pages, smtp_server, overrides, field, text):
    response = client.post("/get-involved/", signup(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert text in str(form.errors[field])
    page = response.content.decode()
    assert "Please correct the errors below" in page and 'value="Bilbao"' in page  # nothing lost
    assert Volunteer.objects.count() == 0 and smtp_server == []


def test_contact_stored_and_mailed_with_reply_to(client, pages, smtp_server):
    response = client.post("/contact/", message())
    assert response.status_code == 302
    stored = ContactMessage.objects.get()
    assert (stored.name, stored.subject, stored.handled) == ("Ana López", "A tip", False)
    mail = smtp_server[0]
    assert mail.envelope_rcpt == ["desk@ledger.example"]
    assert mail["Reply-To"] == "ana@example.org"
    assert "Look at the port." in mail.get_payload(decode=True).decode(mail.get_content_charset())
    assert_mail_links_work(client, mail, at_least=0)


def test_contact_falls_back_to_public_email_then_default(client, pages, smtp_server, settings):
    row = pages["settings"]
    row.contact_recipient = ""
    row.save()
    client.post("/contact/", message())
    row.public_email = ""
    row.save()
    settings.DEFAULT_FROM_EMAIL = "Newsroom <newsroom@ledger.example>"
    client.post("/contact/", message())
    assert [mail.envelope_rcpt for mail in smtp_server] == [["news@ledger.example"],
                                                            ["newsroom@ledger.example"]]


def test_honeypot_drops_silently(client, pages, smtp_server):
    response = client.post("/contact/", message(website="http://buy.example"))
    assert response.status_code == 302 and response["Location"] == "/contact/?sent=1"
    assert ContactMessage.objects.count() == 0 and smtp_server == []
    response = client.post("/get-involved/", signup(website="x"))
    assert response.status_code == 302 and Volunteer.objects.count() == 0


def tampered(token: str) -> str:
    return token[:-1] + ("B" if token.endswith("A") else "A")


@pytest.mark.parametrize("token", [
    lambda: spam.timestamp_token("contact"),
    lambda: tampered(spam.timestamp_token("contact", time.time() - 30)),
    lambda: "",
])
def test_too_fast_or_tampered_timestamp(client, pages, smtp_server, token):
    response = client.post("/contact/", message(started=token()))
    assert response.status_code == 200
    assert "please submit the form again" in response.content.decode()
    assert ContactMessage.objects.count() == 0 and smtp_server == []


def test_sixth_submission_from_one_address_is_429_with_the_text_kept(client, pages, smtp_server):
    for _ in range(5):
        assert client.post("/contact/", message()).status_code == 302
    response = client.post("/contact/", message(message="A sixth message, typed with care."))
    assert response.status_code == 429 and response["Retry-After"] == "600"
    page = html.fromstring(response.content)
    alerts = " ".join(alert.text_content() for alert in page.cssselect('[role="alert"]'))
    assert "Please wait ten minutes" in alerts
    assert page.cssselect("textarea")[0].text_content().strip() == "A sixth message, typed with care."
    assert ContactMessage.objects.count() == 5
    assert client.post("/contact/", message(), REMOTE_ADDR="198.51.100.7").status_code == 302


def test_csrf_is_enforced(pages):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/contact/", message())
    assert response.status_code == 403
    assert ContactMessage.objects.count() == 0


def test_other_methods_are_not_allowed(client, pages):
    assert client.put("/contact/").status_code == 405
    assert client.get("/contact/?sent=garbage&x=%00").status_code == 200


def test_get_pages_show_form_and_details_in_fixed_queries(client, pages):
    for url in ("/get-involved/", "/contact/"):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        assert len(captured) <= 8, [q["sql"] for q in captured.captured_queries]
        assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in captured.captured_queries)
    page = response.content.decode()
    assert "news@ledger.example" in page and "+34 600 000 000" in page
    assert 'name="csrfmiddlewaretoken"' in page and 'autocomplete="off"' in page
    involved = client.get("/get-involved/").content.decode()
    assert involved.count('name="pair') == 9 and "We need translators." in involved


def test_get_query_count_does_not_grow_with_the_roster(client, pages):
    def count(url: str) -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = {url: count(url) for url in ("/get-involved/", "/contact/")}
    for number in range(30):
        Volunteer.objects.create(name=f"V{number}", email=f"v{number}@example.org")
        ContactMessage.objects.create(name="A", email="a@example.org", subject="S", message="M")
    assert {url: count(url) for url in before} == before


def test_pages_are_in_the_sitemap_and_answer_head(client, pages):
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "http://localhost/get-involved/" in sitemap and "http://localhost/contact/" in sitemap
    assert client.head("/contact/").status_code == 200
    assert "POST" in client.options("/contact/")["Allow"]


# The worker closes a connection it finds in a transaction, hence a transactional test.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_slow_mail_server_does_not_hold_up_a_form_post(settings, pages):
    """Deployed, mail goes through the task queue: a mail server that answers after 10 s costs
    the reader nothing; the worker delivers it afterwards."""
    import asyncio
    import email

    from django.test import Client

    received = []

    class SlowServer:
        delay = 10.0

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            await asyncio.sleep(self.delay)
            received.append(email.message_from_bytes(envelope.content))
            return "250 OK"

    slow = SlowServer()
    with local_smtp(slow) as port:
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        started = time.monotonic()
        response = Client().post("/contact/", message())
        took = time.monotonic() - started
        assert response.status_code == 302 and took < 3, took
        assert ContactMessage.objects.count() == 1 and received == []
        slow.delay = 0
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0")
    assert [item["To"] for item in received] == ["desk@ledger.example"]
