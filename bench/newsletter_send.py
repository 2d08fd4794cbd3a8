"""How long a newsletter send to 100,000 subscribers takes, through real task workers and SMTP.

    .venv/bin/python bench/newsletter_send.py [--subscribers 100000] [--workers 2] [--runs 1]
    .venv/bin/python bench/newsletter_send.py --subscribers 2000          # a quick check
    .venv/bin/python bench/newsletter_send.py --backend redis             # RQ instead of db_worker
    .venv/bin/python bench/newsletter_send.py --subscribers 5000 --profile  # cProfile, no workers

--database-url (or NEWSLETTER_BENCH_DATABASE_URL; not DATABASE_URL, which may name a real
database) picks the server and database, default
postgres://postgres@127.0.0.1:5432/samizdat_bench_newsletter; the database is dropped and
created again, so its name must contain "bench"; SQLite is refused. It is dropped at the end
unless --keep.

1. Migrates the scratch database and builds a minimal outlet through Wagtail (homes, the
   default Site, a live NewsletterPage), then writes N confirmed subscribers of the list
   "Daily" reading English, plus --others readers who must get nothing (unsubscribed, Spanish
   only, another list), with INSERT … SELECT from generate_series.
2. Renders a realistic issue with `sending.render_message("newsletter/email/issue", …)`: an
   intro, three groups of article cards (13 articles) and two free-text parts; 18 KB of HTML
   and 7.6 KB of text, about 25 KB a message on the wire.
3. Starts an aiosmtpd sink on 127.0.0.1 in its own process (this file with --serve-smtp); it
   accepts every message and counts them per recipient.
4. Starts --workers worker processes (`manage.py db_worker`, or `manage.py rqworker` with
   --backend redis), enqueues `start_send_task` and waits until the Send is done. Timed from
   the enqueue to the Send's finished_at: the whole send, then its phases (waiting for a worker,
   creating the deliveries, sending). Once the deliveries exist it ANALYZEs their table, as
   autovacuum would on a production server (it is off on the development one; --no-analyze).
5. Checks the sink's count against the recipients (duplicates, missing and unexpected must be
   0), and prints the workers' peak RSS and CPU time (os.wait4), the sink's CPU, the CPU of
   this database's PostgreSQL backends and of the whole machine (/proc), and an EXPLAIN
   ANALYZE of the claim query at each progress line. A send left "sending" with nothing queued
   or claimed is reported as STUCK (and finished with the tick's resume_stalled_sends()).
   Medians over --runs; figures go to bench/results/newsletter_send_*.txt.

--history N puts N deliveries of past sends in the table first; --tick runs the every-minute
resume_stalled_sends() from here, as cron does in production. --profile runs `start_send` and
`deliver_batches` in this process under cProfile instead of workers (the SMTP sink still in its
own process) and prints where the time goes.
The target (the issue): 100,000 subscribers in under 10 minutes with 2 workers.
Only 127.0.0.1 is contacted. Never run in CI.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # bench.common, run as a script (bench/ on sys.path) or imported
from bench.common import (  # noqa: E402
    Child,
    bench_home,
    database_name,
    drop_database,
    free_port,
    recreate_database,
    scratch_database_url,
    setup_django,
    start,
)

PYTHON = ROOT / ".venv" / "bin" / "python"
RESULTS = ROOT / "bench" / "results"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/samizdat_bench_newsletter"
DEFAULT_REDIS = "redis://127.0.0.1:6379/13"
CACHE_PREFIX = "samizdat-bench-newsletter"
TARGET_SECONDS = 600
# A send still "sending" with nothing queued or claimed this long is stuck (see deliver_batches).
STUCK_SECONDS = 5
DOMAINS = ["example.org", "example.net", "example.com", "mail.example.org", "correo.example.net"]


# --- The SMTP sink (its own process) -----------------------------------------------------------


class Sink:
    """An aiosmtpd handler that accepts everything and counts messages by recipient."""

    def __init__(self) -> None:
        self.messages = 0
        self.bytes = 0
        self.recipients: Counter[str] = Counter()
        self.sample: bytes | None = None
        self.first: float | None = None
        self.last: float | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook
        now = time.time()
        self.first = self.first or now
        self.last = now
        self.messages += 1
        self.bytes += len(envelope.content)
        for address in envelope.rcpt_tos:
            self.recipients[address.lower()] += 1
        if self.sample is None:
            self.sample = envelope.content
        return "250 Message accepted for delivery"


def serve_smtp(port: int, stats: Path) -> None:
    """Run the sink on 127.0.0.1:`port` until SIGTERM, then write its counts to `stats` (JSON)."""
    import asyncio

    from aiosmtpd.smtp import SMTP

    sink = Sink()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(
        lambda: SMTP(sink, hostname="bench-sink.localhost", ident="bench sink", loop=loop),
        "127.0.0.1", port))
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    loop.add_signal_handler(signal.SIGINT, loop.stop)
    loop.run_forever()
    server.close()
    if sink.sample is not None:
        stats.with_suffix(".eml").write_bytes(sink.sample)
    stats.write_text(json.dumps({
        "messages": sink.messages, "bytes": sink.bytes, "first": sink.first, "last": sink.last,
        "recipients": sorted(sink.recipients),
        "duplicates": {address: n for address, n in sink.recipients.items() if n > 1},
    }))


# --- Redis and the database --------------------------------------------------------------------


def prepare_redis(url: str) -> None:
    """The Redis database must hold nothing but an earlier run's RQ and cache keys (which are removed)."""
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(count=1000))
    foreign = [key for key in keys if not key.startswith((b"rq:", f"{CACHE_PREFIX}:".encode()))]
    if foreign:
        sys.exit(f"newsletter_send: {url} holds {len(foreign)} keys that are not RQ's; pick an empty "
                 "Redis database with --redis-url")
    if keys:
        client.delete(*keys)


def build_outlet() -> None:
    """Locales, homes, the default Site and a live NewsletterPage, through Wagtail."""
    from samizdat.newsletter.pages import NewsletterPage

    home = bench_home("The Bench Courier", hostname="news.bench.example", port=443)
    newsletter = home.add_child(instance=NewsletterPage(title="Newsletter", slug="newsletter",
                                                        intro="News from the picket lines, every morning."))
    newsletter.save_revision().publish()


def fill_subscribers(count: int, others: int) -> None:
    """`count` confirmed English readers of "Daily", and `others` who must get nothing."""
    from django.db import connection, transaction
    from wagtail.models import Locale

    from samizdat.newsletter.models import MailingList, Subscriber, Subscription

    en = Locale.objects.get(language_code="en")
    es = Locale.objects.get(language_code="es")
    daily = MailingList.objects.create(name="Daily", slug="daily", preselected=True)
    weekly = MailingList.objects.create(name="Weekly digest", slug="weekly", sort_order=1)
    subscriber = Subscriber._meta.db_table
    languages = Subscriber.languages.through._meta.db_table
    subscription = Subscription._meta.db_table
    domains = "ARRAY[" + ",".join(f"'{domain}'" for domain in DOMAINS) + "]"
    with transaction.atomic(), connection.cursor() as cursor:
        # Readers: reader<n>@<domain>. The others, a third each: left<n>@ (unsubscribed from
        # Daily), spanish<n>@ (confirmed on Daily, Spanish only), weekly<n>@ (English, Weekly only).
        groups = [("reader", count, "confirmed")] + [
            (prefix, others // 3 + (1 if index < others % 3 else 0), status)
            for index, (prefix, status) in enumerate(
                [("left", "unsubscribed"), ("spanish", "confirmed"), ("weekly", "confirmed")])]
        for prefix, total, status in groups:
            if not total:
                continue
            cursor.execute(
                f"INSERT INTO {subscriber} (email, status, source, source_detail, consent_at, created_at, "
                f"confirmed_at, soft_bounces, bounce_reason) "
                f"SELECT %s || g || '@' || ({domains})[1 + mod(g, {len(DOMAINS)})], %s, 'form', '', "
                f"now() - g * interval '5 minutes', now() - g * interval '5 minutes', "
                f"now() - g * interval '5 minutes', 0, '' FROM generate_series(1, %s) g",
                [prefix, status, total])
        cursor.execute(
            f"INSERT INTO {languages} (subscriber_id, locale_id) SELECT id, "
            f"CASE WHEN email LIKE 'spanish%%' THEN %s ELSE %s END FROM {subscriber}", [es.pk, en.pk])
        cursor.execute(
            f"INSERT INTO {subscription} (subscriber_id, mailing_list_id, created_at) SELECT id, "
            f"CASE WHEN email LIKE 'weekly%%' THEN %s ELSE %s END, now() FROM {subscriber}",
            [weekly.pk, daily.pk])
        # A fifth of the readers also get the weekly digest: two subscriptions, still one delivery.
        cursor.execute(
            f"INSERT INTO {subscription} (subscriber_id, mailing_list_id, created_at) "
            f"SELECT id, %s, now() FROM {subscriber} WHERE email LIKE 'reader%%' AND mod(id, 5) = 0",
            [weekly.pk])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def issue_context(seed: int = 11) -> dict[str, Any]:
    """The context of a realistic issue: intro, article cards in three groups, two free texts."""
    sys.path.insert(0, str(ROOT / "bench"))
    from search_fill import EN_FUNCTION, EN_WORDS, Writer

    rng = random.Random(seed)
    writer = Writer(rng, EN_FUNCTION, EN_WORDS)
    root = "https://news.bench.example"
    people = ["Ana Marín", "Karl Okafor", "Leila Haddad", "Pablo Novak", "Jenny Brennan", "Omar Silva"]
    sections = ["Labor", "International", "Politics", "Economy", "Environment"]
    kinds = {"article": "Article", "report": "Report", "interview": "Interview", "video": "Video"}
    today = datetime.date(2026, 11, 25)

    def paragraph(sentences: int) -> str:
        text = " ".join(writer.sentence() for _ in range(sentences))
        words = text.split(" ")
        at = rng.randrange(3, len(words) - 3)
        link = f'<a href="{root}/labor/2026/11/{"-".join(writer.words(4, content=True))}/">' \
               f'{" ".join(words[at:at + 3])}</a>'
        return "<p>" + " ".join(words[:at] + [link] + words[at + 3:]) + "</p>"

    def card(kind: str) -> SimpleNamespace:
        title = writer.title()
        slug = "-".join(title.lower().split())[:70]
        section = rng.choice(sections)
        names = rng.sample(people, rng.choice((1, 2)))
        authors = [SimpleNamespace(person=SimpleNamespace(name=name)) for name in names]
        return SimpleNamespace(
            title=title, dek=writer.sentence(14, 30), kind=kind, get_kind_display=kinds[kind],
            section=SimpleNamespace(title=section), authors=SimpleNamespace(all=authors),
            display_date=today - datetime.timedelta(days=rng.randrange(0, 3)),
            full_url=f"{root}/{section.lower()}/2026/11/{slug}/",
        )

    def text_part(kind: str, sentences: list[int]) -> dict[str, str]:
        from samizdat.newsletter.issues import html_to_text

        html = "".join(paragraph(n) for n in sentences)
        return {"kind": kind, "html": html, "text": html_to_text(html)}

    parts = [
        text_part("intro", [3, 2]),
        {"kind": "articles", "heading": "Top stories", "cards": [card("article") for _ in range(6)]},
        text_part("text", [4, 3, 2]),
        {"kind": "articles", "heading": "Around the world",
         "cards": [card(rng.choice(["article", "report", "interview"])) for _ in range(5)]},
        {"kind": "articles", "heading": "Watch", "cards": [card("video") for _ in range(2)]},
        text_part("text", [3]),
    ]
    title = "Dockworkers win; rents freeze; the week ahead"
    return {"subject": title, "title": title, "preheader": writer.sentence(10, 16), "parts": parts,
            "web_url": f"{root}/newsletter/dockworkers-win/"}


def create_send() -> int:
    """A Send of the rendered issue to "Daily" in English, preparing; its pk."""
    from django.utils import translation
    from wagtail.models import Locale

    from samizdat.newsletter import sending
    from samizdat.newsletter.models import MailingList, Send

    context = issue_context()
    with translation.override("en"):
        html, text = sending.render_message("newsletter/email/issue", context)
    send = Send.objects.create(kind=Send.Kind.ISSUE, locale=Locale.objects.get(language_code="en"),
                               subject=context["subject"], html=html, text=text, web_url=context["web_url"])
    send.mailing_lists.set([MailingList.objects.get(slug="daily")])
    return send.pk


def analyze_deliveries() -> None:
    """What autovacuum does within a minute of the deliveries' INSERT on a production server (it is
    off on the development server): fresh statistics, which change the claim query's plan."""
    from django.db import connection

    from samizdat.newsletter.models import Delivery

    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Delivery._meta.db_table}")


def claim_plan(send_id: int) -> tuple[float, str]:
    """EXPLAIN ANALYZE of claim_batch's candidate query, without FOR UPDATE (which would lock the
    rows): its execution time in ms and the scans of its plan."""
    from django.conf import settings
    from django.db import connection

    from samizdat.newsletter.models import Delivery

    queued = (Delivery.objects.filter(send_id=send_id, state=Delivery.State.QUEUED).order_by("pk")
              .values_list("pk", flat=True)[:settings.NEWSLETTER_BATCH_SIZE])
    sql, params = queued.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]
    scans: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        if "Scan" in node["Node Type"]:
            scans.append(" ".join(filter(None, [node["Node Type"], node.get("Index Name")])))
        for child in node.get("Plans", []):
            walk(child)

    walk(plan["Plan"])
    return plan["Execution Time"], ", ".join(scans)


def reset_sends(history: int = 0) -> None:
    """Forget earlier runs (sends, deliveries, task results), then add `history` deliveries of past
    sends, all sent, as a site that has been sending for a while has."""
    from django.db import connection
    from django_tasks_db.models import DBTaskResult
    from wagtail.models import Locale

    from samizdat.newsletter.models import Delivery, Send, Subscriber

    delivery = Delivery._meta.db_table
    tables = [delivery, Send.mailing_lists.through._meta.db_table, Send._meta.db_table,
              DBTaskResult._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)}")
        left = history
        while left > 0:
            past = Send.objects.create(kind=Send.Kind.ISSUE, locale=Locale.objects.get(language_code="en"),
                                       subject="A past issue", html="<p>Past</p>", text="Past",
                                       status=Send.Status.DONE)
            cursor.execute(
                f"INSERT INTO {delivery} (send_id, subscriber_id, state, claim, claimed_at, sent_at, "
                f"attempts, error) SELECT %s, id, 'sent', '', now(), now(), 1, '' "
                f"FROM {Subscriber._meta.db_table} ORDER BY id LIMIT %s", [past.pk, left])
            left -= cursor.rowcount
            if not cursor.rowcount:
                break
        cursor.execute(f"VACUUM ANALYZE {delivery}")


# --- Processes ---------------------------------------------------------------------------------


def wait_for(check, what: str, children: list[Child], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        for child in children:
            if child.process.poll() is not None:
                sys.exit(f"newsletter_send: {child.name} exited ({child.process.returncode}) while waiting "
                         f"for {what}; see {child.log}:\n{child.log.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            sys.exit(f"newsletter_send: timed out waiting for {what}")
        time.sleep(0.1)


def accepting(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            return conn.recv(100).startswith(b"220")
    except OSError:
        return False


def cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    total = sum(fields[:8])
    return total - idle, total


class PostgresCPU:
    """CPU seconds of the PostgreSQL processes of one database (backends, its autovacuum), from /proc.

    Sampled now and then: a backend that ends between two samples loses its last moments.
    """

    def __init__(self, database: str) -> None:
        self.database = database.encode()
        self.ticks = os.sysconf("SC_CLK_TCK")
        self.seen: dict[int, float] = {}
        self.base: dict[int, float] = {}

    def sample(self) -> None:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                command = (entry / "cmdline").read_bytes()
                if not command.startswith(b"postgres:") or self.database not in command:
                    continue
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            self.seen[int(entry.name)] = (int(fields[11]) + int(fields[12])) / self.ticks

    def start(self) -> None:
        self.sample()
        self.base = dict(self.seen)

    def seconds(self) -> float:
        return sum(value - self.base.get(pid, 0.0) for pid, value in self.seen.items())


def worker_command(backend: str, number: int) -> list[str]:
    if backend == "redis":
        return [str(PYTHON), "manage.py", "rqworker", "--job-class", "django_tasks_rq.Job",
                "--name", f"bench-newsletter-{os.getpid()}-{number}", "default"]
    return [str(PYTHON), "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload",
            "--worker-id", f"bench-newsletter-{os.getpid()}-{number}"]


def worker_ready(backend: str, child: Child) -> bool:
    text = child.log.read_text(errors="replace")
    return ("Starting worker" in text) if backend == "database" else ("Listening on" in text)


# --- One run -----------------------------------------------------------------------------------


@dataclass
class Result:
    seconds: float
    waiting: float
    creating: float
    sending: float
    recipients: int
    messages: int
    duplicates: int
    missing: int
    unexpected: int
    states: dict[str, int]
    tasks: dict[str, int]
    message_kb: float
    peaks_mb: list[float] = field(default_factory=list)
    worker_cpu: float = 0.0
    smtp_cpu: float = 0.0
    postgres_cpu: float = 0.0
    claims: list[float] = field(default_factory=list)
    plans: set[str] = field(default_factory=set)
    stuck: float | None = None
    machine_busy: float = 0.0
    cores: int = 1

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0

    def lines(self, label: str) -> list[str]:
        ok = "OK" if not (self.duplicates or self.missing or self.unexpected) else "WRONG"
        other = max(self.machine_busy - self.worker_cpu - self.smtp_cpu - self.postgres_cpu, 0.0)
        peaks = ", ".join(f"{mb:.0f}" for mb in self.peaks_mb)
        per_message = self.worker_cpu / max(self.recipients, 1) * 1000
        sending_rate = self.recipients / self.sending if self.sending else 0
        return [
            f"{label}: {self.recipients} recipients in {self.seconds:.1f} s = {self.rate:.0f} messages/s "
            f"({'under' if self.seconds < TARGET_SECONDS else 'OVER'} the {TARGET_SECONDS // 60} min target)",
            f"  phases: waiting for a worker {self.waiting:.1f} s, creating deliveries "
            f"{self.creating:.1f} s, sending {self.sending:.1f} s ({sending_rate:.0f}/s)",
            f"  sink: {self.messages} messages of {self.message_kb:.1f} KB on average; duplicates "
            f"{self.duplicates}, missing {self.missing}, unexpected {self.unexpected}: {ok}",
            f"  deliveries: {self.states}; tasks: {self.tasks}",
            *([f"  STUCK after {self.stuck:.0f} s: the send stayed 'sending' with nothing queued or claimed "
               "until this script ran resume_stalled_sends() (a batch task's deadline passed on the "
               "last batch: deliver_batches returns without finish_if_done)"] if self.stuck else []),
            "  claim query, EXPLAIN ANALYZE at each progress line: "
            + (f"median {statistics.median(self.claims):.1f} ms, max {max(self.claims):.1f} ms; plans: "
               f"{'; '.join(sorted(self.plans))}" if self.claims else "not sampled (a short run)"),
            f"  workers: peak RSS {peaks} MB; CPU {self.worker_cpu:.0f} s ({per_message:.2f} ms a message); "
            f"sink CPU {self.smtp_cpu:.0f} s; PostgreSQL (this database's backends) "
            f"{self.postgres_cpu:.0f} s",
            f"  machine: busy {self.machine_busy:.0f} of {self.seconds * self.cores:.0f} core-s, "
            f"of which {other:.0f} s neither the workers, the sink nor those backends (other work on the "
            f"machine, PostgreSQL's WAL writer and checkpointer, this script)",
        ]


def run_once(args: argparse.Namespace, env: dict[str, str], workdir: Path, number: int) -> Result:
    from django.utils import timezone

    from samizdat.newsletter.models import Delivery, Send
    from samizdat.newsletter.sending import progress, recipients, resume_stalled_sends
    from samizdat.newsletter.tasks import start_send_task

    reset_sends(args.history)
    send_id = create_send()
    send = Send.objects.get(pk=send_id)
    expected = set(recipients(send).values_list("email", flat=True))
    port = free_port()
    stats = workdir / f"sink-{number}.json"
    sink = start(f"sink-{number}", [str(PYTHON), str(Path(__file__).resolve()), "--serve-smtp", str(port),
                                    "--stats", str(stats)], env, workdir)
    children = [sink]
    wait_for(lambda: accepting(port), "the SMTP sink", children)
    worker_env = {**env, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port)}
    workers = [start(f"worker-{number}-{n}", worker_command(args.backend, n), worker_env, workdir)
               for n in range(1, args.workers + 1)]
    children += workers
    for worker in workers:
        wait_for(lambda worker=worker: worker_ready(args.backend, worker), f"{worker.name} to start",
                 children)
    time.sleep(0.5)
    print(f"run {number}: {len(expected)} recipients, {args.workers} {args.backend} workers, sink on :{port}",
          flush=True)

    postgres = PostgresCPU(database_name(env["DATABASE_URL"]))
    postgres.start()
    busy_before, total_before = cpu_ticks()
    enqueued = timezone.now()
    started = time.monotonic()
    start_send_task.enqueue(send_id)
    last_report = last_sample = last_tick = started
    seen_sending = None
    claims: list[float] = []
    plans: set[str] = set()
    pending = Delivery.objects.filter(send_id=send_id,
                                      state__in=[Delivery.State.QUEUED, Delivery.State.CLAIMED])
    idle_since: float | None = None
    stuck: float | None = None
    while True:
        time.sleep(0.25)
        status = Send.objects.filter(pk=send_id).values_list("status", flat=True).first()
        now = time.monotonic()
        if status != Send.Status.PREPARING and seen_sending is None:
            seen_sending = enqueued + datetime.timedelta(seconds=now - started)
            if args.analyze:
                analyze_deliveries()
        if status in (Send.Status.DONE, Send.Status.CANCELLED):
            break
        for child in children:
            if child.process.poll() is not None:
                sys.exit(f"newsletter_send: {child.name} died; see {child.log}")
        if args.tick and now - last_tick >= 60:
            last_tick = now
            resume_stalled_sends()
        if now - last_sample >= 1:
            last_sample = now
            postgres.sample()
            if status == Send.Status.SENDING and not pending.exists():
                idle_since = idle_since or now
                if now - idle_since >= STUCK_SECONDS and stuck is None:
                    stuck = now - started
                    print(f"  {now - started:6.0f} s  STUCK: nothing queued or claimed for "
                          f"{STUCK_SECONDS} s, yet the send is not done; running the tick's "
                          "resume_stalled_sends()", flush=True)
                    resume_stalled_sends()
            else:
                idle_since = None
        if now - last_report >= args.report_every:
            last_report = now
            counts = progress(send)
            milliseconds, scans = claim_plan(send_id)
            claims.append(milliseconds)
            plans.add(scans)
            print(f"  {now - started:6.0f} s  {status}: sent {counts['sent']}, queued {counts['queued']}, "
                  f"claimed {counts['claimed']}; claim query {milliseconds:.1f} ms ({scans})", flush=True)
        if now - started > args.timeout:
            sys.exit(f"newsletter_send: the send is not done after {args.timeout} s")
    observed = time.monotonic() - started
    busy_after, total_after = cpu_ticks()
    postgres.sample()
    for child in children:
        child.stop()
    data = json.loads(stats.read_text())
    send.refresh_from_db()
    received = set(data["recipients"])
    states = {state: n for state, n in progress(send).items() if n}
    batches = task_counts() if args.backend == "database" else {}
    seconds = (send.finished_at - enqueued).total_seconds()
    if abs(seconds - observed) > 2:
        print(f"  (the poll saw the end after {observed:.1f} s)")
    ticks = os.sysconf("SC_CLK_TCK")
    sample = stats.with_suffix(".eml")
    if sample.exists():
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "newsletter_sample.eml").write_bytes(sample.read_bytes())
    created = min(seen_sending, send.finished_at)
    return Result(
        seconds=seconds,
        waiting=(send.started_at - enqueued).total_seconds(),
        creating=(created - send.started_at).total_seconds(),
        sending=(send.finished_at - created).total_seconds(),
        recipients=send.recipient_count, messages=data["messages"], duplicates=len(data["duplicates"]),
        missing=len(expected - received), unexpected=len(received - expected), states=states, tasks=batches,
        message_kb=data["bytes"] / max(data["messages"], 1) / 1024,
        peaks_mb=[w.peak_mb for w in workers], worker_cpu=sum(w.cpu_seconds for w in workers),
        smtp_cpu=sink.cpu_seconds, postgres_cpu=postgres.seconds(), claims=claims, plans=plans, stuck=stuck,
        machine_busy=(busy_after - busy_before) / ticks,
        cores=max(1, round((total_after - total_before) / ticks / max(observed, 0.001))),
    )


def task_counts() -> dict[str, int]:
    """The database backend's task results by task and status ("deliver_batch successful": 9)."""
    from django_tasks_db.models import DBTaskResult

    counts = Counter((path.rsplit(".", 1)[-1], status.lower()) for path, status in
                     DBTaskResult.objects.values_list("task_path", "status"))
    return {f"{task} {status}": n for (task, status), n in sorted(counts.items())}


# --- Profile -----------------------------------------------------------------------------------


def profile(args: argparse.Namespace, env: dict[str, str], workdir: Path) -> list[str]:
    """start_send and deliver_batches in this process under cProfile; the top of the profile."""
    import cProfile
    import io
    import pstats

    from django.conf import settings

    from samizdat.newsletter import sending
    from samizdat.newsletter.models import Send

    reset_sends(args.history)
    send = Send.objects.get(pk=create_send())
    port = free_port()
    stats = workdir / "sink-profile.json"
    sink = start("sink-profile", [str(PYTHON), str(Path(__file__).resolve()), "--serve-smtp", str(port),
                                  "--stats", str(stats)], env, workdir)
    wait_for(lambda: accepting(port), "the SMTP sink", [sink])
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    profiler = cProfile.Profile()
    started = time.monotonic()
    profiler.enable()
    sending.start_send(send)
    created = time.monotonic()
    totals = sending.deliver_batches(send.pk, seconds=10**9)
    profiler.disable()
    done = time.monotonic()
    sink.stop()
    data = json.loads(stats.read_text())
    RESULTS.mkdir(exist_ok=True)
    profiler.dump_stats(str(RESULTS / "newsletter_send.prof"))
    out = io.StringIO()
    for order in ("cumulative", "tottime"):
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(35)
    lines = [f"profile: {send.recipient_count} recipients; start_send {created - started:.1f} s, "
             f"deliver_batches {done - created:.1f} s = {totals['sent'] / (done - created):.0f} messages/s "
             f"under cProfile (one process); sink got {data['messages']}, "
             f"duplicates {len(data['duplicates'])}",
             f"  (full profile: {RESULTS / 'newsletter_send.prof'})"]
    print("\n".join(lines))
    print(out.getvalue())
    return lines


# --- Main --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_url = os.environ.get("NEWSLETTER_BENCH_DATABASE_URL") or DEFAULT_URL
    parser.add_argument("--database-url", default=default_url,
                        help="the scratch database, dropped and made again (env "
                             f"NEWSLETTER_BENCH_DATABASE_URL; default {DEFAULT_URL})")
    parser.add_argument("--subscribers", type=int, default=100_000, help="recipients of the send (100000)")
    parser.add_argument("--others", type=int, default=None,
                        help="subscribers who must get nothing (default: a tenth of --subscribers)")
    parser.add_argument("--history", type=int, default=0,
                        help="deliveries of past sends in the table before the send (0: a fresh site)")
    parser.add_argument("--no-analyze", dest="analyze", action="store_false",
                        help="do not ANALYZE the deliveries once the send starts (as autovacuum would)")
    parser.add_argument("--tick", action="store_true",
                        help="run the every-minute tick's resume_stalled_sends() from here, as cron would")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (2)")
    parser.add_argument("--backend", choices=["database", "redis"], default="database",
                        help="task backend: db_worker (database, the default) or rqworker (redis)")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS,
                        help=f"an otherwise empty Redis database for --backend redis ({DEFAULT_REDIS})")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="NEWSLETTER_BATCH_SIZE (default: the settings')")
    parser.add_argument("--runs", type=int, default=1, help="sends on the same subscribers; medians reported")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile start_send + deliver_batches in this process, no workers")
    parser.add_argument("--timeout", type=float, default=3600, help="give up after this many seconds (3600)")
    parser.add_argument("--report-every", type=float, default=30, help="progress line every N seconds (30)")
    parser.add_argument("--keep", action="store_true", help="keep the database and the temp dir (logs)")
    parser.add_argument("--serve-smtp", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--stats", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_smtp:
        serve_smtp(args.serve_smtp, args.stats)
        return
    others = args.subscribers // 10 if args.others is None else args.others
    url = scratch_database_url(args.database_url, "newsletter_send",
                               ": --database-url postgres://…/samizdat_bench_…")
    workdir = Path(tempfile.mkdtemp(prefix="samizdat-newsletter-bench-"))
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "TASKS_BACKEND": args.backend,
           "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-not-secret",
           "SAMIZDAT_VAR_DIR": str(workdir / "var"), "CACHE_DIR": str(workdir / "cache"),
           "REDIS_URL": args.redis_url if args.backend == "redis" else "", "CACHE_KEY_PREFIX": CACHE_PREFIX,
           "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST_USER": "",
           "EMAIL_HOST_PASSWORD": "", "EMAIL_USE_TLS": "0", "PYTHONUNBUFFERED": "1"}
    if args.batch_size:
        env["NEWSLETTER_BATCH_SIZE"] = str(args.batch_size)
    if args.backend == "redis":
        prepare_redis(args.redis_url)
    name = database_name(url)
    lines: list[str] = []
    load = os.getloadavg()[0]
    try:
        started = time.monotonic()
        recreate_database(url)
        migrate = subprocess.run([str(PYTHON), "manage.py", "migrate", "-v0"], cwd=ROOT, env=env,
                                 capture_output=True, text=True)
        if migrate.returncode:
            sys.exit(f"newsletter_send: migrate failed:\n{migrate.stdout}{migrate.stderr}")
        migrated = time.monotonic()
        setup_django(env)
        build_outlet()
        fill_subscribers(args.subscribers, others)
        print(f"database {name}: migrated in {migrated - started:.0f} s; outlet and "
              f"{args.subscribers} + {others} subscribers in {time.monotonic() - migrated:.1f} s "
              f"(load average {load:.1f})", flush=True)
        if args.profile:
            lines = profile(args, env, workdir)
        else:
            results = []
            for number in range(1, args.runs + 1):
                result = run_once(args, env, workdir, number)
                results.append(result)
                text = result.lines(f"{args.backend} run {number}")
                print("\n".join(text), flush=True)
                lines += text
                if args.backend == "redis":
                    prepare_redis(args.redis_url)
            if len(results) > 1:
                line = (f"{args.backend} median of {len(results)}: "
                        f"{statistics.median(r.seconds for r in results):.1f} s = "
                        f"{statistics.median(r.rate for r in results):.0f} messages/s; creating "
                        f"{statistics.median(r.creating for r in results):.1f} s, sending "
                        f"{statistics.median(r.sending for r in results):.1f} s")
                print(line)
                lines.append(line)
            if any(r.duplicates or r.missing or r.unexpected for r in results):
                lines.append("WRONG: duplicates, missing or unexpected recipients (see above)")
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"kept the database {name} and {workdir}")
        else:
            drop_database(url)
            for path in sorted(workdir.rglob("*"), reverse=True):
                path.rmdir() if path.is_dir() else path.unlink()
            workdir.rmdir()
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    cpu = os.cpu_count()
    report = "\n".join([f"# {stamp} newsletter_send {args.subscribers} subscribers, {args.workers} "
                        f"{args.backend} workers, batch {args.batch_size or 'default'}, history "
                        f"{args.history}{', analyze' if args.analyze else ''}"
                        f"{', tick' if args.tick else ''}, "
                        f"{cpu} CPUs, "
                        f"load average {load:.1f}"
                        f"{', profile' if args.profile else ''}", *lines])
    kind = "profile" if args.profile else f"{args.backend}_{args.subscribers}_{args.workers}w"
    kind += f"_history{args.history}" if args.history else ""
    kind += "_tick" if args.tick else ""
    (RESULTS / f"newsletter_send_{kind}.txt").write_text(report + "\n")
    with open(RESULTS / "newsletter_send.log", "a") as history:
        history.write(report + "\n")
    if any(line.startswith("WRONG") for line in lines):
        sys.exit(1)


if __name__ == "__main__":
    main()
