"""A reminder worker killed in the middle of its run, then started again: everyone gets exactly one.

The worker is a real `manage.py send_event_reminders` process on its own SQLite file, sending to
a real SMTP server (aiosmtpd) that kills it when the fourth message comes in, before accepting it.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from conftest import local_smtp, on_own_sqlite, own_sqlite_manage

ROOT = Path(__file__).resolve().parents[3]
REGISTRANTS = 8
KILL_AT = 3  # messages accepted before the worker is killed

SETUP = f"""
from datetime import timedelta
from django.utils import timezone
from wagtail.models import Site
from samizdat.events.models import EventIndexPage, EventPage, Registration
start = timezone.now() + timedelta(minutes=30)
home = Site.objects.get(is_default_site=True).root_page
index = home.add_child(instance=EventIndexPage(title="Events", slug="events"))
event = index.add_child(instance=EventPage(
    title="Forum", slug="forum", starts_at=start, ends_at=start + timedelta(hours=2), time_zone="UTC",
    join_url="https://meet.example.org/room"))
for number in range({REGISTRANTS}):
    Registration.objects.create(event=event, name=f"Person {{number}}", email=f"p{{number}}@example.org",
                                country="Chile", language="en", created_at=start - timedelta(days=2))
"""


class KillingServer:
    """Accepts messages; at the (KILL_AT + 1)th, kills the worker before accepting it."""

    def __init__(self) -> None:
        self.accepted: list[str] = []
        self.worker: subprocess.Popen | None = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.worker is not None and len(self.accepted) == KILL_AT:
            os.kill(self.worker.pid, signal.SIGKILL)
            return "451 Try again later"
        self.accepted.extend(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def smtp():
    handler = KillingServer()
    with local_smtp(handler) as port:
        yield handler, port


@on_own_sqlite
def test_killed_worker_restarts_without_skipping_or_repeating_anyone(tmp_path, smtp, migrated_sqlite):
    handler, port = smtp
    manage = own_sqlite_manage(tmp_path, migrated_sqlite, port)
    process = manage("shell", "-c", SETUP)
    _out, err = process.communicate(timeout=180)
    assert process.returncode == 0, err

    handler.worker = manage("send_event_reminders")
    out, err = handler.worker.communicate(timeout=60)
    assert handler.worker.returncode == -signal.SIGKILL, (out, err, handler.accepted)
    assert len(handler.accepted) == KILL_AT

    handler.worker = None
    restarted = manage("send_event_reminders")
    out, err = restarted.communicate(timeout=60)
    assert restarted.returncode == 0, err
    assert out.strip() == f"{REGISTRANTS - KILL_AT} reminder(s) sent."
    assert Counter(handler.accepted) == {f"p{number}@example.org": 1 for number in range(REGISTRANTS)}
