"""Reminders 24 h and 1 h before: each exactly once per registrant, through real SMTP."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import assert_mail_links_work
from samizdat.events import services
from samizdat.events.models import Registration
from samizdat.events.tasks import send_event_reminders_task
from samizdat.events.tests.conftest import JOIN_URL

pytestmark = pytest.mark.django_db


def test_each_reminder_goes_out_exactly_once(client, events, smtp_server):
    start = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    event = events.add("Forum", starts_at=start)
    other = events.add("Other forum", starts_at=start + timedelta(days=20))

    def person(name: str, registered: timedelta, status: str = "confirmed", on=event) -> Registration:
        return Registration.objects.create(event=on, name=name, email=f"{name}@example.org", country="Chile",
                                           language="en", status=status, created_at=start - registered)

    person("early", timedelta(days=5))
    person("late", timedelta(hours=2))  # registered inside the day window: only the hour reminder
    person("gone", timedelta(days=5), status="cancelled")
    person("waiting", timedelta(days=5), status="waiting")
    person("elsewhere", timedelta(days=5), on=other)

    assert services.send_due_reminders(start - timedelta(hours=25)) == 0
    day = start - timedelta(hours=23, minutes=59)
    assert services.send_due_reminders(day) == 1
    assert services.send_due_reminders(day) == 0  # a restarted worker sends nothing twice
    assert services.send_due_reminders(day + timedelta(hours=1)) == 0
    hour = start - timedelta(minutes=59)
    assert services.send_due_reminders(hour) == 2
    assert services.send_due_reminders(hour) == 0
    assert services.send_due_reminders(start + timedelta(minutes=1)) == 0

    received = Counter((mail.envelope_rcpt[0], mail["Subject"]) for mail in smtp_server)
    assert received == {("early@example.org", "Tomorrow: Forum"): 1,
                        ("early@example.org", "In one hour: Forum"): 1,
                        ("late@example.org", "In one hour: Forum"): 1}
    hourly = next(mail for mail in smtp_server if mail["Subject"] == "In one hour: Forum")
    text = hourly.get_payload()[0].get_payload(decode=True).decode()
    assert "starts in one hour" in text and JOIN_URL in text
    for mail in smtp_server:
        assert_mail_links_work(client, mail)
    assert Registration.objects.filter(reminder_hour_sent_at__isnull=False).count() == 2


def test_a_late_worker_sends_only_the_hour_reminder(events, smtp_server):
    start = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    event = events.add("Forum", starts_at=start)
    Registration.objects.create(event=event, name="A", email="a@example.org", country="Peru",
                                created_at=start - timedelta(days=4))
    assert services.send_due_reminders(start - timedelta(minutes=30)) == 1
    assert [mail["Subject"] for mail in smtp_server] == ["In one hour: Forum"]


def test_command_and_task(events, smtp_server):
    start = timezone.now() + timedelta(minutes=30)
    event = events.add("Now-ish", starts_at=start)
    Registration.objects.create(event=event, name="A", email="a@example.org", country="Peru",
                                created_at=start - timedelta(days=2))
    out = StringIO()
    call_command("send_event_reminders", stdout=out)
    assert out.getvalue().strip() == "1 reminder(s) sent."
    assert send_event_reminders_task.enqueue().return_value == 0
    assert len(smtp_server) == 1


def test_a_failed_send_is_retried_next_run(events, smtp_server, settings):
    start = timezone.now() + timedelta(minutes=30)
    event = events.add("Now-ish", starts_at=start)
    Registration.objects.create(event=event, name="A", email="a@example.org", country="Peru",
                                created_at=start - timedelta(days=2))
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 9  # nothing listens there: the send fails, the row stays unmarked
    assert services.send_due_reminders() == 0
    assert Registration.objects.get().reminder_hour_sent_at is None
    settings.EMAIL_PORT = port
    assert services.send_due_reminders() == 1 and len(smtp_server) == 1
