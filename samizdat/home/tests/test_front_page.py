"""The curated front page, with its fallbacks to the latest articles."""

from __future__ import annotations

import pytest

from samizdat.home.curation import front_page
from samizdat.home.models import FeaturedStory, SectionBlock

pytestmark = pytest.mark.django_db


def test_empty_curation_falls_back_to_latest(outlet):
    outlet.add_articles(6)
    front = front_page(outlet.home)
    assert front.lead.title == "Story 5"
    assert [a.title for a in front.featured] == ["Story 4", "Story 3", "Story 2", "Story 1"]
    assert [a.title for a in front.latest] == ["Story 0"]
    assert front.strips == []


def test_editors_choices_lead_and_feature(outlet):
    outlet.add_articles(6)
    chosen = outlet.add_article("Chosen Lead")
    older = outlet.add_article("Older Feature")
    home = outlet.home
    home.lead_story = chosen
    home.featured.add(FeaturedStory(article=older))
    home.section_blocks.add(SectionBlock(section=outlet.section, count=3))
    home.save()
    front = front_page(home)
    assert front.lead.title == "Chosen Lead"
    assert [a.title for a in front.featured] == ["Older Feature"]
    assert [s.section.title for s in front.strips] == ["Labor"]
    assert len(front.strips[0].articles) == 3
    assert front.latest == []


def test_unpublished_lead_story_falls_back(outlet):
    outlet.add_articles(2)
    gone = outlet.add_article("Withdrawn")
    home = outlet.home
    home.lead_story = gone
    home.save()
    gone.unpublish()
    assert front_page(home).lead.title == "Story 1"


def test_spanish_home_shows_spanish_articles_only(client, outlet):
    article = outlet.add_article("English Only")
    translation = article.copy_for_translation(outlet.es, copy_parents=True)
    translation.title, translation.dek = "Solo en español", "Resumen en español."
    translation.save_revision().publish()
    html = client.get("/es/").content.decode()
    assert "Solo en español" in html
    assert "English Only" not in html
    assert 'lang="es"' in html


def test_stories_shown_above_are_not_repeated_in_section_blocks(outlet):
    outlet.add_articles(8)
    home = outlet.home
    home.section_blocks.add(SectionBlock(section=outlet.section, count=3))
    home.save()
    front = front_page(home)
    assert front.lead.title == "Story 7"
    assert [a.title for a in front.featured] == ["Story 6", "Story 5", "Story 4", "Story 3"]
    assert [a.title for a in front.strips[0].articles] == ["Story 2", "Story 1", "Story 0"]
