"""Editors' mistakes become form errors: ISBN, issue number, purchase link, TOC entries."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from wagtail.test.utils.form_data import rich_text

from samizdat.publications.isbn import InvalidISBN, normalize_isbn
from samizdat.publications.models import BookPage, IssueContent, MagazineIssuePage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["978-0-306-40615-7", "9780306406157", "0-306-40615-2",
                                   "0 8044 2957 X", "080442957x"])
def test_valid_isbns(value):
    assert normalize_isbn(f" {value} ") == value


@pytest.mark.parametrize("value", ["978-0-306-40615-8", "0-306-40615-3", "12345", "97803064061X7",
                                   "０３０６４０６１５２", "X306406152"])
def test_invalid_isbns(value):
    with pytest.raises(InvalidISBN):
        normalize_isbn(value)


def errors_of(instance) -> dict:
    with pytest.raises(ValidationError) as caught:
        instance.clean()
    return caught.value.message_dict


def test_book_needs_valid_isbn_and_a_download_or_purchase_link(catalogue):
    book = BookPage(title="Bad", slug="bad", isbn="978-0-306-40615-8")
    errors = errors_of(book)
    assert "check digit" in errors["isbn"][0]
    assert "bought" in errors["purchase_url"][0]
    BookPage(title="Good", slug="good", isbn="9780306406157", pdf=catalogue.pdf).clean()


def test_issue_number_is_unique_within_the_magazine(catalogue):
    issue = MagazineIssuePage(title="Again", slug="again", number=12, issue_date=datetime.date(2026, 1, 1),
                              magazine=catalogue.magazine)
    assert "No. 12" in errors_of(issue)["number"][0]
    MagazineIssuePage.objects.get(pk=catalogue.issue.pk).clean()  # itself is no clash
    issue.number = 13
    issue.clean()


def test_toc_entry_needs_an_article_or_a_title(catalogue):
    assert "article" in errors_of(IssueContent(issue=catalogue.issue))
    assert "title" in errors_of(IssueContent(issue=catalogue.issue, article=catalogue.article, title="X"))
    IssueContent(issue=catalogue.issue, title="Print only").clean()


def test_admin_form_shows_the_errors_instead_of_failing(admin_client, catalogue):
    url = f"/admin/pages/add/publications/magazineissuepage/{catalogue.magazine.pk}/"
    assert admin_client.get(url).status_code == 200
    data = {
        "title": "Duplicate", "slug": "duplicate", "number": "12", "issue_date": "2026-04-01",
        "introduction": rich_text("<p>Hi.</p>"), "order_url": "",
        "contents-TOTAL_FORMS": "1", "contents-INITIAL_FORMS": "0", "contents-MIN_NUM_FORMS": "0",
        "contents-MAX_NUM_FORMS": "1000", "contents-0-article": "", "contents-0-title": "",
        "contents-0-byline": "", "contents-0-page_number": "", "contents-0-ORDER": "1",
        "contents-0-id": "", "contents-0-DELETE": "",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "number" in form.errors
    assert not MagazineIssuePage.objects.filter(slug="duplicate").exists()
    book_url = f"/admin/pages/add/publications/bookpage/{catalogue.index.pk}/"
    response = admin_client.post(book_url, {
        "title": "Bad Book", "slug": "bad-book", "kind": "book", "isbn": "123",
        "description": rich_text("<p>Hi.</p>"),
        "purchase_url": "", "price": "", "authors-TOTAL_FORMS": "0", "authors-INITIAL_FORMS": "0",
        "authors-MIN_NUM_FORMS": "0", "authors-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 200
    assert {"isbn", "purchase_url"} <= set(response.context["form"].errors)
