"""Two people after the last seat at once: the event row lock lets only one of them have it."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from samizdat.events import services
from samizdat.events.models import Registration


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite has no row locks (one writer at a time); the race needs PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_readers_cannot_take_the_last_seat(events):
    event = events.add("Last seat", capacity=1, waiting_list=True)
    barrier = threading.Barrier(2)
    statuses: list[str] = []
    errors: list[BaseException] = []

    def attempt(number: int) -> None:
        try:
            barrier.wait(timeout=10)
            data = {"name": f"Reader {number}", "email": f"r{number}@example.org", "country": "Chile"}
            registration = services.register(event, data)
            statuses.append(registration.status)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(number,)) for number in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(statuses) == ["confirmed", "waiting"]
    assert Registration.objects.filter(status="confirmed").count() == 1
