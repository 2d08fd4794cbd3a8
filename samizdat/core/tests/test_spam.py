"""Honeypot, signed timestamp, client address and rate limit, with real forms and requests."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django import forms
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from conftest import race
from samizdat.core import spam
from samizdat.core.models import SubmissionWindow


class NameForm(spam.SpamProtectedForm):
    spam_form_name = "names"
    name = forms.CharField(validators=[spam.reject_control_characters])


def submit(**data) -> NameForm:
    return NameForm({"name": "Ana", "started": spam.timestamp_token("names", time.time() - 10), **data})


def test_valid_submission():
    form = submit()
    assert form.is_valid(), form.errors
    assert not form.honeypot_filled()


def test_too_fast_tampered_foreign_and_expired_tokens_are_form_errors():
    now = time.time()
    tokens = [
        spam.timestamp_token("names"),  # just now
        spam.timestamp_token("names", now - 10)[:-2] + "xx",  # tampered
        spam.timestamp_token("other", now - 10),  # another form's
        spam.timestamp_token("names", now - 2 * 24 * 3600),  # expired
        "", "garbage:::",
    ]
    for token in tokens:
        form = NameForm({"name": "Ana", "started": token})
        assert not form.is_valid()
        assert "please submit the form again" in str(form.non_field_errors())
        assert spam.token_age(form["started"].value(), "names") is not None  # comes back fresh


def test_honeypot_and_control_characters():
    assert submit(website="http://spam.example").honeypot_filled()
    form = submit(name="Ana\x07")
    assert not form.is_valid() and "control characters" in str(form.errors["name"])
    assert submit(name="Zoë Ñandú 李").is_valid()


def test_client_ip_trusts_forwarded_only_behind_proxy(settings):
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.SECURE_PROXY_SSL_HEADER = None
    assert spam.client_ip(request) == "10.0.0.1"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert spam.client_ip(request) == "203.0.113.9"
    garbage = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")
    assert spam.client_ip(garbage) == "10.0.0.1"


@pytest.mark.django_db
def test_rate_limit_counts_per_address_and_scope():
    factory = RequestFactory()
    one, two = factory.post("/", REMOTE_ADDR="192.0.2.1"), factory.post("/", REMOTE_ADDR="192.0.2.2")
    for _ in range(spam.RATE_LIMIT):
        assert not spam.over_limit(one, "test")
        assert spam.claim_submission(one, "test")
    assert spam.over_limit(one, "test") and not spam.claim_submission(one, "test")
    assert not spam.over_limit(two, "test") and not spam.over_limit(one, "other")
    assert "192.0.2.1" not in spam._rate_key(one, "test")
    SubmissionWindow.objects.update(started_at=timezone.now() - timedelta(seconds=spam.RATE_WINDOW_SECONDS))
    assert not spam.over_limit(one, "test") and spam.claim_submission(one, "test")  # a new window
    assert SubmissionWindow.objects.get(key=spam._rate_key(one, "test")).count == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="needs PostgreSQL: SQLite serializes all writes, so there is no race to test")
def test_fifty_parallel_posts_from_one_address_get_exactly_the_limit():
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.7")
    claimed = race([lambda: spam.claim_submission(request, "race") for _ in range(50)])
    assert claimed.count(True) == spam.RATE_LIMIT
    assert SubmissionWindow.objects.get().count == spam.RATE_LIMIT
