"""sitemap.xml (and its index), news-sitemap.xml and robots.txt, read with lxml."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree
from wagtail.models import Page, PageViewRestriction

from samizdat.articles.models import ArticlePage, SectionPage
from samizdat.syndication.sitemaps import OutletSitemap

pytestmark = pytest.mark.django_db

ROOT = "http://localhost"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9",
      "news": "http://www.google.com/schemas/sitemap-news/0.9"}


def xml(client, url: str, content_type: str = "application/xml"):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == content_type
    return response, etree.fromstring(response.content)


def locations(tree) -> list[str]:
    return tree.xpath("//s:url/s:loc/text()", namespaces=NS)


def local(url: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == ROOT, url
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def site_content(outlet):
    """Live articles in two languages, plus pages that must stay out of the sitemap."""
    story = outlet.add_article("Dockers Walk Out")
    translation = story.copy_for_translation(outlet.es, copy_parents=True)
    translation.title = "Los estibadores paran"
    translation.save_revision().publish()
    outlet.add_articles(3)
    outlet.add_article("From Our Partners", partner_relation="republished", partner_name="Other Daily",
                       original_url="https://other.example/story")
    draft = outlet.add_article("Withdrawn Story")
    draft.unpublish()
    members = outlet.home.add_child(instance=SectionPage(title="Members", slug="members"))
    secret = outlet.add_article("Members Only", section=members)
    PageViewRestriction.objects.create(page=members, restriction_type="password", password="solidarity")
    return {"story": story, "draft": draft, "members": members, "secret": secret}


def expected_urls() -> set[str]:
    """Built with Wagtail's own querysets: live, public, canonical here; plus topic and author pages."""
    pages = Page.objects.live().public().specific()
    urls = {
        page.full_url for page in pages
        if page.full_url and not (isinstance(page, ArticlePage) and page.partner_relation == "republished")
    }
    return urls | {f"{ROOT}/topics/strikes/", f"{ROOT}/authors/rosa-marin/",
                   f"{ROOT}/es/topics/huelgas/", f"{ROOT}/es/authors/rosa-marin/"}


def test_sitemap_lists_exactly_the_live_public_pages(client, site_content):
    response, tree = xml(client, "/sitemap.xml")
    assert tree.tag == etree.QName(NS["s"], "urlset").text
    found = locations(tree)
    assert len(found) == len(set(found))
    assert set(found) == expected_urls()
    for page in ("draft", "members", "secret"):
        assert site_content[page].full_url not in found
    assert f"{ROOT}/es/" in found and site_content["story"].full_url in found
    assert not any("other.example" in url or "partners" in url for url in found)
    lastmods = tree.xpath("//s:url/s:lastmod/text()", namespaces=NS)
    assert lastmods and all(datetime.date.fromisoformat(value) for value in lastmods)
    assert response["Cache-Control"] == "public, max-age=3600"


def test_topic_and_author_pages_are_listed_only_with_articles(client, outlet):
    found = set(locations(xml(client, "/sitemap.xml")[1]))
    assert f"{ROOT}/topics/" in found and f"{ROOT}/authors/" in found
    assert not any("/strikes/" in url or "/rosa-marin/" in url for url in found)
    outlet.add_article("Strike Wave")
    found = set(locations(xml(client, "/sitemap.xml")[1]))
    assert {f"{ROOT}/topics/strikes/", f"{ROOT}/authors/rosa-marin/"} <= found
    assert f"{ROOT}/es/topics/huelgas/" not in found  # no Spanish article yet


def test_over_the_limit_the_sitemap_becomes_an_index(client, site_content, monkeypatch):
    monkeypatch.setattr(OutletSitemap, "limit", 5)
    _response, index = xml(client, "/sitemap.xml")
    assert index.tag == etree.QName(NS["s"], "sitemapindex").text
    parts = index.xpath("//s:sitemap/s:loc/text()", namespaces=NS)
    assert f"{ROOT}/sitemap-pages.xml" in parts and f"{ROOT}/sitemap-pages.xml?p=2" in parts
    found: list[str] = []
    for part in parts:
        _response, tree = xml(client, local(part))
        urls = locations(tree)
        assert 0 < len(urls) <= 5
        found += urls
    assert len(found) == len(set(found))
    assert set(found) == expected_urls()


@pytest.mark.parametrize("url", [
    "/sitemap-pages.xml?p=abc", "/sitemap-pages.xml?p=999", "/sitemap-pages.xml?p=0",
    "/sitemap-nothing.xml", "/sitemap.xml?p=2",
])
def test_odd_sitemap_addresses_are_404s(client, outlet, url):
    assert client.get(url).status_code == 404


def test_sitemaps_answer_only_reads(client, outlet):
    assert client.post("/sitemap.xml").status_code == 405
    assert client.head("/robots.txt").status_code == 200


def test_news_sitemap_has_only_the_last_two_days(client, outlet):
    fresh = outlet.add_article("Strike Called Today")
    old = outlet.add_article("Strike Called Last Week")
    ArticlePage.objects.filter(pk=old.pk).update(
        first_published_at=timezone.now() - datetime.timedelta(days=3),
        display_date=timezone.now() - datetime.timedelta(days=3),
    )
    outlet.add_article("Reprint From 1917", when=timezone.now() - datetime.timedelta(days=365 * 100))
    outlet.add_articles(3)  # live but never published through a revision: no publication date
    outlet.add_article("From Our Partners", partner_relation="republished", partner_name="Other Daily",
                       original_url="https://other.example/story")
    translation = fresh.copy_for_translation(outlet.es, copy_parents=True)
    translation.title = "Huelga convocada hoy"
    translation.save_revision().publish()

    response, tree = xml(client, "/news-sitemap.xml")
    assert response["Cache-Control"] == "public, max-age=300"
    entries = {
        url.findtext("s:loc", namespaces=NS): url.find("news:news", namespaces=NS)
        for url in tree.xpath("//s:url", namespaces=NS)
    }
    translation.refresh_from_db()
    assert set(entries) == {fresh.full_url, translation.full_url}
    news = entries[fresh.full_url]
    assert news.findtext("news:publication/news:name", namespaces=NS) == "The Test Ledger"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert news.findtext("news:title", namespaces=NS) == "Strike Called Today"
    published = datetime.datetime.fromisoformat(news.findtext("news:publication_date", namespaces=NS))
    assert published.tzinfo is not None
    assert entries[translation.full_url].findtext("news:publication/news:language", namespaces=NS) == "es"


def test_robots_txt_points_at_the_sitemaps(client, outlet):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=3600"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert f"Sitemap: {ROOT}/sitemap.xml" in lines
    assert f"Sitemap: {ROOT}/news-sitemap.xml" in lines
    assert not [line for line in lines if line.startswith("Disallow") and "search" in line]
    assert client.get("/es/robots.txt").status_code == 404


def count_queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


URLS = ["/sitemap.xml", "/sitemap-pages.xml", "/sitemap-pages.xml?p=2", "/sitemap-topics.xml",
        "/sitemap-authors.xml", "/news-sitemap.xml", "/robots.txt"]


def all_counts(client, monkeypatch) -> dict:
    """Queries per address, with one file (the real limit) and as an index (a limit of 10)."""
    counts = {}
    for limit in (50_000, 10):
        monkeypatch.setattr(OutletSitemap, "limit", limit)
        for url in URLS if limit == 10 else URLS[:2] + URLS[3:]:
            counts[(limit, url)] = count_queries(client, url)
    return counts


def test_sitemap_queries_do_not_grow_with_content(client, outlet, monkeypatch):
    outlet.add_article("Fresh Story")
    outlet.add_articles(20)
    small = all_counts(client, monkeypatch)
    outlet.add_articles(180, prefix="More")
    large = all_counts(client, monkeypatch)
    print("sitemap queries:", small)
    assert large == small
    assert max(small.values()) <= 8, small
