"""A fediverse worker killed mid-delivery, then started again: every inbox gets the Create once.

The worker is a real `manage.py db_worker` (TASKS_BACKEND=database) on its own SQLite file,
delivering a published article to FOLLOWERS followers on as many shared inboxes of a real HTTP
peer (tests/peer.py). The peer accepts the first ACCEPT_FIRST POSTs and holds every later one
unanswered, as a slow server would; once the worker has recorded the accepted ones, the test
SIGKILLs it mid-batch. Twenty minutes later (the dead worker's claims have run out; the test
moves the stored times back rather than waiting) the every-minute tick
(`retry_federation_deliveries`) queues what is due and a fresh worker delivers the rest.

What holds: an answer the worker recorded is never POSTed again; a request in flight when it died
is POSTed again once its claim runs out (at least once: receivers know an activity by its id).
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import PROCESS_TIMEOUT, WORKER, on_own_sqlite, own_sqlite_manage
from conftest import finished as run
from samizdat.federation.tests.peer import Peer, start_peer

FOLLOWERS = 40
ACCEPT_FIRST = 15

SETUP = """
import datetime
from django.utils import timezone
from wagtail.models import Locale, Page, Site
from samizdat.articles.models import ArticlePage, SectionPage
from samizdat.articles.services import month_folder
from samizdat.federation import actors
from samizdat.federation.models import Follower, RemoteActor
from samizdat.home.models import HomePage
en = Locale.objects.get_or_create(language_code="en")[0]
for page in Page.objects.filter(depth=2):
    page.delete()
home = HomePage(title="The Test Ledger", slug="home", locale=en)
Page.get_first_root_node().add_child(instance=home)
Site.objects.all().delete()
Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
section = home.add_child(instance=SectionPage(title="Labor", slug="labor"))
outlet = actors.outlet_actor(en)  # someone looked the outlet up: it has followers
for number in range(FOLLOWERS):
    uri = f"{BASE}/users/u{number}"
    remote = RemoteActor.objects.create(uri=uri, username=f"u{number}", domain="127.0.0.1",
                                        inbox=f"{uri}/inbox", shared_inbox=f"{BASE}/s{number}/inbox",
                                        key_id=f"{uri}#main-key", public_key="-")
    Follower.objects.create(actor=outlet, remote=remote, follow_id=f"{uri}#follow")
when = timezone.now() - datetime.timedelta(minutes=1)
article = ArticlePage(title="Dockworkers win", dek="After six weeks, the port is theirs.", display_date=when,
                      body=[("paragraph", "<p>The strike is over.</p>")])
month_folder(section, when).add_child(instance=article)
article.save_revision().publish()  # queues the task that sends the Create out
"""

# Twenty minutes pass: the claims of the dead worker (15 minutes) have run out.
LATER = """
import datetime
from django.db.models import F
from samizdat.federation.models import Delivery
pending = Delivery.objects.filter(state="pending")
pending.update(next_attempt_at=F("next_attempt_at") - datetime.timedelta(minutes=20))
from django.core.management import call_command
call_command("retry_federation_deliveries")  # the every-minute tick
"""

REPORT = """
import json
from samizdat.federation.models import Delivery
print(json.dumps({d.inbox.url: [d.activity.type, d.state, d.attempts, d.last_error]
                  for d in Delivery.objects.select_related("inbox", "activity")}))
"""


class Gate:
    """The peer's inboxes: the first `accept` POSTs get 202 (and count as received), later ones are
    held unanswered until `release()`, then refused (503, not counted)."""

    def __init__(self, peer: Peer, accept: int) -> None:
        self.peer, self.accept = peer, accept
        self.accepted: list[str] = []  # the inboxes' paths
        self.held = 0
        self.lock = threading.Lock()
        self.released = threading.Event()
        self.answer = peer.answer
        peer.answer = self.gate

    def gate(self, method: str, path: str) -> tuple[int, dict | None]:
        if method != "POST":
            return self.answer(method, path)
        with self.lock:
            if self.accept < 0 or len(self.accepted) < self.accept:
                self.accepted.append(path)
                return 202, None
            self.held += 1
        self.released.wait(timeout=PROCESS_TIMEOUT)
        return 503, None

    def open(self) -> None:
        """From now on every POST is accepted."""
        with self.lock:
            self.accept = -1
            self.released.set()

    def received(self) -> Counter:
        return Counter(self.accepted)


@pytest.fixture
def peer() -> Iterator[Peer]:
    server = start_peer()
    yield server
    server.stop()


Manage = Callable[..., subprocess.Popen]


def report(manage: Manage) -> dict:
    return json.loads(run(manage("shell", "-c", REPORT)).strip().splitlines()[-1])


def delivered(database: Path) -> int:
    """Deliveries the worker has recorded as delivered, read from its SQLite file."""
    with sqlite3.connect(database, timeout=10) as db:
        return db.execute("SELECT count(*) FROM federation_delivery WHERE state = 'delivered'").fetchone()[0]


@on_own_sqlite
def test_killed_worker_restarts_without_skipping_or_repeating_an_inbox(tmp_path, migrated_sqlite, peer):
    start = own_sqlite_manage(tmp_path, migrated_sqlite, 0, TASKS_BACKEND="database",
                              FEDERATION_ALLOW_PRIVATE_ADDRESSES="1", FEDERATION_FETCH_TIMEOUT="60")
    run(start("shell", "-c", f"FOLLOWERS, BASE = {FOLLOWERS}, {peer.base!r}\n{SETUP}"))
    inboxes = {f"/s{number}/inbox" for number in range(FOLLOWERS)}
    gate = Gate(peer, ACCEPT_FIRST)

    # The worker sends the Create out: all FOLLOWERS requests of the batch go at once; the peer
    # answers ACCEPT_FIRST of them and holds the rest. Once the worker has recorded the answered
    # ones (at most 15 s), it is killed with the others in flight.
    worker = start(*WORKER)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and (gate.held < FOLLOWERS - ACCEPT_FIRST
                                           or delivered(tmp_path / "db.sqlite3") < ACCEPT_FIRST):
        time.sleep(0.1)
    assert gate.held == FOLLOWERS - ACCEPT_FIRST, "the worker did not send the whole batch at once"
    worker.kill()
    run(worker, returncode=-signal.SIGKILL)
    gate.open()
    first = gate.received()
    assert len(first) == ACCEPT_FIRST and set(first.values()) == {1}

    # What the dead worker left: each answered inbox recorded as delivered; the held ones pending
    # (claimed until the claim runs out), none given up, none tried twice.
    after_kill = report(start)
    assert len(after_kill) == FOLLOWERS
    states = Counter(state for _type, state, _attempts, _error in after_kill.values())
    assert states == {"delivered": ACCEPT_FIRST, "pending": FOLLOWERS - ACCEPT_FIRST}
    for url, (kind, state, attempts, _error) in after_kill.items():
        assert kind == "Create"
        assert (state == "delivered") == (url.removeprefix(peer.base) in first)
        assert attempts == (1 if state == "delivered" else 0)

    # A fresh worker at once finds nothing due (the claims still stand): nothing is sent twice.
    run(start(*WORKER))
    assert gate.received() == first

    # Twenty minutes later the tick queues the deliveries whose claim ran out; a worker sends them.
    tick = run(start("shell", "-c", LATER))
    assert f"{FOLLOWERS - ACCEPT_FIRST} delivery(ies) queued." in tick
    run(start(*WORKER))

    done = report(start)
    assert {url: state for url, (_kind, state, *_rest) in done.items()} == {
        f"{peer.base}{path}": "delivered" for path in inboxes}
    assert gate.received() == {path: 1 for path in inboxes}
    assert {request.json["type"] for request in peer.received()} == {"Create"}
