"""Delivery of our activities to real HTTP servers on 127.0.0.1 standing in for remote inboxes:
one request per shared inbox, signed so the receiving side can verify it, retried when it may
pass, given up when it cannot, and never sent twice."""

from __future__ import annotations

import datetime
import io
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.datastructures import CaseInsensitiveMapping

from samizdat.federation import actors, delivery
from samizdat.federation.models import (
    BlockedDomain,
    Delivery,
    Follower,
    Inbox,
    OutgoingActivity,
    RemoteActor,
)
from samizdat.federation.signatures import SignatureError, verify_request
from samizdat.federation.tasks import deliver


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int = 202

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class StandIn:
    """A threaded HTTP server on 127.0.0.1 recording POSTs; `answers` are consumed per request
    (a status, or "timeout" to stay silent longer than the client waits), then `default`."""

    server: ThreadingHTTPServer
    received: list[Received] = field(default_factory=list)
    answers: list[int | str] = field(default_factory=list)
    default: int = 202
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def answer(self) -> int | str:
        with self.lock:
            return self.answers.pop(0) if self.answers else self.default


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    holder: dict[str, StandIn] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            inbox = holder["inbox"]
            answer = inbox.answer()
            if answer == "timeout":
                time.sleep(1.5)
                return
            with inbox.lock:
                inbox.received.append(Received(self.path, dict(self.headers.items()), body, int(answer)))
            self.send_response(int(answer))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    holder["inbox"] = StandIn(server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield holder["inbox"]
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def fast(settings) -> None:
    settings.FEDERATION_FETCH_TIMEOUT = 0.5
    settings.FEDERATION_RETRY_HOURS = 48


def follower(actor, inbox: StandIn, name: str, *, shared: bool = True, domain: str = "") -> Follower:
    domain = domain or f"{inbox.server.server_address[1]}.test"
    remote = RemoteActor.objects.create(
        uri=f"https://{domain}/users/{name}", username=name, domain=domain,
        inbox=inbox.url(f"/users/{name}/inbox"), shared_inbox=inbox.url("/inbox") if shared else "",
        key_id=f"https://{domain}/users/{name}#main-key", public_key="unused")
    return Follower.objects.create(actor=actor, remote=remote, follow_id=f"https://{domain}/follows/{name}")


def verify(received: Received, inbox: StandIn) -> str:
    """Check the signature the way a receiving server does; the key id that signed."""
    from samizdat.federation.models import Actor

    keys = {actors.key_id(actor): actor.public_key for actor in Actor.objects.all()}

    def lookup(key_id: str) -> str:
        if key_id not in keys:
            raise SignatureError("unknown key")
        return keys[key_id]

    headers = CaseInsensitiveMapping(received.headers)
    return verify_request("POST", inbox.url(received.path), headers, received.body, lookup).key_id



@pytest.fixture
def outlet_actor(outlet):
    return actors.outlet_actor(outlet.en)


def publish(outlet, django_capture_on_commit_callbacks, title: str = "Dockers strike"):
    with django_capture_on_commit_callbacks(execute=True):
        return outlet.add_article(title)


def test_publishing_sends_one_signed_create_per_shared_inbox(outlet, outlet_actor, stand_in,
                                                             django_capture_on_commit_callbacks):
    for name in ("ana", "ben", "cy"):
        follower(outlet_actor, stand_in, name)
    solo = follower(outlet_actor, stand_in, "dee", shared=False, domain="solo.test")
    article = publish(outlet, django_capture_on_commit_callbacks)

    paths = sorted(item.path for item in stand_in.received)
    assert paths == ["/inbox", solo.remote.inbox.removeprefix(stand_in.base)]
    create = stand_in.received[0].json
    assert create["type"] == "Create"
    assert create["actor"] == actors.actor_uri(outlet_actor)
    assert create["object"]["id"] == delivery.article_uri(article.pk)
    assert create["object"]["type"] in ("Article", "Note")
    for item in stand_in.received:
        assert item.headers["Content-Type"] == "application/activity+json"
        assert verify(item, stand_in) == actors.key_id(outlet_actor)
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.DELIVERED}
    inbox = Inbox.objects.get(url=stand_in.url("/inbox"))
    assert inbox.last_success_at is not None and inbox.failures == 0


def test_signature_does_not_verify_once_the_body_is_changed(outlet, outlet_actor, stand_in,
                                                            django_capture_on_commit_callbacks):
    follower(outlet_actor, stand_in, "ana")
    publish(outlet, django_capture_on_commit_callbacks)
    sent = stand_in.received[0]
    tampered = Received(sent.path, sent.headers, sent.body.replace(b"Dockers", b"Bankers"))
    with pytest.raises(SignatureError):
        verify(tampered, stand_in)


def test_edit_sends_update_and_unpublish_sends_one_delete(outlet, outlet_actor, stand_in,
                                                          django_capture_on_commit_callbacks):
    follower(outlet_actor, stand_in, "ana")
    article = publish(outlet, django_capture_on_commit_callbacks)
    article.title = "Dockers strike: day two"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    update = stand_in.received[-1].json
    assert update["type"] == "Update"
    assert update["object"]["id"] == delivery.article_uri(article.pk)
    assert update["object"].get("updated")
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    removal = stand_in.received[-1].json
    assert removal["type"] == "Delete"
    target = removal["object"]
    assert (target["id"] if isinstance(target, dict) else target) == delivery.article_uri(article.pk)
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()  # already retracted: nothing more
    assert [item.json["type"] for item in stand_in.received] == ["Create", "Update", "Delete"]
    assert all(verify(item, stand_in) for item in stand_in.received)


def test_deleting_a_live_article_sends_delete(outlet, outlet_actor, stand_in,
                                              django_capture_on_commit_callbacks):
    follower(outlet_actor, stand_in, "ana")
    article = publish(outlet, django_capture_on_commit_callbacks)
    uri = delivery.article_uri(article.pk)
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert [item.json["type"] for item in stand_in.received] == ["Create", "Delete"]
    assert OutgoingActivity.objects.filter(type="Delete", object_uri=uri).count() == 1


def test_an_author_sends_the_create_and_the_outlet_announces_it(outlet, outlet_actor, stand_in,
                                                                 django_capture_on_commit_callbacks):
    outlet.author.federated = True
    outlet.author.save()
    author = actors.author_actor(outlet.author)
    follower(author, stand_in, "fan", domain="fans.test")
    RemoteActor.objects.filter(username="fan").update(shared_inbox=stand_in.url("/fans-inbox"))
    follower(outlet_actor, stand_in, "ana")
    article = publish(outlet, django_capture_on_commit_callbacks)
    uri = delivery.article_uri(article.pk)
    got = {(item.path, item.json["type"], item.json["actor"]) for item in stand_in.received}
    assert got == {("/fans-inbox", "Create", actors.actor_uri(author)),
                   ("/inbox", "Create", actors.actor_uri(author)),
                   ("/inbox", "Announce", actors.actor_uri(outlet_actor))}
    announce = next(item for item in stand_in.received if item.json["type"] == "Announce")
    assert announce.json["object"] == uri
    assert verify(announce, stand_in) == actors.key_id(outlet_actor)
    create = next(item for item in stand_in.received if item.json["type"] == "Create")
    assert create.json["object"]["attributedTo"] == actors.actor_uri(author)
    assert verify(create, stand_in) == actors.key_id(author)

    stand_in.received.clear()
    article.title = "Dockers strike: day two"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    assert {(item.path, item.json["type"], item.json["actor"]) for item in stand_in.received} == {
        ("/fans-inbox", "Update", actors.actor_uri(author)), ("/inbox", "Update", actors.actor_uri(author))}

    stand_in.received.clear()
    Follower.objects.filter(actor=outlet_actor).update(removed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    # The Delete comes from the author, and still reaches the server that had only the Announce.
    assert {(item.path, item.json["type"], item.json["actor"]) for item in stand_in.received} == {
        ("/fans-inbox", "Delete", actors.actor_uri(author)), ("/inbox", "Delete", actors.actor_uri(author))}


def test_unfollowed_and_blocked_get_nothing(outlet, outlet_actor, stand_in,
                                            django_capture_on_commit_callbacks):
    gone = follower(outlet_actor, stand_in, "gone", domain="gone.test")
    RemoteActor.objects.filter(pk=gone.remote_id).update(shared_inbox=stand_in.url("/gone-inbox"))
    Follower.objects.filter(pk=gone.pk).update(removed_at=timezone.now())
    spam = follower(outlet_actor, stand_in, "spam", domain="social.spam.test")
    RemoteActor.objects.filter(pk=spam.remote_id).update(shared_inbox=stand_in.url("/spam-inbox"))
    BlockedDomain.objects.create(domain="spam.test")
    follower(outlet_actor, stand_in, "ana")
    publish(outlet, django_capture_on_commit_callbacks)
    assert [item.path for item in stand_in.received] == ["/inbox"]
    assert Delivery.objects.count() == 1


def test_server_error_is_retried_and_delivered_once(outlet, outlet_actor, stand_in,
                                                    django_capture_on_commit_callbacks):
    follower(outlet_actor, stand_in, "ana")
    stand_in.answers = [500]
    publish(outlet, django_capture_on_commit_callbacks)
    sent = Delivery.objects.get()
    assert sent.state == Delivery.State.PENDING and sent.attempts == 1 and "500" in sent.last_error
    assert sent.next_attempt_at > timezone.now() + datetime.timedelta(seconds=50)
    assert Inbox.objects.get().failures == 1
    assert delivery.retry_due_deliveries() == 0  # not due yet
    Delivery.objects.update(next_attempt_at=timezone.now())
    assert delivery.retry_due_deliveries() == 1
    deliver.enqueue([sent.pk])  # a duplicate task finds nothing to do
    sent.refresh_from_db()
    assert sent.state == Delivery.State.DELIVERED and sent.attempts == 2
    assert [item.status for item in stand_in.received] == [500, 202]
    assert Inbox.objects.get().failures == 0


def test_timeout_backs_off_longer_each_time_then_gives_up(outlet, outlet_actor, stand_in,
                                                          django_capture_on_commit_callbacks, settings):
    settings.FEDERATION_RETRY_HOURS = 1
    follower(outlet_actor, stand_in, "ana")
    stand_in.default = "timeout"
    publish(outlet, django_capture_on_commit_callbacks)
    waits = []
    for _attempt in range(6):
        sent = Delivery.objects.get()
        if sent.state != Delivery.State.PENDING:
            break
        waits.append((sent.next_attempt_at - timezone.now()).total_seconds())
        Delivery.objects.update(next_attempt_at=timezone.now())
        call_command("retry_federation_deliveries", stdout=io.StringIO())
    sent = Delivery.objects.get()
    assert sent.state == Delivery.State.FAILED
    assert "Gave up after 4 attempts" in sent.last_error and "No answer" in sent.last_error
    assert waits[0] < waits[1] < waits[2]  # 1 min, 5 min, 30 min; the next (2 h) is past the hour
    assert stand_in.received == []


def test_permanent_refusal_fails_for_good(outlet, outlet_actor, stand_in, django_capture_on_commit_callbacks):
    follower(outlet_actor, stand_in, "ana")
    stand_in.default = 410
    publish(outlet, django_capture_on_commit_callbacks)
    sent = Delivery.objects.get()
    assert sent.state == Delivery.State.FAILED and "410" in sent.last_error
    Delivery.objects.update(next_attempt_at=timezone.now() - datetime.timedelta(hours=1))
    assert delivery.retry_due_deliveries() == 0
    assert Inbox.objects.get().failures == 0


def test_unreachable_inbox_is_skipped_until_it_answers(outlet, outlet_actor, stand_in,
                                                       django_capture_on_commit_callbacks):
    follower(outlet_actor, stand_in, "ana")
    stand_in.default = 503
    first = publish(outlet, django_capture_on_commit_callbacks, "First")
    inbox = Inbox.objects.get()
    for _attempt in range(delivery.UNREACHABLE_FAILURES):
        Delivery.objects.filter(state=Delivery.State.PENDING).update(next_attempt_at=timezone.now())
        delivery.retry_due_deliveries()
    inbox.refresh_from_db()
    assert inbox.unreachable_since is not None
    probe = Delivery.objects.get(activity__object_uri=delivery.article_uri(first.pk))
    assert probe.state == Delivery.State.PENDING  # still retrying: it probes the inbox
    requests_before = len(stand_in.received)
    second = publish(outlet, django_capture_on_commit_callbacks, "Second")
    skipped = Delivery.objects.get(activity__object_uri=delivery.article_uri(second.pk))
    assert skipped.state == Delivery.State.FAILED and "unreachable" in skipped.last_error
    assert len(stand_in.received) == requests_before
    stand_in.default = 202
    Delivery.objects.filter(pk=probe.pk).update(next_attempt_at=timezone.now())
    delivery.retry_due_deliveries()
    inbox.refresh_from_db()
    assert inbox.unreachable_since is None and inbox.failures == 0
    third = publish(outlet, django_capture_on_commit_callbacks, "Third")
    assert Delivery.objects.get(activity__object_uri=delivery.article_uri(third.pk)).state == "delivered"


def test_running_the_task_twice_delivers_once(outlet, outlet_actor, stand_in):
    follower(outlet_actor, stand_in, "ana")
    activity = OutgoingActivity.objects.create(actor=outlet_actor, type="Create", payload={"type": "Create"})
    delivery.fan_out(activity, [outlet_actor])  # not committed: no task ran
    ids = list(Delivery.objects.values_list("pk", flat=True))
    assert deliver.call(ids) == {"delivered": 1, "failed": 0, "retrying": 0}
    assert deliver.call(ids) == {"delivered": 0, "failed": 0, "retrying": 0}
    deliver.enqueue(ids)
    assert len(stand_in.received) == 1
    assert Delivery.objects.get().state == Delivery.State.DELIVERED


def test_accept_goes_to_the_followers_own_inbox(outlet, outlet_actor, stand_in,
                                                django_capture_on_commit_callbacks):
    fan = follower(outlet_actor, stand_in, "ana")
    follow = {"@context": "https://www.w3.org/ns/activitystreams", "id": "https://x.test/follows/1",
              "type": "Follow", "actor": fan.remote.uri, "object": actors.actor_uri(outlet_actor)}
    with django_capture_on_commit_callbacks(execute=True):
        delivery.send_accept(outlet_actor, follow, fan.remote)
    (accept,) = stand_in.received
    assert accept.path == "/users/ana/inbox"
    assert accept.json["type"] == "Accept" and accept.json["object"] == follow
    assert verify(accept, stand_in) == actors.key_id(outlet_actor)


def test_nothing_is_recorded_before_the_outlet_was_ever_looked_up(outlet, stand_in,
                                                                  django_capture_on_commit_callbacks):
    from samizdat.federation.models import Actor

    publish(outlet, django_capture_on_commit_callbacks)
    assert not Actor.objects.exists() and not OutgoingActivity.objects.exists()


def test_a_password_put_on_a_sent_article_or_its_section_withdraws_it(outlet, outlet_actor, stand_in,
                                                                      django_capture_on_commit_callbacks):
    from wagtail.models import PageViewRestriction

    follower(outlet_actor, stand_in, "ana")
    guarded = publish(outlet, django_capture_on_commit_callbacks, title="Dockers strike")
    in_section = publish(outlet, django_capture_on_commit_callbacks, title="Port talks")
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=guarded, restriction_type=PageViewRestriction.PASSWORD,
                                           password="members")
    deletes = [item.json for item in stand_in.received if item.json["type"] == "Delete"]
    assert [item["object"]["id"] for item in deletes] == [delivery.article_uri(guarded.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        guarded.save_revision().publish()  # still guarded: nothing goes out
    assert [item.json["type"] for item in stand_in.received] == ["Create", "Create", "Delete"]

    section = in_section.get_parent()
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.LOGIN)
    deletes = [item.json["object"]["id"] for item in stand_in.received if item.json["type"] == "Delete"]
    assert deletes == [delivery.article_uri(guarded.pk), delivery.article_uri(in_section.pk)]
