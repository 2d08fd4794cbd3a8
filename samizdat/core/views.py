"""Error pages in the site's design, and uploaded media for a server that serves its own.

None of these views reads the request's body: a malformed one (a form post in latin-1, a broken
multipart) is often why they run, and Django's own 400/403 views, decorated with
`requires_csrf_token`, parse it again and turn a 400 into a 500.
"""

from __future__ import annotations

import posixpath

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponse
from django.template import loader
from django.utils.translation import gettext_lazy as _
from django.views.static import serve as serve_static_file

# Media folders never served as files: documents go through Wagtail's document view, which applies
# collection restrictions (password, login) and counts downloads.
PRIVATE_MEDIA_FOLDERS = frozenset({"documents"})


def serve_media(request: HttpRequest, path: str) -> HttpResponse:
    """An uploaded file under MEDIA_ROOT (when the app serves media itself), never a document."""
    normalized = posixpath.normpath(path.replace("\\", "/")).lstrip("/")
    if normalized.split("/", 1)[0] in PRIVATE_MEDIA_FOLDERS:
        raise Http404("Documents are served at /documents/.")
    return serve_static_file(request, normalized, document_root=settings.MEDIA_ROOT)


def error_page(request: HttpRequest, status: int, title: str, explanation: str) -> HttpResponse:
    """A 4xx page in the site's design (templates/error.html) saying what went wrong."""
    context = {"error_title": title, "error_explanation": explanation}
    return HttpResponse(loader.render_to_string("error.html", context, request), status=status)


# Bodies refused for their size (samizdat.core.limits, Django's own caps): 413, not 400.
TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def request_too_large(request: HttpRequest) -> HttpResponse:
    """413: the body was larger than this address takes (see samizdat.core.limits)."""
    return error_page(request, 413, _("Too much sent"), _(
        "What was sent is larger than this form takes, so nothing was saved. Please go back, "
        "shorten it and try again."))


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400, or 413 when the body was too large or had too many fields or files."""
    if isinstance(exception, TOO_LARGE):
        return request_too_large(request)
    return error_page(request, 400, _("Bad request"), _(
        "The site could not read what your browser sent. If you were sending a form, go back, "
        "reload the page and send it again."))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 403, _("Not allowed"), _("You may not see this page."))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token (an old page, blocked cookies, another site)."""
    return error_page(request, 403, _("This form has expired"), _(
        "For your security, forms work only for a while after the page was opened, and need "
        "cookies allowed for this site. Go back, reload the page and send the form again."))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return HttpResponse(loader.render_to_string("404.html", {}, request), status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """A 500 page that needs no database and no request context."""
    return HttpResponse(loader.render_to_string("500.html", {}), status=500)

