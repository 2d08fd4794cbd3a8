"""The chrome around every page: pages an editor shows in menus get a footer link."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from samizdat.articles.models import DossierPage

pytestmark = pytest.mark.django_db


def footer_links(response) -> dict[str, str]:
    tree = lxml_html.fromstring(response.content)
    return {a.text_content().strip(): a.get("href") for a in tree.xpath("//footer//nav//a")}


def test_pages_shown_in_menus_are_linked_from_the_footer(client, outlet):
    outlet.home.add_child(instance=DossierPage(title="Hidden Dossier", slug="hidden"))
    shown = outlet.home.add_child(instance=DossierPage(title="About Us", slug="about", show_in_menus=True))
    links = footer_links(client.get("/"))
    assert links["About Us"] == shown.url
    assert "Hidden Dossier" not in links
    assert {"Topics", "Authors"} <= set(links)
    assert "Labor" not in links  # sections are in the top menu, not the footer
