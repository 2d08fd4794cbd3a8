"""The give form takes a reader's few fields: a body over PUBLIC_MAX_BODY_BYTES gets a 413 page
and records no gift; the same form, normal-sized, still does."""

from __future__ import annotations

import pytest

from samizdat.campaigns.models import Donation
from samizdat.campaigns.tests.conftest import giving

pytestmark = pytest.mark.django_db


def test_an_oversized_gift_form_is_refused_and_records_nothing(client, campaign, settings, smtp_server):
    padded = giving(message="Keep filming! " + "x" * settings.PUBLIC_MAX_BODY_BYTES)
    response = client.post(campaign.url, padded)
    assert response.status_code == 413 and "Too much sent" in response.content.decode()
    assert not Donation.objects.exists() and not smtp_server
    assert client.post(campaign.url, giving()).status_code == 302
    assert Donation.objects.count() == 1
