"""A failed load leaves no half-built demo behind, in the database or in media storage."""

from __future__ import annotations

from unittest import mock

import pytest
from wagtail.models import Page, Site

from samizdat.core.models import OutletImage
from samizdat.demo import loader
from samizdat.home.models import HomePage
from samizdat.people.models import Person


@pytest.mark.django_db
def test_failure_rolls_everything_back(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pages_before = Page.objects.count()
    site_root = Site.objects.get(is_default_site=True).root_page_id
    # Fail once the homes and sections exist, the site moved and the welcome page is gone.
    with mock.patch.object(loader._DemoLoader, "_indexes", side_effect=RuntimeError("boom")):
        with pytest.raises(RuntimeError, match="boom"):
            loader.load_demo(password="red-ledger-test-login-7")
    assert not loader.demo_exists()
    assert Page.objects.count() == pages_before
    assert not HomePage.objects.exists()
    assert Site.objects.get(is_default_site=True).root_page_id == site_root
    assert not Person.objects.exists() and not OutletImage.objects.exists()
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]
