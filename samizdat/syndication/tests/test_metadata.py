"""Link-preview and search-engine metadata in each page's head: OpenGraph, Twitter, JSON-LD."""

from __future__ import annotations

import datetime
import json

import pytest
from lxml import html as lxml_html

from samizdat.core.models import OutletSettings

pytestmark = pytest.mark.django_db

ROOT = "http://localhost"


def head_of(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    return lxml_html.fromstring(response.content).find("head")


def json_ld(head) -> list[dict]:
    """The page's one JSON-LD script, as its @graph."""
    scripts = head.xpath('//script[@type="application/ld+json"]')
    assert len(scripts) == 1
    data = json.loads(scripts[0].text)
    assert data["@context"] == "https://schema.org"
    return data["@graph"]


def of_type(graph: list[dict], kind: str) -> dict:
    found = [item for item in graph if item["@type"] == kind]
    assert len(found) == 1, [item["@type"] for item in graph]
    return found[0]


def meta(head) -> dict[str, list[str]]:
    """property/name -> contents, in order."""
    found: dict[str, list[str]] = {}
    for tag in head.xpath("//meta[@property or @name]"):
        key = tag.get("property") or tag.get("name")
        found.setdefault(key, []).append(tag.get("content"))
    return found


def aware(value: str) -> datetime.datetime:
    moment = datetime.datetime.fromisoformat(value)
    assert moment.tzinfo is not None, value
    return moment


def test_article_news_article_json_ld_has_the_required_fields(client, outlet):
    article = outlet.add_article("Dockers Walk Out", dek="The port stopped at dawn.")
    graph = json_ld(head_of(client, article.url))
    news = of_type(graph, "NewsArticle")
    assert news["headline"] == "Dockers Walk Out"
    assert news["description"] == "The port stopped at dawn."
    assert news["author"] == [{"@type": "Person", "name": "Rosa Marín", "url": f"{ROOT}/authors/rosa-marin/",
                               "sameAs": ["https://social.example/@rosa"]}]
    assert aware(news["datePublished"]) == article.display_date.replace(microsecond=0)
    assert aware(news["dateModified"]) >= aware(news["datePublished"])
    assert news["image"] and all(url.startswith(f"{ROOT}/media/") for url in news["image"])
    assert news["articleSection"] == "Labor"
    assert news["keywords"] == ["Strikes"]
    assert news["inLanguage"] == "en"
    assert news["mainEntityOfPage"]["@id"] == news["url"] == article.full_url
    assert news["isAccessibleForFree"] is True
    publisher = news["publisher"]
    assert publisher["@type"] == "Organization" and publisher["name"] == "The Test Ledger"
    assert publisher["url"] == f"{ROOT}/"
    logo = publisher["logo"]
    assert logo["@type"] == "ImageObject" and logo["url"] == f"{ROOT}/static/logo.png"
    assert (logo["width"], logo["height"]) == (512, 512)

    crumbs = of_type(graph, "BreadcrumbList")["itemListElement"]
    assert [(c["position"], c["name"], c["item"]) for c in crumbs] == [
        (1, "The Test Ledger", f"{ROOT}/"),
        (2, "Labor", f"{ROOT}/labor/"),
        (3, "Dockers Walk Out", article.full_url),
    ]


def test_long_headlines_are_cut_to_110_characters(client, outlet):
    article = outlet.add_article("Strike " * 30)
    news = of_type(json_ld(head_of(client, article.url)), "NewsArticle")
    assert len(news["headline"]) <= 110


def test_json_ld_cannot_be_broken_out_of(client, outlet):
    title = "</script><script>alert(1)</script> & <b>"
    article = outlet.add_article(title, dek="a <!-- b")
    body = client.get(article.url).content.decode()
    script = body.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in script and ">" not in script and "&" not in script
    news = of_type(json.loads(script)["@graph"], "NewsArticle")
    assert news["headline"] == title
    assert news["description"] == "a <!-- b"


def test_opengraph_and_twitter_tags_use_absolute_urls(client, outlet):
    article = outlet.add_article("Dockers Walk Out")
    tags = meta(head_of(client, article.url))
    assert tags["og:site_name"] == ["The Test Ledger"]
    assert tags["og:type"] == ["article"]
    assert tags["og:title"] == ["Dockers Walk Out"]
    assert tags["og:description"] == ["What Dockers Walk Out is about."]
    assert tags["og:url"] == [article.full_url]
    assert tags["og:locale"] == ["en_US"]
    assert tags["og:image"][0].startswith(f"{ROOT}/media/images/")
    assert tags["og:image"][0].endswith(".webp")
    assert int(tags["og:image:width"][0]) > 0 and int(tags["og:image:height"][0]) > 0
    assert tags["og:image:alt"] == ["Strikers at the gate (alt text)"]
    assert aware(tags["article:published_time"][0]) == article.display_date.replace(microsecond=0)
    assert aware(tags["article:modified_time"][0])
    assert tags["article:section"] == ["Labor"]
    assert tags["article:tag"] == ["Strikes"]
    assert tags["article:author"] == [f"{ROOT}/authors/rosa-marin/"]
    assert tags["twitter:card"] == ["summary_large_image"]
    assert "twitter:site" not in tags
    assert tags["fediverse:creator"] == ["@rosa@social.example"]


def test_without_an_image_the_card_is_a_summary(client, outlet):
    article = outlet.add_article("No Picture", with_image=False)
    tags = meta(head_of(client, article.url))
    assert "og:image" not in tags
    assert tags["twitter:card"] == ["summary"]
    assert "image" not in of_type(json_ld(head_of(client, article.url)), "NewsArticle")


def test_outlet_settings_give_the_logo_share_image_and_description(client, outlet, image_factory):
    logo = image_factory("Ledger logo", size=(600, 120))
    share = image_factory("Share card", size=(1600, 900))
    OutletSettings.objects.create(site_id=outlet.home.get_site().pk, logo=logo, share_image=share,
                                  description="News from the picket line.")
    article = outlet.add_article("No Picture", with_image=False)
    head = head_of(client, article.url)
    tags = meta(head)
    assert tags["og:image"][0].startswith(f"{ROOT}/media/images/")
    assert (tags["og:image:width"], tags["og:image:height"]) == (["1200"], ["675"])
    assert tags["og:image:alt"] == ["Share card (alt text)"]
    assert tags["twitter:card"] == ["summary_large_image"]
    publisher = of_type(json_ld(head), "NewsArticle")["publisher"]
    assert publisher["logo"] == {"@type": "ImageObject", "url": ROOT + logo.file.url, "width": 600,
                                 "height": 120}
    section_tags = meta(head_of(client, outlet.section.url))
    assert section_tags["og:description"] == ["News from the picket line."]
    assert section_tags["og:type"] == ["website"]


def test_republished_piece_is_canonical_at_the_partner_but_shared_from_here(client, outlet):
    article = outlet.add_article(
        "From Our Partners", partner_relation="republished", partner_name="Other Daily",
        original_url="https://other.example/story",
    )
    head = head_of(client, article.url)
    assert head.xpath('//link[@rel="canonical"]/@href') == ["https://other.example/story"]
    assert meta(head)["og:url"] == [article.full_url]
    news = of_type(json_ld(head), "NewsArticle")
    assert news["mainEntityOfPage"]["@id"] == article.full_url
    assert news["isBasedOn"] == "https://other.example/story"


def test_translations_get_hreflang_and_og_locale_alternates(client, outlet):
    article = outlet.add_article("Rent Strike Spreads")
    translation = article.copy_for_translation(outlet.es, copy_parents=True)
    translation.title = "La huelga de alquileres se extiende"
    translation.save_revision().publish()
    translation.refresh_from_db()

    head = head_of(client, article.url)
    links = head.xpath('//link[@rel="alternate"][@hreflang]')
    hreflang = {link.get("hreflang"): link.get("href") for link in links}
    assert hreflang == {"en": article.full_url, "x-default": article.full_url, "es": translation.full_url}
    tags = meta(head)
    assert tags["og:locale"] == ["en_US"] and tags["og:locale:alternate"] == ["es_ES"]

    head_es = head_of(client, translation.url)
    tags_es = meta(head_es)
    assert tags_es["og:locale"] == ["es_ES"] and tags_es["og:locale:alternate"] == ["en_US"]
    assert tags_es["og:url"] == [translation.full_url]
    news = of_type(json_ld(head_es), "NewsArticle")
    assert news["inLanguage"] == "es"
    assert news["author"][0]["url"] == f"{ROOT}/es/authors/rosa-marin/"
    crumbs = of_type(json_ld(head_es), "BreadcrumbList")["itemListElement"]
    assert [c["item"] for c in crumbs] == [f"{ROOT}/es/", f"{ROOT}/es/trabajo/", translation.full_url]


def test_an_article_alone_in_one_language_has_no_locale_alternate(client, outlet):
    article = outlet.add_article("English Only")
    tags = meta(head_of(client, article.url))
    assert "og:locale:alternate" not in tags


def test_home_page_describes_the_organization_and_website(client, outlet):
    for url, language in (("/", "en"), ("/es/", "es")):
        graph = json_ld(head_of(client, url))
        organization = of_type(graph, "Organization")
        assert organization["name"] == "The Test Ledger"
        assert organization["url"] == f"{ROOT}/"
        assert organization["logo"]["url"].startswith(ROOT)
        site = of_type(graph, "WebSite")
        assert site["url"] == ROOT + url and site["inLanguage"] == language
        assert site["publisher"] == {"@id": organization["@id"]}
        assert not [item for item in graph if item["@type"] == "BreadcrumbList"]
    tags = meta(head_of(client, "/"))
    assert tags["og:type"] == ["website"] and tags["og:url"] == [f"{ROOT}/"]


@pytest.mark.parametrize(("url", "trail"), [
    ("/topics/strikes/", [("The Test Ledger", "/"), ("Topics", "/topics/"), ("Strikes", "/topics/strikes/")]),
    ("/authors/rosa-marin/", [("The Test Ledger", "/"), ("Authors", "/authors/"),
                              ("Rosa Marín", "/authors/rosa-marin/")]),
    ("/topics/", [("The Test Ledger", "/"), ("Topics", "/topics/")]),
    ("/labor/", [("The Test Ledger", "/"), ("Labor", "/labor/")]),
])
def test_breadcrumbs_below_the_home_page(client, outlet, url, trail):
    outlet.add_article("Strike Wave")
    head = head_of(client, url)
    crumbs = of_type(json_ld(head), "BreadcrumbList")["itemListElement"]
    assert [(c["name"], c["item"]) for c in crumbs] == [(name, ROOT + path) for name, path in trail]
    tags = meta(head)
    assert tags["og:url"] == [ROOT + url]
    assert tags["og:title"] == [trail[-1][0]]


def test_author_page_shares_the_contributors_portrait(client, outlet, image_factory,
                                                     django_capture_on_commit_callbacks):
    outlet.add_article("Strike Wave")
    with django_capture_on_commit_callbacks(execute=True):
        outlet.author.photo = image_factory("Rosa", size=(400, 400))
        outlet.author.save()
    tags = meta(head_of(client, "/authors/rosa-marin/"))
    assert tags["og:image"][0].startswith(f"{ROOT}/media/images/")
    assert (tags["og:image:width"], tags["og:image:height"]) == (["320"], ["320"])
    assert tags["twitter:card"] == ["summary"]


def test_month_folder_breadcrumb_names_its_section(client, outlet):
    article = outlet.add_article("Filed Story")
    month = article.get_parent()
    crumbs = of_type(json_ld(head_of(client, month.url)), "BreadcrumbList")["itemListElement"]
    assert [c["item"] for c in crumbs] == [f"{ROOT}/", f"{ROOT}/labor/", month.full_url]


def test_archive_pages_beyond_the_first_have_their_own_og_url(client, outlet):
    outlet.add_articles(25)
    tags = meta(head_of(client, outlet.section.url + "?page=2"))
    assert tags["og:url"] == [f"{ROOT}/labor/?page=2"]


def test_pages_without_a_wagtail_page_have_no_metadata(client, outlet):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"og:title" not in response.content and b"ld+json" not in response.content
