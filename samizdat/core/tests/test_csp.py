"""Content-Security-Policy: strict on readers' pages, Wagtail's own needs in the admin."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


def test_readers_pages_allow_only_the_sites_own_scripts_and_styles(client, outlet):
    article = outlet.add_article("Night shift walkout")
    for url in ("/", article.url, "/es/", "/search/?q=x", "/no-such-page/", outlet.section.url):
        policy = directives(client.get(url))
        assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'self'"]
        assert policy["form-action"] == ["'self'"] and policy["base-uri"] == ["'self'"]
        assert "'unsafe-inline'" not in " ".join(sum(policy.values(), []))


def test_the_admin_has_its_own_looser_policy(boss):
    policy = directives(boss.get("/admin/"))
    assert "'unsafe-inline'" in policy["style-src"] and "blob:" in policy["img-src"]
    assert policy["object-src"] == ["'none'"] and policy["script-src"][0] == "'self'"
    assert not [source for source in policy["script-src"] if source.startswith("http")]


def test_with_online_giving_a_form_may_go_on_to_stripe_checkout(client, outlet, settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE = "sk_test_x", ""
    assert directives(client.get("/"))["form-action"] == ["'self'", "https://checkout.stripe.com"]
