"""Fixtures and helpers of the newsletter tests (reader side: subscribe, preferences, unsubscribe)."""

from __future__ import annotations

import re
import time

import pytest

from samizdat.core import spam
from samizdat.newsletter.models import MailingList, Subscriber
from samizdat.newsletter.pages import NewsletterPage

LINK = re.compile(r"https?://[^\s\"<>]+/(confirm|preferences)/[^\s\"<>]+/")


@pytest.fixture
def client(committing_client):
    """Mail queued on commit goes out after each POST (see conftest.committing_client)."""
    return committing_client


@pytest.fixture
def lists(db) -> dict[str, MailingList]:
    return {
        "daily": MailingList.objects.create(name="Daily", slug="daily", preselected=True, sort_order=1),
        "weekly": MailingList.objects.create(name="Weekly digest", slug="weekly", sort_order=2),
        "staff": MailingList.objects.create(name="Staff", slug="staff", public=False, sort_order=3),
    }


@pytest.fixture
def newsletter(outlet, lists) -> NewsletterPage:
    page = outlet.home.add_child(instance=NewsletterPage(
        title="Newsletter", slug="newsletter", intro="News from the picket line, in your inbox.",
        thanks="Welcome aboard.",
    ))
    translation = page.copy_for_translation(outlet.es)
    translation.title, translation.slug = "Boletín", "boletin"
    translation.save_revision().publish()
    return page


def spanish(page: NewsletterPage) -> NewsletterPage:
    return NewsletterPage.objects.get(translation_key=page.translation_key, locale__language_code="es")


def subscribing(**overrides) -> dict:
    """A valid full subscribe form (filled in 30 seconds ago)."""
    data = {"email": "zoe@example.org", "languages": ["en"], "lists": [],
            "started": spam.timestamp_token("newsletter", time.time() - 30), "website": ""}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def body_of(mail, subtype: str = "plain") -> str:
    for part in mail.walk():
        if part.get_content_type() == f"text/{subtype}":
            return part.get_payload(decode=True).decode(part.get_content_charset())
    raise AssertionError(f"no text/{subtype} part")


def links_in(mail) -> dict[str, str]:
    """The confirm and preferences links of a mail's text part, as site paths."""
    found = {}
    for match in LINK.finditer(body_of(mail)):
        found[match.group(1)] = re.sub(r"^https?://[^/]+", "", match.group(0))
    return found


def subscriber(email: str = "zoe@example.org") -> Subscriber:
    return Subscriber.objects.get(email=email)


def make_subscriber(email: str, status: str = "confirmed", lists=(), languages=()) -> Subscriber:
    person = Subscriber.objects.create(email=email, status=status)
    person.lists.set(lists)
    person.languages.set(languages)
    return person
