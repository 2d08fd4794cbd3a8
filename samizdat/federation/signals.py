"""Articles going out to the fediverse when they are published, edited, unpublished or deleted.

The handlers only queue a task once the transaction commits: publishing never waits on the
fediverse. What was sent before (OutgoingActivity rows by object id) decides Create or Update,
and whether there is anything to Delete.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete
from wagtail.signals import page_published, page_unpublished


def _is_article(instance) -> bool:
    from samizdat.articles.models import ArticlePage

    return isinstance(instance, ArticlePage)


def article_published(sender, instance=None, **kwargs) -> None:
    if not _is_article(instance):
        return
    from samizdat.federation.tasks import federate_article_task

    page_id = instance.pk
    transaction.on_commit(lambda: federate_article_task.enqueue(page_id))


def article_withdrawn(sender, instance=None, **kwargs) -> None:
    """Unpublished or deleted: a Delete goes out if the article had gone out."""
    if not _is_article(instance) or instance.pk is None:
        return
    from samizdat.federation.delivery import article_uri
    from samizdat.federation.tasks import retract_article_task

    page_id = instance.pk
    object_uri = article_uri(page_id)
    transaction.on_commit(lambda: retract_article_task.enqueue(page_id, object_uri))


def connect_signals() -> None:
    from samizdat.articles.models import ArticlePage

    page_published.connect(article_published, dispatch_uid="federation-page-published")
    page_unpublished.connect(article_withdrawn, dispatch_uid="federation-page-unpublished")
    post_delete.connect(article_withdrawn, sender=ArticlePage, dispatch_uid="federation-article-deleted")
