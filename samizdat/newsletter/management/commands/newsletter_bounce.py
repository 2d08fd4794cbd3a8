"""Mark an address as bouncing (hard by default), soft-bouncing, or complaining."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from samizdat.core.emails import normalize_email
from samizdat.newsletter import services


class Command(BaseCommand):
    help = "Record a bounce or complaint for a subscriber's address; hard bounces stop all sends."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")
        kind = parser.add_mutually_exclusive_group()
        kind.add_argument("--soft", action="store_const", dest="kind", const=services.BounceKind.SOFT,
                          help="A soft bounce (five in a row stop sends).")
        kind.add_argument("--complaint", action="store_const", dest="kind",
                          const=services.BounceKind.COMPLAINT, help="The reader marked a mail as spam.")
        parser.add_argument("--reason", default="", help="What the mail server said.")

    def handle(self, *args, email: str, kind: str | None, reason: str, **options) -> None:
        outcome = services.record_bounce(email, kind or services.BounceKind.HARD, reason)
        if outcome == services.Outcome.IGNORED:
            raise CommandError(f"No subscriber has the address {normalize_email(email)}.")
        subscriber = services.Subscriber.objects.get(email=normalize_email(email))
        self.stdout.write(f"{subscriber.email}: {outcome} (status {subscriber.status}, "
                          f"{subscriber.soft_bounces} soft bounces in a row)")
