"""Odd URLs and query strings get a 404 or the nearest valid page, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def archive(module_outlet):
    """25 articles, built once for the module: these tests only read."""
    module_outlet.build(lambda outlet: outlet.add_articles(25))
    return module_outlet


@pytest.mark.parametrize(
    "path",
    ["/no-such-page/", "/labor/1999/01/nothing/", "/labor/2024/13/", "/topics/no-such-topic/",
     "/authors/nobody/", "/es/nada/", "/xx/labor/", "/" + "a" * 3000 + "/", "/labor/%00/"],
)
def test_unknown_urls_are_404_in_the_site_design(client, archive, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"The Test Ledger" in response.content or b"404" in response.content


@pytest.mark.parametrize(
    ("query", "shown"),
    [("page=abc", "Story 24"), ("page=0", "Story 24"), ("page=-3", "Story 24"),
     ("page=99999", "Story 0"), ("page=2", "Story 0"), ("page=" + "9" * 500, "Story 0"),
     ("page=1.5", "Story 24"), ("page=%00", "Story 24"), ("page=1&page=2", "Story 0"),
     ("page=%C2%B2", "Story 24"), ("page=%D9%A3", "Story 24"),
     ("q=" + "x" * 5000, "Story 24")],
)
def test_odd_page_numbers_give_the_nearest_valid_page(client, archive, query, shown):
    for url in (archive.section.url, "/topics/strikes/", "/authors/rosa-marin/"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200, url
        assert shown in response.content.decode(), url


def test_server_error_page_renders_without_a_request():
    from django.template import loader

    html = loader.render_to_string("500.html", {})
    assert "<html" in html


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_writing_methods_on_public_pages_are_refused_cleanly(client, archive, method):
    response = getattr(client, method)(archive.section.url)
    assert response.status_code in (403, 405)


def test_head_request_works(client, archive):
    assert client.head("/").status_code == 200


@pytest.mark.parametrize("path", ["/ñandú/", "/labor/२०२४/", "/labor/2024/01/" + "x" * 300 + "/"])
def test_unusual_characters_in_paths_are_404(client, archive, path):
    assert client.get(path).status_code == 404


MALFORMED_BODIES = [
    ("application/x-www-form-urlencoded; charset=latin-1", b"name=Jos%E9&csrfmiddlewaretoken=x"),
    ("application/x-www-form-urlencoded; charset=no-such-charset", b"name=x"),
    ("multipart/form-data", b"name=x"),  # no boundary
    ("multipart/form-data; boundary=zz", b"--zz\r\nContent-Disposition: form-data\r\n\r\nx"),
    ("multipart/form-data; boundary=zz; charset=latin-1", b"--zz\r\nbroken"),
    ("text/plain; charset=utf-8", b"\x00\xff\xfe"),
]


@pytest.mark.parametrize(("content_type", "body"), MALFORMED_BODIES)
@pytest.mark.parametrize("path", ["/", "/labor/", "/search/", "/newsletter/subscribe/", "/admin/login/",
                                  "/es/", "/no-such-page/"])
def test_malformed_posts_with_a_csrf_cookie_get_a_4xx_page_in_the_site_design(archive, path, content_type,
                                                                               body):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.cookies["csrftoken"] = "a" * 32
    response = client.generic("POST", path, body, content_type=content_type)
    assert 400 <= response.status_code < 500, (path, content_type, response.status_code)
    if response.status_code in (400, 403):
        assert b"The Test Ledger" in response.content, response.content[:200]


def test_a_form_sent_without_its_csrf_token_gets_a_page_in_the_site_design(archive):
    response = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert b"This form has expired" in response.content and b"The Test Ledger" in response.content
