"""Demo publications: an index per language, a quarterly with one issue, a free pamphlet, a paid book."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from samizdat.demo.pdf import minimal_pdf
from samizdat.publications.models import (
    BookAuthor,
    BookPage,
    IssueContent,
    MagazineIssuePage,
    MagazinePage,
    PublicationsIndexPage,
)


def _document(loader, title: str, filename: str, lines: list[str]):
    data = minimal_pdf(title, lines)
    document = get_document_model()(title=title, file_size=len(data))
    document.file.save(filename, ContentFile(data), save=False)
    document.save()
    loader.files.append(document.file.name)
    return document


def load(loader) -> None:
    """Add the publications to the demo outlet built by `loader` (see samizdat.demo.loader)."""
    index = PublicationsIndexPage(
        title="Publications", slug="publications", locale=loader.en, live=False, show_in_menus=True,
        intro="<p>Our magazine, books and pamphlets: read them here, download them, pass them on.</p>",
    )
    loader.home_en.add_child(instance=index)
    index = loader._publish(index)
    index_es = index.copy_for_translation(loader.es)
    index_es.title, index_es.slug = "Publicaciones", "publicaciones"
    index_es.intro = "<p>Nuestra revista, libros y folletos: léelos, descárgalos, compártelos.</p>"
    loader._publish(index_es)

    covers = list(loader.illustrations.values())
    magazine = MagazinePage(
        title="Red Ledger Quarterly", slug="red-ledger-quarterly", locale=loader.en, live=False,
        description="<p>Long reads, reports and poems from the movement, four times a year.</p>",
        cover=covers[0],
    )
    index.add_child(instance=magazine)
    magazine = loader._publish(magazine)

    articles = list(loader.articles_en.values())[:3]
    pdf = _document(loader, "Red Ledger Quarterly No. 12", "red-ledger-quarterly-12.pdf", [
        "Red Ledger Quarterly, No. 12",
        *(article.title for article in articles),
        "Verses from the Night Shift",
    ])
    contents = [IssueContent(article=article, page_number=4 + 8 * order, sort_order=order)
                for order, article in enumerate(articles)]
    contents.append(IssueContent(title="Verses from the Night Shift", byline="The Night Shift Poets",
                                 page_number=30, sort_order=len(contents)))
    issue = MagazineIssuePage(
        title="The Year of the Picket Line", slug="no-12", number=12, locale=loader.en, live=False,
        issue_date=(loader.now - datetime.timedelta(days=20)).date(), cover=covers[1 % len(covers)],
        introduction="<p>This issue gathers our best reporting on the strikes of the season, "
                     "and a few pieces that only exist on paper.</p>",
        pdf=pdf, order_url="https://shop.example.org/red-ledger-quarterly/12", contents=contents,
    )
    magazine.add_child(instance=issue)
    loader._publish(issue)

    author = next(iter(loader.people.values()))
    pamphlet_pdf = _document(loader, "Why We Organise", "why-we-organise.pdf", [
        "Why We Organise", "A short pamphlet for new members.", "Read it, copy it, pass it on.",
    ])
    pamphlet = BookPage(
        title="Why We Organise", slug="why-we-organise", kind=BookPage.Kind.PAMPHLET, locale=loader.en,
        live=False, cover=covers[2 % len(covers)], pdf=pamphlet_pdf,
        description="<p>A twelve-page introduction to workplace organising, free to download.</p>",
        authors=[BookAuthor(person=author, sort_order=0)],
    )
    index.add_child(instance=pamphlet)
    loader._publish(pamphlet)

    book = BookPage(
        title="A People's History of the Docks", slug="peoples-history-of-the-docks",
        kind=BookPage.Kind.BOOK, locale=loader.en, live=False, cover=covers[3 % len(covers)],
        isbn="978-0-306-40615-7", purchase_url="https://shop.example.org/docks", price="€18",
        description="<p>Two centuries of dock work and dock strikes, told by those who lived them.</p>",
        authors=[BookAuthor(person=author, sort_order=0)],
    )
    index.add_child(instance=book)
    loader._publish(book)
