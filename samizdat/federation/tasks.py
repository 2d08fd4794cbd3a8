"""Background tasks of the fediverse: sending an article's activity, delivering to inboxes."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver(delivery_ids: list[int]) -> dict[str, int]:
    """POST these pending deliveries that are due; safe to run twice (see `delivery.deliver_now`)."""
    from samizdat.federation.delivery import deliver_now

    return deliver_now(delivery_ids)


@task()
def federate_article_task(page_id: int) -> str:
    """Send a published article out: Create the first time, Update afterwards; the type sent, or ""."""
    from samizdat.articles.models import ArticlePage
    from samizdat.federation.delivery import federate_article

    page = ArticlePage.objects.filter(pk=page_id).first()
    if page is None:
        return ""
    activity = federate_article(page)
    return activity.type if activity else ""


@task()
def retract_article_task(page_id: int, object_uri: str = "") -> str:
    """Send a Delete of an unpublished or deleted article if it went out; "Delete" or "".
    (`object_uri`: the article's id, as tasks queued by earlier versions carry it.)"""
    from samizdat.articles.models import ArticlePage
    from samizdat.federation.delivery import federable, retract_article

    page = ArticlePage.objects.filter(pk=page_id).first()
    if page is not None and federable(page):
        return ""  # published again (or the restriction lifted) before this ran
    activity = retract_article(page_id, object_uri or None)
    return activity.type if activity else ""


@task()
def retract_restricted_articles_task(page_id: int) -> int:
    """Delete from the fediverse the articles at and under a page that a password or login now
    guards, if they went out; how many Deletes were sent."""
    from samizdat.federation.delivery import retract_restricted

    return retract_restricted(page_id)


@task()
def retry_due_deliveries_task() -> int:
    """The every-minute tick: queue deliveries that are due (see `delivery.retry_due_deliveries`)."""
    from samizdat.federation.delivery import retry_due_deliveries

    return retry_due_deliveries()
