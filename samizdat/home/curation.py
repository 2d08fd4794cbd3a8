"""Build the front page from the editors' choices, falling back to the latest articles."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from samizdat.articles.models import ArticlePage, SectionPage
from samizdat.articles.queries import article_cards

FEATURED_FALLBACK = 4
LATEST_FALLBACK = 8


@dataclass
class SectionStrip:
    section: SectionPage
    articles: list[ArticlePage] = field(default_factory=list)


@dataclass
class FrontPage:
    lead: ArticlePage | None
    featured: list[ArticlePage]
    strips: list[SectionStrip]
    latest: list[ArticlePage]


def _section_heads(cards, limits: dict[int, int]) -> dict[int, list[int]]:
    """The newest article ids of each section, as many as its block asks for."""
    ranked = (
        cards.filter(section__in=list(limits))
        .annotate(rank=Window(RowNumber(), partition_by=F("section_id"),
                              order_by=[F("display_date").desc(), F("id").desc()]))
        .filter(rank__lte=max(limits.values()))
        .values_list("section_id", "id")
    )
    heads: dict[int, list[int]] = {}
    for section_id, article_id in ranked:
        heads.setdefault(section_id, []).append(article_id)
    return {key: ids[: limits[key]] for key, ids in heads.items()}


def front_page(home) -> FrontPage:
    """Lead, featured strip and section blocks: ids first, then one card fetch for all."""
    cards = article_cards(locale=home.locale_id)
    featured_ids = list(home.featured.order_by("sort_order").values_list("article_id", flat=True))
    blocks = [b for b in home.section_blocks.select_related("section").order_by("sort_order")
              if b.section.live]
    newest_ids = list(
        cards.values_list("id", flat=True)[: 1 + FEATURED_FALLBACK + LATEST_FALLBACK]
    )
    # Spares per section, so a block stays full when stories shown above are left out of it.
    spare = 1 + max(len(featured_ids), FEATURED_FALLBACK)
    heads = _section_heads(cards, {b.section_id: b.count + spare for b in blocks}) if blocks else {}

    wanted = set(newest_ids) | set(featured_ids) | {home.lead_story_id} | {
        pk for ids in heads.values() for pk in ids
    }
    by_id = {a.pk: a for a in cards.filter(pk__in=wanted)}

    lead = by_id.get(home.lead_story_id) or (by_id.get(newest_ids[0]) if newest_ids else None)
    shown = {lead.pk} if lead else set()
    featured = [by_id[pk] for pk in featured_ids if pk in by_id and pk not in shown]
    if not featured:
        featured = [by_id[pk] for pk in newest_ids if pk not in shown][:FEATURED_FALLBACK]
    shown |= {a.pk for a in featured}
    strips = [
        SectionStrip(
            b.section,
            [by_id[pk] for pk in heads.get(b.section_id, []) if pk in by_id and pk not in shown][: b.count],
        )
        for b in blocks
    ]
    latest = [] if strips else [by_id[pk] for pk in newest_ids if pk not in shown][:LATEST_FALLBACK]
    return FrontPage(lead=lead, featured=featured, strips=strips, latest=latest)
