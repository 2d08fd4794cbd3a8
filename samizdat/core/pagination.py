"""Archive pagination: 20 a page, and any odd ?page= gives the nearest valid page."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PER_PAGE = 20


def requested_page_number(request: HttpRequest) -> int:
    """The ?page= number, read leniently: not a number means 1, below 1 means 1."""
    raw = request.GET.get("page", "1").strip()
    if not (raw.isascii() and raw.isdigit()):
        return 1
    return max(int(raw[:12]), 1)


def paginate(request: HttpRequest, queryset: QuerySet, per_page: int = PER_PAGE) -> Page:
    """The requested page of `queryset`; a number past the end gives the last page."""
    paginator = Paginator(queryset, per_page)
    return paginator.page(min(requested_page_number(request), paginator.num_pages))
