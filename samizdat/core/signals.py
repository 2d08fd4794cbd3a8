"""Enqueue rendition work when an image is saved, after the transaction commits."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from samizdat.core.models import OutletImage


def enqueue_renditions(image_id: int | None) -> None:
    """Queue the rendition task for an image once the current transaction commits."""
    if image_id is None:
        return
    from samizdat.core.tasks import generate_renditions

    transaction.on_commit(lambda: generate_renditions.enqueue(image_id))


@receiver(post_save, sender=OutletImage)
def image_saved(sender, instance: OutletImage, update_fields=None, **kwargs) -> None:
    if update_fields and set(update_fields) <= {"file_hash", "file_size"}:
        return
    enqueue_renditions(instance.pk)
