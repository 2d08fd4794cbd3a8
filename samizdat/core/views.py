"""Error pages in the site's design."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import loader


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return HttpResponse(loader.render_to_string("404.html", {}, request), status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """A 500 page that needs no database and no request context."""
    return HttpResponse(loader.render_to_string("500.html", {}), status=500)
