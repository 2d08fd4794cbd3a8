"""Queue index updates when articles are published, unpublished, moved or deleted.

The work runs in background tasks once the editor's transaction commits, never in the
editor's request (with the immediate backend it runs in-process at that point).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from samizdat.articles.models import ArticlePage, Topic
from samizdat.people.models import Person


def enqueue_index(sender, instance, **kwargs) -> None:
    from samizdat.search.tasks import index_article

    article_id = instance.pk
    transaction.on_commit(lambda: index_article.enqueue(article_id))


def enqueue_removal(sender, instance, **kwargs) -> None:
    from samizdat.search.tasks import remove_from_index

    article_id = instance.pk
    transaction.on_commit(lambda: remove_from_index.enqueue(article_id))


def enqueue_reindex_of_byline(sender, instance: Person, **kwargs) -> None:
    """A contributor's name is searchable in every article they wrote: refresh those entries."""
    from samizdat.search.tasks import reindex_articles

    ids = list(ArticlePage.objects.filter(authors__person=instance).values_list("pk", flat=True))
    if ids:
        transaction.on_commit(lambda: reindex_articles.enqueue(ids))


def enqueue_reindex_of_topic(sender, instance: Topic, **kwargs) -> None:
    from samizdat.search.tasks import reindex_articles

    ids = list(instance.articles.values_list("pk", flat=True))
    if ids:
        transaction.on_commit(lambda: reindex_articles.enqueue(ids))


def connect() -> None:
    page_published.connect(enqueue_index, sender=ArticlePage, dispatch_uid="search-index-published")
    # A move can change the section, or put the article under a view restriction.
    post_page_move.connect(enqueue_index, sender=ArticlePage, dispatch_uid="search-index-moved")
    page_unpublished.connect(enqueue_removal, sender=ArticlePage, dispatch_uid="search-unpublished")
    post_delete.connect(enqueue_removal, sender=ArticlePage, dispatch_uid="search-deleted")
    post_save.connect(enqueue_reindex_of_byline, sender=Person, dispatch_uid="search-person-renamed")
    post_save.connect(enqueue_reindex_of_topic, sender=Topic, dispatch_uid="search-topic-renamed")
