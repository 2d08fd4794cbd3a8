"""The demo's users never get a password anyone can read: refused on a live site, generated locally."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from samizdat.demo.loader import demo_exists
from samizdat.demo.management.commands.load_demo import demo_password

pytestmark = pytest.mark.django_db


def test_with_debug_off_load_demo_refuses_to_run_without_a_password(settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="--password or DEMO_ADMIN_PASSWORD"):
        call_command("load_demo")
    assert not demo_exists()


@pytest.mark.parametrize("weak", [
    "samizdat-demo", "SAMIZDAT-DEMO", "password123", "12345678901234", "short-7x"])
def test_a_weak_or_published_password_is_refused(settings, weak):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="too weak"):
        call_command("load_demo", password=weak)
    assert not demo_exists()


def test_under_make_run_a_random_password_is_made(settings):
    settings.DEBUG = True
    first, generated = demo_password("")
    second, _ = demo_password("")
    assert generated and first != second and len(first) >= 16
    assert demo_password("red-ledger-test-login-7") == ("red-ledger-test-login-7", False)
