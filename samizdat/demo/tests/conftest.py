"""Fixtures for the demo loader tests: the demo is loaded once per module, into a temp media dir."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    """Image files go to a throwaway directory, never to var/media."""
    path = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=path):
        yield path


DEMO_PASSWORD = "red-ledger-test-login-7"


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker, media_root) -> str:
    """Run `load_demo` once for the whole module (it takes a few seconds) and roll it back after.

    Returns the command's output. Tests using it must also be marked `django_db`.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("load_demo", password=DEMO_PASSWORD, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
