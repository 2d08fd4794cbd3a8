"""Generated bad activities to the inboxes, correctly signed by a real peer's key, and unsigned
raw bodies (see fuzzing.py): never a 5xx, and a refused activity stores nothing."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzzing import counts, fuzz_settings, json_like, post_raw_and_check, raw_bodies
from samizdat.federation.models import Follower, OutgoingActivity, ReceivedActivity, Reply
from samizdat.federation.tests.test_inbox import follow_of, note, ours, post
from samizdat.federation.tests.test_inbox import local_only as local_only  # noqa: F401 - autouse fixture
from samizdat.federation.tests.test_inbox import outlet_actor as outlet_actor  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
STORED = (Follower, ReceivedActivity, Reply, OutgoingActivity)


@pytest.fixture
def templates(peer, outlet_actor):  # noqa: F811 - the fixture imported above
    created = note(peer)
    return {"follow": follow_of(peer, outlet_actor), "create": created, "note": created["object"]}


@fuzz_settings
@given(data=st.data(), kind=st.sampled_from(["follow", "create", "note"]), shared=st.booleans())
def test_signed_activities(client, peer, outlet_actor, templates, data, kind, shared):  # noqa: F811
    activity = data.draw(json_like(templates[kind]))
    path = "/ap/inbox" if shared else f"/ap/actors/{outlet_actor.username}/inbox"
    body = json.dumps(activity).encode()
    before = counts(STORED)
    response = post(client, path, body, ours(path, body, peer.users["ana"], peer.key_id("ana")))
    assert response.status_code < 500, (activity, response.status_code)
    if response.status_code >= 400:
        assert counts(STORED) == before, (activity, response.status_code)


@fuzz_settings
@given(raw=raw_bodies)
def test_unsigned_raw_bodies(client, outlet_actor, raw):  # noqa: F811
    for path in ("/ap/inbox", f"/ap/actors/{outlet_actor.username}/inbox"):
        post_raw_and_check(client, path, *raw, STORED)
