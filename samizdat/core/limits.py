"""How large a request body each part of the site takes, checked before the body is read.

Readers' forms (newsletter, contact, letters, events, giving, search) need a few kilobytes, so
everything public takes at most PUBLIC_MAX_BODY_BYTES; REQUEST_BODY_LIMITS names the paths that
take more (the fediverse inboxes, payment and mail webhooks) or that keep only Django's own caps
(None: the admin, whose editors upload images and documents). The first matching path prefix wins.

A body declared larger (Content-Length) gets a 413 page unread; a body sent without a length
(chunked) is counted as it is read, and reading past the limit raises RequestBodyTooLarge, which
the 400 handler answers as a 413 too (see samizdat.core.views.bad_request).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)
CHUNK = 64 * 1024


class RequestBodyTooLarge(RequestDataTooBig):
    """More of a request's body was read than its path takes."""


def body_limit(path: str) -> int | None:
    """The most bytes a request body to `path` may have; None: only Django's caps apply."""
    for prefix, limit in getattr(settings, "REQUEST_BODY_LIMITS", {}).items():
        if path.startswith(prefix):
            return None if limit is None else int(limit)
    return int(settings.PUBLIC_MAX_BODY_BYTES)


class CappedStream:
    """A request body stream that raises RequestBodyTooLarge once more than `limit` bytes are read."""

    def __init__(self, stream, limit: int) -> None:
        self.stream, self.limit, self.seen = stream, limit, 0

    def _count(self, data: bytes) -> bytes:
        self.seen += len(data)
        if self.seen > self.limit:
            raise RequestBodyTooLarge(f"The request body is larger than {self.limit} bytes.")
        return data

    def _room(self, size: int | None) -> int:
        room = self.limit + 1 - self.seen  # one byte past the limit tells a body that is over it
        return room if size is None or size < 0 else min(size, room)

    def read(self, size: int | None = -1) -> bytes:
        if size is not None and size >= 0:
            return self._count(self.stream.read(self._room(size)))
        parts = []
        while chunk := self._count(self.stream.read(self._room(CHUNK))):
            parts.append(chunk)
        return b"".join(parts)

    def readline(self, size: int | None = -1) -> bytes:
        return self._count(self.stream.readline(self._room(size)))

    def close(self) -> None:
        close = getattr(self.stream, "close", None)
        if close is not None:
            close()


def _declared_length(request: HttpRequest) -> int | None:
    length = (request.META.get("CONTENT_LENGTH") or "").strip()
    return int(length) if length.isascii() and length.isdigit() else None


class RequestBodyLimitMiddleware:
    """Refuse request bodies larger than their path takes (put it before anything that reads
    request.POST, CsrfViewMiddleware among them)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = body_limit(request.path_info)
        if limit is None:
            return self.get_response(request)
        declared = _declared_length(request)
        if declared is not None and declared > limit:
            from samizdat.core.views import request_too_large

            logger.warning("Refused a %d-byte %s body to %s (the limit is %d bytes)", declared,
                           request.method, request.path, limit)
            return request_too_large(request)
        environ = getattr(request, "environ", {})
        if not request.META.get("CONTENT_LENGTH") and environ.get("wsgi.input_terminated"):
            # No length (a chunked body): WSGIRequest would read nothing; read it, counted.
            request._stream = CappedStream(environ["wsgi.input"], limit)
        else:
            request._stream = CappedStream(request._stream, limit)
        return self.get_response(request)
