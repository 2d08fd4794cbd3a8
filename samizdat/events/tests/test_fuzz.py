"""Generated bad input to an event's registration form (see fuzzing.py)."""

from __future__ import annotations

import pytest
from hypothesis import given

from fuzzing import broken, fuzz_settings, post_and_check, post_raw_and_check, raw_bodies
from samizdat.events.models import Registration
from samizdat.events.tests.conftest import signup

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_rate_limit")]


@pytest.fixture
def event(events):
    return events.add("Forum on the new labour law")


@fuzz_settings
@given(data=broken(signup()))
def test_registration_form(client, event, data):
    post_and_check(client, event.url, data, [Registration])


@fuzz_settings
@given(raw=raw_bodies)
def test_raw_bodies(client, event, raw):
    post_raw_and_check(client, event.url, *raw, [Registration])
