"""Demo content for the fediverse: the outlet's accounts in English and Spanish, three authors
with their own, followers on made-up servers over the last eight weeks (a few unfollowed, and a
bump when the bakery-strike film went round), readers' replies to editors, one blocked server.

Nothing here can reach the network. The servers are invented (`.example` and `.test` names),
the remote accounts have no inbox address on record, so nothing we publish is ever queued for
them, and the Accepts of their follows are written as history, already delivered (or failed,
for one server that has since shut down).

It runs after the rest of the demo is committed (see `loader.load_demo`): the articles'
publishing tasks run at that commit, and the outlet's accounts must not exist yet then, or every
demo article would go out as a Create at load time.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from samizdat.core.sanitize import sanitize_html
from samizdat.federation import actors, services
from samizdat.federation.delivery import article_uri
from samizdat.federation.models import (
    BlockedDomain,
    Delivery,
    Follower,
    Inbox,
    OutgoingActivity,
    RemoteActor,
    Reply,
)
from samizdat.people.models import Person

FEDERATED_AUTHORS = ("marta-quiroga", "tomas-vidal", "jonah-whitfield")
WEEKS = 8
DEFUNCT = "toot.closed-down.test"
BLOCKED = "spam-cannon.example"
BLOCK_REASON = "Floods our replies with crypto advertising from new accounts every day."
SPANISH_SERVERS = {"sindicato.social.test", "marea.example"}

# username, display name, server
ACCOUNTS = [
    ("nadia", "Nadia K.", "solidarity.example"),
    ("picketline", "Picket Line Radio", "solidarity.example"),
    ("wobbly_jim", "Jim (IWW)", "solidarity.example"),
    ("hana", "Hana Mori", "docks.social.test"),
    ("liam_dock", "Liam, crane driver", "docks.social.test"),
    ("portworkers", "Port Workers' Branch 7", "docks.social.test"),
    ("bea", "Bea Ortiz", "sindicato.social.test"),
    ("seccion_local", "Sección sindical local", "sindicato.social.test"),
    ("inquilina", "La Inquilina", "sindicato.social.test"),
    ("javi", "Javi G.", "marea.example"),
    ("mareaverde", "Marea Verde", "marea.example"),
    ("carmen_r", "Carmen R.", "marea.example"),
    ("readinggroup", "Tuesday Reading Group", "bookworms.example"),
    ("olu", "Olu A.", "bookworms.example"),
    ("margins", "Notes in the Margins", "bookworms.example"),
    ("kat", "Kat Novak", "red.masto.test"),
    ("dmitri", "Dmitri", "red.masto.test"),
    ("ferrovia", "Ferrovia", "red.masto.test"),
    ("filmcoop", "Film Co-op", "cinema.social.example"),
    ("reel_ana", "Ana, editor", "cinema.social.example"),
    ("docwatch", "Doc Watch", "cinema.social.example"),
    ("teacher_tom", "Tom teaches history", "schoolroom.test"),
    ("ms_adeyemi", "Ms Adeyemi", "schoolroom.test"),
    ("nurse_ines", "Inés, night shift", "carers.social.example"),
    ("carers_united", "Carers United", "carers.social.example"),
    ("paulo", "Paulo", "carers.social.example"),
    ("tenants_north", "Northside Tenants", "tenants.example"),
    ("greta", "Greta L.", "tenants.example"),
    ("ruth", "Ruth", "tenants.example"),
    ("bikecourier", "Courier Collective", "riders.test"),
    ("amir", "Amir S.", "riders.test"),
    ("oldsocialist", "An old socialist", DEFUNCT),
    ("lena", "Lena", DEFUNCT),
    ("yusuf", "Yusuf B.", "solidarity.example"),
    ("mei", "Mei", "red.masto.test"),
    ("grandad_union", "Grandad (retired fitter)", "docks.social.test"),
]
# account index → days ago it unfollowed (after following)
UNFOLLOWS = {3: 30, 10: 12, 16: 6, 22: 19, 27: 3, 32: 9}
# article key (in the demo's newest articles), account index, status, hours ago, text
REPLIES = [
    (0, 0, "new", 3, "Shared this with our branch. The bit about the overtime ban is exactly what "
                     "management keeps hiding in the meetings."),
    (0, 4, "new", 7, "Crane driver here: the figures on shifts are right, if anything they are low. "
                     "Happy to talk to your reporter if useful."),
    (1, 12, "new", 20, "We are reading this on Tuesday. Is there a longer version of the interview?"),
    (2, 18, "read", 50, "Beautiful work on the film. Which camera did you use for the night scenes?"),
    (3, 26, "new", 30, "Northside tenants stand with them. We had the same letter from the same agency."),
    (1, 21, "read", 80, "Used this in class today, the students had a lot of questions about the 1926 "
                        "comparison."),
]
SPANISH_REPLY = (6, "new", 12, "Gracias por traducirlo. En nuestra sección pasó lo mismo el mes pasado.")
SPAM = ("moonbags", "To The Moon", "Earn 500% in a week with our new token, DM now!!! "
        "<a href=\"https://spam-cannon.example/go\">claim</a>")


def load(loader) -> None:
    """Turn federation on for three authors, make our accounts and fill in their fediverse past."""
    with transaction.atomic():
        _Fediverse(loader).run()


class _Fediverse:
    def __init__(self, loader) -> None:
        self.loader = loader
        self.now = timezone.now()
        self.random = random.Random(1917)
        self.inboxes: dict[str, Inbox] = {}

    def run(self) -> None:
        self.outlet_en = actors.outlet_actor(self.loader.en)
        self.outlet_es = actors.outlet_actor(self.loader.es)
        Person.objects.filter(slug__in=FEDERATED_AUTHORS).update(federated=True)
        self.authors = [actors.author_actor(person)
                        for person in Person.objects.filter(slug__in=FEDERATED_AUTHORS).order_by("slug")]
        self.accounts = [self._account(*spec) for spec in ACCOUNTS]
        self._follows()
        self._replies()
        self._block()

    def _account(self, username: str, name: str, server: str) -> RemoteActor:
        uri = f"https://{server}/users/{username}"
        return RemoteActor.objects.create(
            uri=uri, username=username, domain=server, name=name, url=f"https://{server}/@{username}",
            inbox="", shared_inbox="", key_id=f"{uri}#main-key", public_key="",
            fetched_at=self.now - timedelta(days=WEEKS * 7))

    def _followed_at(self, index: int) -> datetime:
        if 14 <= index < 22:  # the bakery-strike film went round, three and a half weeks ago
            days = 24 + self.random.random()
        else:
            days = self.random.uniform(1, WEEKS * 7)
        return self.now - timedelta(days=days)

    def _follows(self) -> None:
        follows: list[Follower] = []
        for index, account in enumerate(self.accounts):
            spanish = account.domain in SPANISH_SERVERS
            targets = [self.outlet_es] if spanish else [self.outlet_en]
            if spanish or self.random.random() < 0.25:
                targets.append(self.outlet_en if spanish else self.outlet_es)
            targets += [author for author in self.authors if self.random.random() < 0.3]
            for actor in dict.fromkeys(targets):
                created = self._followed_at(index)
                removed = None
                if index in UNFOLLOWS and actor == targets[0]:
                    removed = max(created + timedelta(days=1), self.now - timedelta(days=UNFOLLOWS[index]))
                    removed = min(removed, self.now - timedelta(hours=2))
                follows.append(Follower(actor=actor, remote=account, created_at=created, removed_at=removed,
                                        follow_id=f"{account.uri}#follows/{uuid.uuid4()}"))
        Follower.objects.bulk_create(follows)
        self._accepts(follows)

    def _inbox(self, account: RemoteActor) -> Inbox:
        url = f"{account.uri}/inbox"
        if url not in self.inboxes:
            self.inboxes[url] = Inbox.objects.create(url=url, domain=account.domain,
                                                     last_success_at=self.now - timedelta(days=20))
        return self.inboxes[url]

    def _accepts(self, follows: list[Follower]) -> None:
        """The Accept each follow got, delivered to the follower's inbox (failed for the server
        that shut down, whose inboxes are now marked unreachable)."""
        deliveries = []
        for follow in follows:
            uri = actors.actor_uri(follow.actor)
            follow_activity = {"id": follow.follow_id, "type": "Follow", "actor": follow.remote.uri,
                               "object": uri}
            payload = {"@context": actors.AS_CONTEXT, "id": f"{uri}#accepts/{uuid.uuid4()}", "type": "Accept",
                       "actor": uri, "object": follow_activity}
            activity = OutgoingActivity.objects.create(
                actor=follow.actor, type="Accept", payload=payload, object_uri=follow.follow_id,
                created_at=follow.created_at)
            inbox = self._inbox(follow.remote)
            if follow.remote.domain == DEFUNCT:
                deliveries.append(Delivery(activity=activity, inbox=inbox, state=Delivery.State.FAILED,
                                           attempts=9, next_attempt_at=follow.created_at,
                                           last_error="Connection refused"))
            else:
                deliveries.append(Delivery(activity=activity, inbox=inbox, state=Delivery.State.DELIVERED,
                                           attempts=1, next_attempt_at=follow.created_at,
                                           delivered_at=follow.created_at + timedelta(seconds=2)))
        Delivery.objects.bulk_create(deliveries)
        Inbox.objects.filter(domain=DEFUNCT).update(failures=9, last_success_at=None,
                                                    unreachable_since=self.now - timedelta(days=5))

    def _reply(self, account: RemoteActor, article, status: str, hours: float, text: str) -> Reply:
        number = Reply.objects.count() + 101
        posted = self.now - timedelta(hours=hours)
        mention = (f'<span class="h-card"><a href="{actors.actor_uri(self.outlet_en)}" '
                   f'class="u-url mention">@<span>{self.outlet_en.username}</span></a></span>')
        return Reply.objects.create(
            object_uri=f"{account.uri}/statuses/{number}", remote=account, article=article,
            in_reply_to=article_uri(article.pk) if article else "",
            url=f"https://{account.domain}/@{account.username}/{number}",
            content=sanitize_html(f"<p>{mention} {text}</p>"), published=posted,
            received_at=posted + timedelta(seconds=5), status=status)

    def _replies(self) -> None:
        newest = sorted(self.loader.articles_en.values(), key=lambda page: page.display_date, reverse=True)
        for article_index, account_index, status, hours, text in REPLIES:
            self._reply(self.accounts[account_index], newest[article_index], status, hours, text)
        spanish = max(self.loader.articles_es.values(), key=lambda page: page.display_date)
        account_index, status, hours, text = SPANISH_REPLY
        self._reply(self.accounts[account_index], spanish, status, hours, text)

    def _block(self) -> None:
        """A spam account followed and replied; blocking its server ended the follow and hid it."""
        username, name, text = SPAM
        spammer = self._account(username, name, BLOCKED)
        blocked_at = self.now - timedelta(days=10)
        Follower.objects.create(actor=self.outlet_en, remote=spammer, follow_id=f"{spammer.uri}#follows/1",
                                created_at=blocked_at - timedelta(days=2))
        self._reply(spammer, None, Reply.Status.NEW, 24 * 10 + 5, text)
        services.block_domain(BLOCKED, BLOCK_REASON)
        BlockedDomain.objects.filter(domain=BLOCKED).update(created_at=blocked_at)
        Follower.objects.filter(remote=spammer).update(removed_at=blocked_at)

