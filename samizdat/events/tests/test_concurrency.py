"""Two people confirming for the last seat at once: the event row lock lets only one of them have it;
one address sent twice at once is still one registration."""

from __future__ import annotations

import pytest
from django.db import connection

from conftest import race
from samizdat.events import services
from samizdat.events.models import Registration

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="SQLite has no row locks (one writer at a time); the race needs PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def data(number: int, email: str | None = None) -> dict:
    return {"name": f"Reader {number}", "email": email or f"r{number}@example.org", "country": "Chile"}


def test_two_readers_cannot_take_the_last_seat(events):
    event = events.add("Last seat", capacity=1, waiting_list=True)
    pending = [services.register(event, data(number))[0] for number in range(2)]
    assert {registration.status for registration in pending} == {"pending"}
    results = race([lambda r=registration: services.confirm(r) for registration in pending])
    assert sorted(registration.status for registration, _outcome in results) == ["confirmed", "waiting"]
    assert Registration.objects.filter(status="confirmed").count() == 1


def test_one_address_twice_at_once_is_one_registration(events):
    event = events.add("Popular", capacity=None)
    spellings = ["x@ÉXAMPLE.org", "x@xn--xample-9ua.org", "X@éxample.org"]
    results = race([lambda n=number, e=email: services.register(event, data(n, e))
                    for number, email in enumerate(spellings)])
    assert {registration.pk for registration, _outcome in results} == {Registration.objects.get().pk}
    assert sorted(outcome for _registration, outcome in results) == ["new", "resent", "resent"]
