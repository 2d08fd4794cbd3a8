"""ActivityPub, WebFinger, NodeInfo and host-meta: thin views over `documents`.

Every ActivityPub answer is application/activity+json with `Vary: Accept`; a browser asking for
an actor or an article (text/html, no ActivityPub type) is sent to its page instead.
"""

from __future__ import annotations

import importlib.metadata
import json
from urllib.parse import urlsplit
from xml.sax.saxutils import quoteattr

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from samizdat.federation import actors, documents
from samizdat.federation import inbox as inboxes
from samizdat.federation.models import Actor, Follower, OutgoingActivity

JRD = "application/jrd+json"
NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/2.1"
PROFILE_PAGE = "http://webfinger.net/rel/profile-page"

# The inbox views live in inbox.py.
inbox = inboxes.inbox_view
shared_inbox = inboxes.shared_inbox_view


# --- Discovery: WebFinger, host-meta, NodeInfo ------------------------------------------------


def _json(data: dict, content_type: str = "application/json", status: int = 200) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8", status=status)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _error(message: str, status: int, content_type: str = "application/json") -> HttpResponse:
    return _json({"error": message}, content_type, status)


class BadResource(ValueError):
    """A WebFinger resource that is not an acct: URI nor an address."""


def _same_host(host: str, at: documents.Origin) -> bool:
    """Whether `host` (with or without the default port) names this site."""
    ours = at.base.split("://", 1)[-1].lower()
    default_port = "443" if at.base.startswith("https:") else "80"
    return host.lower().rstrip(".") in (ours, f"{ours}:{default_port}")


def username_for_resource(resource: str, at: documents.Origin) -> str | None:
    """The username a WebFinger resource asks for; None if it is not one of ours (another host,
    another address); BadResource if it is malformed."""
    resource = resource.strip()
    if resource.lower().startswith(("http://", "https://")):
        try:
            parts = urlsplit(resource)
        except ValueError as exc:
            raise BadResource(resource) from exc
        if not parts.netloc or not _same_host(parts.netloc, at):
            return None
        try:
            match = resolve(parts.path)
        except Resolver404:
            return None
        if match.view_name != "federation:actor":
            return None
        return match.kwargs["username"]
    if resource.lower().startswith("acct:"):
        resource = resource[5:]
    name, sep, host = resource.lstrip("@").rpartition("@")
    if not sep or not name or not host or "@" in name or "/" in host or " " in resource:
        raise BadResource(resource)
    return name if _same_host(host, at) else None


@require_safe
def webfinger(request: HttpRequest) -> HttpResponse:
    """`/.well-known/webfinger?resource=acct:outlet@host` (or the actor's URL)."""
    resource = request.GET.get("resource", "")
    if not resource.strip():
        return _error("The resource parameter is required.", 400, JRD)
    at = documents.Origin.load()
    try:
        username = username_for_resource(resource, at)
    except BadResource:
        return _error("The resource is not an acct: URI nor an address.", 400, JRD)
    actor = _actor_or_none(username) if username else None
    if actor is None:
        return _error("No such account here.", 404, JRD)
    uri = at.actor(actor.username)
    page = documents.profile_url(actor, at)
    return _json({
        "subject": f"acct:{actor.username}@{at.base.split('://', 1)[-1]}",
        "aliases": [uri, page],
        "links": [
            {"rel": "self", "type": actors.ACTIVITY_JSON, "href": uri},
            {"rel": PROFILE_PAGE, "type": "text/html", "href": page},
        ],
    }, JRD)


@require_safe
def host_meta(request: HttpRequest) -> HttpResponse:
    """The WebFinger template as XRD (XML), or as JSON for clients that ask for it."""
    template = documents.Origin.load().uri("webfinger") + "?resource={uri}"
    accept = request.headers.get("Accept", "")
    if "json" in accept and "xml" not in accept:
        response = _json({"links": [{"rel": "lrdd", "template": template}]})
    else:
        xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
               '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
               f'  <Link rel="lrdd" template={quoteattr(template)}/>\n'
               '</XRD>\n')
        response = HttpResponse(xml, content_type="application/xrd+xml; charset=utf-8")
        response.headers["Access-Control-Allow-Origin"] = "*"
    patch_vary_headers(response, ["Accept"])
    return response


@require_safe
def nodeinfo_links(request: HttpRequest) -> HttpResponse:
    """Where our NodeInfo document is."""
    return _json({"links": [{"rel": NODEINFO_SCHEMA, "href": documents.Origin.load().uri("nodeinfo")}]})


def _software_version() -> str:
    try:
        return importlib.metadata.version("samizdat")
    except importlib.metadata.PackageNotFoundError:
        return "0"


@require_safe
def nodeinfo(request: HttpRequest) -> HttpResponse:
    """NodeInfo 2.1: what we run, who posts (the outlet's and federated authors' accounts), how much."""
    from wagtail.models import Locale

    from samizdat.articles.models import ArticlePage
    from samizdat.core.routing import exclude_restricted
    from samizdat.people.models import Person

    users = Locale.objects.count() + Person.objects.filter(federated=True).count()
    posts = exclude_restricted(ArticlePage.objects.live()).count()
    at = documents.Origin.load()
    return _json({
        "version": "2.1",
        "software": {"name": "samizdat", "version": _software_version()},
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": ["atom1.0", "rss2.0"]},
        "openRegistrations": False,
        "usage": {"users": {"total": users, "activeMonth": users, "activeHalfyear": users},
                  "localPosts": posts},
        "metadata": {"nodeName": at.name},
    }, f'application/json; profile="{NODEINFO_SCHEMA}#"')


# --- ActivityPub documents --------------------------------------------------------------------


def _wants_html(request: HttpRequest) -> bool:
    """A browser: it accepts HTML and names no ActivityPub type."""
    accept = request.headers.get("Accept", "").lower()
    if "application/activity+json" in accept or "application/ld+json" in accept:
        return False
    return "text/html" in accept


def _activity_json(data: dict, status: int = 200) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(body, content_type=f"{actors.ACTIVITY_JSON}; charset=utf-8", status=status)
    patch_vary_headers(response, ["Accept"])
    return response


def _not_found(message: str = "Not found.") -> HttpResponse:
    return _activity_json({"error": message}, status=404)


def _actor_or_none(username: str) -> Actor | None:
    return actors.actor_for_username(username) if len(username) <= 30 else None


@require_safe
def actor(request: HttpRequest, username: str) -> HttpResponse:
    """One of our actors as JSON; a browser goes to its page."""
    found = _actor_or_none(username)
    if found is None:
        return _not_found("No such account here.")
    if _wants_html(request):
        response = HttpResponseRedirect(documents.profile_url(found))
        patch_vary_headers(response, ["Accept"])
        return response
    return _activity_json(documents.actor_document(found))


def _articles_of(found: Actor):
    """The live, public articles an actor posts: its language's (the outlet), its bylines (an author)."""
    from samizdat.articles.models import ArticlePage
    from samizdat.core.routing import exclude_restricted

    articles = exclude_restricted(ArticlePage.objects.live())
    if found.kind == Actor.Kind.OUTLET:
        return articles.filter(locale_id=found.locale_id)
    if found.kind == Actor.Kind.AUTHOR:
        return articles.filter(authors__person_id=found.person_id)
    return articles.none()


@require_safe
def outbox(request: HttpRequest, username: str) -> HttpResponse:
    """The actor's newest articles, with the total count: a Create for those the actor sends (the
    first it is attributed to), an Announce for the others (the outlet's articles by its authors)."""
    found = _actor_or_none(username)
    if found is None:
        return _not_found("No such account here.")
    articles = _articles_of(found)
    total = articles.count()
    newest = list(articles.order_by("-display_date", "-pk")[:documents.OUTBOX_ITEMS]) if total else []
    at = documents.Origin.load()
    own = at.actor(found.username)
    items = [documents.create_activity(found, obj, activity_id=f"{obj['id']}#create", at=at)
             if documents.sender_uri(obj) == own else
             documents.announce_activity(found, obj, at=at,
                                         activity_id=f"{obj['id']}#announce-{found.username}")
             for obj in documents.article_objects(newest, at)]
    for item in items:
        item.pop("@context", None)
    uri = at.uri("outbox", found.username)
    return _activity_json(documents.ordered_collection(uri, total, items))


@require_safe
def followers(request: HttpRequest, username: str) -> HttpResponse:
    """How many follow the actor (the list itself is not published)."""
    found = _actor_or_none(username)
    if found is None:
        return _not_found("No such account here.")
    total = Follower.objects.filter(actor=found, removed_at__isnull=True).count()
    uri = documents.Origin.load().uri("followers", found.username)
    return _activity_json(documents.ordered_collection(uri, total))


def _featured_articles(found: Actor) -> list:
    """The featured stories of the home page of the outlet actor's language, live, in order."""
    from samizdat.core.routing import is_restricted
    from samizdat.home.models import FeaturedStory

    if found.kind != Actor.Kind.OUTLET:
        return []
    stories = (FeaturedStory.objects.filter(home__locale_id=found.locale_id, home__live=True,
                                            article__live=True)
               .select_related("article").order_by("home__path", "sort_order"))
    seen: dict[int, object] = {}
    for story in stories:
        if story.article_id not in seen and not is_restricted(story.article):
            seen[story.article_id] = story.article
    return list(seen.values())


@require_safe
def featured(request: HttpRequest, username: str) -> HttpResponse:
    """The pinned articles: the home page's featured stories."""
    found = _actor_or_none(username)
    if found is None:
        return _not_found("No such account here.")
    at = documents.Origin.load()
    items = documents.article_objects(_featured_articles(found), at)
    for item in items:
        item.pop("@context", None)
    uri = at.uri("featured", found.username)
    return _activity_json(documents.ordered_collection(uri, len(items), items))


@require_safe
def article_object(request: HttpRequest, page_id: int) -> HttpResponse:
    """A live article as an ActivityPub object; 410 with a Tombstone for one we sent and that is
    gone (unpublished or deleted); 404 for anything else."""
    from samizdat.articles.models import ArticlePage
    from samizdat.core.routing import is_restricted

    page = ArticlePage.objects.filter(pk=page_id, live=True).first() if page_id < 2**31 else None
    if page is None or is_restricted(page):
        object_id = documents.Origin.load().article(page_id) if page_id < 2**31 else ""
        gone = OutgoingActivity.objects.filter(object_uri=object_id).order_by("-created_at", "-pk").first() \
            if page is None and object_id else None
        if gone is not None:
            deleted = gone.created_at if gone.type == "Delete" else None
            return _activity_json(documents.tombstone(object_id, deleted), status=410)
        return _not_found("No such article.")
    if _wants_html(request):
        response = HttpResponseRedirect(page.get_full_url() or "/")
        patch_vary_headers(response, ["Accept"])
        return response
    return _activity_json(documents.article_object(page))
