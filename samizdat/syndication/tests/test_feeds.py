"""RSS and Atom feeds, read back with feedparser (a real client) and lxml."""

from __future__ import annotations

import datetime
import json
from urllib.parse import urlsplit

import feedparser
import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from samizdat.articles.models import ArticleAuthor, ArticlePage, SectionPage
from samizdat.core.models import OutletRendition, OutletSettings
from samizdat.people.models import Person

pytestmark = pytest.mark.django_db

RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
MAX_BUILD_QUERIES = 10  # scope, fingerprint, items with 3 prefetches, body images, renditions, pages


def fetch(client, url: str, **headers):
    """GET a feed and parse it; it must be well-formed (bozo 0) and absolute throughout."""
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Type"] == (ATOM if "/atom/" in url else RSS)
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, (url, parsed.get("bozo_exception"))
    assert parsed.version == ("atom10" if "/atom/" in url else "rss20")
    for entry in parsed.entries:
        assert is_absolute(entry.link), entry.link
        for enclosure in entry.get("enclosures", []):
            assert is_absolute(enclosure.href)
    assert is_absolute(parsed.feed.link)
    return response, parsed


def is_absolute(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def statements(captured) -> list[str]:
    return [query["sql"].lstrip() for query in captured.captured_queries]


def titles(parsed) -> list[str]:
    return [entry.title for entry in parsed.entries]


@pytest.fixture
def outlet(module_outlet):
    """Tests here share the module's outlet (a second Outlet() would clash with it)."""
    return module_outlet


@pytest.fixture(scope="module")
def stocked(module_outlet):
    """English and Spanish articles, a two-author piece, a draft and a members-only piece.

    Built once for the module; each test's changes are rolled back after it.
    """
    return module_outlet.build(stock)


def stock(outlet):
    now = timezone.now()
    outlet.second = Person.objects.create(name="Karl Ortiz", slug="karl-ortiz")
    outlet.joint = outlet.add_article("Joint Statement", when=now - datetime.timedelta(hours=1))
    ArticleAuthor.objects.filter(article=outlet.joint).update(sort_order=0)  # the fixture leaves it NULL
    ArticleAuthor.objects.create(article=outlet.joint, person=outlet.second, sort_order=1)
    outlet.plain = outlet.add_article("No Picture", when=now - datetime.timedelta(hours=2), with_image=False)
    outlet.spanish = outlet.add_article("Huelga general", when=now - datetime.timedelta(hours=3),
                                        section=outlet.section_es)
    draft = outlet.add_article("Withdrawn Story", when=now - datetime.timedelta(hours=4))
    draft.unpublish()
    members = outlet.home.add_child(instance=SectionPage(title="Members", slug="members"))
    PageViewRestriction.objects.create(page=members, restriction_type="password", password="x")
    outlet.add_article("Members Only", section=members, when=now)
    return outlet


FEEDS = [
    # url, feed title, entry titles (newest first)
    ("/feed/", "The Test Ledger", ["Joint Statement", "No Picture"]),
    ("/feed/atom/", "The Test Ledger", ["Joint Statement", "No Picture"]),
    ("/es/feed/", "The Test Ledger", ["Huelga general"]),
    ("/es/feed/atom/", "The Test Ledger", ["Huelga general"]),
    ("/feed/all/", "The Test Ledger — All languages", ["Joint Statement", "No Picture", "Huelga general"]),
    ("/feed/all/atom/", "The Test Ledger — All languages",
     ["Joint Statement", "No Picture", "Huelga general"]),
    ("/es/feed/all/", None, ["Joint Statement", "No Picture", "Huelga general"]),
    ("/feed/section/labor/", "The Test Ledger — Labor", ["Joint Statement", "No Picture"]),
    ("/feed/section/labor/atom/", "The Test Ledger — Labor", ["Joint Statement", "No Picture"]),
    ("/es/feed/section/trabajo/", "The Test Ledger — Trabajo", ["Huelga general"]),
    ("/es/feed/section/trabajo/atom/", "The Test Ledger — Trabajo", ["Huelga general"]),
    ("/feed/topic/strikes/", "The Test Ledger — Strikes", ["Joint Statement", "No Picture"]),
    ("/feed/topic/strikes/atom/", "The Test Ledger — Strikes", ["Joint Statement", "No Picture"]),
    ("/es/feed/topic/huelgas/", "The Test Ledger — Huelgas", ["Huelga general"]),
    ("/es/feed/topic/huelgas/atom/", "The Test Ledger — Huelgas", ["Huelga general"]),
    ("/feed/author/rosa-marin/", "The Test Ledger — Rosa Marín", ["Joint Statement", "No Picture"]),
    ("/feed/author/rosa-marin/atom/", "The Test Ledger — Rosa Marín", ["Joint Statement", "No Picture"]),
    ("/feed/author/karl-ortiz/", "The Test Ledger — Karl Ortiz", ["Joint Statement"]),
    ("/es/feed/author/rosa-marin/", "The Test Ledger — Rosa Marín", ["Huelga general"]),
    ("/es/feed/author/rosa-marin/atom/", "The Test Ledger — Rosa Marín", ["Huelga general"]),
]


@pytest.mark.parametrize(("url", "title", "expected"), FEEDS)
def test_every_feed_parses_with_its_entries(client, stocked, url, title, expected):
    _response, parsed = fetch(client, url)
    if title:
        assert parsed.feed.title == title
    assert titles(parsed) == expected  # no draft, no members-only piece
    for entry in parsed.entries:
        assert entry.published_parsed
        if "/atom/" in url:
            assert entry.updated_parsed
        assert entry.id.startswith("urn:uuid:")
        assert entry.authors and entry.authors[0].name == "Rosa Marín"
        terms = {tag.term for tag in entry.tags}
        assert terms & {"Labor", "Trabajo"} and "Strikes" in terms
        assert entry.summary


def test_entry_fields(client, stocked):
    _response, rss = fetch(client, "/feed/")
    _response, atom = fetch(client, "/feed/atom/")
    joint = stocked.joint
    for parsed in (rss, atom):
        entry = parsed.entries[0]
        assert entry.link == joint.full_url
        assert [author.name for author in entry.authors] == ["Rosa Marín", "Karl Ortiz"]
        assert entry.published_parsed[:5] == joint.display_date.utctimetuple()[:5]
        assert [tag.term for tag in entry.tags] == ["Labor", "Strikes"]
        assert entry.summary == "What Joint Statement is about."
        assert entry.id == rss.entries[0].id  # the same stable URN in both formats
    hrefs = [author.get("href") for author in atom.entries[0].authors]
    assert hrefs == ["http://localhost/authors/rosa-marin/", "http://localhost/authors/karl-ortiz/"]
    assert rss.entries[0].guidislink is False


def test_lead_image_is_enclosure_and_media_content(client, stocked):
    webp = OutletRendition.objects.filter(image=stocked.image, filter_spec="fill-1200x675|format-webp").get()
    thumb = OutletRendition.objects.filter(image=stocked.image, filter_spec="fill-480x270|format-webp").get()
    for url in ("/feed/", "/feed/atom/"):
        _response, parsed = fetch(client, url)
        entry, plain = parsed.entries
        assert [(e.href, e.type) for e in entry.enclosures] == [("http://localhost" + webp.url, "image/webp")]
        assert webp.file_size and entry.enclosures[0].length == str(webp.file_size)
        media = entry.media_content[0]
        assert media["url"] == "http://localhost" + webp.url
        assert (media["type"], media["width"], media["height"]) == ("image/webp", "640", "360")
        assert entry.media_thumbnail[0]["url"] == "http://localhost" + thumb.url
        assert not plain.get("enclosures") and not plain.get("media_content")


def test_missing_rendition_leaves_the_enclosure_out_and_makes_none(client, stocked):
    from django.core.cache import cache

    from samizdat.core.tasks import generate_renditions

    OutletRendition.objects.filter(image=stocked.image).delete()
    with CaptureQueriesContext(connection) as captured:
        response, parsed = fetch(client, "/feed/")
    assert all(not entry.get("enclosures") for entry in parsed.entries)
    assert [sql for sql in statements(captured) if not sql.upper().startswith("SELECT")] == []
    assert not OutletRendition.objects.filter(image=stocked.image).exists()
    # Not final: no validators, a short lifetime, so the picture shows once it is made.
    assert "ETag" not in response and response["Cache-Control"] == "public, max-age=60"
    generate_renditions.enqueue(stocked.image.pk)
    cache.clear()  # what the minute's expiry does
    response, parsed = fetch(client, "/feed/")
    assert parsed.entries[0].enclosures and response["ETag"]


def set_full_text(site, value: bool) -> None:
    settings = OutletSettings.objects.filter(site=site).first() or OutletSettings(site=site)
    settings.feeds_full_text = value
    settings.save()


def test_description_from_the_settings(client, stocked):
    settings = OutletSettings.objects.filter(site=stocked.home.get_site()).first()
    settings = settings or OutletSettings(site=stocked.home.get_site())
    settings.description = "News from the shop floor."
    settings.save()
    for url in ("/feed/", "/feed/atom/"):
        assert fetch(client, url)[1].feed.subtitle == "News from the shop floor."
    assert fetch(client, "/feed/topic/strikes/")[1].feed.subtitle == "Work stoppages everywhere."
    assert fetch(client, "/feed/author/rosa-marin/")[1].feed.subtitle == "Labor reporter."


def test_full_text_follows_the_setting(client, stocked):
    for url in ("/feed/", "/feed/atom/"):
        _response, parsed = fetch(client, url)
        assert "First paragraph of Joint Statement." in parsed.entries[0].content[0].value
    set_full_text(stocked.home.get_site(), False)
    for url in ("/feed/", "/feed/atom/"):
        _response, parsed = fetch(client, url)
        assert "content" not in parsed.entries[0]
        assert parsed.entries[0].summary == "What Joint Statement is about."


def rich_body(outlet, related) -> str:
    """A body with every block, an internal link, a relative link and hostile markup."""
    from conftest import make_image

    figure, poster = make_image("Figure"), make_image("Poster")
    body = [
        ("paragraph", f'<p>See <a linktype="page" id="{related.pk}">the report</a>, '
                      '<a href="/labor/">the section</a> and <a href="javascript:alert(1)">this</a>.'
                      '<script>alert("x")</script><img src="/x.png" onerror="alert(1)"></p>'),
        ("heading", {"text": "What happened", "level": "h2"}),
        ("image", {"image": {"image": figure.pk, "decorative": False, "alt_text": "A crowd"},
                   "caption": "The crowd", "credit": ""}),
        ("pull_quote", {"text": "We will not go back."}),
        ("block_quote", {"text": "An old song.", "attribution": "Anonymous"}),
        ("video", {"url": "https://peertube.example/w/kkGMgK9ZtnKfYAgnEtQxbv", "poster": poster.pk,
                   "caption": "The march"}),
        ("related_article", {"article": related.pk, "label": ""}),
    ]
    return json.dumps([{"type": kind, "value": value} for kind, value in body])


def test_full_text_is_absolute_and_script_free(client, outlet):
    related = outlet.add_article("The Report")
    outlet.add_article("Everything At Once", body=rich_body(outlet, related),
                       kind="video", video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    for url in ("/feed/", "/feed/atom/"):
        response, parsed = fetch(client, url)
        assert b"<script" not in response.content and b"&lt;script" not in response.content
        assert b"alert(" not in response.content and b"data-embed" not in response.content
        html = parsed.entries[0].content[0].value
        tree = lxml.html.fromstring(f"<div>{html}</div>")
        hrefs = tree.xpath("//a/@href")
        srcs = tree.xpath("//img/@src")
        assert all(is_absolute(href) for href in hrefs + srcs), hrefs + srcs
        assert related.full_url in hrefs  # the internal page link and the related block
        assert "http://localhost/labor/" in hrefs
        assert "https://www.youtube.com/watch?v=dQw4w9WgXcQ" in hrefs  # the lead video as a plain link
        assert "https://peertube.example/w/kkGMgK9ZtnKfYAgnEtQxbv" in hrefs
        assert tree.xpath("//img[@alt='A crowd']")
        assert "We will not go back." in html and "Anonymous" in html
        assert tree.xpath("//h2/text()") == ["What happened"]


def test_control_characters_do_not_break_the_xml(client, outlet):
    outlet.add_article("Bell\x07 Title", dek="Form\x0cfeed", body=json.dumps(
        [{"type": "paragraph", "value": "<p>Vertical\x0btab</p>"}]))
    for url in ("/feed/", "/feed/atom/"):
        entry = fetch(client, url)[1].entries[0]
        assert entry.title == "Bell Title" and entry.summary == "Formfeed"
        assert "Verticaltab" in entry.content[0].value


def test_conditional_get(client, stocked):
    response, _parsed = fetch(client, "/feed/")
    etag, modified = response["ETag"], response["Last-Modified"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith('W/')
    assert response["Cache-Control"] == "public, max-age=300"
    for headers in ({"HTTP_IF_NONE_MATCH": etag}, {"HTTP_IF_MODIFIED_SINCE": modified},
                    {"HTTP_IF_NONE_MATCH": f'"other", {etag}'}):
        not_modified = client.get("/feed/", **headers)
        assert not_modified.status_code == 304
        assert not_modified.content == b""
        assert not_modified["ETag"] == etag
    assert client.get("/feed/", HTTP_IF_NONE_MATCH='"stale"').status_code == 200
    assert client.get("/feed/", HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2001 00:00:00 GMT").status_code == 200
    assert client.head("/feed/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_garbage_headers_get_a_normal_feed(client, stocked):
    for headers in ({"HTTP_IF_NONE_MATCH": "garbage ,,\x01"}, {"HTTP_IF_MODIFIED_SINCE": "yesterday-ish"},
                    {"HTTP_IF_MODIFIED_SINCE": "Mon, 99 Foo 99999 99:99:99 GMT"}):
        response = client.get("/feed/", **headers)
        assert response.status_code == 200


def test_publishing_changes_the_etag(client, stocked):
    first = client.get("/feed/section/labor/")["ETag"]
    assert client.get("/feed/section/labor/")["ETag"] == first
    stocked.joint.save_revision().publish()  # an edit
    edited = client.get("/feed/section/labor/")["ETag"]
    assert edited != first
    stocked.add_article("Fresh News")
    published = client.get("/feed/section/labor/")
    assert published["ETag"] != edited
    assert "Fresh News" in titles(feedparser.parse(published.content))
    ArticlePage.objects.get(pk=stocked.plain.pk).unpublish()
    unpublished = client.get("/feed/section/labor/")
    assert unpublished["ETag"] != published["ETag"]
    assert "No Picture" not in titles(feedparser.parse(unpublished.content))
    stocked.second.name = "Karl Ortiz Ruiz"
    stocked.second.save()
    renamed = client.get("/feed/section/labor/")
    assert renamed["ETag"] != unpublished["ETag"]
    assert b"Karl Ortiz Ruiz" in renamed.content


def test_other_language_does_not_change_a_feeds_etag(client, stocked):
    before = client.get("/es/feed/")["ETag"]
    stocked.add_article("English Only")
    assert client.get("/es/feed/")["ETag"] == before


def test_cached_and_not_modified_answers_make_one_query(client, stocked):
    response = client.get("/feed/topic/strikes/")
    for headers in ({}, {"HTTP_IF_NONE_MATCH": response["ETag"]}):
        with CaptureQueriesContext(connection) as captured:
            again = client.get("/feed/topic/strikes/", **headers)
        assert again.status_code == (304 if headers else 200)
        assert len(captured) == 1, [q["sql"] for q in captured.captured_queries]
        assert "COUNT(" in captured.captured_queries[0]["sql"].upper()
    assert again.status_code == 304
    assert client.get("/feed/topic/strikes/").content == response.content


@pytest.mark.parametrize("url", [
    "/feed/section/nope/", "/feed/section/nope/atom/", "/feed/topic/nope/", "/feed/author/nope/atom/",
    "/es/feed/section/labor/", "/es/feed/topic/strikes/", "/feed/section/members/",
    "/feed/section/2026/", "/feed/section/topics/", "/feed/nope/",
])
def test_unknown_scopes_are_404(client, stocked, url):
    assert client.get(url).status_code == 404


def test_only_get_and_head(client, outlet):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    for method in ("post", "put", "delete", "patch"):
        assert getattr(strict, method)("/feed/").status_code == 405
        assert getattr(client, method)("/feed/section/labor/atom/").status_code == 405
    assert client.head("/feed/").status_code == 200
    assert client.options("/feed/").status_code == 405


def feed_links(client, url: str) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200, url
    head = lxml.html.fromstring(response.content).find("head")
    links = head.xpath('link[@rel="alternate"][@type="application/rss+xml" or @type="application/atom+xml"]')
    return {link.get("href"): link.get("title") for link in links}


def test_autodiscovery_links(client, stocked):
    outlet_feeds = {"http://localhost/feed/", "http://localhost/feed/atom/"}
    section = {"http://localhost/feed/section/labor/", "http://localhost/feed/section/labor/atom/"}
    assert set(feed_links(client, "/")) == outlet_feeds
    assert set(feed_links(client, "/topics/")) == outlet_feeds
    assert set(feed_links(client, "/authors/")) == outlet_feeds
    assert set(feed_links(client, "/labor/")) == outlet_feeds | section
    assert set(feed_links(client, stocked.joint.url)) == outlet_feeds | section
    year = stocked.joint.get_parent().get_parent()
    assert set(feed_links(client, year.url)) == outlet_feeds | section
    assert set(feed_links(client, stocked.joint.get_parent().url)) == outlet_feeds | section
    assert set(feed_links(client, "/topics/strikes/")) == outlet_feeds | {
        "http://localhost/feed/topic/strikes/", "http://localhost/feed/topic/strikes/atom/"}
    assert set(feed_links(client, "/authors/rosa-marin/")) == outlet_feeds | {
        "http://localhost/feed/author/rosa-marin/", "http://localhost/feed/author/rosa-marin/atom/"}
    spanish = feed_links(client, "/es/trabajo/")
    assert set(spanish) == {"http://localhost/es/feed/", "http://localhost/es/feed/atom/",
                            "http://localhost/es/feed/section/trabajo/",
                            "http://localhost/es/feed/section/trabajo/atom/"}
    assert spanish["http://localhost/es/feed/section/trabajo/"] == "The Test Ledger — Trabajo (RSS)"
    for href in feed_links(client, "/topics/strikes/") | spanish:
        fetch(client, urlsplit(href).path)  # every advertised feed exists and parses


def test_footer_links_the_feed(client, outlet):
    footer = lxml.html.fromstring(client.get("/es/").content).find(".//footer")
    assert footer.xpath('.//a[@type="application/rss+xml"]/@href') == ["/es/feed/"]


def test_autodiscovery_adds_no_query(client, stocked, django_assert_num_queries):
    from django.template import Context, Template

    tag = Template("{% load feed_tags %}{% feed_links %}")
    year = stocked.joint.get_parent().get_parent()
    for url in ("/", "/labor/", stocked.joint.url, year.url, "/topics/strikes/", "/authors/rosa-marin/"):
        response = client.get(url)
        names = ("request", "page", "chrome", "topic", "person")
        context = Context({name: response.context.get(name) for name in names})
        with django_assert_num_queries(0):
            html = tag.render(context)
        assert html.count("<link") >= 2, url
