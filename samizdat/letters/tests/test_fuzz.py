"""Generated bad input to an open letter's signature form (see fuzzing.py)."""

from __future__ import annotations

import pytest
from hypothesis import given

from fuzzing import broken, fuzz_settings, post_and_check, post_raw_and_check, raw_bodies
from samizdat.letters.models import Signature
from samizdat.letters.tests.conftest import signing

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_rate_limit")]


@fuzz_settings
@given(data=broken(signing()))
def test_signature_form(client, letter, data):
    response = post_and_check(client, letter.url, data, [Signature])
    if response.status_code == 302 and not data.get("website") and isinstance(data.get("name"), str):
        assert Signature.objects.filter(name=data["name"].strip()).exists()


@fuzz_settings
@given(raw=raw_bodies)
def test_raw_bodies(client, letter, raw):
    post_raw_and_check(client, letter.url, *raw, [Signature])
