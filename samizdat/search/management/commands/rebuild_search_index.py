"""Re-index every live public article: after an import, a model change or a lost index."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from samizdat.search.indexing import rebuild


class Command(BaseCommand):
    help = "Rebuild the search index from every live, public article (in batches)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="Articles per batch (default 500).")

    def handle(self, *args, batch_size: int, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            count = rebuild(batch_size=batch_size)
        except DatabaseError as error:
            raise CommandError(f"Could not rebuild the search index: {error}") from error
        self.stdout.write(f"Indexed {count} article{'' if count == 1 else 's'}.")
