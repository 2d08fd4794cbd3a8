"""Every public page type renders in a fixed number of queries, whatever the content size."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samizdat.articles.models import DossierItem, DossierPage, SeriesEpisode, VideoSeriesPage
from samizdat.home.models import FeaturedStory, SectionBlock

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


def queries_for(client, url: str) -> int:
    client.get(url)  # the first request fills the site and rendition caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    statements = [q["sql"].lstrip() for q in captured.captured_queries]
    writes = [sql for sql in statements if not sql.upper().startswith("SELECT")]
    assert writes == [], f"{url} wrote on a reader's request (an image rendition?): {writes}"
    return len(captured)


def full_article(outlet, related):
    """An article using every body block, two authors with photos and a chosen related link."""
    from conftest import make_image
    from samizdat.articles.models import ArticleAuthor, RelatedArticle
    from samizdat.people.models import Person

    photo = make_image("Portrait", size=(400, 400))
    outlet.author.photo = photo
    outlet.author.save()
    second = Person.objects.create(name="Karl Ortiz", slug="karl-ortiz", photo=make_image("Karl"))
    figure = make_image("Figure")
    poster = make_image("Poster")
    body = [
        ("paragraph", "<p>Opening paragraph.</p>"),
        ("heading", {"text": "What happened", "level": "h2"}),
        ("image", {"image": {"image": figure.pk, "decorative": False, "alt_text": "A crowd"},
                   "caption": "The crowd", "credit": ""}),
        ("image", {"image": {"image": photo.pk, "decorative": True, "alt_text": ""},
                   "caption": "", "credit": ""}),
        ("pull_quote", {"text": "We will not go back."}),
        ("block_quote", {"text": "An old song.", "attribution": "Anonymous"}),
        ("video", {"url": "https://peertube.example/w/kkGMgK9ZtnKfYAgnEtQxbv", "poster": poster.pk,
                   "caption": "The march"}),
        ("related_article", {"article": related.pk, "label": ""}),
    ]
    raw = json.dumps([{"type": kind, "value": value} for kind, value in body])
    article = outlet.add_article("Everything At Once", body=raw)
    ArticleAuthor.objects.create(article=article, person=second, sort_order=1)
    RelatedArticle.objects.create(article=article, related=related, sort_order=0)
    return article


def curated_outlet(outlet):
    """Home curation, a dossier, a video series and a video article on top of the outlet."""
    video = outlet.add_article("Picket Line Live", kind="video",
                               video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    lead = outlet.add_article("The Lead Story")
    full = full_article(outlet, related=video)
    home = outlet.home
    home.lead_story = lead
    home.featured.add(FeaturedStory(article=video))
    home.section_blocks.add(SectionBlock(section=outlet.section, count=4))
    home.save_revision().publish()
    dossier = outlet.home.add_child(instance=DossierPage(title="Strike Dossier", slug="strike-dossier"))
    series = outlet.home.add_child(instance=VideoSeriesPage(title="Basics", slug="basics"))
    for article in (video, lead):
        DossierItem.objects.create(dossier=dossier, article=article, note="Read this.")
        SeriesEpisode.objects.create(series=series, article=article)
    return {
        "home": "/",
        "home_es": "/es/",
        "section": outlet.section.url,
        "month": video.get_parent().url,
        "article": lead.url,
        "full_article": full.url,
        "video": video.url,
        "dossier": dossier.url,
        "series": series.url,
        "topics": "/topics/",
        "topic": "/topics/strikes/",
        "authors": "/authors/",
        "author": "/authors/rosa-marin/",
    }


def test_query_counts_are_small_and_do_not_grow_with_content(client, outlet):
    urls = curated_outlet(outlet)
    outlet.add_articles(20)
    small = {name: queries_for(client, url) for name, url in urls.items()}
    outlet.add_articles(480, prefix="More")
    large = {name: queries_for(client, url) for name, url in urls.items()}
    print("queries per page:", small)
    assert large == small
    assert max(small.values()) <= MAX_QUERIES, small
