"""Generated bad input to a campaign's give form (see fuzzing.py)."""

from __future__ import annotations

import pytest
from hypothesis import given

from fuzzing import broken, fuzz_settings, post_and_check, post_raw_and_check, raw_bodies
from samizdat.campaigns.models import Donation, PerkClaim
from samizdat.campaigns.tests.conftest import giving

pytestmark = pytest.mark.django_db
STORED = (Donation, PerkClaim)


@pytest.fixture(autouse=True)
def no_rate_limit(settings):
    settings.SPAM_RATE_LIMIT = 10**6


@fuzz_settings
@given(data=broken(giving()))
def test_give_form(client, campaign, data):
    post_and_check(client, campaign.url, data, STORED)


@fuzz_settings
@given(raw=raw_bodies)
def test_raw_bodies(client, campaign, raw):
    post_raw_and_check(client, campaign.url, *raw, STORED)
