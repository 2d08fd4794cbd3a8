"""The every-minute tick of the fediverse: queue the deliveries that are due again."""

from django.core.management.base import BaseCommand

from samizdat.federation.delivery import retry_due_deliveries


class Command(BaseCommand):
    help = "Queue fediverse deliveries whose retry is due, and those a dead worker left (run every minute)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"{retry_due_deliveries()} delivery(ies) queued.")
