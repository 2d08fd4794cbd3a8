"""Archive pagination: 20 a page, and any odd ?page= gives the nearest valid page."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PER_PAGE = 20


def paginate(request: HttpRequest, queryset: QuerySet, per_page: int = PER_PAGE) -> Page:
    """Return the requested page of `queryset`.

    `?page=abc`, `?page=0` or an over-long value give page 1; a number past the end
    gives the last page. Django's `get_page` already does exactly that.
    """
    raw = request.GET.get("page", "1")[:12]
    return Paginator(queryset, per_page).get_page(raw)
