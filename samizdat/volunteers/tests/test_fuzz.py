"""Generated bad input to the contact and get-involved forms (see fuzzing.py)."""

from __future__ import annotations

import pytest
from hypothesis import given

from fuzzing import broken, fuzz_settings, post_and_check, post_raw_and_check, raw_bodies
from samizdat.volunteers.models import ContactMessage, Volunteer
from samizdat.volunteers.tests.test_pages import message, pages, signup  # noqa: F401 - fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_rate_limit")]
STORED = (ContactMessage, Volunteer)


@fuzz_settings
@given(data=broken(message()))
def test_contact_form(client, pages, data):  # noqa: F811 - the fixture imported above
    response = post_and_check(client, "/contact/", data, STORED)
    if response.status_code == 302 and not data.get("website"):
        stored = ContactMessage.objects.order_by("-pk").first()
        assert (stored.name, stored.subject, stored.message) == (
            data["name"].strip(), data["subject"].strip(), data["message"].strip())


@fuzz_settings
@given(data=broken(signup()))
def test_get_involved_form(client, pages, data):  # noqa: F811
    post_and_check(client, "/get-involved/", data, STORED)


@fuzz_settings
@given(raw=raw_bodies)
def test_raw_bodies(client, pages, raw):  # noqa: F811
    for url in ("/contact/", "/get-involved/"):
        post_raw_and_check(client, url, *raw, STORED)
