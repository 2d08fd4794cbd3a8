"""What each publications page shows, in a fixed number of queries whatever the catalogue size."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest

from samizdat.articles.models import ArticleAuthor, ArticlePage
from samizdat.core.images import attach_renditions, lead_specs
from samizdat.core.pagination import paginate
from samizdat.core.routing import exclude_restricted
from samizdat.publications.models import (
    BookAuthor,
    BookPage,
    IssueContent,
    MagazineIssuePage,
    MagazinePage,
    PublicationsIndexPage,
)

LATEST_ISSUES = 6


def _covers(pages) -> None:
    """Attach the cover renditions of already-loaded pages in one query."""
    attach_renditions([page.cover for page in pages], lead_specs())


def _book_authors() -> Prefetch:
    return Prefetch("authors", queryset=BookAuthor.objects.select_related("person").order_by("sort_order"))


def index_context(index_page: PublicationsIndexPage) -> dict:
    """Magazines, the latest issues across them, and books and pamphlets under an index page."""
    magazines = list(
        exclude_restricted(MagazinePage.objects.live().child_of(index_page))
        .select_related("cover").order_by("title")
    )
    issues = list(
        exclude_restricted(MagazineIssuePage.objects.live().descendant_of(index_page))
        .select_related("cover", "magazine").order_by("-issue_date", "-number")[:LATEST_ISSUES]
    )
    books = list(
        exclude_restricted(BookPage.objects.live().child_of(index_page))
        .select_related("cover").prefetch_related(_book_authors())
        .order_by("-first_published_at", "title")
    )
    _covers([*magazines, *issues, *books])
    return {"magazines": magazines, "latest_issues": issues, "books": books}


def magazine_context(magazine: MagazinePage, request: HttpRequest) -> dict:
    """The magazine's issues, newest first, 20 a page."""
    issues = paginate(
        request,
        exclude_restricted(MagazineIssuePage.objects.live().child_of(magazine))
        .select_related("cover").order_by("-issue_date", "-number"),
    )
    _covers([magazine, *issues])
    return {"issues": issues}


def issue_context(issue: MagazineIssuePage) -> dict:
    """The table of contents: live articles (with bylines) and print-only pieces, in order."""
    entries = list(
        IssueContent.objects.filter(issue=issue)
        .select_related("article", "article__section")
        .prefetch_related(
            Prefetch("article__authors",
                     queryset=ArticleAuthor.objects.select_related("person").order_by("sort_order"))
        )
        .order_by("sort_order")
    )
    contents = [
        entry for entry in entries
        if entry.title or (entry.article is not None and entry.article.live)
    ]
    _covers([issue])
    return {"contents": contents}


def book_context(book: BookPage) -> dict:
    """The book's authors in order, with their people; the cover's renditions."""
    authors = list(book.authors.select_related("person").order_by("sort_order"))
    _covers([book])
    return {"book_authors": authors}


def printed_in(article: ArticlePage) -> IssueContent | None:
    """The first live issue whose contents list this article, with the issue and its magazine."""
    return (
        IssueContent.objects.filter(article=article, issue__live=True)
        .select_related("issue", "issue__magazine")
        .order_by("issue__issue_date", "issue_id", "sort_order")
        .first()
    )
