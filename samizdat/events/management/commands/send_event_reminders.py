"""Send the event reminders that are due; run it every minute (cron, a timer, `make run`)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from samizdat.events.services import send_due_reminders


class Command(BaseCommand):
    help = "Send due event reminders (24 hours and 1 hour before the start), each exactly once."

    def handle(self, *args, **options) -> None:
        sent = send_due_reminders()
        self.stdout.write(f"{sent} reminder(s) sent.")
