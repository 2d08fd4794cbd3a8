"""Turn wrk outputs into a small table comparing each Django page with nginx serving static HTML.

Usage: python bench/report.py [--note TEXT ...] [--out FILE] NAME=WRK_OUTPUT ... nginx=WRK_OUTPUT

The entry named "nginx" is the reference; every other page gets a ratio such as "= 0.0312x nginx".
Standard library only, so it runs with any Python 3.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

REFERENCE = "nginx"
_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def to_ms(value: str) -> float:
    """wrk prints durations like 412.50us, 48.01ms, 1.02s or 1.50m."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", value)
    if not match:
        raise ValueError(f"not a wrk duration: {value!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


@dataclass
class Result:
    name: str
    rps: float
    avg_ms: float
    p50_ms: float | None
    p99_ms: float | None
    requests: int
    errors: int  # non-2xx/3xx responses plus socket errors


def parse(name: str, text: str) -> Result:
    def find(pattern: str) -> re.Match | None:
        return re.search(pattern, text, re.MULTILINE)

    rps = find(r"^Requests/sec:\s+([\d.]+)")
    avg = find(r"^\s+Latency\s+(\S+)")
    if not (rps and avg):
        raise ValueError(f"{name}: no 'Requests/sec' / 'Latency' line in wrk output:\n{text}")
    p50 = find(r"^\s+50%\s+(\S+)")
    p99 = find(r"^\s+99%\s+(\S+)")
    requests = find(r"^\s+(\d+) requests in")
    non2xx = find(r"Non-2xx or 3xx responses:\s+(\d+)")
    sock = find(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
    errors = int(non2xx.group(1)) if non2xx else 0
    if sock:
        # A sync gunicorn worker closes each connection, which wrk may count as "read" errors;
        # only connect/write/timeout errors mean something went wrong.
        errors += int(sock.group(1)) + int(sock.group(3)) + int(sock.group(4))
    return Result(
        name=name,
        rps=float(rps.group(1)),
        avg_ms=to_ms(avg.group(1)),
        p50_ms=to_ms(p50.group(1)) if p50 else None,
        p99_ms=to_ms(p99.group(1)) if p99 else None,
        requests=int(requests.group(1)) if requests else 0,
        errors=errors,
    )


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f} ms" if value < 100 else f"{value:.0f} ms"


def render(results: list[Result], notes: list[str]) -> str:
    reference = next((r for r in results if r.name == REFERENCE), None)
    header = ["page", "req/s", "p50", "avg", "p99", "errors", f"vs {REFERENCE}"]
    rows = []
    for r in results:
        if reference is None or r is reference:
            ratio = "(reference)" if r is reference else "-"
        else:
            ratio = f"{r.rps / reference.rps:.3g}x" if reference.rps else "-"
        rows.append(
            [
                r.name,
                f"{r.rps:,.0f}",
                fmt_ms(r.p50_ms),
                fmt_ms(r.avg_ms),
                fmt_ms(r.p99_ms),
                str(r.errors),
                ratio,
            ]
        )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    right = {1, 2, 3, 4, 5}  # numbers align right

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = [*notes, ""] if notes else []
    out += [line(header), line(["-" * w for w in widths]), *map(line, rows)]
    if reference:
        out.append("")
        for r in results:
            if r is not reference and reference.rps:
                out.append(f"{r.name}: {r.rps:,.0f} req/s = {r.rps / reference.rps:.3g}x {REFERENCE}")
    if any(r.errors for r in results):
        out += ["", "WARNING: some requests failed (non-2xx/3xx or socket errors); see the wrk-*.txt files."]
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", metavar="NAME=WRK_OUTPUT")
    parser.add_argument("--note", action="append", default=[], help="a line to print above the table")
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)

    results = []
    for run in args.runs:
        name, _, path = run.partition("=")
        results.append(parse(name, Path(path).read_text()))
    report = render(results, args.note)
    sys.stdout.write(report)
    if args.out:
        args.out.write_text(report)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
