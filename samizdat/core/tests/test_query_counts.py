"""Every public page type renders in a fixed number of queries, whatever the content size."""

from __future__ import annotations

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
    return len(captured)


def curated_outlet(outlet):
    """Home curation, a dossier, a video series and a video article on top of the outlet."""
    video = outlet.add_article("Picket Line Live", kind="video",
                               video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    lead = outlet.add_article("The Lead Story")
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
    assert large == small
    assert max(small.values()) <= MAX_QUERIES, small
