"""The demo's letters part, run alone on the test outlet (the full loader is tested in samizdat/demo)."""

from __future__ import annotations

import pytest

from samizdat.demo import letters as demo_letters
from samizdat.demo.loader import _DemoLoader
from samizdat.letters.models import LetterPage, Signature

pytestmark = pytest.mark.django_db


def test_demo_letters(client, outlet):
    loader = _DemoLoader("x", lambda message: None)
    loader.en, loader.es, loader.home_en, loader.home_es = outlet.en, outlet.es, outlet.home, outlet.home_es
    loader.editor = loader.moderator = None
    demo_letters.load(loader)

    english = LetterPage.objects.get(locale=outlet.en)
    spanish = LetterPage.objects.get(locale=outlet.es)
    assert english.signature_count == 36 and spanish.shared_count == 36  # one list in both languages
    assert Signature.objects.filter(status="pending").count() == 2
    for url, text in (("/letters/", "Stand with the hospital cleaners"), ("/es/cartas/", "Cartas abiertas"),
                      (english.url, "To the Regional Minister of Health"),
                      (spanish.url, "Al consejero regional de Sanidad"),
                      (english.url + "signatures/", "فاطمة الزهراء بن علي")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode(), url
    listed = client.get(english.url + "signatures/").content.decode()
    assert "Ngozi Eze" not in listed and "Marta Ruiz" not in listed  # private, pending
    assert "<strong><bdi>Hospital Cleaners&#x27; Assembly</bdi></strong>" in listed
