"""Download counting: one row per document per day, no personal data."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Sum
from django.utils import timezone

from samizdat.publications.models import DownloadCount


def record_download(document_id: int, day: datetime.date | None = None) -> None:
    """Add one download of a document to today's count, safely under concurrent requests.

    An atomic F() update; on the first download of the day the row is created, and if
    another request created it in between, the update is simply retried.
    """
    day = day or timezone.localdate()
    rows = DownloadCount.objects.filter(document_id=document_id, day=day)
    if rows.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            _count, created = DownloadCount.objects.get_or_create(
                document_id=document_id, day=day, defaults={"count": 1}
            )
    except IntegrityError:
        created = False
    if not created:
        rows.update(count=F("count") + 1)


def download_totals() -> list[dict]:
    """Every downloaded document with its total downloads and last day, most downloaded first."""
    return list(
        DownloadCount.objects.values("document_id", "document__title")
        .annotate(total=Sum("count"), last_day=Max("day"))
        .order_by("-total", "document__title")
    )


def downloads_of(document_ids: list[int]) -> int:
    """Total downloads of some documents (an issue's or a book's files)."""
    ids = [pk for pk in document_ids if pk]
    if not ids:
        return 0
    return DownloadCount.objects.filter(document_id__in=ids).aggregate(total=Sum("count"))["total"] or 0
