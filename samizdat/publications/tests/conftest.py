"""A publications tree on top of the shared outlet: index, magazine, one issue, a pamphlet, a book."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile

from samizdat.demo.pdf import minimal_pdf


def make_document(title: str, filename: str = "issue.pdf"):
    from wagtail.documents import get_document_model

    data = minimal_pdf(title, ["A line of text.", "Another line."])
    document = get_document_model()(title=title)
    document.file.save(filename, ContentFile(data), save=False)
    document.file_size = len(data)
    document.save()
    return document


class Catalogue:
    def __init__(self, outlet) -> None:
        from samizdat.publications.models import (
            BookAuthor,
            BookPage,
            IssueContent,
            MagazineIssuePage,
            MagazinePage,
            PublicationsIndexPage,
        )

        self.outlet = outlet
        self.index = outlet.home.add_child(instance=PublicationsIndexPage(
            title="Publications", slug="publications", intro="<p>Our printed work.</p>"))
        self.magazine = self.index.add_child(instance=MagazinePage(
            title="Red Ledger Quarterly", slug="quarterly", description="<p>Four times a year.</p>",
            cover=outlet.image))
        self.article = outlet.add_article("Dockers Walk Out")
        self.pdf = make_document("Quarterly No. 12")
        self.issue = self.add_issue(12, "Spring of Strikes", articles=[self.article],
                                    print_only=[("A Poem for the Picket", "Ana Verso")])
        self.pamphlet_pdf = make_document("Why Unions", "why-unions.pdf")
        self.pamphlet = self.index.add_child(instance=BookPage(
            title="Why Unions", slug="why-unions", kind="pamphlet", pdf=self.pamphlet_pdf,
            description="<p>A short primer.</p>", cover=outlet.image,
            authors=[BookAuthor(person=outlet.author)]))
        self.book = self.index.add_child(instance=BookPage(
            title="A History of the Docks", slug="docks", kind="book", isbn="978-0-306-40615-7",
            purchase_url="https://shop.example/docks", price="€12"))
        self.models = {"IssueContent": IssueContent, "MagazineIssuePage": MagazineIssuePage}

    def add_issue(self, number: int, title: str, articles=(), print_only=(), date=None):
        from samizdat.publications.models import IssueContent, MagazineIssuePage

        contents = [IssueContent(article=article, sort_order=order) for order, article in enumerate(articles)]
        contents += [IssueContent(title=t, byline=b, page_number=40 + order, sort_order=100 + order)
                     for order, (t, b) in enumerate(print_only)]
        issue = MagazineIssuePage(
            title=title, slug=f"no-{number}", number=number,
            issue_date=date or datetime.date(2026, 3, 1), cover=self.outlet.image,
            introduction="<p>Welcome to this issue.</p>", pdf=getattr(self, "pdf", None),
            order_url="https://shop.example/order", contents=contents,
        )
        self.magazine.add_child(instance=issue)
        return MagazineIssuePage.objects.get(pk=issue.pk)


@pytest.fixture
def catalogue(outlet) -> Catalogue:
    return Catalogue(outlet)
