"""Article pages and archives as a reader sees them."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_article_page_shows_byline_date_and_lead_image(client, outlet):
    article = outlet.add_article("Dockers Walk Out", dek="The port stopped at dawn.")
    response = client.get(article.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dockers Walk Out" in html
    assert "The port stopped at dawn." in html
    assert "Rosa Marín" in html
    assert article.display_date.strftime("%Y-%m-%d") in html
    assert "Strikers at the gate (alt text)" in html


def test_article_is_filed_in_year_and_month_folders(outlet):
    article = outlet.add_article("Filed Story")
    year, month = article.display_date.strftime("%Y"), article.display_date.strftime("%m")
    assert article.url == f"/labor/{year}/{month}/filed-story/"
    assert article.section_id == outlet.section.pk


def test_section_archive_lists_articles_newest_first(client, outlet):
    outlet.add_articles(3)
    html = client.get(outlet.section.url).content.decode()
    assert html.index("Story 2") < html.index("Story 1") < html.index("Story 0")
    assert "Read more" in html
