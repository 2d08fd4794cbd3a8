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
    """Lead, featured strip and section blocks.

    Ids are chosen first with light queries; then one card fetch (with bylines and
    renditions) loads exactly the stories shown.
    """
    cards = article_cards(locale=home.locale_id)
    featured_ids = list(home.featured.order_by("sort_order").values_list("article_id", flat=True))
    blocks = [b for b in home.section_blocks.select_related("section").order_by("sort_order")
              if b.section.live]
    chosen_ids = featured_ids + ([home.lead_story_id] if home.lead_story_id else [])
    live_chosen = set(cards.filter(pk__in=chosen_ids).values_list("pk", flat=True)) if chosen_ids else set()
    newest_ids = list(cards.values_list("id", flat=True)[: 1 + FEATURED_FALLBACK + LATEST_FALLBACK])

    lead_id = home.lead_story_id if home.lead_story_id in live_chosen else next(iter(newest_ids), None)
    featured = [pk for pk in featured_ids if pk in live_chosen and pk != lead_id]
    if not featured:
        featured = [pk for pk in newest_ids if pk != lead_id][:FEATURED_FALLBACK]
    shown = set(featured) | ({lead_id} if lead_id else set())

    # Enough per section that a block stays full when stories shown above are left out.
    heads = _section_heads(cards, {b.section_id: b.count + len(shown) for b in blocks}) if blocks else {}
    strip_ids = {
        b.section_id: [pk for pk in heads.get(b.section_id, []) if pk not in shown][: b.count]
        for b in blocks
    }
    latest = [] if blocks else [pk for pk in newest_ids if pk not in shown][:LATEST_FALLBACK]

    wanted = shown | set(latest) | {pk for ids in strip_ids.values() for pk in ids}
    by_id = {a.pk: a for a in cards.filter(pk__in=wanted)} if wanted else {}
    return FrontPage(
        lead=by_id.get(lead_id),
        featured=[by_id[pk] for pk in featured if pk in by_id],
        strips=[SectionStrip(b.section, [by_id[pk] for pk in strip_ids[b.section_id] if pk in by_id])
                for b in blocks],
        latest=[by_id[pk] for pk in latest if pk in by_id],
    )
