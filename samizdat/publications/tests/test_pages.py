"""Publications pages render their content; the article says which issue printed it."""

from __future__ import annotations

import pytest
from lxml import html

pytestmark = pytest.mark.django_db


def page(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    return html.fromstring(response.content)


def test_index_lists_magazines_latest_issues_and_books(client, catalogue):
    tree = page(client, "/publications/")
    text = tree.text_content()
    assert "Our printed work." in text
    assert tree.xpath("//a[@href='/publications/quarterly/']")
    assert tree.xpath("//a[@href='/publications/quarterly/no-12/']")
    assert "No. 12: Spring of Strikes" in text
    assert "Why Unions" in text and "A History of the Docks" in text and "Rosa Marín" in text
    assert "Free download" in text and "€12" in text


def test_magazine_lists_its_issues_newest_first(client, catalogue):
    import datetime

    catalogue.add_issue(13, "Summer", date=datetime.date(2026, 6, 1))
    tree = page(client, "/publications/quarterly/")
    hrefs = [h for h in tree.xpath("//main//a/@href") if "/no-" in h]
    assert hrefs[:2] == ["/publications/quarterly/no-13/", "/publications/quarterly/no-12/"]
    assert page(client, "/publications/quarterly/?page=zzz").xpath("//h1")


def test_issue_shows_toc_with_live_articles_and_print_only_pieces(client, catalogue):
    hidden = catalogue.outlet.add_article("Withdrawn")
    catalogue.models["IssueContent"].objects.create(issue=catalogue.issue, article=hidden, sort_order=5)
    hidden.unpublish()
    tree = page(client, catalogue.issue.url)
    toc = tree.xpath("//section[@class='toc']")[0]
    assert toc.xpath(f".//a[@href='{catalogue.article.url}']")[0].text == "Dockers Walk Out"
    text = toc.text_content()
    assert "Rosa Marín" in text
    assert "A Poem for the Picket" in text and "Ana Verso" in text and "p. 41" not in text
    assert "(in print only)" in text and "Withdrawn" not in text
    assert tree.xpath(f"//a[@href='{catalogue.pdf.url}']")
    assert tree.xpath("//a[@href='https://shop.example/order']")
    assert "Welcome to this issue." in tree.text_content()
    assert "downloads" not in tree.xpath("//main")[0].text_content().lower()


def test_books_show_download_or_purchase(client, catalogue):
    pamphlet = page(client, catalogue.pamphlet.url)
    assert pamphlet.xpath(f"//a[@href='{catalogue.pamphlet_pdf.url}']")
    assert pamphlet.xpath("//a[@href='/authors/rosa-marin/']")
    book = page(client, catalogue.book.url)
    assert book.xpath("//a[@href='https://shop.example/docks']")
    assert "ISBN 978-0-306-40615-7" in book.text_content() and "€12" in book.text_content()
    assert not book.xpath("//a[contains(@href, '/documents/')]")


def test_article_says_where_it_was_printed(client, catalogue):
    tree = page(client, catalogue.article.url)
    link = tree.xpath("//p[@class='printed-in']/a")[0]
    assert link.get("href") == catalogue.issue.url
    assert link.text_content() == "Printed in Red Ledger Quarterly No. 12"
    other = catalogue.outlet.add_article("Never Printed")
    assert not page(client, other.url).xpath("//p[@class='printed-in']")


def test_odd_urls_are_404_not_500(client, catalogue):
    for url in ("/publications/nope/", "/publications/quarterly/no-99/", "/documents/999999/x.pdf",
                f"/documents/{catalogue.pdf.pk}/wrong.pdf"):
        assert client.get(url).status_code == 404, url
    assert client.post(catalogue.issue.url).status_code == 405
