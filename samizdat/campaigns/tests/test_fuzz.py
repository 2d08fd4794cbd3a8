"""Generated bad input to a campaign's give form and signed Stripe events (see fuzzing.py)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzzing import broken, counts, fuzz_settings, json_like, post_and_check, post_raw_and_check, raw_bodies
from samizdat.campaigns.models import Donation, Payment, PerkClaim, StripeEvent
from samizdat.campaigns.tests.conftest import giving, stripe_event
from samizdat.campaigns.tests.test_webhook import post, session, stripe_gift

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_rate_limit")]
STORED = (Donation, PerkClaim)
STRIPE_STORED = (Donation, Payment, StripeEvent)


@fuzz_settings
@given(data=broken(giving()))
def test_give_form(client, campaign, data):
    post_and_check(client, campaign.url, data, STORED)


@fuzz_settings
@given(raw=raw_bodies)
def test_raw_bodies(client, campaign, raw):
    post_raw_and_check(client, campaign.url, *raw, STORED)


EVENT_TYPES = ["checkout.session.completed", "checkout.session.async_payment_succeeded",
               "checkout.session.async_payment_failed", "checkout.session.expired", "invoice.paid",
               "customer.subscription.deleted", "charge.refunded", "no.such.event"]


@pytest.fixture
def gift(campaign):
    return stripe_gift(campaign)


@fuzz_settings
@given(data=st.data(), event_type=st.sampled_from(EVENT_TYPES), number=st.integers(0, 10**6))
def test_signed_stripe_events(client, webhook_secret, gift, data, event_type, number):
    """Events signed with the right secret but carrying anything: a 4xx stores nothing."""
    obj = data.draw(json_like({**session(gift), "amount": gift.amount, "amount_paid": gift.amount,
                               "invoice": "in_1", "parent": {"subscription_details": {"metadata": {}}}}))
    payload = stripe_event(event_type, obj, event_id=f"evt_fuzz_{number}") if isinstance(obj, dict) \
        else json.dumps(obj).encode()
    before = counts(STRIPE_STORED)
    response = post(client, payload)
    assert response.status_code < 500, (event_type, obj, response.status_code)
    if response.status_code >= 400:
        assert counts(STRIPE_STORED) == before, (event_type, obj)
