"""`manage.py set_site_host HOST`: the public address of the outlet, which every absolute link
uses — mail links, canonical and og:url, feeds, sitemaps, JSON-LD, fediverse addresses.

HOST is a host name with an optional port (`news.example.org`, `localhost:8010`) or an address
(`https://news.example.org`): https means port 443 (Wagtail knows no other https port), plain
names port 80, unless a port is given. It sets
the default Wagtail Site (Settings → Sites in the admin does the same by hand).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
HOST_NAME = re.compile(rf"^(?=.{{1,253}}$){LABEL}(\.{LABEL})*$")


def parse_host(value: str) -> tuple[str, int]:
    """(host name, port) from what an operator typed, or CommandError saying what is wrong."""
    text = value.strip().lower()
    scheme = "https" if text.startswith("https://") else "http"
    parts = urlsplit(text if "://" in text else f"{scheme}://{text}")
    if parts.scheme not in ("http", "https") or parts.path not in ("", "/") or parts.query or parts.username:
        raise CommandError(f"{value!r} is not a host name: give e.g. news.example.org or localhost:8010.")
    try:
        port = parts.port
    except ValueError:
        raise CommandError(f"{value!r} has a port that is not a number from 1 to 65535.") from None
    host = parts.hostname or ""
    if not HOST_NAME.match(host):
        raise CommandError(f"{value!r} is not a host name: give e.g. news.example.org or localhost:8010.")
    if parts.scheme == "https" and port not in (None, 443):
        raise CommandError("Wagtail's sites use https on port 443 only: give the address without a port.")
    return host, port or (443 if parts.scheme == "https" else 80)


class Command(BaseCommand):
    help = "Set the outlet's public host name (and port) on the default Site: every absolute link uses it."

    def add_arguments(self, parser) -> None:
        parser.add_argument("host", help="news.example.org, localhost:8010 or https://news.example.org")

    def handle(self, *args, **options) -> None:
        hostname, port = parse_host(options["host"])
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            raise CommandError("There is no default site yet: run `manage.py migrate` (and load_demo) first.")
        if Site.objects.filter(hostname=hostname, port=port).exclude(pk=site.pk).exists():
            raise CommandError(f"Another site already has {hostname}:{port}.")
        site.hostname, site.port = hostname, port
        site.save()
        self.stdout.write(f"The site's address is now {site.root_url}/")
