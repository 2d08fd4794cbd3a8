"""The article page stays light: HTML + CSS + JS under 30 KB gzipped, images excluded."""

from __future__ import annotations

import gzip
import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

BUDGET = 30 * 1024


def test_article_page_weighs_under_budget(client, outlet):
    article = outlet.add_article(
        "A Long Read",
        body=[("paragraph", "<p>" + "Workers organised across the region. " * 40 + "</p>")] * 6,
    )
    html = client.get(article.url).content.decode()
    total = len(gzip.compress(html.encode(), 9))
    assets = re.findall(r'(?:href|src)="/static/([^"?]+\.(?:css|js))', html)
    assert assets, "the page links its stylesheet"
    for asset in set(assets):
        path = finders.find(asset)
        assert path, asset
        with open(path, "rb") as handle:
            total += len(gzip.compress(handle.read(), 9))
    assert total < BUDGET, f"{total} bytes gzipped"
