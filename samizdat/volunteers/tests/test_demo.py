"""The demo loader adds both pages in both languages, a roster, a message and the contact address."""

from __future__ import annotations

import pytest

from samizdat.core.models import OutletSettings
from samizdat.demo.loader import load_demo
from samizdat.volunteers.models import ContactMessage, LanguagePair, Volunteer

pytestmark = pytest.mark.django_db


def test_demo_volunteers(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    for url, text in (("/get-involved/", "translators into English"), ("/es/colabora/", "traductores"),
                      ("/contact/", "desk@redledger.example"), ("/es/contacto/", "Pistas")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode()
    assert Volunteer.objects.count() == 5
    assert {(p.from_language, p.to_language) for p in LanguagePair.objects.all()} >= {
        ("es", "en"), ("pt", "en"), ("fr", "en"), ("de", "en")}
    statuses = set(Volunteer.objects.values_list("status", flat=True))
    assert statuses == {"new", "contacted", "active", "inactive"}
    assert ContactMessage.objects.count() == 1
    assert OutletSettings.objects.get().contact_recipient == "tips@redledger.example"
