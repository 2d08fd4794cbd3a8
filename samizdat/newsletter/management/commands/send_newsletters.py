"""The every-minute tick: start the digests that are due, resume sends a dead worker left."""

from django.core.management.base import BaseCommand

from samizdat.newsletter.sending import resume_stalled_sends, send_due_digests


class Command(BaseCommand):
    help = "Start due newsletter digests and resume stalled sends (run every minute)."

    def handle(self, *args, **options) -> None:
        sends = send_due_digests()
        for send in sends:
            self.stdout.write(f"Digest started: {send.subject} ({send.locale.language_code}), send {send.pk}")
        requeued = resume_stalled_sends()
        self.stdout.write(f"{len(sends)} digest(s) started, {requeued} stalled delivery(ies) re-queued.")
