"""Search latency on a database filled by bench/search_fill.py: p50/p95 over 200 varied queries.

    python bench/search_latency.py [--explain 3]

Two figures per run: search_articles() with its COUNT and the first page of ids
(the database work), and the whole search page through Django's test client (chrome,
filter choices, the 20 shown articles with bylines and ts_headline passages, template).
Queries mix common and rare words, two-word queries, quoted phrases, filters, both
languages and both sort orders. With --explain N, EXPLAIN ANALYZE is printed for the N
slowest queries. DATABASE_URL as for search_fill.py; SQLite is refused.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from urllib.parse import urlencode

sys.path.insert(0, __file__.rsplit("/", 2)[0])
from bench.search_fill import EN_WORDS, ES_WORDS, RARE, SECTIONS, TOPICS, database_url, setup_django  # noqa: E402

COMMON_EN = ["workers", "union", "strike", "wages", "government", "police", "housing", "climate", "election"]
COMMON_ES = ["trabajadores", "sindicato", "huelga", "salarios", "gobierno", "policía", "vivienda", "huelgas"]


def make_queries(rng: random.Random, count: int = 200) -> list[tuple[str, dict, str]]:
    """(language prefix, GET parameters, shape) for `count` varied searches."""
    queries: list[tuple[str, dict, str]] = []
    years = [str(year) for year in range(2019, 2026)]
    kinds = ["report", "interview", "statement"]
    while len(queries) < count:
        language = "en" if rng.random() < 0.6 else "es"
        words, common = (EN_WORDS, COMMON_EN) if language == "en" else (ES_WORDS, COMMON_ES)
        shape = rng.choice(["common", "common", "rare", "word", "two", "two", "phrase", "name"])
        if shape == "common":
            text = rng.choice(common)
        elif shape == "rare":
            text = rng.choice(RARE)
        elif shape == "word":
            text = rng.choice(words)
        elif shape == "two":
            text = f"{rng.choice(common)} {rng.choice(words)}"
        elif shape == "phrase":
            text = f'"{rng.choice(words)} {rng.choice(words)}"'
        else:
            text = f"{rng.choice(RARE)} {rng.choice(common)}"
        params = {"q": text}
        roll = rng.random()
        if roll < 0.15:
            params["section"] = rng.choice(SECTIONS)[1 if language == "en" else 3]
        elif roll < 0.25:
            params["year"] = rng.choice(years)
        elif roll < 0.32:
            params["kind"] = rng.choice(kinds)
        elif roll < 0.40:
            params["topic"] = rng.choice(TOPICS)[1 if language == "en" else 3]
        if rng.random() < 0.15:
            params["lang"] = "all"
        if rng.random() < 0.3:
            params["sort"] = "date"
        queries.append((language, params, shape))
    return queries


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--explain", type=int, default=0, help="EXPLAIN ANALYZE the N slowest queries")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # the test client speaks plain HTTP
    setup_django(database_url())
    from django.test.utils import override_settings

    # Production settings (DEBUG off) but without a collected static manifest.
    override_settings(STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }).enable()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation
    from wagtail.models import Locale

    from samizdat.search.models import SearchEntry
    from samizdat.search.queries import filter_choices, read_filters, read_sort, search_articles

    total = SearchEntry.objects.count()
    print(f"{total} search entries")
    queries = make_queries(random.Random(args.seed))
    choices = {code: filter_choices(Locale.objects.get(language_code=code).pk) for code in ("en", "es")}
    client = Client(HTTP_HOST="localhost")

    def run_search(language: str, params: dict):
        with translation.override(language):
            filters = read_filters(params, choices[language], language)
            results = search_articles(params["q"], filters, read_sort(params))
            with results.planner():
                count = results.ids.count()
                ids = list(results.ids[:20])
            return results, count, ids

    for language, params, _shape in queries[:20]:  # warm up caches and connections
        run_search(language, params)
        client.get(("/es" if language == "es" else "") + "/search/?" + urlencode(params))

    search_times, page_times, hits = [], [], []
    for language, params, _shape in queries:
        began = time.perf_counter()
        _results, count, _ids = run_search(language, params)
        search_times.append((time.perf_counter() - began) * 1000)
        hits.append(count)
    query_counts = []
    for language, params, _shape in queries:
        url = ("/es" if language == "es" else "") + "/search/?" + urlencode(params)
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.get(url)
            page_times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, url
        query_counts.append(len(captured))

    print(f"{len(queries)} queries; matches per query: median {statistics.median(hits):.0f}, "
          f"max {max(hits)}, zero for {sum(1 for h in hits if h == 0)}")
    print(f"search_articles (count + first page of ids): p50 {percentile(search_times, .5):.1f} ms, "
          f"p95 {percentile(search_times, .95):.1f} ms, max {max(search_times):.1f} ms")
    print(f"whole page (test client, passages, template): p50 {percentile(page_times, .5):.1f} ms, "
          f"p95 {percentile(page_times, .95):.1f} ms, max {max(page_times):.1f} ms; "
          f"queries per page: max {max(query_counts)}")
    def summary(indexes: list[int]) -> str:
        searches, pages = [search_times[i] for i in indexes], [page_times[i] for i in indexes]
        return (f"search p50 {percentile(searches, .5):6.1f} p95 {percentile(searches, .95):6.1f} ms; "
                f"page p50 {percentile(pages, .5):6.1f} p95 {percentile(pages, .95):6.1f} ms")

    for shape in sorted({shape for _l, _p, shape in queries}):
        picked = [i for i, query in enumerate(queries) if query[2] == shape]
        print(f"  {shape:7s} ({len(picked):3d}): {summary(picked)}")
    other = [i for i, query in enumerate(queries) if query[2] != "phrase"]
    print(f"  without quoted phrases ({len(other)}): {summary(other)}")
    slowest = sorted(range(len(queries)), key=lambda i: page_times[i], reverse=True)
    print("slowest pages:")
    for index in slowest[:8]:
        language, params, _shape = queries[index]
        print(f"  {page_times[index]:7.1f} ms  search {search_times[index]:6.1f} ms  {hits[index]:6d} hits  "
              f"{language} {urlencode(params)}")
    for index in slowest[:args.explain]:
        language, params, _shape = queries[index]
        results, _count, _ids = run_search(language, params)
        for label, queryset in (("count", results.ids.order_by()), ("page", results.ids[:20])):
            sql, sql_params = queryset.query.sql_with_params()
            if label == "count":
                sql = f"SELECT count(*) FROM ({sql}) counted"
            with results.planner(), connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, sql_params)
                print(f"\n--- {label}: {language} {urlencode(params)}")
                print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
