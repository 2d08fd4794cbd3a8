"""Fixtures for the campaigns tests: a campaign with perk tiers under the test outlet, form data,
and Stripe's webhook signing done the way Stripe does it (HMAC-SHA256 of "t.payload")."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator

import pytest

from samizdat.campaigns.models import CampaignPage, Perk, PerkChoice
from samizdat.campaigns.tests.stripe_standin import Server, StripeStandIn, use_standin
from samizdat.core import spam

WEBHOOK_SECRET = "whsec_test_samizdat"
WEBHOOK_URL = "/campaigns/stripe/webhook/"


@pytest.fixture
def client(committing_client):
    """Mail queued on commit goes out after each POST."""
    return committing_client


@pytest.fixture
def campaign(outlet) -> CampaignPage:
    page = CampaignPage(
        title="Kick-start the video desk", slug="video-desk", intro="Help us film the strikes.",
        goal=500_000, currency="EUR", suggested_amounts="10, 30, 50",
        offline_instructions="IBAN ES00 0000 0000 0000, reference on your receipt.",
        thanks="<p>Thank you, comrade.</p>",
    )
    outlet.home.add_child(instance=page)
    magazine = Perk(campaign=page, title="A magazine issue", minimum=3000, sort_order=0)
    shirt = Perk(campaign=page, title="T-shirt", minimum=5000, ships=True, sort_order=1)
    magazine.choices = [PerkChoice(question="Which issue", label="Spring", sort_order=0),
                        PerkChoice(question="Which issue", label="Autumn", sort_order=1)]
    shirt.choices = [PerkChoice(question="Design", label="Red star", stock=1, sort_order=0),
                     PerkChoice(question="Design", label="Fist", stock=10, sort_order=1),
                     PerkChoice(question="Size", label="M", sort_order=2),
                     PerkChoice(question="Size", label="L", sort_order=3)]
    page.perks = [magazine, shirt]
    page.save_revision().publish()
    return CampaignPage.objects.get(pk=page.pk)


def choice(campaign: CampaignPage, label: str) -> PerkChoice:
    return PerkChoice.objects.get(perk__campaign=campaign, label=label)


def giving(campaign: CampaignPage | None = None, **overrides) -> dict:
    """A valid give form submission (filled in 30 seconds ago): €30, one-off, no perk."""
    data = {"currency": "EUR", "preset": "3000", "other_amount": "", "frequency": "once", "method": "offline",
            "perk": "", "name": "Rosa Ortiz", "email": "Rosa@Example.org", "is_public": "on",
            "display_name": "", "message": "Keep filming!", "ship_to": "", "ship_country": "",
            "started": spam.timestamp_token("give", time.time() - 30), "website": ""}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def perk_fields(campaign: CampaignPage, perk_title: str, *labels: str) -> dict:
    """Form data picking a perk and its choices by label."""
    from samizdat.campaigns.forms import choice_field_name

    perk = Perk.objects.get(campaign=campaign, title=perk_title)
    data = {"perk": str(perk.pk)}
    questions = list(dict.fromkeys(perk.choices.order_by("sort_order").values_list("question", flat=True)))
    for label in labels:
        picked = perk.choices.get(label=label)
        data[choice_field_name(perk, questions.index(picked.question))] = str(picked.pk)
    return data


def stripe_signature(payload: bytes, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    """The Stripe-Signature header Stripe sends: t=<unix time>,v1=<HMAC-SHA256 of "t.payload">."""
    at = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{at}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={at},v1={digest}"


def stripe_event(event_type: str, obj: dict, event_id: str = "evt_1") -> bytes:
    return json.dumps({"id": event_id, "object": "event", "type": event_type, "api_version": "2026-10-28",
                       "created": int(time.time()), "livemode": False, "data": {"object": obj}}).encode()


@pytest.fixture
def webhook_secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return WEBHOOK_SECRET


@pytest.fixture
def standin(monkeypatch, settings) -> Iterator[Server]:
    """The stand-in for Stripe's API, running, with our Stripe client pointed at it."""
    server = Server()
    with server:
        use_standin(monkeypatch, settings, server.state.base)
        yield server


@pytest.fixture
def stripe_api(standin: Server) -> StripeStandIn:
    """What the running stand-in received, and how it answers."""
    return standin.state


def totals(campaign: CampaignPage) -> dict[str, int]:
    """Raised and supporters, from the database (a fresh object: `totals` is cached on the page)."""
    return CampaignPage.objects.get(pk=campaign.pk).totals
