"""A newsletter worker killed mid-send, then started again: every reader gets exactly one message.

The worker is a real `manage.py db_worker` (TASKS_BACKEND=database) on its own SQLite file,
sending to a real SMTP server (aiosmtpd) that SIGKILLs it when a message comes in, before
accepting it. The every-minute tick (`send_newsletters`) takes the dead worker's claim back and
a fresh worker finishes the send. A second test keeps the mail server down for a whole run.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import signal
import subprocess
from collections import Counter
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from conftest import WORKER, free_port, local_smtp, on_own_sqlite, own_sqlite_manage
from conftest import finished as run

ROOT = Path(__file__).resolve().parents[3]
READERS = 30
BATCH_SIZE = 5
KILL_AT = 11  # messages accepted before the worker is killed: it dies on the 12th, mid-batch
ADDRESSES = [f"reader{number:02}@example.org" for number in range(READERS)]

SETUP = f"""
from wagtail.models import Locale
from samizdat.newsletter import sending
from samizdat.newsletter.models import MailingList, Send, Subscriber
en, es = Locale.objects.get(language_code="en"), Locale.objects.get_or_create(language_code="es")[0]
daily = MailingList.objects.create(name="Daily", slug="daily")
def subscribe(address, locale, status=Subscriber.Status.CONFIRMED):
    reader = Subscriber.objects.create(email=address, status=status)
    reader.lists.add(daily)
    reader.languages.add(locale)
for address in {ADDRESSES!r}:
    subscribe(address, en)
subscribe("spanish@example.org", es)
subscribe("left@example.org", en, Subscriber.Status.UNSUBSCRIBED)
intro = "The port strike enters its third week."
html, text = sending.render_message("newsletter/email/issue", {{
    "subject": "Strike news", "title": "Strike news", "web_url": "http://localhost/newsletter/strike-news/",
    "parts": [{{"kind": "intro", "html": f"<p>{{intro}}</p>", "text": intro}}]}})
send = Send.objects.create(kind=Send.Kind.ISSUE, locale=en, subject="Strike news", html=html, text=text)
send.mailing_lists.set([daily])
sending.enqueue_start(send)  # no transaction here: the start task is queued at once
"""

REPORT = """
import json
from django_tasks_db.models import DBTaskResult
from samizdat.newsletter import links
from samizdat.newsletter.models import Delivery, Send
send = Send.objects.get()
deliveries = Delivery.objects.filter(send=send).select_related("subscriber")
print(json.dumps({
    "status": send.status, "finished": send.finished_at is not None, "recipients": send.recipient_count,
    "states": {d.subscriber.email: d.state for d in deliveries},
    "attempts": {d.subscriber.email: d.attempts for d in deliveries},
    "claims": sorted({d.claim for d in deliveries if d.state == "claimed"}),
    "unsubscribe": {d.subscriber.email: links.unsubscribe_url(d.subscriber_id, "en") for d in deliveries},
    # After a --batch worker has exited, the tasks still ready to run are the deferred ones.
    "deferred": DBTaskResult.objects.filter(status="READY").count(),
}))
"""


class KillingServer:
    """Accepts messages; with `kill_at` set, kills the worker when the message after that many comes
    in, before accepting it (so that recipient has not got it)."""

    def __init__(self) -> None:
        self.accepted: list[tuple[str, bytes]] = []
        self.worker: subprocess.Popen | None = None
        self.kill_at: int | None = None
        self.killed_for: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.worker is not None and len(self.accepted) == self.kill_at:
            os.kill(self.worker.pid, signal.SIGKILL)
            self.killed_for = list(envelope.rcpt_tos)
            return "451 Try again later"
        content = envelope.original_content or envelope.content
        self.accepted.extend((recipient, content) for recipient in envelope.rcpt_tos)
        return "250 OK"

    def recipients(self) -> Counter:
        return Counter(recipient for recipient, _content in self.accepted)


@pytest.fixture
def smtp() -> Iterator[tuple[KillingServer, int]]:
    handler = KillingServer()
    with local_smtp(handler) as port:
        yield handler, port


Manage = Callable[..., subprocess.Popen]


@pytest.fixture
def manage(tmp_path: Path, migrated_sqlite: Path, smtp: tuple[KillingServer, int]) -> Manage:
    """Starts `manage.py <args>` on this test's own SQLite file (set up with SETUP), with the
    database task backend, sending to the test's SMTP server; keyword arguments add variables."""
    _handler, port = smtp
    start = own_sqlite_manage(tmp_path, migrated_sqlite, port, TASKS_BACKEND="database",
                              NEWSLETTER_BATCH_SIZE=str(BATCH_SIZE))
    run(start("shell", "-c", SETUP))
    return start


def report(manage: Manage) -> dict:
    """The send's state, as REPORT prints it (on the last line: the shell may say more before)."""
    return json.loads(run(manage("shell", "-c", REPORT)).strip().splitlines()[-1])


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None, message
    return text.get_content(), html.get_content()


@on_own_sqlite
def test_killed_worker_restarts_without_skipping_or_repeating_anyone(manage: Manage, smtp):
    handler, _port = smtp
    handler.kill_at = KILL_AT
    handler.worker = manage(*WORKER)
    run(handler.worker, returncode=-signal.SIGKILL)
    first_run = handler.recipients()
    assert len(handler.accepted) == KILL_AT and len(handler.killed_for) == 1
    assert max(first_run.values()) == 1

    # What the dead worker left: what the server accepted is sent, the rest of its batch still
    # claimed (including the message it died on), the others queued; nothing tried twice.
    after_kill = report(manage)
    assert after_kill["status"] == "sending" and after_kill["recipients"] == READERS
    assert set(after_kill["states"]) == set(ADDRESSES)
    by_state: dict[str, set[str]] = {}
    for address, state in after_kill["states"].items():
        by_state.setdefault(state, set()).add(address)
    assert by_state["sent"] == set(first_run)
    claimed_in_batch = BATCH_SIZE - KILL_AT % BATCH_SIZE
    assert len(by_state["claimed"]) == claimed_in_batch and len(after_kill["claims"]) == 1
    assert handler.killed_for[0] in by_state["claimed"]
    assert len(by_state["queued"]) == READERS - KILL_AT - claimed_in_batch
    assert set(by_state) == {"sent", "claimed", "queued"}
    assert all(after_kill["attempts"][address] == 1 for address in by_state["sent"])

    # The tick gives the dead worker's claim back (claims count as stale at once here) and
    # queues batch tasks; a fresh worker delivers the rest.
    handler.worker = None
    tick = run(manage("send_newsletters", NEWSLETTER_CLAIM_SECONDS="0"))
    assert f"{claimed_in_batch} stalled delivery(ies) re-queued." in tick
    run(manage(*WORKER))

    done = report(manage)
    assert done["status"] == "done" and done["finished"]
    assert done["states"] == {address: "sent" for address in ADDRESSES}
    assert done["attempts"] == {address: 1 for address in ADDRESSES}
    assert handler.recipients() == {address: 1 for address in ADDRESSES}
    second_run = handler.recipients() - first_run
    assert handler.killed_for[0] in second_run and len(second_run) == READERS - KILL_AT

    message_ids: set[str] = set()
    for recipient, content in handler.accepted:
        message = email.message_from_bytes(content, policy=email.policy.default)
        assert message["To"] == recipient and message["Subject"] == "Strike news"
        unsubscribe = done["unsubscribe"][recipient]
        assert "".join(str(message["List-Unsubscribe"]).split()) == f"<{unsubscribe}>"
        text, html = parts(message)
        for body in (text, html):
            assert "third week" in body and unsubscribe in body and "%%" not in body
        message_ids.add(message["Message-ID"])
    assert len(message_ids) == READERS


@on_own_sqlite
def test_a_worker_finding_the_mail_server_down_loses_no_one_and_retries_later(manage: Manage, smtp):
    handler, _port = smtp
    closed = free_port()  # nothing listens there: every connection is refused
    run(manage(*WORKER, EMAIL_PORT=str(closed)))
    down = report(manage)
    assert down["status"] == "sending" and handler.accepted == []
    assert down["states"] == {address: "queued" for address in ADDRESSES}
    assert down["attempts"] == {address: 0 for address in ADDRESSES} and down["claims"] == []
    assert down["deferred"] > 0  # each batch task queued its retry for later (run_after)

    # The tick does not wait for the deferred retries: it queues batch tasks now.
    run(manage("send_newsletters"))
    run(manage(*WORKER))
    done = report(manage)
    assert done["status"] == "done" and done["states"] == {address: "sent" for address in ADDRESSES}
    assert handler.recipients() == {address: 1 for address in ADDRESSES}
