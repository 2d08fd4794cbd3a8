"""How long a new article takes to reach 10,000 fediverse followers on 1,000 servers, with 2 workers.

    .venv/bin/python bench/federation_delivery.py [--followers 10000] [--inboxes 1000] [--workers 2]

--database-url (or FEDERATION_BENCH_DATABASE_URL; not DATABASE_URL), default
postgres://postgres@127.0.0.1:5432/samizdat_bench_federation: dropped and created again (its name
must contain "bench"), dropped at the end unless --keep.

1. Migrates the scratch database and builds a minimal outlet through Wagtail (home, section, an
   author, the default Site) and an unpublished article.
2. Starts --servers inbox processes on 127.0.0.1 (this file with --serve-inboxes); each serves
   its share of the --inboxes shared inboxes (/inbox/<n>), checks every POST's signature with
   our verifier and counts them per inbox.
3. Writes --followers RemoteActors following the outlet, spread evenly over the shared inboxes.
4. Starts --workers `manage.py db_worker` processes, then publishes the article
   (save_revision().publish(), as the admin does) and waits until every delivery is delivered.
   Timed from the publish call: the publish itself, the Create recorded with its deliveries, the
   last delivery marked delivered; and the inbox servers' first and last request.
5. Checks that every inbox got exactly one signed Create (duplicates, missing, bad signatures: 0)
   and prints the workers' peak RSS and CPU time. The target (the issue): under 60 s.
Only 127.0.0.1 is contacted. Never run in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # bench.common, run as a script (bench/ on sys.path) or imported
from bench.common import (  # noqa: E402
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
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/samizdat_bench_federation"
TARGET_SECONDS = 60
DEAD_SECONDS = 60  # how long a dead inbox keeps a request waiting (the sender gives up at its timeout)


# --- The inbox servers (their own processes) ---------------------------------------------------


def serve_inboxes(port: int, stats: Path, key_file: Path, delay: float = 0.0) -> None:
    """Serve shared inboxes on 127.0.0.1:`port` until SIGTERM; verify and count each POST (answering
    `delay` seconds after it arrived, as a busy remote server would), then write the counts to
    `stats` (JSON)."""
    sys.path.insert(0, str(ROOT))
    from samizdat.federation.signatures import SignatureError, verify_request

    keys = json.loads(key_file.read_text())
    counts: Counter[str] = Counter()
    bad: list[str] = []
    times: list[float] = []
    lock = threading.Lock()

    def lookup(key_id: str) -> str:
        if key_id not in keys:
            raise SignatureError("unknown key")
        return keys[key_id]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                verify_request("POST", f"http://127.0.0.1:{port}{self.path}", self.headers, body, lookup)
                kind = json.loads(body).get("type", "?")
                problem = ""
            except (SignatureError, ValueError) as error:
                kind, problem = "?", str(error)
            with lock:
                times.append(time.time())
                counts[f"{self.path} {kind}"] += 1
                if problem:
                    bad.append(problem)
            if self.path.startswith("/dead/"):
                time.sleep(DEAD_SECONDS)  # never answers within the sender's timeout
                return
            if delay:
                time.sleep(delay)
            self.send_response(202 if not problem else 401)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 256  # listen() backlog: the default 5 drops connections (1 s SYN retries)

    server = Server(("127.0.0.1", port), Handler)

    def stop(*_args) -> None:
        threading.Thread(target=server.shutdown).start()

    signal.signal(signal.SIGTERM, stop)
    server.serve_forever()
    stats.write_text(json.dumps({"counts": counts, "bad": bad[:5], "bad_count": len(bad),
                                 "first": min(times, default=None), "last": max(times, default=None)}))


# --- The outlet and its followers --------------------------------------------------------------


def build_outlet():
    """Home, section, an author and an unpublished article; the article."""
    import datetime

    from django.utils import timezone

    from samizdat.articles.models import ArticleAuthor, ArticlePage, SectionPage
    from samizdat.articles.services import month_folder
    from samizdat.people.models import Person

    home = bench_home("The Bench Courier", hostname="news.bench.example", port=443, languages=("en",))
    section = home.add_child(instance=SectionPage(title="Labor", slug="labor"))
    section.save_revision().publish()
    author = Person.objects.create(name="Ana Marín", slug="ana-marin", bio="Labor reporter.")
    when = timezone.now() - datetime.timedelta(minutes=1)
    article = ArticlePage(title="Dockworkers win", dek="After six weeks, the port is theirs.",
                          display_date=when, live=False,
                          body=[("paragraph", "<p>" + "The strike is over. " * 60 + "</p>")])
    article.authors.add(ArticleAuthor(person=author))
    month_folder(section, when).add_child(instance=article)
    return ArticlePage.objects.get(pk=article.pk)


def fill_followers(followers: int, inbox_urls: list[str], failed_before: int = 0) -> None:
    """`followers` RemoteActors following the outlet, spread evenly over the shared inboxes; the dead
    ones are on record with `failed_before` failures in a row (0: dead for the first time)."""
    from samizdat.federation import actors
    from samizdat.federation.models import Follower, Inbox, RemoteActor

    outlet = actors.outlet_actor()
    remotes = []
    for number in range(followers):
        inbox = inbox_urls[number % len(inbox_urls)]
        domain = f"server{number % len(inbox_urls)}.bench.test"
        remotes.append(RemoteActor(uri=f"https://{domain}/users/u{number}", username=f"u{number}",
                                   domain=domain, inbox=f"{inbox}/u{number}", shared_inbox=inbox,
                                   key_id=f"https://{domain}/users/u{number}#main-key", public_key="-"))
    RemoteActor.objects.bulk_create(remotes, batch_size=2000)
    Follower.objects.bulk_create([Follower(actor=outlet, remote=remote, follow_id=f"{remote.uri}#follow")
                                  for remote in RemoteActor.objects.all()], batch_size=2000)
    Inbox.objects.bulk_create([Inbox(url=url, domain="127.0.0.1",
                                     failures=failed_before if "/dead/" in url else 0)
                               for url in inbox_urls], batch_size=2000)


# --- Processes ---------------------------------------------------------------------------------


def run(args: argparse.Namespace, env: dict[str, str], workdir: Path) -> bool:
    from django.db.models import Count

    from samizdat.federation import actors
    from samizdat.federation.models import Actor, Delivery, OutgoingActivity

    article = build_outlet()
    outlet = actors.outlet_actor()
    key_file = workdir / "keys.json"
    keys = {actors.key_id(actor): actor.public_key for actor in Actor.objects.all()}
    key_file.write_text(json.dumps(keys))
    ports = [free_port() for _ in range(args.servers)]
    servers = []
    for index, port in enumerate(ports):
        stats = workdir / f"inbox-{port}.json"
        server = start(f"inboxes-{index}", [str(PYTHON), __file__, "--serve-inboxes", str(port),
                                            "--stats", str(stats), "--keys", str(key_file),
                                            "--inbox-delay", str(args.inbox_delay)],
                       env, workdir)
        servers.append((server, stats))
    every = args.inboxes // args.dead_inboxes if args.dead_inboxes else 0
    dead = {number for number in range(args.inboxes) if every and number % every == every // 2
            and number // every < args.dead_inboxes}
    inbox_urls = [f"http://127.0.0.1:{ports[number % len(ports)]}/"
                  f"{'dead' if number in dead else 'inbox'}/{number}" for number in range(args.inboxes)]
    filled = time.monotonic()
    fill_followers(args.followers, inbox_urls, args.dead_failed_before)
    print(f"{args.followers} followers over {args.inboxes} shared inboxes on {args.servers} local servers "
          f"written in {time.monotonic() - filled:.1f} s", flush=True)
    workers = [start(f"worker-{number}", [str(PYTHON), "manage.py", "db_worker", "--interval", "0.2",
                                          "--no-startup-delay", "--no-reload",
                                          "--worker-id", f"bench-federation-{os.getpid()}-{number}"],
                     env, workdir)
               for number in range(args.workers)]
    deadline = time.monotonic() + 60
    while not all("Starting worker" in worker.log.read_text(errors="replace") for worker in workers):
        if time.monotonic() > deadline:
            sys.exit("federation_delivery: the workers did not start; see " + str(workdir))
        time.sleep(0.1)
    time.sleep(1)  # the inbox servers listen by now
    started = time.time()
    article.save_revision().publish()
    published = time.time()
    recorded = done = tried = None
    last_line = started
    while time.time() - started < args.timeout:
        activity = OutgoingActivity.objects.filter(actor=outlet, type="Create").first()
        if activity is not None:
            states = dict(Delivery.objects.filter(activity=activity).values_list("state")
                          .annotate(n=Count("pk")))
            total = sum(states.values())
            recorded = recorded or time.time()
            if total and states.get("delivered", 0) >= args.inboxes - len(dead):
                done = done or time.time()
                if not Delivery.objects.filter(activity=activity, state="pending", attempts=0).exists():
                    tried = time.time()  # the dead inboxes' deliveries wait for their retry
                    break
            if time.time() - last_line > 5:
                print(f"  {time.time() - started:5.1f} s: {states}", flush=True)
                last_line = time.time()
        time.sleep(0.1)
    for child in [*workers, *(server for server, _stats in servers)]:
        child.stop()
    counts: Counter[str] = Counter()
    bad, first, last = 0, [], []
    for _server, stats in servers:
        data = json.loads(stats.read_text())
        counts.update(data["counts"])
        bad += data["bad_count"]
        first += [data["first"]] if data["first"] else []
        last += [data["last"]] if data["last"] else []
    creates = {key: value for key, value in counts.items() if key.endswith(" Create")}
    states = dict(Delivery.objects.values_list("state").annotate(n=Count("pk")))
    duplicates = sum(1 for key, value in creates.items() if value > 1 and not key.startswith("/dead/"))
    missing = args.inboxes - len(creates)
    if dead:
        print(f"{len(dead)} dead inboxes (never answering; {args.dead_failed_before} failures on record "
              f"before): {states.get('pending', 0)} deliveries waiting for a retry, their first attempt "
              f"over by {(tried or started) - started:.1f} s")
    print(f"publish() returned after {published - started:.2f} s; Create and its deliveries recorded by "
          f"{(recorded or started) - started:.1f} s (polled every 0.1 s)")
    if done is None:
        print(f"NOT DONE after {args.timeout} s: deliveries {states}")
    else:
        print(f"every live inbox delivered {done - started:.1f} s after the publish "
              f"(target {TARGET_SECONDS} s); "
              f"inbox servers' first request at {min(first) - started:.1f} s, "
              f"last at {max(last) - started:.1f} s")
    print(f"deliveries {states}; requests {sum(counts.values())}, inboxes with a Create {len(creates)}, "
          f"duplicates {duplicates}, missing {missing}, bad signatures {bad}")
    print("workers: " + "; ".join(f"peak RSS {worker.peak_mb:.0f} MB, CPU {worker.cpu_seconds:.1f} s"
                                  for worker in workers))
    return done is not None and not duplicates and not missing and not bad


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--followers", type=int, default=10_000)
    parser.add_argument("--inboxes", type=int, default=1_000)
    parser.add_argument("--servers", type=int, default=4, help="inbox server processes (4)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--database-url",
                        default=os.environ.get("FEDERATION_BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--keep", action="store_true", help="keep the database and the temp dir (logs)")
    parser.add_argument("--inbox-delay", type=float, default=0.0,
                        help="seconds each inbox takes to answer, like a real server far away (0)")
    parser.add_argument("--dead-inboxes", type=int, default=0,
                        help="inboxes that never answer (the sender waits FEDERATION_FETCH_TIMEOUT) (0)")
    parser.add_argument("--dead-failed-before", type=int, default=0,
                        help="failures in a row the dead inboxes have on record already (0)")
    parser.add_argument("--serve-inboxes", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--stats", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--keys", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_inboxes:
        serve_inboxes(args.serve_inboxes, args.stats, args.keys, args.inbox_delay)
        return
    url = scratch_database_url(args.database_url, "federation_delivery")
    workdir = Path(tempfile.mkdtemp(prefix="samizdat-federation-bench-"))
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "TASKS_BACKEND": "database",
           "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-not-secret",
           "SAMIZDAT_VAR_DIR": str(workdir / "var"), "CACHE_DIR": str(workdir / "cache"), "REDIS_URL": "",
           "PYTHONUNBUFFERED": "1", "FEDERATION_ALLOW_PRIVATE_ADDRESSES": "1"}  # the inboxes are on 127.0.0.1
    name = database_name(url)
    ok = False
    try:
        began = time.monotonic()
        recreate_database(url)
        migrate = subprocess.run([str(PYTHON), "manage.py", "migrate", "-v0"], cwd=ROOT, env=env,
                                 capture_output=True, text=True)
        if migrate.returncode:
            sys.exit(f"federation_delivery: migrate failed:\n{migrate.stdout}{migrate.stderr}")
        print(f"database {name} migrated in {time.monotonic() - began:.0f} s (load average "
              f"{os.getloadavg()[0]:.1f})", flush=True)
        setup_django(env)
        ok = run(args, env, workdir)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(url)
        else:
            print(f"kept database {name} and {workdir}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
