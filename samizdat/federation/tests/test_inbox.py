"""Our inboxes against a stand-in remote server on 127.0.0.1: requests signed by our signer and by
bovine's (valid, wrong key, stale date, body tampered after signing), each answered as it should,
nothing stored on refusal, nothing stored twice, never a 500."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from django.http import HttpResponse
from django.test import Client
from django.utils.datastructures import CaseInsensitiveMapping

from samizdat.federation import actors, delivery, remote
from samizdat.federation.models import (
    BlockedDomain,
    Delivery,
    Follower,
    OutgoingActivity,
    ReceivedActivity,
    RemoteActor,
    Reply,
)
from samizdat.federation.signatures import KeyPair, SignatureError, new_key_pair, sign_request, verify_request
from samizdat.federation.tests.peer import Peer, refuse_outside_connections

bovine_crypto = pytest.importorskip("bovine.crypto")
from bovine.crypto.helper import content_digest_sha256  # noqa: E402
from bovine.crypto.http_signature import build_signature  # noqa: E402
from bovine.crypto.types import CryptographicSecret  # noqa: E402

HOST = "localhost"
STALE = 13 * 3600


@pytest.fixture(autouse=True)
def local_only(monkeypatch, settings) -> None:
    refuse_outside_connections(monkeypatch)
    settings.FEDERATION_FETCH_TIMEOUT = 2


@pytest.fixture
def outlet_actor(outlet):
    return actors.outlet_actor(outlet.en)


def inbox_path(actor=None) -> str:
    return f"/ap/actors/{actor.username}/inbox" if actor else "/ap/inbox"


def post(client: Client, path: str, body: bytes, headers: dict[str, str]) -> HttpResponse:
    headers = {key: value for key, value in headers.items() if key.lower() != "host"}
    return client.post(path, data=body, content_type="application/activity+json",
                       headers={"Host": HOST, **headers})


def ours(path: str, body: bytes, keys: KeyPair, key_id: str, now: float | None = None) -> dict[str, str]:
    """Headers signing the request with our own signer."""
    return sign_request("POST", f"http://{HOST}{path}", body, key_id=key_id, private_pem=keys.private_pem,
                        now=now)


def bovines(path: str, body: bytes, keys: KeyPair, key_id: str, now: float | None = None) -> dict[str, str]:
    """Headers signing the request with bovine's signer, as a bovine server sends them."""
    date = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(now or time.time()))
    helper = (build_signature(HOST, "post", path).with_field("date", date)
              .with_field("digest", content_digest_sha256(body))
              .with_field("content-type", "application/activity+json"))
    signature = helper.sign_for_http_draft(CryptographicSecret.from_pem(key_id, keys.private_pem))
    return {**{name.title(): value for name, value in helper.headers.items()}, "Signature": signature}


SIGNERS = {"ours": ours, "bovine": bovines}


def follow_of(peer: Peer, actor, name: str = "ana") -> dict:
    return {"@context": actors.AS_CONTEXT, "id": f"{peer.actor_uri(name)}#follows/{uuid.uuid4()}",
            "type": "Follow", "actor": peer.actor_uri(name), "object": actors.actor_uri(actor)}


def send(client: Client, peer: Peer, activity: dict, *, path: str = "/ap/inbox", name: str = "ana",
         signer: str = "ours", keys: KeyPair | None = None, now: float | None = None) -> HttpResponse:
    body = json.dumps(activity).encode()
    headers = SIGNERS[signer](path, body, keys or peer.users[name], peer.key_id(name), now)
    return post(client, path, body, headers)


def nothing_stored() -> bool:
    return not (Follower.objects.exists() or ReceivedActivity.objects.exists() or Reply.objects.exists()
                or OutgoingActivity.objects.exists())


@pytest.mark.parametrize("signer", ["ours", "bovine"])
def test_a_valid_follow_is_accepted_with_a_signed_accept_delivered(client, peer, outlet_actor, signer,
                                                                    django_capture_on_commit_callbacks):
    follow = follow_of(peer, outlet_actor)
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, peer, follow, path=inbox_path(outlet_actor), signer=signer)
    assert response.status_code == 202, response.content
    follower = Follower.objects.get()
    assert (follower.actor, follower.remote.uri, follower.follow_id) == (outlet_actor, peer.actor_uri("ana"),
                                                                        follow["id"])
    assert follower.removed_at is None
    fetched = follower.remote
    assert (fetched.username, fetched.domain, fetched.inbox) == ("ana", "127.0.0.1",
                                                                 peer.actor_uri("ana") + "/inbox")
    assert fetched.shared_inbox == peer.base + "/inbox"
    # We fetched the actor with a GET signed by our instance actor.
    get = peer.received("GET")[0]
    instance = actors.instance_actor()
    checked = verify_request("GET", peer.base + get.path, CaseInsensitiveMapping(get.headers), b"",
                             lambda key_id: instance.public_key)
    assert checked.key_id == actors.key_id(instance)
    # The Accept went to the follower's own inbox, signed by the outlet, carrying the Follow.
    accept = OutgoingActivity.objects.get(type="Accept")
    assert accept.payload["object"]["id"] == follow["id"]
    assert Delivery.objects.get(activity=accept).state == Delivery.State.DELIVERED
    (posted,) = peer.received("POST")
    assert posted.path == "/users/ana/inbox"
    assert posted.json["type"] == "Accept" and posted.json["actor"] == actors.actor_uri(outlet_actor)
    headers = CaseInsensitiveMapping(posted.headers)
    key_id = verify_request("POST", peer.base + posted.path, headers, posted.body,
                            lambda key_id: outlet_actor.public_key).key_id
    assert key_id == actors.key_id(outlet_actor)


def test_a_replayed_follow_changes_nothing(client, peer, outlet_actor):
    follow = follow_of(peer, outlet_actor)
    assert send(client, peer, follow).status_code == 202
    assert send(client, peer, follow, signer="bovine").status_code == 202
    assert Follower.objects.count() == 1
    assert OutgoingActivity.objects.filter(type="Accept").count() == 1
    assert ReceivedActivity.objects.count() == 1


@pytest.mark.parametrize("signer", ["ours", "bovine"])
def test_refused_signatures_store_nothing(client, peer, outlet_actor, signer):
    follow = follow_of(peer, outlet_actor)
    wrong = send(client, peer, follow, signer=signer, keys=new_key_pair())
    stale = send(client, peer, follow, signer=signer, now=time.time() - STALE)
    body = json.dumps(follow).encode()
    headers = SIGNERS[signer]("/ap/inbox", body, peer.users["ana"], peer.key_id("ana"))
    tampered = post(client, "/ap/inbox", body.replace(b"Follow", b"Block"), headers)
    for response, words in ((wrong, "does not match"), (stale, "too old"), (tampered, "Digest")):
        assert response.status_code == 401, response.content
        assert words in response.json()["error"]
    assert nothing_stored()


def test_a_missing_signature_is_refused(client, peer, outlet_actor):
    response = post(client, "/ap/inbox", json.dumps(follow_of(peer, outlet_actor)).encode(), {})
    assert response.status_code == 401
    assert response.json()["error"] == "The request is not signed."
    assert nothing_stored() and not peer.requests


def test_the_signer_must_be_the_actor(client, peer, outlet_actor):
    peer.add_user("mallory")
    follow = follow_of(peer, outlet_actor)  # ana's Follow, signed by mallory's own valid key
    response = send(client, peer, follow, name="mallory")
    assert response.status_code == 401
    assert "not by the activity's actor" in response.json()["error"]
    assert nothing_stored()


def test_bad_bodies_get_clear_answers(client, peer, outlet_actor, settings):
    malformed = post(client, "/ap/inbox", b'{"type": "Follow",', {})
    assert malformed.status_code == 400 and "not valid JSON" in malformed.json()["error"]
    not_object = post(client, "/ap/inbox", b"[1, 2]", {})
    assert not_object.status_code == 400
    no_id = send(client, peer, {"type": "Follow", "actor": peer.actor_uri("ana")})
    assert no_id.status_code == 400 and "id" in no_id.json()["error"]
    settings.FEDERATION_MAX_INBOX_BYTES = 2000
    huge = follow_of(peer, outlet_actor) | {"summary": "x" * 5000}
    response = send(client, peer, huge)
    assert response.status_code == 413 and "2000 bytes" in response.json()["error"]
    assert nothing_stored() and not peer.requests


def test_unknown_and_uninteresting_types_are_accepted_and_ignored(client, peer, outlet_actor):
    for kind in ("Like", "Announce", "Accept", "Reject", "EmojiReact", "Move"):
        activity = {"id": f"{peer.actor_uri('ana')}#{kind}", "type": kind, "actor": peer.actor_uri("ana"),
                    "object": actors.actor_uri(outlet_actor)}
        response = send(client, peer, activity)
        assert response.status_code == 202
        assert response.json()["status"].startswith("ignored")
    assert not Follower.objects.exists() and not Reply.objects.exists()


def test_blocked_servers_are_refused_before_anything_is_fetched(client, peer, outlet_actor):
    BlockedDomain.objects.create(domain="127.0.0.1")
    response = send(client, peer, follow_of(peer, outlet_actor))
    assert response.status_code == 403
    assert "blocked" in response.json()["error"]
    BlockedDomain.objects.create(domain="spam.example")
    spam = {"id": "https://social.spam.example/f/1", "type": "Follow",
            "actor": "https://social.spam.example/users/x", "object": actors.actor_uri(outlet_actor)}
    assert post(client, "/ap/inbox", json.dumps(spam).encode(), {}).status_code == 403
    assert nothing_stored() and not peer.requests
    with pytest.raises(remote.FetchError, match="blocked"):
        remote.fetch_json("https://social.spam.example/users/x")


def test_undo_follow_and_follow_again(client, peer, outlet_actor):
    follow = follow_of(peer, outlet_actor)
    send(client, peer, follow)
    undo = {"id": follow["id"] + "/undo", "type": "Undo", "actor": follow["actor"], "object": follow}
    assert send(client, peer, undo, signer="bovine").status_code == 202
    follower = Follower.objects.get()
    assert follower.removed_at is not None
    again = follow_of(peer, outlet_actor)
    assert send(client, peer, again).status_code == 202
    follower.refresh_from_db()
    assert (follower.removed_at, follower.follow_id) == (None, again["id"])
    assert Follower.objects.count() == 1
    assert OutgoingActivity.objects.filter(type="Accept").count() == 2


def test_an_undo_by_someone_else_ends_nothing(client, peer, outlet_actor):
    follow = follow_of(peer, outlet_actor)
    send(client, peer, follow)
    peer.add_user("mallory")
    undo = {"id": peer.actor_uri("mallory") + "#undo", "type": "Undo", "actor": peer.actor_uri("mallory"),
            "object": follow["id"]}
    assert send(client, peer, undo, name="mallory").status_code == 202
    assert Follower.objects.get().removed_at is None


def note(peer: Peer, **fields) -> dict:
    uri = peer.actor_uri("ana")
    obj = {"id": f"{peer.base}/notes/{uuid.uuid4()}", "type": "Note", "attributedTo": uri,
           "content": "<p>Solidarity!</p><script>alert(1)</script>", "published": "2026-01-02T03:04:05Z",
           "to": ["https://www.w3.org/ns/activitystreams#Public"], **fields}
    return {"id": obj["id"] + "/activity", "type": "Create", "actor": uri, "object": obj}


def test_replies_to_our_articles_are_stored_for_the_editors(client, peer, outlet, outlet_actor):
    article = outlet.add_article("Dockers strike")
    by_object = note(peer, inReplyTo=delivery.article_uri(article.pk))
    by_url = note(peer, inReplyTo=article.get_full_url())
    mention = note(peer, tag=[{"type": "Mention", "href": actors.actor_uri(outlet_actor)}])
    unrelated = note(peer, inReplyTo="https://elsewhere.example/notes/1")
    for activity in (by_object, by_url, mention, unrelated, by_object):
        assert send(client, peer, activity).status_code == 202
    replies = {reply.object_uri: reply for reply in Reply.objects.all()}
    assert set(replies) == {by_object["object"]["id"], by_url["object"]["id"], mention["object"]["id"]}
    first = replies[by_object["object"]["id"]]
    assert first.article.pk == article.pk and replies[by_url["object"]["id"]].article.pk == article.pk
    assert replies[mention["object"]["id"]].article is None
    assert first.status == Reply.Status.NEW
    assert "Solidarity!" in first.content and "<script" not in first.content
    assert first.published.year == 2026
    delete = {"id": f"{peer.base}/deletes/1", "type": "Delete", "actor": peer.actor_uri("ana"),
              "object": {"id": first.object_uri, "type": "Tombstone"}}
    assert send(client, peer, delete).status_code == 202
    assert not Reply.objects.filter(pk=first.pk).exists()


def test_a_reply_s_images_are_stored_as_links_to_them(client, peer, outlet, outlet_actor):
    article = outlet.add_article("Dockers strike")
    pixel = "https://tracker.example/p.gif?editor=1&x=2"
    activity = note(peer, inReplyTo=delivery.article_uri(article.pk),
                    content=f'<p>Look <img src="{pixel}" alt="the picket" width="1"></p>')
    assert send(client, peer, activity).status_code == 202
    stored = Reply.objects.get().content
    assert "<img" not in stored
    assert stored == ('<p>Look <a href="https://tracker.example/p.gif?editor=1&amp;x=2" '
                      'rel="noopener noreferrer nofollow">[image: the picket]</a></p>')


def test_a_post_attributed_to_someone_else_is_not_stored(client, peer, outlet, outlet_actor):
    article = outlet.add_article("Dockers strike")
    forged = note(peer, inReplyTo=delivery.article_uri(article.pk), attributedTo=f"{peer.base}/users/bob")
    assert send(client, peer, forged).status_code == 202
    assert not Reply.objects.exists()


def test_update_and_delete_of_an_account(client, peer, outlet_actor):
    send(client, peer, follow_of(peer, outlet_actor))
    document = peer.actor_document("ana") | {"name": "Ana B."}
    update = {"id": f"{peer.base}/updates/1", "type": "Update", "actor": peer.actor_uri("ana"),
              "object": document}
    assert send(client, peer, update).status_code == 202
    assert RemoteActor.objects.get().name == "Ana B."
    delete = {"id": f"{peer.base}/deletes/ana", "type": "Delete", "actor": peer.actor_uri("ana"),
              "object": peer.actor_uri("ana")}
    assert send(client, peer, delete, signer="bovine").status_code == 202
    assert Follower.objects.get().removed_at is not None


def test_a_new_key_is_fetched_when_the_cached_one_fails(client, peer, outlet_actor):
    send(client, peer, follow_of(peer, outlet_actor))
    peer.add_user("ana")  # the account rotates its key
    response = send(client, peer, follow_of(peer, outlet_actor) | {"id": f"{peer.base}/follows/2"})
    assert response.status_code == 202
    assert RemoteActor.objects.get().public_key == peer.users["ana"].public_pem


def test_an_unreachable_actor_is_refused_without_a_500(client, peer, outlet_actor):
    peer.stop()
    response = send(client, peer, follow_of(peer, outlet_actor))
    assert response.status_code == 401
    assert "cannot be fetched" in response.json()["error"]
    assert nothing_stored()


def test_an_actor_served_by_another_host_is_refused(client, peer, outlet_actor):
    peer.documents["/users/ana"] = peer.actor_document("ana") | {"id": "http://127.0.0.2:1/users/ana"}
    response = send(client, peer, follow_of(peer, outlet_actor))
    assert response.status_code == 401
    assert "another host" in response.json()["error"]
    assert nothing_stored()


def test_a_deleted_account_we_never_knew_is_ignored(client, peer, outlet_actor):
    peer.documents["/users/ana"] = 410
    delete = {"id": f"{peer.base}/deletes/ana", "type": "Delete", "actor": peer.actor_uri("ana"),
              "object": peer.actor_uri("ana")}
    assert send(client, peer, delete).status_code == 202
    assert nothing_stored()


def test_inboxes_take_posts_only_and_unknown_accounts_are_404(client, peer, outlet_actor):
    assert client.get("/ap/inbox", headers={"Host": HOST}).status_code == 405
    assert client.get(inbox_path(outlet_actor), headers={"Host": HOST}).status_code == 405
    response = send(client, peer, follow_of(peer, outlet_actor), path="/ap/actors/nobody/inbox")
    assert response.status_code == 404
    assert nothing_stored()


def test_fetching_follows_a_few_redirects_only(peer, db):
    peer.redirects["/old/ana"] = "/users/ana"
    assert remote.fetch_json(f"{peer.base}/old/ana")["id"] == peer.actor_uri("ana")
    for hop in range(5):
        peer.redirects[f"/hop/{hop}"] = f"/hop/{hop + 1}"
    with pytest.raises(remote.FetchError, match="redirects more than"):
        remote.fetch_json(f"{peer.base}/hop/0")
    with pytest.raises(remote.FetchError, match="Not an http"):
        remote.fetch_json("file:///etc/passwd")
    with pytest.raises(remote.FetchError, match="HTTP 404"):
        remote.fetch_json(f"{peer.base}/nowhere")
    with pytest.raises(remote.FetchError, match="127.0.0.0/8"):
        remote.fetch_json("http://192.0.2.1/users/x")


def test_key_lookup_finds_cached_and_fetched_keys(peer, db):
    assert remote.key_lookup(peer.key_id("ana")) == peer.users["ana"].public_pem
    assert len(peer.received("GET")) == 1
    assert remote.key_lookup(peer.key_id("ana")) == peer.users["ana"].public_pem
    assert len(peer.received("GET")) == 1
    with pytest.raises(SignatureError, match="cannot be fetched"):
        remote.key_lookup(peer.base + "/users/nobody#main-key")


