"""Generated query strings on every kind of public page (see fuzzing.py): never a 5xx."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzzing import field_value, fuzz_settings, nasty_text

pytestmark = pytest.mark.django_db

PARAMETERS = ["page", "q", "section", "topic", "kind", "language", "year", "sent", "resource", "show",
              "status", "session_id", "export", "new", "done", "utm_source", "fbclid", "ref", "format"]
queries = st.dictionaries(st.one_of(st.sampled_from(PARAMETERS), nasty_text), field_value, max_size=4)


@pytest.fixture(scope="module")
def archive(module_outlet):
    module_outlet.build(lambda outlet: outlet.add_articles(3))
    return module_outlet


@fuzz_settings
@given(query=queries, spelling=st.booleans())
def test_query_strings_never_give_a_server_error(client, archive, query, spelling):
    article = archive.section.get_descendants().live().last().specific
    urls = ["/", "/es/", archive.section.url, "/topics/strikes/", "/authors/rosa-marin/", "/search/",
            "/es/search/", article.url, "/feed/", "/feed/atom/", "/sitemap.xml", "/news-sitemap.xml",
            "/.well-known/webfinger", "/ap/actors/outlet/outbox", "/robots.txt", "/no-such-page/"]
    for url in urls:
        response = client.get(url, query) if spelling else client.get(url + "?" + "&".join(
            f"{key}{'=' if index % 2 else ''}{value}" for index, (key, value) in enumerate(query.items())))
        assert response.status_code < 500, (url, query, response.status_code)
