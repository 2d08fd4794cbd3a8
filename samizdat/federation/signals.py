"""Articles going out to the fediverse when they are published, edited, unpublished or deleted.

The handlers only queue a task once the transaction commits: publishing never waits on the
fediverse. What was sent before (OutgoingActivity rows by object id) decides Create or Update,
and whether there is anything to Delete. A password or login put on a page withdraws the
articles that had gone out; lifting it sends nothing until an article is published again.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
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
    from samizdat.federation.tasks import retract_article_task

    page_id = instance.pk  # the task finds the article's id from it (the page may be gone by then)
    transaction.on_commit(lambda: retract_article_task.enqueue(page_id))


def restriction_added(sender, instance=None, created: bool = False, **kwargs) -> None:
    """A password or login now guards a page: its articles (and those under it) that went out are
    withdrawn from the fediverse with a Delete, as if unpublished."""
    if not created or instance is None or not instance.page_id:
        return
    from samizdat.federation.tasks import retract_restricted_articles_task

    page_id = instance.page_id
    transaction.on_commit(lambda: retract_restricted_articles_task.enqueue(page_id))


def connect_signals() -> None:
    from wagtail.models import PageViewRestriction

    from samizdat.articles.models import ArticlePage

    page_published.connect(article_published, dispatch_uid="federation-page-published")
    page_unpublished.connect(article_withdrawn, dispatch_uid="federation-page-unpublished")
    post_delete.connect(article_withdrawn, sender=ArticlePage, dispatch_uid="federation-article-deleted")
    post_save.connect(restriction_added, sender=PageViewRestriction, dispatch_uid="federation-restricted")
