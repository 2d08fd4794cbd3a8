"""Shared test fixtures: a small outlet built in code, independent of the demo loader."""

from __future__ import annotations

import datetime
import io
import itertools
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.files.images import ImageFile
from django.db import connections
from django.test import TestCase
from django.utils import timezone
from PIL import Image as PILImage


def make_image(title: str = "Strikers at the gate", size: tuple[int, int] = (640, 360)):
    """An OutletImage made locally with Pillow, with alt text and credit."""
    from samizdat.core.models import OutletImage

    buffer = io.BytesIO()
    PILImage.new("RGB", size, (180, 30, 40)).save(buffer, "JPEG")
    with TestCase.captureOnCommitCallbacks(execute=True):
        return OutletImage.objects.create(
            title=title,
            description=f"{title} (alt text)",
            credit="Photo: Test Desk",
            file=ImageFile(buffer, name="test.jpg"),
        )


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed")


# Tests that run manage.py in a subprocess on their own SQLite file, whatever the suite's
# database: the SQLite run covers them, and the PostgreSQL run (which `make test` runs at the
# same time) skips them rather than doing the same again or sharing their Redis database.
on_own_sqlite = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="runs on its own SQLite file; covered by the SQLite run",
)


# Tests that run manage.py in subprocesses on a scratch PostgreSQL database of their own (see
# `scratch_postgres`): the PostgreSQL run covers them; the SQLite run skips them.
on_own_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="runs on a scratch PostgreSQL database of its own; covered by the PostgreSQL run",
)


ROOT = Path(__file__).parent
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def pytest_configure(config) -> None:
    """Tasks run in the test's own request and transaction (the deployed default is a queue that
    a worker drains); a test that wants the queue sets TASKS itself."""
    from django.test.utils import override_settings

    override_settings(TASKS=IMMEDIATE_TASKS).enable()  # sends setting_changed: django_tasks resets


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (just now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def local_smtp(handler) -> Iterator[int]:
    """A real SMTP server (aiosmtpd) serving `handler` on a free 127.0.0.1 port; yields the port."""
    from aiosmtpd.controller import Controller

    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def own_sqlite_manage(tmp_path: Path, migrated_sqlite: Path, smtp_port: int,
                      **settings: str) -> Callable[..., subprocess.Popen]:
    """A starter of `manage.py <args>` processes on this test's own copy of the migrated SQLite
    file, mailing to the SMTP server on `smtp_port`; `settings` (and a start's keyword arguments)
    add environment variables. Cache, task and mail settings of the caller's shell are dropped."""
    shutil.copy(migrated_sqlite, tmp_path / "db.sqlite3")
    return own_manage(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}", smtp_port, **settings)


def own_manage(tmp_path: Path, database_url: str, smtp_port: int,
               **settings: str) -> Callable[..., subprocess.Popen]:
    """A starter of `manage.py <args>` processes on the database at `database_url` (media and cache
    in `tmp_path`), as `own_sqlite_manage` describes; a start's DATABASE_URL may differ."""
    dropped = {"REDIS_URL", "TASKS_BACKEND", "DEBUG", "DATABASE_URL"}
    base = {key: value for key, value in os.environ.items()
            if key not in dropped and not key.startswith(("EMAIL_", "NEWSLETTER_"))}
    env = {**base, "SECRET_KEY": "x" * 50, "DATABASE_URL": database_url,
           "MEDIA_ROOT": str(tmp_path / "media"), "CACHE_DIR": str(tmp_path / "cache"),
           "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_port), "TASKS_BACKEND": "immediate", **settings}

    def start(*args: str, **extra: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, env={**env, **extra},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    return start


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """A copy-me SQLite file with every migration applied, made once per session.

    For tests that run manage.py in subprocesses on their own database file: copy it to the
    test's tmp dir instead of migrating again (about ten seconds each).
    """
    path = tmp_path_factory.mktemp("migrated") / "template.sqlite3"
    env = {**os.environ, "SECRET_KEY": "x" * 50, "DATABASE_URL": f"sqlite:///{path}"}
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT,
                   env=env, check=True, capture_output=True, timeout=300)
    return path


class Outlet:
    """A minimal outlet: English and Spanish homes, a section, topics, people."""

    def __init__(self) -> None:
        from wagtail.models import Locale, Page, Site

        from samizdat.articles.models import SectionPage, Topic, TopicIndexPage
        from samizdat.home.models import HomePage
        from samizdat.people.models import PeopleIndexPage, Person

        self.en = Locale.objects.get_or_create(language_code="en")[0]
        self.es = Locale.objects.get_or_create(language_code="es")[0]
        root = Page.get_first_root_node()
        for page in Page.objects.filter(depth=2):
            page.delete()
        self.home = root.add_child(instance=HomePage(title="The Test Ledger", slug="home", locale=self.en))
        Site.objects.all().delete()
        Site.objects.create(hostname="localhost", port=80, root_page=self.home, is_default_site=True,
                            site_name="The Test Ledger")
        self.home_es = self.home.copy_for_translation(self.es)
        self.home_es.title = "El Libro de Prueba"
        self.home_es.save_revision().publish()
        self.section = self.home.add_child(instance=SectionPage(title="Labor", slug="labor"))
        self.section_es = self.section.copy_for_translation(self.es)
        self.section_es.title = "Trabajo"
        self.section_es.slug = "trabajo"
        self.section_es.save_revision().publish()
        self.topics_index = self.home.add_child(instance=TopicIndexPage(title="Topics", slug="topics"))
        self.people_index = self.home.add_child(instance=PeopleIndexPage(title="Authors", slug="authors"))
        for index_page in (self.topics_index, self.people_index):
            translation = index_page.copy_for_translation(self.es)
            translation.save_revision().publish()
        self.topic = Topic.objects.create(name="Strikes", slug="strikes", locale=self.en,
                                          description="Work stoppages everywhere.")
        self.topic_es = self.topic.copy_for_translation(self.es)
        self.topic_es.name, self.topic_es.slug = "Huelgas", "huelgas"
        self.topic_es.save()
        self.author = Person.objects.create(name="Rosa Marín", slug="rosa-marin", bio="Labor reporter.",
                                            fediverse_handle="@rosa@social.example")
        self.image = make_image()

    def add_article(self, title: str, *, when: datetime.datetime | None = None, section=None,
                    with_image: bool = True, publish: bool = True, **fields):
        """Add a live article; publish=False skips the revision (fast, for bulk content)."""
        from samizdat.articles.models import ArticleAuthor, ArticlePage
        from samizdat.articles.services import month_folder

        when = when or timezone.now()
        section = section or self.section
        body = fields.pop("body", [("paragraph", f"<p>First paragraph of {title}.</p>")])
        article = ArticlePage(
            title=title,
            dek=fields.pop("dek", f"What {title} is about."),
            display_date=when,
            dateline=fields.pop("dateline", "Paris"),
            lead_image=self.image if with_image else None,
            body=body,
            topics=[self.topic],
            **fields,
        )
        article.authors.add(ArticleAuthor(person=self.author))
        month_folder(section, when).add_child(instance=article)
        if publish:
            article.save_revision().publish()
        return ArticlePage.objects.get(pk=article.pk)

    def add_articles(self, count: int, prefix: str = "Story") -> None:
        start = timezone.now() - datetime.timedelta(days=count)
        for number in range(count):
            self.add_article(f"{prefix} {number}", when=start + datetime.timedelta(days=number),
                             publish=False)


@pytest.fixture(autouse=True)
def plain_http_settings(settings, tmp_path_factory):
    """Tests speak plain HTTP, need no collected static files, keep media and cache files in temp dirs."""
    from django.core.cache import cache
    from django.utils import translation

    if "FileBasedCache" in settings.CACHES["default"]["BACKEND"]:
        cache_dir = tmp_path_factory.getbasetemp() / "cache"
        settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": str(cache_dir)}}
    cache.clear()  # menus, rendition and site caches must not leak between tests
    settings.SECURE_SSL_REDIRECT = False
    settings.FEDERATION_ALLOW_PRIVATE_ADDRESSES = True  # the federation peers run on 127.0.0.1
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    yield
    # A request to /es/ leaves Spanish active in this thread; the next module's fixtures run
    # before the next test's, so reset it here, after each test.
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def no_rate_limit(settings):
    """Forms take any number of posts from one address (the fuzz tests post hundreds)."""
    settings.SPAM_RATE_LIMIT = 10**6


@pytest.fixture
def outlet(db) -> Outlet:
    return Outlet()


@pytest.fixture(scope="module")
def module_outlet(django_db_setup, django_db_blocker, tmp_path_factory):
    """One outlet shared by a module's tests, built once and rolled back after the module.

    Each test still runs in its own transaction (a savepoint inside this one), so what a test
    changes is undone; use it for modules of many tests that read the same content. A module
    adds content with `module_outlet.build(callable)`.
    """
    from django.db import transaction
    from django.test import override_settings

    base = tmp_path_factory.getbasetemp()
    caches = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(base / "cache")}}
    with override_settings(MEDIA_ROOT=base / "media", CACHES=caches), django_db_blocker.unblock(), \
            transaction.atomic():
        shared = Outlet()
        shared.build = lambda make: _unblocked(django_db_blocker, make, shared)
        yield shared
        transaction.set_rollback(True)


def _unblocked(blocker, make: Callable, shared: Outlet):
    with blocker.unblock():
        return make(shared)


@pytest.fixture
def committing_client(django_capture_on_commit_callbacks):
    """A test client running on-commit callbacks (the mail) after each POST, as a committed
    request would. Modules use it as their `client`."""
    from django.test import Client

    client = Client()

    class Committing:
        def __getattr__(self, name):
            return getattr(client, name)

        def post(self, *args, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return client.post(*args, **kwargs)

    return Committing()


@pytest.fixture
def image_factory(db) -> Callable:
    return make_image


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on a free local port; yields the messages it receives.

    Each item is an email.message.Message parsed from what arrived, with the envelope's
    recipients in `message.envelope_rcpt`.
    """
    import email

    received: list = []

    class Collector:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            message = email.message_from_bytes(envelope.original_content or envelope.content)
            message.envelope_rcpt = list(envelope.rcpt_tos)
            received.append(message)
            return "250 OK"

    with local_smtp(Collector()) as port:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield received


@pytest.fixture
def browser(monkeypatch):
    """Headless Debian Chromium through Playwright (mark the test with `needs_chromium`).

    Playwright's sync API runs an event loop in this thread; the ORM calls a test makes
    meanwhile are safe because the browser never touches the database directly.
    """
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session", autouse=True)
def end_stray_database_sessions(django_db_setup, django_db_blocker):
    """On PostgreSQL, end sessions left open on the test database before it is dropped.

    A connection opened while Playwright's event loop runs (browser tests) is not one Django
    closes at the end; without this, dropping the test database fails with a warning.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")


def make_user(username: str, *, groups: tuple[str, ...] = (), perms: tuple[str, ...] = ()):
    """An admin user in these groups with these extra permissions, each "app_label.codename"
    ("federation.view_reply"), as `user.has_perm` names them."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    user = get_user_model().objects.create_user(username, f"{username}@example.org", "a-long-password-1")
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    for perm in perms:
        app_label, codename = perm.split(".", 1)
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label,
                                                         codename=codename))
    return user


@pytest.fixture
def boss(client):
    """The test client logged in as a superuser."""
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("boss", "boss@example.org", "pw"))
    return client


def messages_of(response) -> list[str]:
    """The Django messages a response's page shows, as text."""
    return [str(message).strip() for message in response.context["messages"]]


def race(calls: list[Callable[[], object]]) -> list[object]:
    """Run the calls in threads released together by a barrier (each on its own database connection)
    and return what each returned; fails if one raised or hung."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - returned and asserted by the caller
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a racing thread hung"
    assert not [result for result in results if isinstance(result, Exception)]
    return results


SITE_HOSTS = {"localhost", "testserver", "127.0.0.1"}
MAIL_LINK = re.compile(r"""https?://[^\s"'<>)\]]+""")


def site_links_in(message) -> list[str]:
    """Every link to this site in a received mail (text and HTML parts, headers' List-Unsubscribe),
    as paths with their query strings; links elsewhere (a meeting room, mailto:) are left out."""
    texts = [message.get("List-Unsubscribe", "")]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            body = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
            texts.append(unescape(body))
    found = []
    for text in texts:
        for url in MAIL_LINK.findall(text):
            parts = urlsplit(url.rstrip(".,;"))
            if parts.hostname in SITE_HOSTS:
                path = parts.path + (f"?{parts.query}" if parts.query else "")
                if path not in found:
                    found.append(path)
    return found


def assert_mail_links_work(client, message, *, at_least: int = 1, made_up: tuple[str, ...] = ()
                           ) -> list[str]:
    """Follow every link to this site in a received mail with GET: each must end in a 200 page
    (redirects followed), but for `made_up` paths a test wrote into the mail itself. Returns the
    paths, for the caller's own checks."""
    paths = [path for path in site_links_in(message) if path not in made_up]
    assert len(paths) >= at_least, (message["Subject"], paths)
    for path in paths:
        response = client.get(path, follow=True)
        assert response.status_code == 200, (message["Subject"], path, response.status_code)
    return paths


# --- PostgreSQL going away, without touching the server -------------------------------------------


COPIES = itertools.count(1)


class TcpProxy:
    """A TCP proxy on a free 127.0.0.1 port to `target` (host, port), in threads of the test.

    `cut()` closes every connection it carries and stops listening (new connections are refused,
    as by a stopped server); `restore()` listens again on the same port. The server behind it is
    never touched: PostgreSQL "goes away" only for the processes that connect through the proxy.
    """

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self.lock = threading.Lock()
        self.sockets: set[socket.socket] = set()
        self.listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        with self.lock:
            self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self.lock:
            listener, self.listener = self.listener, None
            sockets, self.sockets = self.sockets, set()
        for sock in ([listener] if listener else []) + list(sockets):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return  # cut
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self.lock:
                if self.listener is not listener:
                    client.close()
                    upstream.close()
                    return
                self.sockets |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def postgres_admin(url: str, *statements: str) -> None:
    """Run `statements` in autocommit on the "postgres" database of the server `url` names."""
    import psycopg

    server = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True, connect_timeout=5) as conn:
        for statement in statements:
            conn.execute(statement)


@pytest.fixture(scope="session")
def scratch_postgres() -> Iterator[str]:
    """On the suite's PostgreSQL server, a database samizdat_faults_<pid> with every migration
    applied, made once per session and dropped at the end; yields its URL. Tests copy it
    (`postgres_copy`) rather than use it. Skips when the suite is not on PostgreSQL or the server
    cannot be reached."""
    suite_url = os.environ.get("DATABASE_URL", "")
    if not suite_url.startswith("postgres"):
        pytest.skip("needs the suite's PostgreSQL server (DATABASE_URL=postgres://…)")
    try:
        postgres_admin(suite_url, "SELECT 1")
    except Exception as error:  # noqa: BLE001 - any reason the server cannot be used is a skip
        pytest.skip(f"PostgreSQL at {urlsplit(suite_url).netloc} is not reachable: {error}")
    name = f"samizdat_faults_{os.getpid()}"
    url = urlsplit(suite_url)._replace(path=f"/{name}", query="").geturl()
    postgres_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    env = {**os.environ, "SECRET_KEY": "x" * 50, "DATABASE_URL": url}
    env.pop("REDIS_URL", None)
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT,
                       env=env, check=True, capture_output=True, timeout=300)
        yield url
    finally:
        postgres_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_copy(scratch_postgres: str) -> Iterator[str]:
    """This test's own copy of the migrated scratch database (CREATE DATABASE … TEMPLATE: a file
    copy, well under a second); dropped after the test. Yields its URL."""
    template = urlsplit(scratch_postgres).path.lstrip("/")
    name = f"{template}_{next(COPIES)}"
    url = urlsplit(scratch_postgres)._replace(path=f"/{name}").geturl()
    postgres_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                   f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield url
    postgres_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def through(proxy: TcpProxy, url: str) -> str:
    """`url` with its host and port replaced by the proxy's."""
    parts = urlsplit(url)
    auth = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    return parts._replace(netloc=f"{auth}127.0.0.1:{proxy.port}").geturl()


@pytest.fixture
def postgres_proxy(postgres_copy: str) -> Iterator[TcpProxy]:
    """A TcpProxy to the PostgreSQL server of `postgres_copy`; `through(proxy, url)` is the URL
    that goes by it."""
    parts = urlsplit(postgres_copy)
    proxy = TcpProxy((parts.hostname or "127.0.0.1", parts.port or 5432))
    yield proxy
    proxy.cut()


WORKER = ("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0")
PROCESS_TIMEOUT = 120


def finished(process: subprocess.Popen, returncode: int = 0) -> str:
    """Wait for a `manage.py` process (bounded) and check how it ended; its stdout."""
    try:
        out, err = process.communicate(timeout=PROCESS_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        raise AssertionError(f"{process.args} did not finish in {PROCESS_TIMEOUT} s:\n{out}\n{err}") from None
    assert process.returncode == returncode, (process.args, process.returncode, out, err)
    return out


def supervise(start_worker: Callable[[], subprocess.Popen], done: Callable[[], bool],
              tick: Callable[[], object], seconds: float) -> list[int]:
    """Run batch workers as a supervisor would (systemd Restart=always, RestartSec=1) until `done`,
    running the every-minute `tick` between two workers that ended normally; the exit codes."""
    exits: list[int] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        worker = start_worker()
        worker.communicate(timeout=seconds)
        exits.append(worker.returncode)
        if worker.returncode != 0:
            time.sleep(1)
            continue
        if done():
            return exits
        tick()
    raise AssertionError(f"not done in {seconds} s; workers ended {exits}")
