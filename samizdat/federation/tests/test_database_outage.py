"""PostgreSQL unreachable for 10 s in the middle of a fediverse fan-out: every inbox gets one Create.

The worker is a real `manage.py db_worker` (TASKS_BACKEND=database) on a scratch PostgreSQL
database of this test, reaching it through a TCP proxy in the test (conftest.TcpProxy); the
server itself is never touched (the PostgreSQL suite runs beside this one). The peer (tests/peer.py)
cuts the proxy — every connection closed, new ones refused — as POST number CUT_AT comes in, and
answers it and every other one; the proxy comes back OUTAGE_SECONDS later.

A worker that dies of the database error is started again, as a supervisor (systemd's
Restart=always, RestartSec=1) would; when one ends with nothing left to run, the every-minute tick
(`retry_federation_deliveries`) runs, as cron would, before the next.

What holds: the worker retries recording the answers for about a minute
(`delivery.record_outcomes`), so an outage of 10 s neither loses nor repeats a delivery. Delivery
is at least once: an inbox's answer cannot be recorded in the same transaction as the POST, so if
the database stayed away longer than that minute, the answers not yet recorded would be POSTed
again when their claim runs out (15 minutes); receivers know an activity by its id.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator

import pytest

from conftest import WORKER, TcpProxy, on_own_postgres, own_manage, supervise, through
from samizdat.federation.tests.peer import Peer, start_peer
from samizdat.federation.tests.test_worker_kill import FOLLOWERS, SETUP, report, run

CUT_AT = 15
OUTAGE_SECONDS = 10
DEADLINE_SECONDS = 90


class Outage:
    """The peer's inboxes accept every POST; POST number `cut_at` cuts the proxy first."""

    def __init__(self, peer: Peer, proxy: TcpProxy, cut_at: int) -> None:
        self.proxy, self.cut_at = proxy, cut_at
        self.accepted: list[str] = []
        self.lock = threading.Lock()
        self.restored = threading.Event()
        self.answer = peer.answer
        peer.answer = self.gate

    def gate(self, method: str, path: str) -> tuple[int, dict | None]:
        if method == "POST":
            with self.lock:
                self.accepted.append(path)
                if len(self.accepted) == self.cut_at:
                    self.proxy.cut()
                    threading.Timer(OUTAGE_SECONDS, self.restore).start()
        return self.answer(method, path)

    def restore(self) -> None:
        self.proxy.restore()
        self.restored.set()


@pytest.fixture
def peer() -> Iterator[Peer]:
    server = start_peer()
    yield server
    server.stop()


@on_own_postgres
def test_database_gone_for_ten_seconds_mid_fan_out_loses_no_inbox_and_repeats_none(tmp_path, postgres_copy,
                                                                                    postgres_proxy, peer):
    start = own_manage(tmp_path, postgres_copy, 0, TASKS_BACKEND="database",
                       FEDERATION_ALLOW_PRIVATE_ADDRESSES="1")
    run(start("shell", "-c", f"FOLLOWERS, BASE = {FOLLOWERS}, {peer.base!r}\n{SETUP}"))
    outage = Outage(peer, postgres_proxy, CUT_AT)
    began = time.monotonic()
    def fanned_out() -> bool:
        states = [state for _kind, state, *_rest in report(start).values()]
        return len(states) == FOLLOWERS and set(states) == {"delivered"}

    proxied = through(postgres_proxy, postgres_copy)
    exits = supervise(lambda: start(*WORKER, DATABASE_URL=proxied), fanned_out,
                      lambda: run(start("retry_federation_deliveries")), DEADLINE_SECONDS)
    took = time.monotonic() - began
    assert outage.restored.is_set()

    done = report(start)
    assert {url: (kind, state, attempts) for url, (kind, state, attempts, _error) in done.items()} == {
        f"{peer.base}/s{number}/inbox": ("Create", "delivered", 1) for number in range(FOLLOWERS)}
    assert Counter(outage.accepted) == {f"/s{number}/inbox": 1 for number in range(FOLLOWERS)}
    assert {request.json["type"] for request in peer.received()} == {"Create"}
    assert took >= OUTAGE_SECONDS, took  # the answers' record waited for the database to come back
    assert exits[-1] == 0, exits
