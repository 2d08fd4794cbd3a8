"""The count stays exact when many people confirm at once, and one address signs once (PostgreSQL).

SQLite serializes every write, so racing threads prove nothing there; the test runs on PostgreSQL.
"""

from __future__ import annotations

import pytest
from django.db import connection

from conftest import race
from samizdat.letters import services
from samizdat.letters.models import LetterPage, Signature

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: SQLite serializes all writes, so there is no race to test"),
]

THREADS = 20


def test_concurrent_confirmations_and_signings(letter):
    pending = [Signature.objects.create(letter=letter, email=f"c{n}@example.org", name=f"Signer {n}")
               for n in range(THREADS)]
    assert race([lambda pk=signature.pk: services.confirm(pk) for signature in pending])
    confirmed = Signature.objects.filter(letter=letter, status="confirmed").count()
    assert LetterPage.objects.get(pk=letter.pk).signature_count == THREADS == confirmed

    twice = pending[0].pk  # the same withdraw link clicked in several tabs at once: counted once
    assert race([lambda: services.withdraw(twice) for _ in range(5)])
    assert LetterPage.objects.get(pk=letter.pk).signature_count == THREADS - 1

    data = {"name": "Zoë Ñandú", "email": "zoe@example.org", "is_public": True}
    url = "http://localhost/letters/pay-the-cleaners/"
    assert race([lambda: services.sign(letter, data, page_url=url) for _ in range(THREADS // 2)])
    assert Signature.objects.filter(letter=letter, email="zoe@example.org").count() == 1
