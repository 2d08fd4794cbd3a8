"""`manage.py set_site_host`: every absolute link follows the site's public address."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Site

from samizdat.newsletter import links

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("given", "root"), [
    ("localhost:8010", "http://localhost:8010"),
    ("news.example.org", "http://news.example.org"),
    ("https://News.Example.org", "https://news.example.org"),
    ("https://news.example.org:443/", "https://news.example.org"),
])
def test_the_site_address_is_set_and_used_by_mail_links(outlet, given, root):
    out = StringIO()
    call_command("set_site_host", given, stdout=out)
    assert Site.objects.get(is_default_site=True).root_url == root
    assert f"{root}/" in out.getvalue()
    assert links.unsubscribe_url(1, "en").startswith(f"{root}/newsletter/unsubscribe/")
    article = outlet.add_article("Dock strike")
    assert article.get_full_url().startswith(f"{root}/labor/")


@pytest.mark.parametrize("bad", ["", "news example.org", "http://x.org/path", "x.org:99999", "x.org:abc",
                                 "ftp://x.org", "user@x.org", "-bad-.org", "a" * 300 + ".org",
                                 "https://x.org:8443"])
def test_a_bad_address_is_a_clear_error_and_changes_nothing(outlet, bad):
    before = Site.objects.get(is_default_site=True).root_url
    with pytest.raises(CommandError):
        call_command("set_site_host", bad)
    assert Site.objects.get(is_default_site=True).root_url == before
