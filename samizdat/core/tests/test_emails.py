"""One spelling per mailbox: normalize_email, the form field, and the data migrations' helper."""

from __future__ import annotations

import pytest
from django import forms

from samizdat.core.emails import MAX_LENGTH, NormalizedEmailField, normalize_email, normalize_stored_emails


@pytest.mark.parametrize(("typed", "key"), [
    ("x@ÉXAMPLE.org", "x@xn--xample-9ua.org"),
    ("x@éxample.org", "x@xn--xample-9ua.org"),
    ("x@xn--xample-9ua.org", "x@xn--xample-9ua.org"),
    ("  X@XN--XAMPLE-9UA.ORG\n", "x@xn--xample-9ua.org"),
    ("Zoë@Example.ORG", "zoë@example.org"),  # the local part is only lower-cased
    ("李@例え.テスト", "李@xn--r8jz45g.xn--zckzah"),
    ("a@b@Éx.org", "a@b@xn--x-9fa.org"),  # the domain is what follows the last @
    ("", ""),
    ("no-at-sign", "no-at-sign"),
    ("trailing@", "trailing@"),
])
def test_normalize_email(typed, key):
    assert normalize_email(typed) == key


@pytest.mark.parametrize("typed", ["a@" + "é" * 70 + ".org", "a@é..org", "a@.é.org"])
def test_a_domain_idna_refuses_is_left_for_validation(typed):
    assert normalize_email(typed) == typed.lower()  # never raises


class Form(forms.Form):
    email = NormalizedEmailField()


@pytest.mark.parametrize(("typed", "valid"), [
    ("x@ÉXAMPLE.org", True),
    ("a@" + "é" * 70 + ".org", False),  # a label IDNA cannot encode
    ("a@é..org", False),
    ("not an address", False),
    ("x" * 60 + "@" + ".".join(["éé" * 10] * 9) + ".org", False),  # fits as typed, not in ASCII
    ("", False),
])
def test_the_form_field_cleans_to_the_key_or_says_why_not(typed, valid):
    form = Form({"email": typed})
    assert form.is_valid() == valid, form.errors
    if valid:
        assert form.cleaned_data["email"] == normalize_email(typed)
    else:
        assert form.errors["email"]
    assert len(typed) <= MAX_LENGTH or not valid


@pytest.mark.django_db
def test_stored_emails_are_normalized_and_collisions_keep_the_older():
    from samizdat.newsletter.models import Subscriber

    def add(email: str) -> int:
        return Subscriber.objects.create(email=email).pk

    older = add("x@éxample.org")
    newer = add("x@Éxample.org")  # the same mailbox, a later row: keeps its spelling
    upper = add("Solo@Example.org")
    unicode_first = add("y@éxample.org")  # older, but the newer row already has the key
    ascii_later = add("y@xn--xample-9ua.org")
    assert normalize_stored_emails(Subscriber) == [newer, unicode_first]
    emails = dict(Subscriber.objects.values_list("pk", "email"))
    assert emails == {older: "x@xn--xample-9ua.org", newer: "x@Éxample.org", upper: "solo@example.org",
                      unicode_first: "y@éxample.org", ascii_later: "y@xn--xample-9ua.org"}
    assert normalize_stored_emails(Subscriber) == [newer, unicode_first]  # again: nothing more changes
    assert Subscriber.objects.count() == 5
