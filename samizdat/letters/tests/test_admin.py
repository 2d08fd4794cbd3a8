"""Signatures in Wagtail's admin: filters, search, CSV export for organizers, safe edits and deletes."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.contrib.auth import get_user_model

from samizdat.letters import services
from samizdat.letters.models import LetterPage, Signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(client, letter):
    client.force_login(get_user_model().objects.create_superuser("boss", "boss@example.org", "pw"))
    rows = [("Ana", "ana@example.org", "Cleaners' Union", True, True, "confirmed"),
            ("李小龍", "li@example.org", "", False, False, "confirmed"),
            ("Bo", "bo@example.org", "", True, False, "pending")]
    for name, email, organization, public, newsletter, status in rows:
        Signature.objects.create(letter=letter, name=name, email=email, organization=organization,
                                 is_public=public, newsletter_opt_in=newsletter, status=status,
                                 confirmed_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
                                 if status == "confirmed" else None)
    services.recount(letter)
    return letter


def names(response) -> set[str]:
    assert response.status_code == 200
    return {signature.name for signature in response.context["object_list"]}


def test_filters_and_search(client, signed):
    base = "/admin/letter_signatures/"
    assert names(client.get(base)) == {"Ana", "李小龍", "Bo"}
    assert names(client.get(f"{base}?status=confirmed")) == {"Ana", "李小龍"}
    assert names(client.get(f"{base}?is_public=false")) == {"李小龍"}
    assert names(client.get(f"{base}?newsletter_opt_in=true")) == {"Ana"}
    assert names(client.get(f"{base}?letter={signed.pk}&q=union")) == {"Ana"}
    assert client.get(f"{base}?letter=999999&status=nonsense").status_code == 200


def test_csv_export(client, signed):
    response = client.get("/admin/letter_signatures/?export=csv&status=confirmed")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    by_name = {row["Name"]: row for row in rows}
    assert set(by_name) == {"Ana", "李小龍"}
    assert by_name["Ana"]["Email"] == "ana@example.org"
    assert by_name["Ana"]["Organization"] == "Cleaners' Union"
    assert by_name["Ana"]["Newsletter"] == "True" and by_name["李小龍"]["Public"] == "False"
    assert by_name["Ana"]["Confirmed at"].startswith("2026-03-01")


def test_edit_keeps_status_and_delete_keeps_the_count_exact(client, signed):
    ana = Signature.objects.get(name="Ana")
    edit = client.get(f"/admin/letter_signatures/edit/{ana.pk}/")
    assert edit.status_code == 200
    assert 'name="status"' not in edit.content.decode() and 'name="email"' not in edit.content.decode()
    assert LetterPage.objects.get(pk=signed.pk).signature_count == 2
    response = client.post(f"/admin/letter_signatures/delete/{ana.pk}/")
    assert response.status_code == 302
    assert LetterPage.objects.get(pk=signed.pk).signature_count == 1
    client.post(f"/admin/letter_signatures/delete/{Signature.objects.get(name='Bo').pk}/")
    assert LetterPage.objects.get(pk=signed.pk).signature_count == 1


def test_admin_preview_and_edit_page(client, signed):
    response = signed.make_preview_request()
    assert response.status_code == 200 and "To the city council of Bilbao" in response.content.decode()
    edit = client.get(f"/admin/pages/{signed.pk}/edit/")
    assert edit.status_code == 200 and 'name="signature_count"' not in edit.content.decode()


def test_deleting_the_letter_deletes_its_signatures(signed):
    LetterPage.objects.get(pk=signed.pk).delete()
    assert Signature.objects.count() == 0
