"""The outlet against a real peer: fediverse-pasture's one_actor (built on bovine), in its own
process on 127.0.0.1, while our site is served by the live server on 127.0.0.1.

The pasture's actor (driven from here with its own key, through bovine) looks the outlet up by
WebFinger, fetches its actor with a signed GET and POSTs a signed Follow to its inbox. We answer
202, record the follower and deliver a signed Accept; then a newly published article goes out as
a Create. The pasture checks both signatures with its own code (fetching our key with a signed
GET), and we read what it accepted from its GET /_received. Nothing reaches beyond 127.0.0.0/8:
connections elsewhere fail in this process and in the pasture's, which resolves JSON-LD contexts
from a local table.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest

from conftest import free_port
from samizdat.federation import actors, delivery
from samizdat.federation.models import Delivery, Follower, RemoteActor
from samizdat.federation.tests.peer import refuse_outside_connections

pytest.importorskip("fediverse_pasture", reason="fediverse-pasture is not installed (the `test` extra)")
aiohttp = pytest.importorskip("aiohttp")
from bovine.clients import lookup_uri_with_webfinger  # noqa: E402
from fediverse_pasture.data_provider import DataProvider, bovine_actor_for_actor_data  # noqa: E402
from fediverse_pasture.data_provider.generate import generate_one_actor  # noqa: E402

HELPER = Path(__file__).with_name("pasture_peer.py")
WAIT = 10  # seconds for the peer to start and for an activity to arrive


@dataclass
class Pasture:
    base: str
    actor_data: object  # fediverse_pasture's ActorData: the actor's name and key pair
    log: Path

    @property
    def actor_id(self) -> str:
        return f"{self.base}/actor"

    def received(self) -> dict:
        with urlopen(f"{self.base}/_received", timeout=2) as response:
            return json.load(response)

    def wait_for(self, count: int) -> dict:
        """What arrived, once the inbox accepted `count` activities (or WAIT seconds passed)."""
        deadline = time.monotonic() + WAIT
        while True:
            got = self.received()
            if len(got["received"]) >= count or time.monotonic() > deadline:
                return got
            time.sleep(0.05)


@pytest.fixture(autouse=True)
def local_only(monkeypatch, settings) -> None:
    refuse_outside_connections(monkeypatch)
    settings.FEDERATION_FETCH_TIMEOUT = 5


@pytest.fixture
def pasture(tmp_path, monkeypatch) -> Iterator[Pasture]:
    provider = DataProvider(one_actor=generate_one_actor(), possible_actors=[])
    provider.one_actor.requires_signed_post_for_inbox = True  # it checks our signatures
    with monkeypatch.context() as chdir:
        chdir.chdir(tmp_path)
        provider.save()  # ./data.toml, which the peer loads from its working directory
    port = free_port()
    log = tmp_path / "pasture.log"
    with open(log, "wb") as output:
        process = subprocess.Popen([sys.executable, str(HELPER), str(port)], cwd=tmp_path,
                                   stdout=output, stderr=subprocess.STDOUT, env={**os.environ})
    peer = Pasture(f"http://127.0.0.1:{port}", provider.one_actor, log)
    try:
        deadline = time.monotonic() + WAIT
        while True:
            try:
                peer.received()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the pasture peer did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.05)
        yield peer
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def site(outlet, live_server) -> str:
    """Our root URL, http://127.0.0.1:<live server's port>, made the default site's address."""
    from django.core.cache import cache
    from wagtail.models import Site

    assert urlsplit(live_server.url).hostname in ("127.0.0.1", "localhost")  # both bind 127.0.0.1
    port = live_server.thread.port
    Site.objects.filter(is_default_site=True).update(hostname="127.0.0.1", port=port)
    cache.clear()
    assert actors.base_url() == f"http://127.0.0.1:{port}"
    return actors.base_url()


async def look_up_and_follow(pasture: Pasture, root: str) -> tuple[str, dict, dict, int]:
    """As the pasture's actor: WebFinger, signed GET of the actor, signed POST of a Follow."""
    async with aiohttp.ClientSession() as session:
        peer, _ = bovine_actor_for_actor_data(pasture.actor_id, pasture.actor_data)
        await peer.init(session=session)
        actor_url, _ = await lookup_uri_with_webfinger(
            session, f"acct:outlet@{urlsplit(root).netloc}", domain=root)  # http: the scheme must be given
        document = await peer.get(actor_url)
        follow = {"@context": "https://www.w3.org/ns/activitystreams", "type": "Follow",
                  "id": f"{pasture.base}/follows/1", "actor": pasture.actor_id, "object": actor_url}
        response = await peer.post(document["inbox"], follow)  # raises on a status >= 400
        return actor_url, document, follow, response.status


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_pasture_follows_the_outlet_and_verifies_the_accept_and_the_create(site, outlet, pasture):
    actor_url, document, follow, status = asyncio.run(look_up_and_follow(pasture, site))

    ours = actors.outlet_actor(outlet.en)
    assert actor_url == actors.actor_uri(ours) == f"{site}/ap/actors/outlet"
    assert document["id"] == actor_url and document["publicKey"]["id"] == actors.key_id(ours)
    assert status == 202
    follower = Follower.objects.get(actor=ours, remote__uri=pasture.actor_id, removed_at__isnull=True)
    assert follower.follow_id == follow["id"]
    assert RemoteActor.objects.get(uri=pasture.actor_id).inbox == f"{pasture.actor_id}/inbox"

    got = pasture.wait_for(1)
    assert [activity["type"] for activity in got["received"]] == ["Accept"], pasture.log.read_text()[-3000:]
    accept = got["received"][0]
    assert accept["actor"] == actor_url
    accepted = accept["object"]
    assert (accepted["id"] if isinstance(accepted, dict) else accepted) == follow["id"]
    assert got["verifications"] == [actor_url]  # the pasture's own check: signed by our key's owner

    article = outlet.add_article("Dockers strike")  # save_revision().publish()

    got = pasture.wait_for(2)
    assert [activity["type"] for activity in got["received"]] == ["Accept", "Create"], \
        pasture.log.read_text()[-3000:]
    create = got["received"][1]
    assert create["actor"] == actor_url
    assert create["object"]["type"] == "Article"
    assert create["object"]["id"] == delivery.article_uri(article.pk) == f"{site}/ap/articles/{article.pk}"
    assert got["verifications"] == [actor_url, actor_url]
    states = Delivery.objects.filter(activity__actor=ours).values_list("activity__type", "state")
    assert sorted(states) == [("Accept", Delivery.State.DELIVERED), ("Create", Delivery.State.DELIVERED)]
