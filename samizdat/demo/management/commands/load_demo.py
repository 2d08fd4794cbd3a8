"""`manage.py load_demo`: fill an empty site with the demo outlet, The Red Ledger.

The demo's users (admin, editor, moderator) must never get a password anyone can read: with DEBUG
on (`make run`) a random one is made and printed, and kept in VAR_DIR/demo-logins.txt for the next
start's banner; with DEBUG off the command refuses to run unless a password is given
(`--password` or DEMO_ADMIN_PASSWORD), and refuses one the password validators call weak.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from samizdat.demo.content import OUTLET_NAME
from samizdat.demo.loader import USERS, demo_exists, load_demo

# Printed in this project's README until December 2026: never a live site's password.
PUBLISHED_PASSWORDS = frozenset({"samizdat-demo"})
MIN_LENGTH = 12


def logins_file() -> Path:
    """Where `make run`'s banner finds the generated password (readable by its owner only)."""
    return Path(settings.VAR_DIR) / "demo-logins.txt"


def demo_password(given: str) -> tuple[str, bool]:
    """(the password for the demo's users, whether it was generated), or CommandError."""
    if given:
        problems = []
        if given.lower() in PUBLISHED_PASSWORDS:
            problems.append("It was published with Samizdat.")
        if len(given) < MIN_LENGTH:
            problems.append(f"It has fewer than {MIN_LENGTH} characters.")
        try:
            validate_password(given)
        except ValidationError as error:
            problems += error.messages
        if problems:
            raise CommandError("The demo users' password is too weak: " + " ".join(problems))
        return given, False
    if not settings.DEBUG:
        raise CommandError(
            "DEBUG is off, so this may be a live site: give the demo's users a strong password with "
            "--password or DEMO_ADMIN_PASSWORD (no default password is used outside `make run`)."
        )
    return secrets.token_urlsafe(12), True


class Command(BaseCommand):
    help = (
        "Create the demo outlet: two languages, sections, topics, people, about sixty articles, "
        "a dossier, a video series and three users. Does nothing if the demo is already loaded."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--password", default="",
                            help="Password of the demo's users (else DEMO_ADMIN_PASSWORD; with DEBUG on, "
                                 "a random one is made and printed).")

    def handle(self, *args, **options) -> None:
        if demo_exists():
            self.stdout.write("Demo outlet already loaded.")
            return
        password, generated = demo_password(options["password"] or os.environ.get("DEMO_ADMIN_PASSWORD", ""))
        verbose = options["verbosity"] >= 2
        summary = load_demo(password=password, log=self.stdout.write if verbose else None)
        if summary is None:
            self.stdout.write("Demo outlet already loaded.")
            return
        if generated:
            path = logins_file()
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(password + "\n")

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
        shown = password if generated else "the one given"
        admin_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/admin/"
        self.stdout.write(f"Admin: {admin_url}")
        self.stdout.write(f"  users: {', '.join(name for name, *_ in USERS)} (password: {shown})")
