"""Publishing purges the article's feeds and the sitemaps from a real HTTP cache stand-in."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytestmark = pytest.mark.django_db


class PurgeRecorder(BaseHTTPRequestHandler):
    """Answers PURGE like Varnish would, remembering what it was asked to drop."""

    received: list[tuple[str, str]] = []

    def do_PURGE(self) -> None:  # noqa: N802 (the HTTP method's name)
        self.received.append((self.headers["Host"], self.path))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:
        return


@pytest.fixture
def front_cache(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), PurgeRecorder)
    PurgeRecorder.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_address[1]}",
        }
    }
    yield PurgeRecorder.received
    server.shutdown()


def test_publishing_purges_the_feeds_that_list_the_article(outlet, front_cache,
                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = outlet.add_article("Dockers Walk Out")
    paths = {path for _host, path in front_cache}
    assert article.url in paths  # Wagtail's own purge of the page itself
    for path in ("/feed/", "/feed/atom/", "/feed/all/", "/feed/section/labor/", "/feed/topic/strikes/",
                 "/feed/author/rosa-marin/atom/", "/sitemap.xml", "/news-sitemap.xml"):
        assert path in paths, (path, sorted(paths))
    assert {host for host, _path in front_cache} == {"localhost"}


def test_spanish_article_purges_spanish_feeds(outlet, front_cache, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outlet.add_article("Paro en el puerto", section=outlet.section_es, locale=outlet.es)
    paths = {path for _host, path in front_cache}
    assert {"/es/feed/", "/es/feed/section/trabajo/"} <= paths, sorted(paths)


def test_nothing_is_purged_without_a_front_cache(outlet, django_capture_on_commit_callbacks, settings):
    from samizdat.articles.models import ArticlePage
    from samizdat.syndication.purge import purge_article_feeds

    settings.WAGTAILFRONTENDCACHE = {}
    article = outlet.add_article("Quiet Story")
    with django_capture_on_commit_callbacks() as callbacks:
        purge_article_feeds(ArticlePage, article)
    assert callbacks == []
