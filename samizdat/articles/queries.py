"""One queryset helper per listing: what to select and prefetch lives here only.

Every public page builds its lists from these helpers so that the number of
queries a page makes does not grow with the amount of content.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from wagtail.models import Locale

from samizdat.articles.models import ArticleAuthor, ArticlePage, Topic
from samizdat.core.images import with_renditions
from samizdat.core.routing import exclude_restricted

CARD_FIELDS = (
    "id", "title", "slug", "url_path", "path", "depth", "locale_id", "translation_key",
    "dek", "body", "kind", "display_date", "dateline", "lead_image", "section",
    "content_type_id", "live", "first_published_at",
)


def bylines() -> Prefetch:
    """Authors in their chosen order, with the person in the same query."""
    return Prefetch(
        "authors",
        queryset=ArticleAuthor.objects.select_related("person").order_by("sort_order"),
    )


def article_cards(locale: Locale | None = None) -> QuerySet[ArticlePage]:
    """Live articles, newest first, with everything an archive card shows."""
    queryset = exclude_restricted(ArticlePage.objects.live())
    if locale is not None:
        queryset = queryset.filter(locale=locale)
    queryset = queryset.select_related("section").prefetch_related(bylines())
    return with_renditions(queryset, "lead_image").order_by("-display_date", "-pk")


def related_articles(article: ArticlePage, topics: list[Topic], limit: int = 3) -> list[ArticlePage]:
    """The editor's chosen related articles, else the newest sharing a topic."""
    chosen_ids = [link.related_id for link in article.chosen_related.all()]
    queryset = article_cards(locale=article.locale_id).exclude(pk=article.pk)
    if chosen_ids:
        found = {a.pk: a for a in queryset.filter(pk__in=chosen_ids)}
        return [found[pk] for pk in chosen_ids if pk in found][:limit]
    if not topics:
        return []
    keys = [topic.translation_key for topic in topics]
    return list(queryset.filter(topics__translation_key__in=keys).distinct()[:limit])


def article_page_context(article: ArticlePage) -> dict:
    """Everything an article page shows beyond its own fields."""
    topics = list(article.topics.all())
    return {
        "bylines": list(
            article.authors.select_related("person").order_by("sort_order")
        ),
        "topics": topics,
        "related": related_articles(article, topics),
    }


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
