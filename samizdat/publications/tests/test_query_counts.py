"""Publications pages and the article's "Printed in" line: fixed query counts, no writes."""

from __future__ import annotations

import datetime

import pytest

from samizdat.core.tests.test_query_counts import MAX_QUERIES, queries_for
from samizdat.publications.models import BookAuthor, BookPage

pytestmark = pytest.mark.django_db


def grow(catalogue, start: int, count: int) -> None:
    for number in range(start, start + count):
        catalogue.add_issue(number, f"Issue {number}", articles=[catalogue.article],
                            print_only=[("Poem", "Poet")],
                            date=datetime.date(2020, 1, 1) + datetime.timedelta(days=number))
        catalogue.index.add_child(instance=BookPage(
            title=f"Book {number}", slug=f"book-{number}", pdf=catalogue.pdf, cover=catalogue.outlet.image,
            authors=[BookAuthor(person=catalogue.outlet.author)]))


def test_publication_pages_do_not_grow_with_the_catalogue(client, catalogue):
    urls = {"index": "/publications/", "magazine": "/publications/quarterly/",
            "issue": catalogue.issue.url, "pamphlet": catalogue.pamphlet.url, "book": catalogue.book.url,
            "article": catalogue.article.url}
    grow(catalogue, 100, 3)
    small = {name: queries_for(client, url) for name, url in urls.items()}
    grow(catalogue, 200, 25)
    large = {name: queries_for(client, url) for name, url in urls.items()}
    print("queries per page:", small)
    assert large == small
    assert max(small.values()) <= MAX_QUERIES, small
