"""Editorial rules of the fediverse: blocking a server, moderating replies, follower figures.

Blocking a server ends the follows of its accounts (and of its subdomains' accounts) at once and
hides their replies still waiting to be read; unblocking lets them follow again but brings
no one back.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samizdat.federation.models import Actor, BlockedDomain, Delivery, Follower, Reply

LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
DOMAIN_RE = re.compile(rf"^(?=.{{1,253}}$){LABEL}(?:\.{LABEL})+$")


class BlockError(ValueError):
    """A domain that cannot be blocked: not a domain, already blocked, or our own."""


def normalise_domain(text: str) -> str:
    """The bare, lowercase domain in what an editor typed or pasted: "spam.example",
    "https://Spam.Example/@someone", "@someone@spam.example" and "spam.example:443" all give
    "spam.example". Raises BlockError when no valid domain name is left."""
    value = (text or "").strip()
    if "://" in value:
        try:
            value = urlsplit(value).hostname or ""
        except ValueError:
            value = ""
    else:
        value = value.rsplit("@", 1)[-1]
        value = re.split(r"[/?#]", value, maxsplit=1)[0]
        value = value.rsplit(":", 1)[0] if value.count(":") == 1 else value
    value = value.strip().rstrip(".").lower()
    try:
        value = value.encode("idna").decode("ascii")
    except UnicodeError:
        value = ""
    if not DOMAIN_RE.match(value):
        raise BlockError(_("“%(text)s” is not a server's domain name, e.g. spam.example.")
                         % {"text": text.strip()[:100]})
    return value


def covering_domains(domain: str) -> list[str]:
    """`domain` and every domain it is under, whose block covers it: "social.spam.example" gives
    itself, "spam.example" and "example". The one rule of what a block reaches."""
    parts = domain.lower().rstrip(".").split(".")
    return [".".join(parts[index:]) for index in range(len(parts))]


def blocked_domains() -> set[str]:
    """Every blocked domain, for `is_blocked` (one query; load it once per batch of checks)."""
    return set(BlockedDomain.objects.values_list("domain", flat=True))


def is_blocked(domain: str, blocked: set[str]) -> bool:
    """Whether `domain` or a domain it is under (social.spam.example under spam.example) is blocked."""
    return any(name in blocked for name in covering_domains(domain))


def domain_filter(domain: str, field: str = "remote__domain") -> Q:
    """The rows whose `field` is `domain` or one of its subdomains (what a block of `domain` covers)."""
    return Q(**{f"{field}__iexact": domain}) | Q(**{f"{field}__iendswith": "." + domain})


def blocked_by(domain: str) -> BlockedDomain | None:
    """The block that already covers `domain` (itself, or a domain it is under)."""
    return BlockedDomain.objects.filter(domain__in=covering_domains(domain)).order_by("domain").first()


def check_blockable(domain: str) -> str:
    """`domain` normalised, or BlockError if it is invalid, already blocked or our own server."""
    from samizdat.federation import actors

    domain = normalise_domain(domain)
    existing = blocked_by(domain)
    if existing is not None:
        if existing.domain == domain:
            raise BlockError(_("%(domain)s is already blocked.") % {"domain": domain})
        raise BlockError(_("%(domain)s is already blocked, as part of %(parent)s.")
                         % {"domain": domain, "parent": existing.domain})
    own = (urlsplit(actors.base_url()).hostname or "").lower()
    if own and (own == domain or own.endswith("." + domain)):
        raise BlockError(_("That is this site's own domain."))
    return domain


def block_domain(domain: str, reason: str = "") -> BlockedDomain:
    """Block a server and its subdomains: its accounts' current follows end now and their replies
    waiting to be read are hidden. The returned block carries `followers_removed` and
    `replies_hidden`, the numbers of each. Raises BlockError (see `check_blockable`)."""
    domain = check_blockable(domain)
    now = timezone.now()
    try:
        with transaction.atomic():
            blocked = BlockedDomain.objects.create(domain=domain, reason=reason.strip()[:300], created_at=now)
            blocked.followers_removed = Follower.objects.filter(
                domain_filter(domain), removed_at__isnull=True).update(removed_at=now)
            blocked.replies_hidden = Reply.objects.filter(
                domain_filter(domain), status=Reply.Status.NEW).update(status=Reply.Status.HIDDEN)
    except IntegrityError as error:  # blocked by someone else a moment ago
        raise BlockError(_("%(domain)s is already blocked.") % {"domain": domain}) from error
    return blocked


def unblock_domain(blocked: BlockedDomain) -> None:
    """Lift a block. Followers it removed stay removed: they must follow again."""
    blocked.delete()


# --- Replies ------------------------------------------------------------------------------------

REPLY_ACTIONS = {"read": Reply.Status.READ, "hide": Reply.Status.HIDDEN, "unhide": Reply.Status.READ}


def moderate_replies(reply_ids: Iterable[int], action: str) -> int:
    """Mark read, hide or unhide (back to read) these replies; how many changed. Unhide touches
    only hidden replies, and mark read only those not hidden."""
    status = REPLY_ACTIONS[action]
    replies = Reply.objects.filter(pk__in=list(reply_ids))
    if action == "unhide":
        replies = replies.filter(status=Reply.Status.HIDDEN)
    elif action == "read":
        replies = replies.filter(status=Reply.Status.NEW)
    return replies.exclude(status=status).update(status=status)


def new_reply_count() -> int:
    return Reply.objects.filter(status=Reply.Status.NEW).count()


# --- Followers ----------------------------------------------------------------------------------


def local_actors() -> QuerySet[Actor]:
    """Our followable actors (outlet per language, authors) with `current` and `removed` follower
    counts, in one query."""
    return (Actor.objects.exclude(kind=Actor.Kind.INSTANCE).select_related("locale", "person")
            .annotate(current=Count("followers", filter=Q(followers__removed_at__isnull=True)),
                      removed=Count("followers", filter=Q(followers__removed_at__isnull=False)))
            .order_by("kind", "username"))


def followers_over_time(actor: Actor | None = None, today: datetime.date | None = None
                        ) -> list[tuple[datetime.date, int]]:
    """How many followed `actor` (or any of our actors) at the end of each day the number changed,
    oldest first, and today; empty if no one ever followed. A follower counts from its
    `created_at` until its `removed_at`. One query, whatever the number of days or followers."""
    follows = Follower.objects.all() if actor is None else Follower.objects.filter(actor=actor)
    changes: Counter[datetime.date] = Counter()
    for created_at, removed_at in follows.values_list("created_at", "removed_at").iterator(chunk_size=2000):
        changes[timezone.localdate(created_at)] += 1
        if removed_at is not None:
            changes[timezone.localdate(removed_at)] -= 1
    if not changes:
        return []
    points, total = [], 0
    for day in sorted(changes):
        total += changes[day]
        points.append((day, total))
    today = today or timezone.localdate()
    if points[-1][0] < today:
        points.append((today, total))
    return points


# --- Deliveries ---------------------------------------------------------------------------------


def delivery_counts(activity_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Deliveries per state ("delivered", "pending", "failed") of each activity, in one query."""
    counts = {pk: {state.value: 0 for state in Delivery.State} for pk in activity_ids}
    rows = (Delivery.objects.filter(activity_id__in=list(counts)).values("activity_id", "state")
            .annotate(number=Count("pk")).order_by())
    for row in rows:
        counts[row["activity_id"]][row["state"]] = row["number"]
    return counts
