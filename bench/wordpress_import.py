"""How fast `manage.py import_wordpress` imports a generated export, and how much memory it takes.

    .venv/bin/python bench/wordpress_import.py [N] [--runs 3] [--postgres postgres://postgres@127.0.0.1:5432/]

Generates an export of N posts (default 10,000; bench/wordpress_generate.py), builds a fresh
database with a minimal outlet (a home page and its site) once, then for each run copies it and
runs `manage.py import_wordpress FILE` in a subprocess, twice: the first import, then the same file
again (the re-run, which must create nothing). It measures each subprocess's wall time and peak
RSS (os.wait4), prints one line per run and the medians, and writes them to bench/results/.
SQLite by default (a file in a temp dir); with --postgres, a scratch database samizdat_bench_wp
(and samizdat_bench_wp_template) on that server, created and dropped here.
Never run in CI. Media downloads are not part of it: the export has no attachments.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # bench.common, run as a script (bench/ on sys.path) or imported
from bench.common import admin_sql  # noqa: E402

PYTHON = REPO / ".venv" / "bin" / "python"
RESULTS = REPO / "bench" / "results"
PG_DB = "samizdat_bench_wp"
PG_TEMPLATE = "samizdat_bench_wp_template"

# Run by `manage.py shell -c`, whose sys.path starts with the repository root (manage.py's folder).
SETUP = """
from bench.common import bench_home
bench_home("The Bench Gazette")
"""


@dataclass
class Measure:
    seconds: float
    peak_mb: float
    output: str


def run(command: list[str], env: dict[str, str], log: Path) -> Measure:
    """Run `command`, its output into `log`; its own wall time and peak RSS (not the other children's)."""
    started = time.monotonic()
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    output = log.read_text()
    if process.returncode:
        sys.exit(f"{shlex.join(command)} failed ({process.returncode}); see {log}:\n{output[-3000:]}")
    return Measure(seconds, usage.ru_maxrss / 1024, output)


def manage(*args: str) -> list[str]:
    return [str(PYTHON), "manage.py", *args]


class Database:
    """A template database with the outlet skeleton, copied fresh for each run."""

    def __init__(self, workdir: Path, postgres: str | None) -> None:
        self.workdir = workdir
        self.postgres = postgres.rstrip("/") if postgres else None

    def url(self, name: str) -> str:
        if self.postgres:
            return f"{self.postgres}/{name}"
        return f"sqlite:///{self.workdir / (name + '.sqlite3')}"

    def _admin(self, *statements: str) -> None:
        admin_sql(self.url(PG_DB), *statements)

    def build_template(self, env: dict[str, str]) -> None:
        if self.postgres:
            self._admin(f"DROP DATABASE IF EXISTS {PG_DB}", f"DROP DATABASE IF EXISTS {PG_TEMPLATE}",
                        f"CREATE DATABASE {PG_TEMPLATE}")
        env = {**env, "DATABASE_URL": self.url(PG_TEMPLATE)}
        run(manage("migrate", "-v0"), env, self.workdir / "migrate.log")
        run(manage("shell", "-c", SETUP), env, self.workdir / "setup.log")

    def fresh(self) -> str:
        if self.postgres:
            self._admin(f"DROP DATABASE IF EXISTS {PG_DB}", f"CREATE DATABASE {PG_DB} TEMPLATE {PG_TEMPLATE}")
        else:
            shutil.copyfile(self.workdir / f"{PG_TEMPLATE}.sqlite3", self.workdir / f"{PG_DB}.sqlite3")
        return self.url(PG_DB)

    def drop(self) -> None:
        if self.postgres:
            self._admin(f"DROP DATABASE IF EXISTS {PG_DB}", f"DROP DATABASE IF EXISTS {PG_TEMPLATE}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", default=10000, help="posts in the export (10000)")
    parser.add_argument("--runs", type=int, default=1, help="runs on fresh databases; medians are reported")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--postgres", metavar="URL", help="server URL, e.g. postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--import-args", default="", help='extra options, e.g. "--section-from category"')
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (export, databases, logs)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO / "bench"))
    from wordpress_generate import generate

    workdir = Path(tempfile.mkdtemp(prefix="samizdat-wpbench-"))
    export = workdir / f"wordpress-{args.count}.xml"
    started = time.monotonic()
    stats = generate(args.count, export, seed=args.seed)
    print(f"export: {export} ({export.stat().st_size / 1e6:.1f} MB, {stats['posts']} posts, "
          f"{stats['pages']} pages) in {time.monotonic() - started:.1f} s")
    env = {**os.environ, "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-not-secret", "DEBUG": "0",
           "MEDIA_ROOT": str(workdir / "media"), "CACHE_DIR": str(workdir / "cache"), "REDIS_URL": "",
           "TASKS_BACKEND": os.environ.get("TASKS_BACKEND", "immediate")}
    database = Database(workdir, args.postgres)
    engine = "postgresql" if args.postgres else "sqlite"
    lines = []
    try:
        database.build_template(env)
        firsts, reruns = [], []
        for number in range(1, args.runs + 1):
            run_env = {**env, "DATABASE_URL": database.fresh()}
            command = manage("import_wordpress", str(export), *shlex.split(args.import_args))
            first = run(command, run_env, workdir / f"import-{number}.log")
            again = run(command, run_env, workdir / f"reimport-{number}.log")
            firsts.append(first)
            reruns.append(again)
            for label, measure in (("import", first), ("re-run", again)):
                line = (f"{engine} run {number} {label}: {args.count} posts in {measure.seconds:.1f} s = "
                        f"{args.count / measure.seconds:.0f} posts/s, peak {measure.peak_mb:.0f} MB")
                print(line, flush=True)
                lines.append(line)
        for label, measure in (("import", firsts[-1]), ("re-run", reruns[-1])):
            print(f"--- the last {label}'s summary, counts ---")
            print("\n".join(line for line in measure.output.splitlines() if " created, " in line))
        for label, measures in (("import", firsts), ("re-run", reruns)):
            seconds = statistics.median(m.seconds for m in measures)
            peak = statistics.median(m.peak_mb for m in measures)
            line = (f"{engine} {label} median of {len(measures)}: {args.count} posts in {seconds:.1f} s = "
                    f"{args.count / seconds:.0f} posts/s, peak {peak:.0f} MB")
            print(line)
            lines.append(line)
    finally:
        if not args.keep:
            database.drop()
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"kept {workdir}")
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    report = "\n".join([f"# {stamp} wordpress_import {args.count} posts, {engine}, seed {args.seed}", *lines])
    (RESULTS / f"wordpress_import_{engine}_{args.count}.txt").write_text(report + "\n")
    with open(RESULTS / "wordpress_import.log", "a") as history:
        history.write(report + "\n")


if __name__ == "__main__":
    main()
