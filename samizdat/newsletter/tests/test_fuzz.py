"""Generated bad input to the subscribe forms, the preferences links and the bounce webhook."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzzing import (
    broken,
    fuzz_settings,
    json_like,
    nasty_text,
    post_and_check,
    post_raw_and_check,
    raw_bodies,
)
from samizdat.newsletter.models import Subscriber
from samizdat.newsletter.tests.conftest import make_subscriber, subscribing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_rate_limit")]


def statuses() -> list[tuple[str, str]]:
    return list(Subscriber.objects.order_by("pk").values_list("email", "status"))


@fuzz_settings
@given(data=broken(subscribing()), quick=st.booleans())
def test_subscribe_forms(client, newsletter, data, quick):
    url = "/newsletter/subscribe/" if quick else newsletter.url
    response = post_and_check(client, url, data, [Subscriber])
    if response.status_code == 302 and not data.get("website") and isinstance(data.get("email"), str):
        assert Subscriber.objects.filter(email=data["email"].strip().lower()).exists()


@fuzz_settings
@given(raw=raw_bodies)
def test_raw_bodies(client, newsletter, raw):
    for url in ("/newsletter/subscribe/", newsletter.url):
        post_raw_and_check(client, url, *raw, [Subscriber])


@pytest.fixture
def zoe(lists) -> Subscriber:
    return make_subscriber("zoe@example.org", "pending", [lists["daily"]])


@fuzz_settings
@given(token=nasty_text, route=st.sampled_from(["preferences", "confirm"]),
       method=st.sampled_from(["get", "post"]))
def test_forged_links_change_nothing(client, newsletter, lists, zoe, token, route, method):
    before = statuses()
    response = getattr(client, method)(f"{newsletter.url}{route}/{token}/", {"lists": [lists["weekly"].pk]})
    assert response.status_code < 500
    assert statuses() == before


@fuzz_settings
@given(body=json_like({"email": "zoe@example.org", "type": "hard", "reason": "550"}),
       as_list=st.booleans())
def test_bounce_webhook(client, settings, zoe, body, as_list):
    settings.NEWSLETTER_BOUNCE_SECRET = "s3cret"
    before = statuses()
    payload = json.dumps([body] if as_list else body).encode()
    response = client.generic("POST", "/newsletter/bounces/", payload, content_type="application/json",
                              HTTP_AUTHORIZATION="Bearer s3cret")
    assert response.status_code < 500
    if response.status_code != 202:
        assert statuses() == before
