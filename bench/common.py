"""What the benchmarks share: the scratch PostgreSQL database, Django's setup, the bench outlet, and
the processes they start (workers, local servers) with what each cost.

The scripts run as `.venv/bin/python bench/<script>.py` put the repository root on sys.path and
import this as `bench.common`; so does the code wordpress_import.py runs through
`manage.py shell -c` (manage.py's folder, the root, is on sys.path there).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from samizdat.home.models import HomePage

ROOT = Path(__file__).resolve().parent.parent


# --- The scratch database ------------------------------------------------------------------------


def database_name(url: str) -> str:
    """The database a URL names: its last path part, without the query."""
    return url.rsplit("/", 1)[-1].split("?")[0]


def scratch_database_url(url: str, script_name: str, hint: str = "") -> str:
    """`url`, if it may be dropped and created again: PostgreSQL, a database named with "bench".

    Otherwise exits with a message that starts with `script_name`; `hint` follows "needs
    PostgreSQL" (e.g. "; set DATABASE_URL=…").
    """
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(f"{script_name}: this benchmark needs PostgreSQL{hint}")
    name = database_name(url)
    if "bench" not in name:
        sys.exit(f"{script_name}: refusing to drop database {name!r}: its name must contain 'bench'")
    return url


def admin_sql(url: str, *statements: str) -> None:
    """Run `statements` in autocommit on the server's "postgres" database (`url` names any database
    on that server)."""
    import psycopg

    with psycopg.connect(f"{url.rsplit('/', 1)[0]}/postgres", autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def drop_database(url: str) -> None:
    """Drop the database `url` names, if it exists, whoever is connected."""
    admin_sql(url, f'DROP DATABASE IF EXISTS "{database_name(url)}" WITH (FORCE)')


def recreate_database(url: str) -> None:
    """Drop the database `url` names and create it again, empty."""
    name = database_name(url)
    admin_sql(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')


# --- Django --------------------------------------------------------------------------------------


def setup_django(env: dict[str, str]) -> None:
    """Put `env` in os.environ and set Django up with samizdat.settings (unless another is named)."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samizdat.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- The bench outlet ----------------------------------------------------------------------------


def bench_home(title: str, hostname: str = "localhost", port: int = 80,
               languages: Iterable[str] = ("en", "es")) -> HomePage:
    """A minimal outlet through Wagtail, in place of whatever was there: the Locales `languages`,
    a HomePage `title` (in the first language) under the root, published, and one default Site
    `hostname`:`port` named `title` that serves it. Returns the home page."""
    from wagtail.models import Locale, Page, Site

    from samizdat.home.models import HomePage

    locales = [Locale.objects.get_or_create(language_code=code)[0] for code in languages]
    root = Page.get_first_root_node()
    for page in Page.objects.filter(depth=2):
        page.delete()
    home = root.add_child(instance=HomePage(title=title, slug="home", locale=locales[0]))
    home.save_revision().publish()
    Site.objects.all().delete()
    Site.objects.create(hostname=hostname, port=port, root_page=home, is_default_site=True, site_name=title)
    return home


# --- Processes -----------------------------------------------------------------------------------


@dataclass
class Child:
    """A process started here, its log, and what os.wait4 said when it ended."""

    name: str
    process: subprocess.Popen
    log: Path
    peak_mb: float = 0.0
    cpu_seconds: float = 0.0

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM, then wait (SIGKILL after `timeout` s) and record its peak RSS and CPU time."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(self.process.pid, os.WNOHANG)
            if pid:
                self.process.returncode = os.waitstatus_to_exitcode(status)
                self.peak_mb = usage.ru_maxrss / 1024
                self.cpu_seconds = usage.ru_utime + usage.ru_stime
                return
            if time.monotonic() > deadline:
                self.process.kill()
                deadline += 10
            time.sleep(0.05)


def start(name: str, command: list[str], env: dict[str, str], workdir: Path) -> Child:
    """Start `command` in the repository root, its output in `workdir`/`name`.log."""
    log = workdir / f"{name}.log"
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    return Child(name, process, log)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
