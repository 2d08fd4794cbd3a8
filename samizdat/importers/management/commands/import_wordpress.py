"""manage.py import_wordpress EXPORT.xml: bring a WordPress site's content into the outlet."""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samizdat.importers.wordpress.importer import ImportFailed, import_wordpress
from samizdat.importers.wordpress.records import NotWxr


class Command(BaseCommand):
    help = "Import a WordPress export (WXR 1.0–1.2): posts, pages, people, topics, media and redirects."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("export", help="The WXR file exported from WordPress (Tools → Export).")
        media = parser.add_mutually_exclusive_group()
        media.add_argument("--media-dir", help="A local copy of wp-content/uploads.")
        media.add_argument("--media-base-url",
                           help="Fetch attachments from this URL (…/wp-content/uploads/).")
        parser.add_argument("--section-from", choices=["category"], dest="section_from",
                            help="Top-level categories become sections (else every category is a topic).")
        parser.add_argument("--section",
                            help="Slug of the section posts go into (default: an Archive section).")
        parser.add_argument("--locale", default="en", help="Language code of the home to import into.")
        parser.add_argument("--dry-run", action="store_true", help="Read and check everything, save nothing.")

    def handle(self, *args, **options) -> None:
        self.tty = sys.stderr.isatty()
        self.started = time.monotonic()
        self.last_line = 0
        try:
            summary = import_wordpress(
                options["export"], media_dir=options["media_dir"], media_base_url=options["media_base_url"],
                section_from_category=options["section_from"] == "category", section=options["section"],
                locale=options["locale"], dry_run=options["dry_run"], progress=self.progress,
            )
        except (ImportFailed, NotWxr, OSError) as exc:
            raise CommandError(str(exc)) from exc
        if self.tty:
            self.stderr.write("")
        self.stdout.write("\n".join(summary.lines()))
        self.stdout.write(f"({summary.import_seconds:.1f} s importing, "
                          f"{summary.commit_seconds:.1f} s committing and indexing)")

    def progress(self, stage: str, fraction: float, count: int) -> None:
        if self.tty:
            filled = int(fraction * 30)
            bar = "#" * filled + "-" * (30 - filled)
            self.stderr.write(f"\r[{bar}] {fraction:4.0%} {stage}: {count} items", ending="")
            self.stderr.flush()
        elif count - self.last_line >= 500 or count < self.last_line:
            self.last_line = count
            self.stderr.write(f"{stage}: {fraction:.0%} of the file, {count} items")
