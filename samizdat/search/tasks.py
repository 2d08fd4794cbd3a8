"""Background work that keeps the search index in step with what is published."""

from __future__ import annotations

from django_tasks import task

from samizdat.search import indexing


@task()
def index_article(article_id: int) -> bool:
    """Add or refresh an article's search entry (or drop it if it is no longer public)."""
    return indexing.index_article(article_id)


@task()
def remove_from_index(article_id: int) -> None:
    """Drop an article's search entry; nothing happens if there is none."""
    indexing.remove_from_index(article_id)


@task()
def reindex_articles(article_ids: list[int]) -> int:
    """Refresh the entries of several articles (a renamed author or topic), in batches."""
    return indexing.reindex(article_ids)
