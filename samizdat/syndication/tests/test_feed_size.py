"""Feeds at size: only the newest items, and the same number of queries with 20 or 200 articles.

These tests need an outlet of their own (the other feed tests share one per module).
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samizdat.syndication.feeds import FEED_ITEMS
from samizdat.syndication.tests.test_feeds import fetch, rich_body, statements

pytestmark = pytest.mark.django_db

MAX_BUILD_QUERIES = 10  # scope, fingerprint, items with 3 prefetches, body images, renditions, pages


def test_twenty_newest_only(client, outlet):
    outlet.add_articles(FEED_ITEMS + 5)
    _response, parsed = fetch(client, "/feed/")
    assert len(parsed.entries) == FEED_ITEMS
    assert parsed.entries[0].title == f"Story {FEED_ITEMS + 4}"
    assert parsed.entries[-1].title == "Story 5"


def build_queries(client, url: str) -> int:
    """Queries to build a feed from scratch once the site and settings are cached."""
    from django.core.cache import cache

    cache.clear()
    client.get("/")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    writes = [sql for sql in statements(captured) if not sql.upper().startswith("SELECT")]
    assert writes == []
    return len(captured)


def add_rich(outlet, count: int, related) -> None:
    body = rich_body(outlet, related)
    start = timezone.now() - datetime.timedelta(days=count + 1)
    for number in range(count):
        outlet.add_article(f"Rich {number}", when=start + datetime.timedelta(hours=number), body=body,
                           publish=False)


BUILD_URLS = ["/feed/", "/feed/all/atom/", "/feed/section/labor/", "/feed/topic/strikes/atom/",
              "/feed/author/rosa-marin/"]


def test_build_queries_do_not_grow(client, outlet):
    """Each kind of feed is built from scratch with 20 and with 200 articles: same query count."""
    related = outlet.add_article("The Report", when=timezone.now() - datetime.timedelta(days=400))
    add_rich(outlet, FEED_ITEMS, related)
    few = {url: build_queries(client, url) for url in BUILD_URLS}
    add_rich(outlet, 180, related)
    many = {url: build_queries(client, url) for url in BUILD_URLS}
    for url in BUILD_URLS:
        assert few[url] == many[url] <= MAX_BUILD_QUERIES, (url, few[url], many[url])
