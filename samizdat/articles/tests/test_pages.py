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


def test_translating_an_article_translates_its_folders(client, outlet):
    article = outlet.add_article("Rent Strike Spreads")
    translation = article.copy_for_translation(outlet.es, copy_parents=True)
    translation.title = "La huelga de alquileres se extiende"
    translation.save_revision().publish()
    month = translation.get_parent().specific
    assert month.alias_of_id is None
    assert month.live
    assert month.title.split()[0].lower() in {
        "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
        "septiembre", "octubre", "noviembre", "diciembre",
    }
    assert client.get(translation.url).status_code == 200
    assert client.get(month.url).status_code == 200


def test_topic_and_author_pages_list_their_articles_in_each_language(client, outlet):
    outlet.add_article("Strike Wave")
    topic_html = client.get("/topics/strikes/").content.decode()
    assert "Strike Wave" in topic_html
    assert 'hreflang="es"' in topic_html and "/es/topics/huelgas/" in topic_html
    author_html = client.get("/authors/rosa-marin/").content.decode()
    assert "Strike Wave" in author_html
    assert "@rosa@social.example" in author_html
    assert client.get("/es/topics/huelgas/").status_code == 200
    assert client.get("/es/authors/rosa-marin/").status_code == 200


def test_republished_article_points_canonical_to_the_original(client, outlet):
    article = outlet.add_article(
        "Borrowed Story", partner_relation="republished", partner_name="Partner Weekly",
        original_url="https://partner.example/story",
    )
    html = client.get(article.url).content.decode()
    assert '<link rel="canonical" href="https://partner.example/story">' in html
    assert "Partner Weekly" in html


def test_draft_and_unpublished_articles_are_not_served(client, outlet):
    article = outlet.add_article("Pulled Story")
    url = article.url
    article.unpublish()
    assert client.get(url).status_code == 404
    assert "Pulled Story" not in client.get(outlet.section.url).content.decode()


def test_private_articles_are_restricted_and_left_out_of_listings(client, outlet):
    from wagtail.models import PageViewRestriction

    article = outlet.add_article("Members Only")
    client.get(outlet.section.url)
    PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(article.url)
    assert response.status_code == 302
    assert "Members Only" not in client.get(outlet.section.url).content.decode()
