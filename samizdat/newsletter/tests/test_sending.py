"""Sends: deliveries, batches over a real SMTP server, per-recipient links and headers, states."""

from __future__ import annotations

import email.utils
import re
from pathlib import Path

import pytest
from aiosmtpd.smtp import SMTP
from django.test import Client

from conftest import assert_mail_links_work
from samizdat.newsletter import links, sending
from samizdat.newsletter.models import Delivery, MailingList, Send, Subscriber

TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture
def test_templates(settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [TEMPLATES, *settings.TEMPLATES[0]["DIRS"]]}]


@pytest.fixture
def newsletter_page(outlet):
    from samizdat.newsletter.pages import NewsletterPage

    return outlet.home.add_child(instance=NewsletterPage(title="Newsletter", slug="newsletter"))


@pytest.fixture
def daily(db):
    return MailingList.objects.create(name="Daily", slug="daily")


def subscribe(address: str, lists, locales, status=Subscriber.Status.CONFIRMED) -> Subscriber:
    subscriber = Subscriber.objects.create(email=address, status=status)
    subscriber.lists.set(lists)
    subscriber.languages.set(locales)
    return subscriber


def make_send(outlet, lists, locale=None, subject="Strike news") -> Send:
    html, text = sending.render_message("newsletter_tests/message", {
        "subject": subject, "body": "The port strike enters its third week.",
        "web_url": "http://localhost/newsletter/strike-news/",
    })
    send = Send.objects.create(kind=Send.Kind.ISSUE, locale=locale or outlet.en, subject=subject,
                               html=html, text=text, web_url="http://localhost/newsletter/strike-news/")
    send.mailing_lists.set(lists)
    return send


def parts(message) -> tuple[str, str]:
    text = html = ""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            text = part.get_payload(decode=True).decode()
        elif part.get_content_type() == "text/html":
            html = part.get_payload(decode=True).decode()
    return text, html


def test_a_send_reaches_each_confirmed_reader_of_its_language_once(outlet, newsletter_page, daily,
                                                                    smtp_server, test_templates, settings,
                                                                    django_capture_on_commit_callbacks):
    weekly = MailingList.objects.create(name="Weekly", slug="weekly")
    both = subscribe("both@example.org", [daily, weekly], [outlet.en])
    one = subscribe("one@example.org", [weekly], [outlet.en, outlet.es])
    subscribe("spanish@example.org", [daily], [outlet.es])
    subscribe("pending@example.org", [daily], [outlet.en], status=Subscriber.Status.PENDING)
    subscribe("left@example.org", [daily], [outlet.en], status=Subscriber.Status.UNSUBSCRIBED)
    subscribe("other-list@example.org", [], [outlet.en])
    send = make_send(outlet, [daily, weekly])

    with django_capture_on_commit_callbacks(execute=True):
        sending.start_send(send)

    send.refresh_from_db()
    assert send.status == Send.Status.DONE and send.finished_at
    assert send.recipient_count == 2
    assert sending.progress(send) == {"queued": 0, "claimed": 0, "sent": 2, "failed": 0, "skipped": 0}
    assert sorted(m.envelope_rcpt[0] for m in smtp_server) == ["both@example.org", "one@example.org"]
    by_address = {m.envelope_rcpt[0]: m for m in smtp_server}
    for subscriber in (both, one):
        message = by_address[subscriber.email]
        assert message["Subject"] == "Strike news"
        assert message["From"] == settings.DEFAULT_FROM_EMAIL
        assert message["Message-ID"] == f"<newsletter.{send.pk}.{subscriber.pk}@localhost>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Id"] == '"Daily" <daily.localhost>'
        unsubscribe = re.fullmatch(r"<(http://localhost/newsletter/unsubscribe/([^/]+)/)>",
                                   "".join(message["List-Unsubscribe"].split()))
        assert unsubscribe, message["List-Unsubscribe"]
        assert links.read_token(unsubscribe.group(2), links.UNSUBSCRIBE_SALT) == subscriber.pk
        text, html = parts(message)
        assert "The port strike enters its third week." in text and "third week" in html
        for body in (text, html):
            assert unsubscribe.group(1) in body
            assert links.preferences_url(subscriber.pk, newsletter_page.get_full_url()) in body
            assert "http://localhost/newsletter/strike-news/" in body
            assert "%%" not in body
        assert not re.search(r"<img[^>]+src=[\"']https?://", html)
        assert_mail_links_work(Client(), message, at_least=2,  # preferences, unsubscribe
                               made_up=("/newsletter/strike-news/",))  # SETUP's web version


def test_sending_twice_or_starting_twice_sends_nothing_more(outlet, daily, smtp_server, test_templates,
                                                           django_capture_on_commit_callbacks):
    for number in range(5):
        subscribe(f"reader{number}@example.org", [daily], [outlet.en])
    send = make_send(outlet, [daily])
    with django_capture_on_commit_callbacks(execute=True):
        sending.start_send(send)
        sending.start_send(send)
    sending.deliver_batches(send.pk)
    assert sending.resume_stalled_sends() == 0
    assert len(smtp_server) == 5
    assert Delivery.objects.filter(send=send).count() == 5


def test_a_send_whose_last_batch_ends_past_the_task_deadline_is_marked_done(outlet, daily, smtp_server,
                                                                           test_templates):
    for number in range(3):
        subscribe(f"reader{number}@example.org", [daily], [outlet.en])
    send = make_send(outlet, [daily])
    sending.start_send(send)  # no on-commit callbacks run: the batch task is not run yet
    sending.deliver_batches(send.pk, seconds=0)  # the one batch ends after the deadline
    send.refresh_from_db()
    assert (send.status, len(smtp_server)) == (Send.Status.DONE, 3)
    assert send.finished_at is not None


def test_a_list_with_no_subscribers_is_done_with_no_recipients(outlet, daily, smtp_server, test_templates,
                                                              django_capture_on_commit_callbacks):
    send = make_send(outlet, [daily])
    with django_capture_on_commit_callbacks(execute=True):
        sending.start_send(send)
    send.refresh_from_db()
    assert (send.status, send.recipient_count, smtp_server) == (Send.Status.DONE, 0, [])
    assert send.finished_at is not None


def test_readers_who_left_since_are_skipped_and_refused_addresses_fail(outlet, daily, smtp_server,
                                                                       test_templates, monkeypatch):
    staying = subscribe("staying@example.org", [daily], [outlet.en])
    leaving = subscribe("leaving@example.org", [daily], [outlet.en])
    refused = subscribe("refused@example.org", [daily], [outlet.en])
    send = make_send(outlet, [daily])
    sending.start_send(send)  # no on-commit callbacks run: the batch task is not run yet
    Subscriber.objects.filter(pk=leaving.pk).update(status=Subscriber.Status.UNSUBSCRIBED)

    original = SMTP.smtp_RCPT

    async def refuse_one(self, arg):
        if "refused@" in (arg or ""):
            return await self.push("550 5.1.1 No such mailbox here")
        return await original(self, arg)

    monkeypatch.setattr(SMTP, "smtp_RCPT", refuse_one)
    sending.deliver_batches(send.pk)

    states = dict(Delivery.objects.filter(send=send).values_list("subscriber__email", "state"))
    assert states == {"staying@example.org": "sent", "leaving@example.org": "skipped",
                      "refused@example.org": "failed"}
    assert "550" in Delivery.objects.get(send=send, subscriber=refused).error
    assert [m.envelope_rcpt for m in smtp_server] == [[staying.email]]
    refused.refresh_from_db()
    assert refused.status == Subscriber.Status.BOUNCED  # a refused address is a hard bounce
    send.refresh_from_db()
    assert send.status == Send.Status.DONE


def test_two_workers_interleaved_never_send_twice(outlet, daily, smtp_server, test_templates, settings):
    settings.NEWSLETTER_BATCH_SIZE = 3
    for number in range(10):
        subscribe(f"reader{number}@example.org", [daily], [outlet.en])
    send = make_send(outlet, [daily])
    sending.start_send(send)
    send.refresh_from_db()
    first = sending.claim_batch(send.pk, 3)
    second = sending.claim_batch(send.pk, 3)
    assert first != second
    assert Delivery.objects.filter(claim=first).count() == 3 == Delivery.objects.filter(claim=second).count()
    sending.deliver_claimed(send, second)
    sending.deliver_claimed(send, first)
    sending.deliver_claimed(send, first)  # the same batch again (a task run twice) sends nothing
    sending.deliver_batches(send.pk)
    sending.deliver_batches(send.pk)
    recipients = [m.envelope_rcpt[0] for m in smtp_server]
    assert len(recipients) == 10 == len(set(recipients))
    assert sending.progress(send)["sent"] == 10


def test_mail_server_down_gives_the_batch_back_and_resume_delivers_later(outlet, daily, smtp_server,
                                                                         test_templates, settings):
    for number in range(4):
        subscribe(f"reader{number}@example.org", [daily], [outlet.en])
    send = make_send(outlet, [daily])
    sending.start_send(send)
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there
    sending.deliver_batches(send.pk)
    assert sending.progress(send)["queued"] == 4 and smtp_server == []
    settings.EMAIL_PORT = port
    sending.resume_stalled_sends()  # the immediate backend delivers at once
    assert sending.progress(send)["sent"] == 4 and len(smtp_server) == 4


def test_stale_claims_go_back_to_the_queue(outlet, daily, smtp_server, test_templates, settings):
    import datetime

    from django.utils import timezone

    for number in range(3):
        subscribe(f"reader{number}@example.org", [daily], [outlet.en])
    send = make_send(outlet, [daily])
    sending.start_send(send)
    sending.claim_batch(send.pk, 10)  # a worker claimed, then died
    assert sending.resume_stalled_sends() == 0  # the claim is fresh: leave it
    later = timezone.now() + datetime.timedelta(seconds=settings.NEWSLETTER_CLAIM_SECONDS + 1)
    assert sending.resume_stalled_sends(later) == 3
    assert len(smtp_server) == 3
    send.refresh_from_db()
    assert send.status == Send.Status.DONE


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_slow_worker_keeps_its_claim_so_no_one_gets_two(outlet, daily, smtp_server, test_templates,
                                                          settings, monkeypatch):
    """A batch slower than NEWSLETTER_CLAIM_SECONDS is not taken for a dead worker's and sent twice."""
    import asyncio
    import datetime

    from django.utils import timezone

    settings.NEWSLETTER_CLAIM_SECONDS = 2  # the worker renews its claim every second
    for number in range(6):
        subscribe(f"reader{number}@example.org", [daily], [outlet.en])
    send = make_send(outlet, [daily])
    ticks: list[int] = []

    def tick() -> int:  # what the every-minute tick does first: give stale claims back to the queue
        stale = timezone.now() - datetime.timedelta(seconds=settings.NEWSLETTER_CLAIM_SECONDS)
        return Delivery.objects.filter(state=Delivery.State.CLAIMED, claimed_at__lte=stale).update(
            state=Delivery.State.QUEUED, claim="", claimed_at=None)

    original = SMTP.smtp_RCPT

    async def slow_relay(self, arg):  # each message takes 0.7 s; the tick runs while the 5th is sent
        await asyncio.sleep(0.7)
        if len(smtp_server) == 4:
            ticks.append(await asyncio.get_running_loop().run_in_executor(None, tick))
        return await original(self, arg)

    monkeypatch.setattr(SMTP, "smtp_RCPT", slow_relay)
    sending.start_send(send)  # no transaction here: its batch task runs at once, one batch of 6 taking
    sending.deliver_batches(send.pk)  # about 4 s, twice the claim's lifetime; a second worker finds nothing
    assert ticks == [0]
    recipients = [m.envelope_rcpt[0] for m in smtp_server]
    assert sorted(recipients) == sorted(set(recipients)) and len(recipients) == 6
    assert sending.progress(send)["sent"] == 6


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_restart_mid_send_repeats_and_skips_no_one(outlet, daily, smtp_server, test_templates,
                                                               monkeypatch, caplog):
    """The worker's database connection dies (as in a PostgreSQL restart) while a message is out."""
    import asyncio

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: it drops the worker's connection the way a restart does")
    for number in range(6):
        subscribe(f"reader{number}@example.org", [daily], [outlet.en])
    send = make_send(outlet, [daily])
    dropped: list[int] = []

    def restart() -> int:  # end every other session of the test database, as a restart would
        from django.db import connection as own

        try:
            with own.cursor() as cursor:
                cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                               "WHERE datname = current_database() AND pid <> pg_backend_pid()")
                return cursor.fetchone()[0]
        finally:
            own.close()

    original = SMTP.smtp_RCPT

    async def relay(self, arg):  # the database goes away while the 4th message is being sent
        if len(smtp_server) == 3 and not dropped:
            dropped.append(await asyncio.get_running_loop().run_in_executor(None, restart))
        return await original(self, arg)

    monkeypatch.setattr(SMTP, "smtp_RCPT", relay)
    sending.start_send(send)  # no transaction here: its batch task runs at once
    assert dropped and dropped[0] >= 1
    assert "Database unreachable while recording a delivery" in caplog.text
    recipients = [m.envelope_rcpt[0] for m in smtp_server]
    assert sorted(recipients) == sorted(set(recipients)) and len(recipients) == 6
    assert sending.progress(send)["sent"] == 6
    send.refresh_from_db()
    assert send.status == Send.Status.DONE


def test_progress_counts_in_one_query(outlet, daily, test_templates, django_assert_num_queries):
    subscribe("reader@example.org", [daily], [outlet.en])
    send = make_send(outlet, [daily])
    sending.start_send(send)
    with django_assert_num_queries(1):
        assert sending.progress(send)["queued"] == 1


def test_web_version_shows_the_message_without_anyones_links(client, outlet, newsletter_page, daily,
                                                             test_templates, django_assert_max_num_queries):
    send = make_send(outlet, [daily])
    with django_assert_max_num_queries(6):
        response = client.get(f"/newsletter/sends/{send.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "third week" in page and "%%" not in page
    assert newsletter_page.get_full_url() in page
    assert client.get("/newsletter/sends/999999/").status_code == 404


def test_message_date_header_parses(outlet, daily, smtp_server, test_templates):
    subscribe("reader@example.org", [daily], [outlet.en])
    send = make_send(outlet, [daily])
    sending.start_send(send)
    sending.deliver_batches(send.pk)
    assert email.utils.parsedate_to_datetime(smtp_server[0]["Date"])
