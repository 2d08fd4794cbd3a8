"""Failed sign-ins are throttled per account and per address, and a superuser can unlock either."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client

from conftest import make_user, messages_of

pytestmark = pytest.mark.django_db

RIGHT = "a-long-password-1"  # make_user's


def sign_in(username: str, password: str, address: str = "192.0.2.10"):
    return Client(REMOTE_ADDR=address).post("/admin/login/", {"username": username, "password": password})


def test_after_the_limit_even_the_right_password_is_refused_with_a_clear_page():
    make_user("editor")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in("editor", "guess").status_code == 200  # the form again, with its error
    locked = sign_in("editor", "guess")
    assert locked.status_code == 429
    assert b"Sign-in locked" in locked.content and b"Locked logins" in locked.content
    response = sign_in("editor", RIGHT)
    assert response.status_code == 429 and "_auth_user_id" not in response.client.session
    # the lock is per account: the same account from anywhere else is refused too
    assert sign_in("editor", RIGHT, address="198.51.100.3").status_code == 429


def test_one_address_trying_many_accounts_is_locked_out_of_all_of_them():
    make_user("moderator")
    for number in range(settings.AXES_FAILURE_LIMIT):
        sign_in(f"nobody{number}", "guess", address="203.0.113.66")
    assert sign_in("moderator", RIGHT, address="203.0.113.66").status_code == 429
    assert sign_in("moderator", RIGHT, address="198.51.100.3").status_code == 302


def test_a_success_before_the_limit_clears_the_count():
    make_user("editor")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in("editor", "guess")
    assert sign_in("editor", RIGHT).status_code == 302
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in("editor", "guess").status_code == 200


def test_the_lock_ends_after_the_cool_off():
    make_user("editor")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("editor", "guess")
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time
                                 - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    assert sign_in("editor", RIGHT).status_code == 302


def test_a_superuser_sees_the_locks_and_unlocks_an_account(boss):
    make_user("editor")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("editor", "guess", address="203.0.113.9")
    page = boss.get("/admin/locked-logins/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "editor" in text and "203.0.113.9" in text
    response = boss.post("/admin/locked-logins/", {"kind": "account", "value": "editor"}, follow=True)
    assert "The account editor can sign in again." in messages_of(response)
    assert "No account is locked." in response.content.decode()
    assert sign_in("editor", RIGHT, address="198.51.100.3").status_code == 302


def test_a_superuser_unlocks_an_address(boss):
    make_user("editor")
    for number in range(settings.AXES_FAILURE_LIMIT):
        sign_in(f"nobody{number}", "guess", address="203.0.113.9")
    assert sign_in("editor", RIGHT, address="203.0.113.9").status_code == 429
    response = boss.post("/admin/locked-logins/", {"kind": "address", "value": "203.0.113.9"}, follow=True)
    assert "Sign-ins from 203.0.113.9 are allowed again." in messages_of(response)
    assert sign_in("editor", RIGHT, address="203.0.113.9").status_code == 302
    response = boss.post("/admin/locked-logins/", {"kind": "bogus", "value": "x" * 5000}, follow=True)
    assert response.status_code == 200 and "Nothing to unlock." in messages_of(response)


def test_editors_cannot_see_or_lift_locks(client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("moderator", "guess")
    client.force_login(make_user("editor", groups=("Editors",)))
    assert client.get("/admin/locked-logins/").status_code == 302  # Wagtail's "no permission" redirect
    assert client.post("/admin/locked-logins/", {"kind": "account", "value": "moderator"}).status_code == 302
    assert AccessAttempt.objects.filter(username="moderator").exists()
    assert b"locked-logins" not in client.get("/admin/").content
