"""What other apps' events mean for the newsletter (an issue published, a letter signer opting in)."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from wagtail.signals import page_published


def issue_published(sender, instance, **kwargs) -> None:
    """Publishing an issue (now, or at its go-live time) sends it, once the publication is committed.

    `create_issue_send` makes sure an issue is sent only once and that an issue without lists or
    body sends nothing.
    """
    from samizdat.newsletter import sending

    transaction.on_commit(partial(sending.create_issue_send, instance))


def connect() -> None:
    """Connect the newsletter's signal handlers."""
    from samizdat.newsletter.issues import NewsletterIssuePage

    page_published.connect(issue_published, sender=NewsletterIssuePage,
                           dispatch_uid="newsletter_issue_published")
