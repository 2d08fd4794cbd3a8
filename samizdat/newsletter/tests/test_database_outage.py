"""PostgreSQL unreachable for 10 s in the middle of a newsletter send: every reader gets one message.

The worker is a real `manage.py db_worker` (TASKS_BACKEND=database) on a scratch PostgreSQL
database of this test, reaching it through a TCP proxy in the test (conftest.TcpProxy); the
server itself is never touched (the PostgreSQL suite runs beside this one). The SMTP server
(aiosmtpd) cuts the proxy — every connection closed, new ones refused — as it accepts message
CUT_AT, before answering it: the worker's write recording that message fails. The proxy comes
back OUTAGE_SECONDS later.

A worker that dies of the database error is started again, as a supervisor (systemd's
Restart=always, RestartSec=1) would; when one ends with nothing left to run, the every-minute
tick (`send_newsletters`) runs, as cron would, before the next.

What holds: the worker retries the write for about a minute (`sending.record`), so an outage of
10 s neither loses nor repeats a message. Delivery is at least once, not exactly once: mail the
SMTP server accepted cannot be recorded in the same transaction, so if the database stayed away
longer than that minute, the one message being recorded would go to its reader again when the
claim is resumed (with the same Message-ID). Marking it before sending instead would turn that
duplicate into a loss (at most once); for a newsletter a rare duplicate is the lesser harm.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

from conftest import WORKER, TcpProxy, local_smtp, on_own_postgres, own_manage, supervise, through
from samizdat.newsletter.tests.test_worker_kill import ADDRESSES, SETUP, report, run

CUT_AT = 12  # the message (1-based) whose acceptance the database goes away on: mid-batch
OUTAGE_SECONDS = 10
DEADLINE_SECONDS = 90


class OutageServer:
    """Accepts every message; cuts the proxy as it accepts message `cut_at`, restores it later."""

    def __init__(self, proxy: TcpProxy, cut_at: int) -> None:
        self.proxy, self.cut_at = proxy, cut_at
        self.accepted: list[str] = []
        self.cut_when: float | None = None
        self.restored = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.accepted.extend(envelope.rcpt_tos)
        if len(self.accepted) == self.cut_at:
            self.proxy.cut()
            self.cut_when = time.monotonic()
            threading.Timer(OUTAGE_SECONDS, self.restore).start()
        return "250 OK"

    def restore(self) -> None:
        self.proxy.restore()
        self.restored.set()


@on_own_postgres
def test_database_gone_for_ten_seconds_mid_send_loses_no_one_and_repeats_no_one(tmp_path, postgres_copy,
                                                                                 postgres_proxy):
    handler = OutageServer(postgres_proxy, CUT_AT)
    with local_smtp(handler) as port:
        start = own_manage(tmp_path, postgres_copy, port, TASKS_BACKEND="database", NEWSLETTER_BATCH_SIZE="5")
        run(start("shell", "-c", SETUP))
        began = time.monotonic()
        proxied = through(postgres_proxy, postgres_copy)
        exits = supervise(lambda: start(*WORKER, DATABASE_URL=proxied),
                          lambda: report(start)["status"] == "done",
                          lambda: run(start("send_newsletters")), DEADLINE_SECONDS)
        took = time.monotonic() - began
        assert handler.restored.is_set() and handler.cut_when is not None
        done = report(start)

    assert done["status"] == "done" and done["finished"]
    assert done["states"] == {address: "sent" for address in ADDRESSES}
    assert done["attempts"] == {address: 1 for address in ADDRESSES}
    assert Counter(handler.accepted) == {address: 1 for address in ADDRESSES}
    assert took >= OUTAGE_SECONDS, took  # the rest waited for the database to come back
    assert exits[-1] == 0, exits
