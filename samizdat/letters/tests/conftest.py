"""Fixtures for the letters tests: an index and one letter under the test outlet, a committing client."""

from __future__ import annotations

import re
import time

import pytest

from samizdat.core import spam
from samizdat.letters.models import LetterIndexPage, LetterPage

LINK = re.compile(r"https?://\S+/(confirm|withdraw)/\S+/")


@pytest.fixture
def client(committing_client):
    """Mail queued on commit goes out after each POST (see conftest.committing_client)."""
    return committing_client


@pytest.fixture
def letter(outlet) -> LetterPage:
    index = outlet.home.add_child(instance=LetterIndexPage(title="Open letters", slug="letters"))
    return index.add_child(instance=LetterPage(
        title="Pay the cleaners", slug="pay-the-cleaners", addressee="To the city council of Bilbao",
        body="<p>The cleaners of the city's schools have not had a raise in six years.</p>",
        call_to_action="Add your name", goal=100, thanks="Thank you, and pass it on.",
    ))


def signing(**overrides) -> dict:
    """A valid signature form submission (filled in 30 seconds ago)."""
    data = {"name": "Zoë Ñandú", "email": "zoe@example.org", "organization": "", "role": "Teacher",
            "city": "Bilbao", "country": "Spain", "is_public": "on",
            "started": spam.timestamp_token("letter", time.time() - 30), "website": ""}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def body_of(mail) -> str:
    return mail.get_payload(decode=True).decode(mail.get_content_charset())


def links_in(mail) -> dict[str, str]:
    """The confirm and withdraw links of a mail, as site paths."""
    found = {}
    for match in LINK.finditer(body_of(mail)):
        found[match.group(1)] = re.sub(r"^https?://[^/]+", "", match.group(0))
    return found
