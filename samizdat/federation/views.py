"""Thin views for ActivityPub and its discovery documents (filled in by the federation work)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse


def _not_yet(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    return JsonResponse({"error": "Not available yet."}, status=404)


webfinger = host_meta = nodeinfo_links = nodeinfo = shared_inbox = actor = inbox = outbox = _not_yet
followers = featured = article_object = _not_yet

from samizdat.federation import inbox as _inbox  # noqa: E402 - the inbox views live in inbox.py

inbox = _inbox.inbox_view
shared_inbox = _inbox.shared_inbox_view
