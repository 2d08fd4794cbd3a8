"""Background work for events: the reminders, for task queues and schedulers."""

from __future__ import annotations

from django_tasks import task


@task()
def send_event_reminders_task() -> int:
    """Send the reminders that are due (24 h and 1 h before events); returns how many went out."""
    from samizdat.events.services import send_due_reminders

    return send_due_reminders()
