"""Build and drop search entries. Tasks, signals and the rebuild command all come through here."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Case, QuerySet, Value, When

from samizdat.articles.models import ArticlePage
from samizdat.core.routing import is_restricted
from samizdat.search.models import SearchEntry
from samizdat.search.text import CONFIGS, SIMPLE, body_text, clean_text, fold


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def language_of(article: ArticlePage) -> str:
    return article.locale.language_code.split("-")[0].lower()


def entry_fields(article: ArticlePage) -> dict:
    """Everything a search entry stores about an article, except the tsvectors."""
    names = [byline.person.name for byline in article.authors.all()]
    names += [topic.name for topic in article.topics.all()]
    fields = {
        "language": language_of(article),
        "section_id": article.section_id,
        "kind": article.kind,
        "display_date": article.display_date,
        "title": clean_text(article.title),
        "dek": clean_text(article.dek),
        "people_and_topics": clean_text(" · ".join(names)),
        "body": body_text(article.body, extra=[article.lead_image_caption]),
    }
    if not uses_postgres():
        fields["folded_title"] = fold(fields["title"])
        fields["folded_meta"] = fold(f"{fields['dek']} {fields['people_and_topics']}")
        fields["folded_body"] = fold(fields["body"])
    return fields


def config_expression() -> Case:
    """Each row's text-search configuration, from its language column."""
    return Case(
        *[When(language=code, then=Value(config)) for code, config in CONFIGS.items()],
        default=Value(SIMPLE),
    )


def vector_updates() -> dict:
    """The UPDATE assignments that (re)build both tsvectors from the stored text."""
    config = config_expression()
    rank = SearchVector("title", weight="A", config=config) + SearchVector(
        "dek", "people_and_topics", weight="B", config=config
    )
    return {"search_vector": rank + SearchVector("body", weight="C", config=config), "rank_vector": rank}


def update_vectors(entries: QuerySet[SearchEntry]) -> int:
    """Rebuild the tsvectors of `entries` in one UPDATE (PostgreSQL only; 0 elsewhere)."""
    if not uses_postgres():
        return 0
    return entries.update(**vector_updates())


def indexable_articles() -> QuerySet[ArticlePage]:
    """Live articles with what entry_fields() reads, prefetched."""
    return with_entry_fields(ArticlePage.objects.live())


def with_entry_fields(articles: QuerySet[ArticlePage]) -> QuerySet[ArticlePage]:
    """`articles` with what entry_fields() reads, prefetched."""
    return articles.select_related("locale").prefetch_related("authors__person", "topics")


def is_indexable(article: ArticlePage | None) -> bool:
    """Live and public: pages under a view restriction stay out of the index."""
    return article is not None and article.live and not is_restricted(article)


def index_article(article_id: int) -> bool:
    """Add or refresh one article's entry, or drop it if the article is no longer public.

    Returns whether the article is in the index afterwards. Safe to run any number of times.
    """
    article = indexable_articles().filter(pk=article_id).first()
    if not is_indexable(article):
        remove_from_index(article_id)
        return False
    with transaction.atomic():
        SearchEntry.objects.update_or_create(article_id=article_id, defaults=entry_fields(article))
        update_vectors(SearchEntry.objects.filter(pk=article_id))
    return True


def remove_from_index(article_id: int) -> None:
    SearchEntry.objects.filter(pk=article_id).delete()


ENTRY_FIELDS = [
    "language", "section", "kind", "display_date", "title", "dek", "people_and_topics", "body",
    "folded_title", "folded_meta", "folded_body",
]


def index_batch(articles: Iterable[ArticlePage]) -> int:
    """Index a batch of fetched articles in a few bulk statements; returns how many are indexed.

    Articles of the batch that are not indexable (restricted) lose their entry.
    """
    articles = list(articles)
    rows = [SearchEntry(article_id=a.pk, **entry_fields(a)) for a in articles if is_indexable(a)]
    kept = {row.article_id for row in rows}
    with transaction.atomic():
        SearchEntry.objects.filter(pk__in=[a.pk for a in articles if a.pk not in kept]).delete()
        if rows:
            SearchEntry.objects.bulk_create(
                rows, update_conflicts=True, unique_fields=["article"], update_fields=ENTRY_FIELDS
            )
            update_vectors(SearchEntry.objects.filter(pk__in=kept))
    return len(rows)


def reindex(article_ids: list[int], batch_size: int = 500) -> int:
    """Refresh the entries of the given articles that are in the index; returns how many."""
    ids = sorted(SearchEntry.objects.filter(pk__in=article_ids).values_list("pk", flat=True))
    count = 0
    for start in range(0, len(ids), batch_size):
        count += index_batch(indexable_articles().filter(pk__in=ids[start:start + batch_size]))
    return count


def rebuild(batch_size: int = 500) -> int:
    """Re-index every live public article in batches, drop every other entry; returns the count."""
    count = 0
    ids = list(indexable_articles().order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        count += index_batch(indexable_articles().filter(pk__in=ids[start:start + batch_size]))
    SearchEntry.objects.exclude(article__live=True).delete()
    return count
