"""Fixtures the fediverse tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from samizdat.federation.tests.peer import Peer, start_peer


@pytest.fixture
def peer() -> Iterator[Peer]:
    """A stand-in fediverse server on 127.0.0.1 with one user, "ana"."""
    server = start_peer()
    server.add_user("ana")
    yield server
    server.stop()
