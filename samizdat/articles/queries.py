"""One queryset helper per listing: what to select and prefetch lives here only.

Every public page builds its lists from these helpers so that the number of
queries a page makes does not grow with the amount of content.
"""

from __future__ import annotations

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from wagtail.models import Locale

from samizdat.articles.models import ArticleAuthor, ArticlePage, RelatedArticle, Topic
from samizdat.core.images import (
    attach_renditions,
    images_in_stream,
    with_renditions,
)
from samizdat.core.routing import exclude_restricted


def bylines() -> Prefetch:
    """Authors in their chosen order, with the person in the same query."""
    return Prefetch(
        "authors",
        queryset=ArticleAuthor.objects.select_related("person").order_by("sort_order"),
    )


def article_cards(locale: Locale | int | None = None) -> QuerySet[ArticlePage]:
    """Live articles, newest first, with everything an archive card shows."""
    queryset = exclude_restricted(ArticlePage.objects.live())
    if locale is not None:
        queryset = queryset.filter(locale=locale)
    queryset = queryset.select_related("section").prefetch_related(bylines())
    return with_renditions(queryset, "lead_image").order_by("-display_date", "-pk")


def related_articles(article: ArticlePage, limit: int = 3) -> list[ArticlePage]:
    """The editor's chosen related articles, else the newest sharing a topic.

    Chosen ones sort first, in the editor's order; if there are any, only they are shown.
    One query; the caller attaches the cards' image renditions.
    """
    chosen = RelatedArticle.objects.filter(article=article, related=OuterRef("pk"))
    shared_topics = Topic.objects.filter(articles=article).values("translation_key")
    sharing_a_topic = ArticlePage.topics.through.objects.filter(
        topic__translation_key__in=shared_topics
    ).values("articlepage_id")
    found = list(
        exclude_restricted(ArticlePage.objects.live())
        .filter(locale=article.locale_id)
        .select_related("section", "lead_image")
        .exclude(pk=article.pk)
        .filter(Q(pk__in=chosen.values("related")) | Q(pk__in=sharing_a_topic))
        .annotate(chosen_order=Subquery(chosen.values("sort_order")[:1]))
        .order_by(F("chosen_order").asc(nulls_last=True), "-display_date", "-pk")[:limit]
    )
    if found and found[0].chosen_order is not None:
        found = [related for related in found if related.chosen_order is not None]
    return found


def article_page_context(article: ArticlePage) -> dict:
    """Everything an article page shows beyond its own fields, in a fixed number of queries."""
    topics = list(article.topics.all())
    page_bylines = list(
        article.authors.select_related("person", "person__photo", "person__actor").order_by("sort_order")
    )
    related = related_articles(article)
    attach_renditions([
        article.lead_image,
        *images_in_stream(article.body),
        *(byline.person.photo for byline in page_bylines),
        *(card.lead_image for card in related),
    ])
    from samizdat.publications.queries import printed_in

    return {"bylines": page_bylines, "topics": topics, "related": related,
            "printed_in": printed_in(article)}


def ordered_items(relation) -> list:
    """Dossier items or series episodes whose articles are live, in editor order."""
    queryset = (
        relation.filter(article__live=True)
        .select_related("article", "article__section")
        .prefetch_related(
            Prefetch("article__authors", queryset=ArticleAuthor.objects.select_related("person"))
        )
        .order_by("sort_order")
    )
    return list(with_renditions(queryset, "article__lead_image"))
