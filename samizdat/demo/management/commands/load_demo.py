"""`manage.py load_demo`: fill an empty site with the demo outlet, The Red Ledger."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management.base import BaseCommand

from samizdat.demo.content import OUTLET_NAME
from samizdat.demo.loader import DEFAULT_PASSWORD, USERS, load_demo


class Command(BaseCommand):
    help = (
        "Create the demo outlet: two languages, sections, topics, people, about sixty articles, "
        "a dossier, a video series and three users. Does nothing if the demo is already loaded."
    )

    def handle(self, *args, **options) -> None:
        password = os.environ.get("DEMO_ADMIN_PASSWORD") or DEFAULT_PASSWORD
        verbose = options["verbosity"] >= 2
        summary = load_demo(password=password, log=self.stdout.write if verbose else None)
        if summary is None:
            self.stdout.write("Demo outlet already loaded.")
            return

        self.stdout.write(self.style.SUCCESS(
            f"Loaded the demo outlet \"{OUTLET_NAME}\" in {summary.total_seconds:.1f} s "
            f"({summary.load_seconds:.1f} s of content, the rest making image renditions)."
        ))
        self.stdout.write(
            f"  {summary.locales} locales, {summary.homes} home pages, {summary.sections} sections, "
            f"{summary.topics} topics, {summary.people} people, {summary.images} images\n"
            f"  {summary.articles_en} English articles, {summary.articles_es} Spanish translations, "
            f"{summary.dossiers} dossier, {summary.series} video series"
        )
        shown = "from DEMO_ADMIN_PASSWORD" if os.environ.get("DEMO_ADMIN_PASSWORD") else password
        admin_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/admin/"
        self.stdout.write(f"Admin: {admin_url}")
        self.stdout.write(f"  users: {', '.join(name for name, *_ in USERS)} (password: {shown})")
