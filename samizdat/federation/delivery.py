"""Sending our activities: what to send (Accept, Create, Update, Delete), to which inboxes, and how
each POST went.

An activity is recorded once (`OutgoingActivity`) with one `Delivery` per inbox: the follower's own
inbox for an Accept, otherwise one per distinct inbox of the followers of the actors concerned —
a server's shared inbox when it has one, so a server with 500 followers gets one request. Tasks
(samizdat.federation.tasks) POST them in batches, signed by the activity's actor.

A delivery's life: pending (due at `next_attempt_at`) → delivered, or failed (a 4xx answer, a
blocked or unreachable server, or no success within FEDERATION_RETRY_HOURS). A worker claims a
pending delivery by moving its `next_attempt_at` a lease ahead (a conditional UPDATE, with SKIP
LOCKED on PostgreSQL), so two workers never POST the same delivery at once and a crashed worker's
claims come due again for `retry_due_deliveries`. Answers are recorded as they come (a database
restart is ridden out), so a worker that dies mid-batch leaves only its requests in flight to be
sent again: delivery is at least once, and receivers know an activity by its id. Failures that
may pass (5xx, 429, timeouts, refused connections) are retried after 1 min, 5 min, 30 min, 2 h,
6 h, then every 12 h.

An inbox that fails UNREACHABLE_FAILURES times in a row with no success for a day is marked
unreachable: new activities are recorded as failed for it without a request, except one at a
time that keeps probing it with the normal retries; its first success clears the mark.
"""

from __future__ import annotations

import datetime
import http.client
import json
import logging
import uuid
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from samizdat.core.outages import ride_out
from samizdat.federation import actors, addresses, documents
from samizdat.federation.models import (
    Actor,
    Delivery,
    Follower,
    Inbox,
    OutgoingActivity,
    RemoteActor,
)
from samizdat.federation.services import blocked_domains, is_blocked  # remote.py imports them from here
from samizdat.federation.signatures import sign_request

logger = logging.getLogger(__name__)

# Seconds to wait before each retry; the last one repeats until FEDERATION_RETRY_HOURS is up.
BACKOFF_SECONDS = [60, 5 * 60, 30 * 60, 2 * 3600, 6 * 3600, 12 * 3600]
# Deliveries per task, and requests a task has in flight at once (to different servers). A task
# lasts at least as long as its slowest request (up to FEDERATION_FETCH_TIMEOUT for a server that
# does not answer), so batches are large and run many requests at once, and inboxes with failures
# on record get batches of their own (see `create_deliveries`): bench/federation_delivery.py.
BATCH_SIZE = 200
PARALLEL_REQUESTS = 50
# A claimed delivery is someone's for this long; after it, a crashed worker's claim comes due again.
CLAIM_SECONDS = 15 * 60
UNREACHABLE_FAILURES = 8
UNREACHABLE_AFTER = datetime.timedelta(days=1)
USER_AGENT = "Samizdat (ActivityPub; +{})"
ARTICLE_TYPES = ("Create", "Update", "Delete")


# --- Audiences ---------------------------------------------------------------------------------


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def inboxes_for(urls: Iterable[str]) -> dict[str, Inbox]:
    """The Inbox rows of these URLs, made where missing."""
    urls = sorted(set(urls))
    found: dict[str, Inbox] = {}
    for start in range(0, len(urls), 500):
        chunk = urls[start:start + 500]
        found.update({inbox.url: inbox for inbox in Inbox.objects.filter(url__in=chunk)})
        missing = [Inbox(url=url, domain=host_of(url)) for url in chunk if url not in found]
        if missing:
            Inbox.objects.bulk_create(missing, ignore_conflicts=True)
            made = Inbox.objects.filter(url__in=[inbox.url for inbox in missing])
            found.update({inbox.url: inbox for inbox in made})
    return found


def may_send(domain: str, url: str, blocked: set[str]) -> bool:
    """Whether an account of `domain` may be sent to at inbox `url`: neither is on a blocked server."""
    return bool(url) and not is_blocked(domain, blocked) and not is_blocked(host_of(url), blocked)


def follower_inboxes(actor_list: Iterable[Actor], blocked: set[str]) -> set[str]:
    """The distinct delivery inboxes of the current followers of these actors, blocked servers left out."""
    rows = (Follower.objects.filter(actor__in=[actor.pk for actor in actor_list], removed_at__isnull=True)
            .values_list("remote__domain", "remote__inbox", "remote__shared_inbox"))
    return {shared or inbox for domain, inbox, shared in rows if may_send(domain, shared or inbox, blocked)}


def fan_out(activity: OutgoingActivity, actors_: list[Actor], extra_inboxes: Iterable[int] = (),
            blocked: set[str] | None = None) -> int:
    """One Delivery of the activity per distinct inbox of the followers of `actors_` (plus the Inbox
    ids in `extra_inboxes`), then their tasks queued on commit; returns how many were queued.

    Blocked servers get nothing (`blocked`: the blocked domains, when the caller has them already).
    An unreachable inbox gets a failed delivery (no request), unless it has nothing pending, in
    which case this delivery is the one that probes it.
    """
    blocked = blocked_domains() if blocked is None else blocked
    inboxes = inboxes_for(follower_inboxes(actors_, blocked))
    for inbox in Inbox.objects.filter(pk__in=list(extra_inboxes)):
        if not is_blocked(inbox.domain, blocked):
            inboxes.setdefault(inbox.url, inbox)
    return create_deliveries(activity, list(inboxes.values()))


def create_deliveries(activity: OutgoingActivity, inboxes: list[Inbox]) -> int:
    """A Delivery of the activity per inbox, queued on commit: inboxes that answered last time in
    batches of their own, first, so a batch is not held up by servers that are failing."""
    now = timezone.now()
    unreachable = [inbox.pk for inbox in inboxes if inbox.unreachable_since]
    probing = set(Delivery.objects.filter(inbox__in=unreachable, state=Delivery.State.PENDING)
                  .values_list("inbox_id", flat=True).distinct()) if unreachable else set()
    rows = []
    for inbox in inboxes:
        if inbox.unreachable_since and inbox.pk in probing:
            since = inbox.unreachable_since.strftime("%Y-%m-%d %H:%M UTC")
            rows.append(Delivery(activity=activity, inbox=inbox, state=Delivery.State.FAILED,
                                 next_attempt_at=now,
                                 last_error=f"Skipped: the inbox has been unreachable since {since}."))
        else:
            rows.append(Delivery(activity=activity, inbox=inbox, next_attempt_at=now))
    with transaction.atomic():
        Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        pending = list(Delivery.objects.filter(activity=activity, state=Delivery.State.PENDING)
                       .order_by("pk").values_list("pk", "inbox__failures"))
        healthy = [pk for pk, failures in pending if not failures]
        troubled = [pk for pk, failures in pending if failures]
        transaction.on_commit(lambda: (enqueue(healthy), enqueue(troubled)))
    return len(pending)


def enqueue(delivery_ids: list[int], run_after: datetime.datetime | None = None) -> None:
    """Queue delivery tasks for these ids, BATCH_SIZE a task (at `run_after` when the backend can wait)."""
    from samizdat.federation.tasks import deliver

    task = deliver
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # `retry_due_deliveries` picks them up when they are due
        task = task.using(run_after=run_after)
    for start in range(0, len(delivery_ids), BATCH_SIZE):
        task.enqueue(delivery_ids[start:start + BATCH_SIZE])


# --- Activities --------------------------------------------------------------------------------


def record(actor: Actor, payload: dict, object_uri: str = "") -> OutgoingActivity:
    return OutgoingActivity.objects.create(actor=actor, type=payload["type"], object_uri=object_uri,
                                           payload=payload)


def send_accept(actor: Actor, follow_activity: dict, remote: RemoteActor) -> OutgoingActivity:
    """Record a signed Accept of a Follow (the object is the Follow as received) and queue it to
    the follower's own inbox."""
    uri = actors.actor_uri(actor)
    payload = {"@context": actors.AS_CONTEXT, "id": f"{uri}#accepts/{uuid.uuid4()}", "type": "Accept",
               "actor": uri, "object": follow_activity}
    with transaction.atomic():
        activity = record(actor, payload, str(follow_activity.get("id") or ""))
        if may_send(remote.domain, remote.inbox, blocked_domains()):
            create_deliveries(activity, list(inboxes_for([remote.inbox]).values()))
    return activity


def article_uri(page_id: int, root: str | None = None) -> str:
    """The ActivityPub id of an article (what its Create, Update and Delete carry); `root`, the
    site's `actors.base_url()` when the caller has it already (it costs a query)."""
    return (actors.base_url() if root is None else root) + reverse("federation:article", args=[page_id])


def last_sent(object_uri: str) -> OutgoingActivity | None:
    """The latest Create, Update or Delete we recorded for this object."""
    return (OutgoingActivity.objects.filter(object_uri=object_uri, type__in=ARTICLE_TYPES)
            .select_related("actor").order_by("-created_at", "-pk").first())


def article_actors(page) -> list[Actor]:
    """The outlet actor of the page's language, then its federated authors' actors (made if need be)."""
    found = [actors.outlet_actor(page.locale)]
    for credit in page.authors.select_related("person").all():
        person = getattr(credit, "person", None)
        author = actors.author_actor(person) if person is not None else None
        if author is not None and author not in found:
            found.append(author)
    return found


def ever_fetched(page) -> bool:
    """Whether the outlet actor of the page's language exists: made the first time another server
    looks it up, so before that no one can follow it (nor its authors through its articles), and
    publishing costs nothing here (no key pair made)."""
    return Actor.objects.filter(kind=Actor.Kind.OUTLET, locale_id=page.locale_id).exists()


def federable(page) -> bool:
    """Whether the page may go to the fediverse: live, and not behind a password or login."""
    return bool(page.live) and not page.get_view_restrictions().exists()


def sender(obj: dict, audience: list[Actor]) -> Actor:
    """Who sends the article's Create: the first actor it is attributed to (its first federated
    author, else the outlet), so Mastodon files it under the account that wrote it."""
    uri = documents.sender_uri(obj)
    return next((actor for actor in audience if actors.actor_uri(actor) == uri), audience[0])


def publish_article(page) -> OutgoingActivity:
    """Record a Create of the article from its sender (see `sender`) to the followers of the
    outlet actor of its language and of its federated authors; the others among those actors
    Announce it to their own followers, because Mastodon drops a Create from an account no one
    there follows."""
    audience = article_actors(page)
    obj = documents.article_object(page)
    author = sender(obj, audience)
    with transaction.atomic():
        blocked = blocked_domains()  # once for the Create and the Announces
        activity = record(author, documents.create_activity(author, obj), obj.get("id") or "")
        fan_out(activity, audience, blocked=blocked)
        for other in audience:
            if other != author:
                fan_out(record(other, documents.announce_activity(other, obj), obj.get("id") or ""), [other],
                        blocked=blocked)
    return activity


def update_article(page, author: Actor | None = None) -> OutgoingActivity:
    """Record an Update of the article (its object carrying `updated`) from the actor that sent
    its Create (`author`; Mastodon takes edits only from the post's account) and deliver it like
    a Create."""
    audience = article_actors(page)
    obj = documents.article_object(page)
    author = author or sender(obj, audience)
    if "updated" not in obj:
        moment = page.last_published_at or timezone.now()
        obj["updated"] = moment.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    with transaction.atomic():
        activity = record(author, documents.update_activity(author, obj), obj.get("id") or "")
        fan_out(activity, audience if author in audience else [author, *audience])
    return activity


def federate_article(page) -> OutgoingActivity | None:
    """Create the first time the article goes out (or after a Delete), Update afterwards."""
    if not federable(page) or not ever_fetched(page):
        return None
    sent = last_sent(article_uri(page.pk))
    if sent is not None and sent.type in ("Create", "Update"):
        return update_article(page, sent.actor)
    return publish_article(page)


def retract_article(page_id: int, object_uri: str | None = None) -> OutgoingActivity | None:
    """Record a Delete (Tombstone) of an article we sent and has not been deleted since, from the
    actor that sent it, to every inbox its Create, Updates or Announces went to and to today's
    followers of that actor, of the authors it was attributed to and of the actors that announced
    it. None if there is nothing to retract."""
    object_uri = object_uri or article_uri(page_id)
    with transaction.atomic():
        sent = last_sent(object_uri)
        if sent is None or sent.type == "Delete":
            return None
        actor = sent.actor
        announcers = Actor.objects.filter(activities__object_uri=object_uri,
                                          activities__type="Announce").distinct()
        audience = [actor]
        for other in [*attributed_actors(sent.payload), *announcers]:
            if other not in audience:
                audience.append(other)
        previous = (Delivery.objects.filter(activity__object_uri=object_uri,
                                            activity__type__in=[*ARTICLE_TYPES, "Announce"])
                    .values_list("inbox_id", flat=True).distinct())
        activity = record(actor, documents.delete_activity(actor, object_uri), object_uri)
        fan_out(activity, audience, extra_inboxes=list(previous))
    return activity


def retract_restricted(page_id: int) -> int:
    """Retract the articles at and under this page that went out and may no longer (a password or
    login guards them); how many Deletes were recorded."""
    from wagtail.models import Page

    from samizdat.articles.models import ArticlePage

    top = Page.objects.filter(pk=page_id).first()
    if top is None:
        return 0
    ids = ArticlePage.objects.descendant_of(top, inclusive=True).values_list("pk", flat=True)
    root = actors.base_url()
    uris = {article_uri(pk, root): pk for pk in ids}
    sent: dict[int, str] = {}
    every = list(uris)
    for start in range(0, len(every), 500):
        for uri in (OutgoingActivity.objects.filter(object_uri__in=every[start:start + 500],
                                                    type__in=ARTICLE_TYPES)
                    .values_list("object_uri", flat=True).distinct()):
            sent[uris[uri]] = uri
    retracted = 0
    for page in ArticlePage.objects.filter(pk__in=list(sent)):
        if not federable(page) and retract_article(page.pk, sent[page.pk]) is not None:
            retracted += 1
    return retracted


def attributed_actors(payload: dict) -> list[Actor]:
    """Our author actors named in the `attributedTo` of an activity's object."""
    obj = payload.get("object")
    attributed = obj.get("attributedTo", []) if isinstance(obj, dict) else []
    if isinstance(attributed, str | dict):
        attributed = [attributed]
    uris = {item.get("id") if isinstance(item, dict) else item for item in attributed}
    uris = {uri for uri in uris if isinstance(uri, str)}
    # Only the authors whose username ends one of the URIs are candidates (`actor_uri` costs a query).
    usernames = {uri.rstrip("/").rsplit("/", 1)[-1] for uri in uris}
    return [author for author in Actor.objects.filter(kind=Actor.Kind.AUTHOR, username__in=usernames)
            if actors.actor_uri(author) in uris]


# --- Delivering --------------------------------------------------------------------------------


def claim(delivery_ids: list[int], now: datetime.datetime | None = None) -> list[int]:
    """Take the due pending deliveries among these ids for this worker; the ids it got.

    The claim moves `next_attempt_at` CLAIM_SECONDS ahead, so another worker (or this task run
    twice) finds them not due. On PostgreSQL the rows are picked with SKIP LOCKED.
    """
    now = now or timezone.now()
    due = Delivery.objects.filter(pk__in=delivery_ids, state=Delivery.State.PENDING, next_attempt_at__lte=now)
    lease = now + datetime.timedelta(seconds=CLAIM_SECONDS)
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            picked = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True))
            Delivery.objects.filter(pk__in=picked).update(next_attempt_at=lease)
        return picked
    return [pk for pk in delivery_ids if Delivery.objects.filter(
        pk=pk, state=Delivery.State.PENDING, next_attempt_at__lte=now).update(next_attempt_at=lease)]


@dataclass
class Request:
    delivery_id: int
    inbox_id: int
    url: str
    body: bytes
    headers: dict[str, str]


@dataclass
class Outcome:
    status: int | None  # None: no answer (timeout, refused, TLS or DNS trouble)
    error: str = ""


def post(request: Request, timeout: float) -> Outcome:
    """POST one signed activity; never raises. Redirects are not followed (a 3xx is a failure).
    An inbox at a private or local address is refused for good, without a request."""
    parts = urlsplit(request.url)
    if parts.scheme not in ("http", "https"):
        return Outcome(400, f"Not an http(s) inbox: {request.url[:100]}")
    try:
        conn = addresses.connection(request.url, timeout)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            conn.request("POST", path, body=request.body, headers=request.headers)
            response = conn.getresponse()
            response.read(64 * 1024)
            return Outcome(response.status, "" if 200 <= response.status < 300 else
                           f"HTTP {response.status} {response.reason}"[:300])
        finally:
            conn.close()
    except addresses.AddressRefused as error:
        return Outcome(400, f"Refused: {error}"[:300])
    except http.client.InvalidURL as error:
        return Outcome(400, f"Not a usable inbox address: {error}"[:300])
    except TimeoutError:
        return Outcome(None, f"No answer within {timeout:g} s")
    except (OSError, http.client.HTTPException) as error:
        return Outcome(None, f"{type(error).__name__}: {error}"[:300])


def backoff(attempts: int) -> datetime.timedelta:
    """How long to wait after the `attempts`-th failed attempt."""
    return datetime.timedelta(seconds=BACKOFF_SECONDS[min(attempts, len(BACKOFF_SECONDS)) - 1])


def deliver_now(delivery_ids: list[int]) -> dict[str, int]:
    """What a delivery task does: claim these deliveries, POST them (several servers at once),
    record each outcome; retries are queued for later. Safe to run twice, even at the same time."""
    totals = {"delivered": 0, "failed": 0, "retrying": 0}
    mine = claim(delivery_ids)
    if not mine:
        return totals
    deliveries = list(Delivery.objects.filter(pk__in=mine).select_related("activity__actor", "inbox"))
    blocked = blocked_domains()
    requests, bodies, key_ids = [], {}, {}
    root = actors.base_url()
    for delivery in deliveries:
        if is_blocked(delivery.inbox.domain, blocked):
            finish(delivery, Delivery.State.FAILED, "Skipped: the server is blocked.")
            totals["failed"] += 1
            continue
        activity = delivery.activity
        if activity.pk not in bodies:
            bodies[activity.pk] = json.dumps(activity.payload, ensure_ascii=False,
                                             separators=(",", ":")).encode()
        actor = activity.actor
        if actor.pk not in key_ids:
            key_ids[actor.pk] = actors.key_id(actor)
        body = bodies[activity.pk]
        headers = sign_request("POST", delivery.inbox.url, body, key_id=key_ids[actor.pk],
                               private_pem=actor.private_key)
        headers.update({"Content-Type": actors.ACTIVITY_JSON, "Accept": actors.ACTIVITY_JSON,
                        "User-Agent": USER_AGENT.format(root)})
        requests.append(Request(delivery.pk, delivery.inbox_id, delivery.inbox.url, body, headers))
    by_id = {delivery.pk: delivery for delivery in deliveries}
    timeout = float(settings.FEDERATION_FETCH_TIMEOUT)
    retries: dict[datetime.datetime, list[int]] = {}

    def settle(answered: list[tuple[Request, Outcome]]) -> None:
        for kind, delivery in record_outcomes([(by_id[request.delivery_id], outcome)
                                               for request, outcome in answered]):
            totals[kind] += 1
            if kind == "retrying":
                retries.setdefault(delivery.next_attempt_at, []).append(delivery.pk)

    if len(requests) > 1:
        # Each answer is recorded as it comes (those that came together in one commit), not after
        # the whole batch: a worker that dies mid-batch leaves only the requests still in flight
        # to be sent again, not every inbox that had answered (up to BATCH_SIZE).
        with ThreadPoolExecutor(max_workers=min(PARALLEL_REQUESTS, len(requests))) as pool:
            waiting = {pool.submit(post, request, timeout): request for request in requests}
            while waiting:
                done, _rest = wait(waiting, return_when=FIRST_COMPLETED)
                settle([(waiting.pop(future), future.result()) for future in done])
    else:
        settle([(request, post(request, timeout)) for request in requests])
    for when, ids in sorted(retries.items()):
        enqueue(ids, run_after=when)
    return totals


def record_outcomes(answered: list[tuple[Delivery, Outcome]]) -> list[tuple[str, Delivery]]:
    """Write what became of these POSTs in one commit, riding out a database restart
    (core.outages); each delivery's kind ("delivered", "failed" or "retrying") with it.

    The requests went out: if the commit were lost, their deliveries would come due again when
    the claim runs out and the inboxes would get them twice. The writes are conditional on the
    delivery still pending, so a commit that went through before its connection dropped is not
    applied twice.
    """
    def write() -> list[tuple[str, Delivery]]:
        with transaction.atomic():
            return [(record_outcome(delivery, outcome), delivery) for delivery, outcome in answered]

    return ride_out(write, "deliveries")


def finish(delivery: Delivery, state: str, error: str = "", attempts: int | None = None) -> None:
    changes = {"state": state, "last_error": error[:300], "next_attempt_at": timezone.now()}
    if attempts is not None:
        changes["attempts"] = attempts
    if state == Delivery.State.DELIVERED:
        changes["delivered_at"] = timezone.now()
    Delivery.objects.filter(pk=delivery.pk, state=Delivery.State.PENDING).update(**changes)


def record_outcome(delivery: Delivery, outcome: Outcome) -> str:
    """Write what became of one POST: "delivered", "failed" (for good) or "retrying"."""
    now = timezone.now()
    attempts = delivery.attempts + 1
    inbox = Inbox.objects.filter(pk=delivery.inbox_id)
    if outcome.status is not None and 200 <= outcome.status < 300:
        finish(delivery, Delivery.State.DELIVERED, attempts=attempts)
        inbox.update(failures=0, unreachable_since=None, last_success_at=now)
        return "delivered"
    if outcome.status is not None and 400 <= outcome.status < 500 and outcome.status != 429:
        logger.warning("Delivery %s to %s refused for good: %s", delivery.pk, delivery.inbox.url,
                       outcome.error)
        finish(delivery, Delivery.State.FAILED, outcome.error, attempts=attempts)
        return "failed"
    inbox.update(failures=F("failures") + 1)
    inbox.filter(unreachable_since__isnull=True, failures__gte=UNREACHABLE_FAILURES).filter(
        Q(last_success_at__isnull=True) | Q(last_success_at__lt=now - UNREACHABLE_AFTER)
    ).update(unreachable_since=now)
    next_at = now + backoff(attempts)
    give_up_at = delivery.activity.created_at + datetime.timedelta(hours=settings.FEDERATION_RETRY_HOURS)
    if next_at > give_up_at:
        logger.warning("Delivery %s to %s given up after %s attempts: %s", delivery.pk, delivery.inbox.url,
                       attempts, outcome.error)
        finish(delivery, Delivery.State.FAILED, f"Gave up after {attempts} attempts: {outcome.error}",
               attempts=attempts)
        return "failed"
    Delivery.objects.filter(pk=delivery.pk, state=Delivery.State.PENDING).update(
        attempts=attempts, next_attempt_at=next_at, last_error=outcome.error[:300])
    delivery.next_attempt_at = next_at
    return "retrying"


def retry_due_deliveries(now: datetime.datetime | None = None) -> int:
    """Queue tasks for pending deliveries that are due (retries the backend could not defer, and
    claims of a worker that died); returns how many. Run every minute.

    With a backend that defers, retries are already queued: only deliveries overdue by a few
    minutes are picked up, so the normal ones are not queued twice (which would be harmless).
    """
    from samizdat.federation.tasks import deliver

    now = now or timezone.now()
    if deliver.get_backend().supports_defer:
        now -= datetime.timedelta(minutes=5)
    ids = list(Delivery.objects.filter(state=Delivery.State.PENDING, next_attempt_at__lte=now)
               .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:10_000])
    enqueue(ids)
    return len(ids)
