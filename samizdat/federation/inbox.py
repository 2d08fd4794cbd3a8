"""Our inboxes: what other servers POST to us, checked, then acted upon.

Each step is a plain function that raises `Refused` (an HTTP status and a message for the sender):
the body must fit FEDERATION_MAX_INBOX_BYTES (413), be a JSON object with an id, a type and an
actor (400), come from a server that is not blocked (403, before anything is fetched), and carry a
valid signature by the key of that actor (401, nothing stored). An activity id we already have
answers 202 and changes nothing. Then, by type:

- Follow of one of our actors → a Follower (reopened after an unfollow) and a signed Accept queued;
- Undo of a Follow → the follow ends (`removed_at`);
- Create of a Note/Article replying to one of our articles or mentioning one of our actors →
  a Reply for editors to read, never published; Update of it → its text updated;
- Delete of an account → its follows end; Delete of a post → its Reply goes;
- Update of an account → its cached RemoteActor refreshed from the signed document;
- anything else (Accept, Reject, Like, Announce, unknown types) → 202, ignored.

Nothing here answers 500: an unexpected failure is logged and answered 400 (503 for a database
that is down, so the sender retries).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from wagtail.models import Page, Site

from samizdat.core.sanitize import sanitize_remote_html
from samizdat.federation import actors, delivery
from samizdat.federation.models import Actor, Follower, ReceivedActivity, RemoteActor, Reply
from samizdat.federation.remote import (
    ACTOR_TYPES,
    URL_MAX,
    FetchError,
    host_of,
    is_blocked_url,
    parse_actor,
    ref,
    store_actor,
    verify_signed,
)
from samizdat.federation.signatures import SignatureError

logger = logging.getLogger(__name__)

POST_TYPES = ("Note", "Article", "Page", "Question")


@dataclass
class Refused(Exception):
    """The request is refused with this HTTP status and message."""

    status: int
    message: str


def refuse(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def accepted(note: str) -> HttpResponse:
    """202: taken (or knowingly ignored); `note` says which, for the sender's logs."""
    return JsonResponse({"status": note}, status=202)


# --- Checks --------------------------------------------------------------------------------------


def read_body(request: HttpRequest) -> bytes:
    """The request body, at most FEDERATION_MAX_INBOX_BYTES (checked on Content-Length and on the read)."""
    limit = int(settings.FEDERATION_MAX_INBOX_BYTES)
    too_big = Refused(413, f"The body is larger than {limit} bytes.")
    length = request.META.get("CONTENT_LENGTH") or ""
    if length.strip().isdigit() and int(length) > limit:
        raise too_big
    try:
        body = request.read(limit + 1)
    except RequestDataTooBig:  # a chunked body past the site's cap for this path (core.limits)
        raise too_big from None
    if len(body) > limit:
        raise too_big
    return body


def parse_activity(body: bytes) -> dict:
    """The activity in a body: a JSON object with an http(s) id, a type and an actor."""
    try:
        activity = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise Refused(400, f"The body is not valid JSON: {error}"[:300]) from error
    if not isinstance(activity, dict):
        raise Refused(400, "The body is not a JSON object.")
    activity_id = activity.get("id")
    if not isinstance(activity_id, str) or not activity_id.startswith(("https://", "http://")):
        raise Refused(400, "The activity has no http(s) id.")
    if len(activity_id) > URL_MAX:
        raise Refused(400, f"The activity id is longer than {URL_MAX} characters.")
    if not isinstance(activity.get("type"), str) or not activity["type"]:
        raise Refused(400, "The activity has no type.")
    if not actor_of(activity):
        raise Refused(400, "The activity has no actor.")
    return activity


def refs(value: object) -> list[str]:
    """The ids of a reference or a list of them."""
    items = value if isinstance(value, list) else [value]
    return [found for found in (ref(item) for item in items) if found]


def actor_of(activity: dict) -> str:
    found = ref(activity.get("actor"))
    return found if found.startswith(("https://", "http://")) else ""


def check_blocked(activity: dict) -> None:
    """403 for an activity from a blocked server (or one under a blocked domain)."""
    if is_blocked_url(actor_of(activity)):
        raise Refused(403, f"The server {host_of(actor_of(activity))} is blocked here.")


def check_signature(request: HttpRequest, body: bytes, activity: dict) -> RemoteActor:
    """The account that signed the request, which must be the activity's actor (401 otherwise)."""
    try:
        signer = verify_signed(request.method or "POST", request.build_absolute_uri(), request.headers, body)
    except SignatureError as error:
        raise Refused(401, str(error)) from error
    if signer.uri != actor_of(activity):
        raise Refused(401, f"The request is signed by {signer.uri[:200]}, not by the activity's actor.")
    return signer


# --- Our side ------------------------------------------------------------------------------------


def _local_path(uri: str, base: str) -> str | None:
    """The path of `uri` (without query nor fragment) when it is an address on our site `base`."""
    if not uri or not uri.startswith(base + "/"):
        return None
    return uri[len(base):].split("?")[0].split("#")[0]


def local_actor(uri: str, base: str | None = None) -> Actor | None:
    """Our actor with this id (made on first use, like the actor document), or None. `base`:
    our root URL, when the caller has already read it."""
    path = _local_path(uri, base or actors.base_url())
    if path is None:
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.view_name != "federation:actor":
        return None
    return actors.actor_for_username(match.kwargs["username"])


def our_article(uri: str) -> Page | None:
    """The page this URI names: our article object (/ap/articles/<id>) or the page's own URL."""
    base = actors.base_url()
    path = _local_path(uri, base)
    if path is None:
        return None
    try:
        match = resolve(path)
        if match.view_name == "federation:article":
            return Page.objects.filter(pk=match.kwargs["page_id"]).first()
    except Resolver404:
        pass
    wanted = uri.split("?")[0].split("#")[0].rstrip("/")
    candidates = set()
    for root in Site.get_site_root_paths():
        if root.root_url.rstrip("/") != base:
            continue
        rest = path
        prefix = f"/{root.language_code}/"
        if root.language_code != settings.LANGUAGE_CODE and path.startswith(prefix):
            rest = path[len(prefix) - 1:]
        candidates.add(root.root_path.rstrip("/") + "/" + rest.strip("/") + "/")
    for page in Page.objects.filter(url_path__in=candidates).order_by("pk"):
        full = page.get_full_url()
        if full and full.rstrip("/") == wanted:
            return page
    return None


# --- Activities ----------------------------------------------------------------------------------


def on_follow(activity: dict, remote: RemoteActor) -> str:
    actor = local_actor(ref(activity.get("object")))
    if actor is None or actor.kind == Actor.Kind.INSTANCE:
        return "ignored: not a follow of one of our accounts"
    follow_id = activity["id"]
    follower = Follower.objects.select_for_update().filter(actor=actor, remote=remote).first()
    if follower is None:
        Follower.objects.create(actor=actor, remote=remote, follow_id=follow_id)
    elif follower.removed_at is not None:
        follower.removed_at, follower.follow_id, follower.created_at = None, follow_id, timezone.now()
        follower.save(update_fields=["removed_at", "follow_id", "created_at"])
    elif follower.follow_id != follow_id:
        follower.follow_id = follow_id
        follower.save(update_fields=["follow_id"])
    delivery.send_accept(actor, activity, remote)
    return "followed"


def on_undo(activity: dict, remote: RemoteActor) -> str:
    obj = activity.get("object")
    inner_type = obj.get("type") if isinstance(obj, dict) else None
    if inner_type not in (None, "Follow"):
        return f"ignored: Undo {inner_type}"[:100]
    follows = Follower.objects.filter(remote=remote, removed_at__isnull=True)
    by_id = follows.filter(follow_id=ref(obj))
    if not by_id.exists() and isinstance(obj, dict):
        actor = local_actor(ref(obj.get("object")))
        by_id = follows.filter(actor=actor) if actor is not None else follows.none()
    return "unfollowed" if by_id.update(removed_at=timezone.now()) else "ignored: no such follow"


def reply_fields(obj: dict) -> dict:
    content = obj.get("content")
    if not isinstance(content, str):
        content_map = obj.get("contentMap")
        values = [value for value in content_map.values() if isinstance(value, str)] \
            if isinstance(content_map, dict) else []
        content = values[0] if values else ""
    published = parse_datetime(obj["published"]) if isinstance(obj.get("published"), str) else None
    url = next((item for item in refs(obj.get("url")) if item.startswith(("https://", "http://"))), "")
    fields = {"content": sanitize_remote_html(content), "url": url if len(url) <= URL_MAX else ""}
    if published is not None and published.tzinfo is not None:
        fields["published"] = published
    return fields


def authored_post(activity: dict, remote: RemoteActor) -> dict | None:
    """The activity's object when it is a post by the signer on the signer's server."""
    obj = activity.get("object")
    if not isinstance(obj, dict) or obj.get("type") not in POST_TYPES:
        return None
    object_id = ref(obj)
    if not object_id.startswith(("https://", "http://")) or len(object_id) > URL_MAX:
        return None
    if host_of(object_id) != host_of(remote.uri) or remote.uri not in refs(obj.get("attributedTo")):
        return None
    return obj


def addressed_to_us(obj: dict) -> bool:
    """Whether the post mentions one of our actors (a Mention tag, or in to/cc)."""
    tags = obj.get("tag") if isinstance(obj.get("tag"), list) else [obj.get("tag")]
    mentioned = {ref(tag) for tag in tags if isinstance(tag, dict) and tag.get("type") == "Mention"}
    mentioned |= set(refs(obj.get("to"))) | set(refs(obj.get("cc")))
    base = actors.base_url()
    return any(local_actor(uri, base) is not None for uri in mentioned)


def on_create(activity: dict, remote: RemoteActor) -> str:
    obj = authored_post(activity, remote)
    if obj is None:
        return "ignored: not a post by the signer"
    in_reply_to = ref(obj.get("inReplyTo"))
    article = our_article(in_reply_to)
    if article is None and not addressed_to_us(obj):
        return "ignored: neither a reply to our articles nor a mention of us"
    if Reply.objects.filter(object_uri=obj["id"]).exists():
        return "ignored: reply already stored"
    Reply.objects.create(object_uri=obj["id"], remote=remote, article=article,
                         in_reply_to=in_reply_to if len(in_reply_to) <= URL_MAX else "", **reply_fields(obj))
    return "reply stored for the editors"


def on_update(activity: dict, remote: RemoteActor) -> str:
    obj = activity.get("object")
    if isinstance(obj, dict) and (obj.get("type") in ACTOR_TYPES):
        if ref(obj) != remote.uri:
            return "ignored: an update of another account"
        try:
            store_actor(parse_actor(obj, remote.uri))
        except FetchError as error:
            return f"ignored: {error}"[:200]
        return "account updated"
    post = authored_post(activity, remote)
    if post is not None:
        fields = reply_fields(post)
        fields.pop("published", None)
        if Reply.objects.filter(object_uri=post["id"], remote=remote).update(**fields):
            return "reply updated"
    return "ignored: nothing of ours to update"


def on_delete(activity: dict, remote: RemoteActor) -> str:
    target = ref(activity.get("object"))
    if target == remote.uri:
        Follower.objects.filter(remote=remote, removed_at__isnull=True).update(removed_at=timezone.now())
        return "account's follows ended"
    deleted, _by_model = Reply.objects.filter(object_uri=target, remote=remote).delete()
    return "reply deleted" if deleted else "ignored: nothing of ours to delete"


HANDLERS = {"Follow": on_follow, "Undo": on_undo, "Create": on_create, "Update": on_update,
            "Delete": on_delete}


def handle(activity: dict, remote: RemoteActor) -> str:
    """Record the activity's id and act on it, once: a replay (even a concurrent one) changes nothing."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                ReceivedActivity.objects.create(activity_id=activity["id"], type=activity["type"][:40],
                                                actor_uri=remote.uri)
        except IntegrityError:
            return "ignored: already received"
        handler = HANDLERS.get(activity["type"])
        return handler(activity, remote) if handler else f"ignored: {activity['type']}"[:100]


# --- Views ---------------------------------------------------------------------------------------


def is_unverifiable_delete(activity: dict) -> bool:
    """A Delete of an account we never knew (its key is gone with it): nothing to do."""
    actor = actor_of(activity)
    return (activity.get("type") == "Delete" and ref(activity.get("object")) == actor
            and not RemoteActor.objects.filter(uri=actor).exists())


def receive(request: HttpRequest, actor: Actor | None = None) -> HttpResponse:
    """Check and handle one POST to an inbox (ours: `actor`'s own, or the shared one when None)."""
    try:
        body = read_body(request)
        activity = parse_activity(body)
        check_blocked(activity)
        try:
            remote = check_signature(request, body, activity)
        except Refused:
            if is_unverifiable_delete(activity):
                return accepted("ignored: an account we never knew")
            raise
        return accepted(handle(activity, remote))
    except Refused as refusal:
        return refuse(refusal.status, refusal.message)
    except DatabaseError:
        logger.exception("The inbox could not store an activity")
        return refuse(503, "The activity could not be stored just now; try again later.")
    except Exception:
        logger.exception("The inbox could not handle an activity")
        return refuse(400, "The activity could not be handled.")


@csrf_exempt
@require_POST
def inbox_view(request: HttpRequest, username: str) -> HttpResponse:
    """POST /ap/actors/<username>/inbox: 404 for an account we do not have."""
    actor = actors.actor_for_username(username)
    if actor is None:
        return refuse(404, f"There is no account {username!r} here.")
    return receive(request, actor)


@csrf_exempt
@require_POST
def shared_inbox_view(request: HttpRequest) -> HttpResponse:
    """POST /ap/inbox: the whole server's inbox."""
    return receive(request)
