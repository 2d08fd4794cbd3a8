"""The roster in Wagtail's admin: filters by skill and language pair, CSV export; contact messages."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model

from samizdat.volunteers.models import ContactMessage, LanguagePair, Skill, Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(client):
    user = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")
    client.force_login(user)
    people = {}
    for name, skills, pairs in [("Ana Tradutora", ["translation"], [("pt", "en")]),
                                ("Élise", ["translation", "design"], [("fr", "en"), ("es", "fr")]),
                                ("Dmitri", ["video_editing"], [])]:
        volunteer = Volunteer.objects.create(name=name, email=f"{len(people)}@example.org")
        volunteer.skills.set(Skill.objects.filter(code__in=skills))
        for source, target in pairs:
            LanguagePair.objects.create(volunteer=volunteer, from_language=source, to_language=target)
        people[name] = volunteer
    return people


def names(response) -> set[str]:
    assert response.status_code == 200
    return {v.name for v in response.context["object_list"]}


def test_filters_by_skill_and_pair(client, roster):
    base = "/admin/volunteers/"
    assert names(client.get(base)) == {"Ana Tradutora", "Élise", "Dmitri"}
    design = Skill.objects.get(code="design").pk
    assert names(client.get(f"{base}?skills={design}")) == {"Élise"}
    assert names(client.get(f"{base}?to_language=en")) == {"Ana Tradutora", "Élise"}
    assert names(client.get(f"{base}?from_language=fr&to_language=en")) == {"Élise"}
    assert names(client.get(f"{base}?from_language=es&to_language=en")) == set()  # not across two pairs
    assert names(client.get(f"{base}?q=dmitri")) == {"Dmitri"}
    assert client.get(f"{base}?from_language=zz").status_code == 200


def test_csv_export_has_pairs(client, roster):
    response = client.get("/admin/volunteers/?export=csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    by_name = {row["Name"]: row for row in rows}
    assert by_name["Élise"]["Language pairs"] == "fr → en (Fluent); es → fr (Fluent)"
    assert "Translation" in by_name["Élise"]["Skills"]


def test_edit_form_and_contact_messages(client, roster):
    assert client.get(f"/admin/volunteers/edit/{roster['Élise'].pk}/").status_code == 200
    ContactMessage.objects.create(name="A", email="a@example.org", subject="Tip", message="Hi")
    assert client.get("/admin/contact_messages/?handled=false").status_code == 200


def test_roster_query_count_does_not_grow(client, roster):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        client.get("/admin/volunteers/")
        with CaptureQueriesContext(connection) as captured:
            client.get("/admin/volunteers/")
        return len(captured)

    before = count()
    translation = Skill.objects.get(code="translation")
    for number in range(15):
        volunteer = Volunteer.objects.create(name=f"V{number}", email=f"v{number}@example.org")
        volunteer.skills.add(translation)
        LanguagePair.objects.create(volunteer=volunteer, from_language="de", to_language="en")
    assert count() == before
