"""Error pages in the site's design."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views import defaults


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return HttpResponse(loader.render_to_string("404.html", {}, request), status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """A 500 page that needs no database and no request context."""
    return HttpResponse(loader.render_to_string("500.html", {}), status=500)


TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def request_too_large(request: HttpRequest) -> HttpResponse:
    """413: the body was larger than this address takes (see samizdat.core.limits)."""
    return HttpResponse(loader.render_to_string("request_too_large.html", {}, request), status=413)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400, or 413 when the body was too large or had too many fields or files."""
    if isinstance(exception, TOO_LARGE):
        return request_too_large(request)
    return defaults.bad_request(request, exception)
