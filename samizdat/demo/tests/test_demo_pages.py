"""Every page type of the demo outlet renders, in both languages, with sound HTML.

Parsed with lxml: one h1, no skipped heading level, alt on every image, the page's
language declared, and nothing loaded from another site.
"""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from samizdat.articles.models import ArticlePage, DossierPage, MonthArchivePage, SectionPage, VideoSeriesPage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("loaded_demo")]


def demo_urls() -> list[str]:
    urls = ["/", "/es/", "/topics/", "/authors/"]
    for code in ("en", "es"):
        live = ArticlePage.objects.live().filter(locale__language_code=code)
        urls += [a.url for a in live.order_by("-display_date")[:3]]
        urls += [live.filter(kind="video").first().url] if live.filter(kind="video").exists() else []
        urls.append(SectionPage.objects.live().filter(locale__language_code=code).first().url)
        urls.append(MonthArchivePage.objects.live().filter(locale__language_code=code).first().url)
    urls += [page.url for model in (DossierPage, VideoSeriesPage) for page in model.objects.live()]
    return urls


def test_every_page_type_renders_sound_html(client):
    article = ArticlePage.objects.live().filter(locale__language_code="en").first()
    person = article.authors.first().person
    topic = article.topics.first()
    urls = demo_urls() + [f"/authors/{person.slug}/", f"/topics/{topic.slug}/", "/labor/?page=2"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        tree = lxml_html.fromstring(response.content)
        assert tree.get("lang") in {"en", "es"}, url
        levels = [int(h.tag[1]) for h in tree.iter("h1", "h2", "h3", "h4", "h5", "h6")]
        assert levels.count(1) == 1, (url, levels)
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), (url, levels)
        assert all(img.get("alt") is not None for img in tree.iter("img")), url
        for element in tree.xpath("//*[@src] | //link[@href]"):
            address = element.get("src") or element.get("href")
            rel = element.get("rel") or ""
            if rel in {"canonical", "alternate"}:
                continue
            assert address.startswith(("/", "data:")), (url, address)
