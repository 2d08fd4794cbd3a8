"""Leaving and changing lists: the preferences page, one-click unsubscribe (RFC 8058), bounces."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from samizdat.newsletter import links, sending
from samizdat.newsletter.models import Send, Subscriber
from samizdat.newsletter.tests.conftest import make_subscriber, spanish

pytestmark = pytest.mark.django_db


@pytest.fixture
def zoe(outlet, lists) -> Subscriber:
    return make_subscriber("zoe@example.org", "confirmed", [lists["daily"], lists["staff"]], [outlet.en])


def preferences_path(newsletter, subscriber) -> str:
    return links.preferences_url(subscriber.pk, newsletter.url)


def test_links_of_older_mails_with_a_colon_in_the_token_redirect_to_the_page(client, newsletter, zoe):
    token = links.make_token(zoe.pk, links.PREFERENCES_SALT)
    assert ":" in token
    response = client.get(f"{newsletter.url}preferences/{token}/", follow=True)
    assert response.redirect_chain[0][1] == 301
    assert response.status_code == 200 and "zoe@example.org" in response.content.decode()
    confirm = links.make_token(zoe.pk, links.CONFIRM_SALT)
    response = client.get(f"{newsletter.url}confirm/{confirm}/", follow=True)
    assert response.status_code == 200 and response.redirect_chain


def test_preferences_change_lists_and_languages(client, newsletter, lists, zoe, outlet,
                                                django_assert_max_num_queries):
    url = preferences_path(newsletter, zoe)
    client.get(url)
    with django_assert_max_num_queries(9):  # fixed: the same with more lists (see below)
        page = client.get(url)
    assert page.status_code == 200 and "zoe@example.org" in page.content.decode()
    assert "noindex" in page.content.decode() and "Staff" not in page.content.decode()

    response = client.post(url, {"lists": [lists["weekly"].pk], "languages": ["en", "es"], "save": ""})
    assert response.status_code == 200 and "preferences are saved" in response.content.decode()
    zoe.refresh_from_db()
    assert {item.slug for item in zoe.lists.all()} == {"weekly", "staff"}  # a list readers don't see stays
    assert {locale.language_code for locale in zoe.languages.all()} == {"en", "es"}

    for number in range(10):
        zoe.lists.add(lists["daily"].__class__.objects.create(name=f"List {number}", slug=f"list-{number}"))
    with django_assert_max_num_queries(9):
        assert "List 9" in client.get(url).content.decode()

    bad = client.post(url, {"lists": ["99999"], "languages": ["xx"], "save": ""})
    assert bad.status_code == 200 and "valid choice" in bad.content.decode()
    assert Subscriber.objects.get(pk=zoe.pk).lists.count() == 12


def test_preferences_unsubscribe_and_come_back(client, newsletter, lists, zoe):
    url = preferences_path(newsletter, zoe)
    response = client.post(url, {"unsubscribe": ""})
    assert "You are unsubscribed" in response.content.decode()
    assert Subscriber.objects.get(pk=zoe.pk).status == "unsubscribed"
    again = client.post(url, {"unsubscribe": ""})
    assert again.status_code == 200 and "already unsubscribed" in again.content.decode()

    back = client.post(url, {"lists": [lists["daily"].pk], "languages": ["en"], "save": ""})
    assert "Welcome back" in back.content.decode()
    zoe.refresh_from_db()
    assert zoe.status == "confirmed" and zoe.source_detail == "Preferences page"

    none_ticked = client.post(url, {"languages": ["en"], "save": ""})  # no list: unsubscribed
    assert "You are unsubscribed" in none_ticked.content.decode()


def test_preferences_bad_links(client, newsletter, zoe):
    base = f"{newsletter.url}preferences/"
    confirm_token = links.make_token(zoe.pk, links.CONFIRM_SALT).replace(":", "_")
    for token in ("nonsense", confirm_token, "1_" + "x" * 900):
        response = client.get(f"{base}{token}/")
        assert response.status_code == 400, token
        assert "This link is not valid" in response.content.decode()
    gone = preferences_path(newsletter, zoe)
    Subscriber.objects.filter(pk=zoe.pk).delete()
    assert client.get(gone).status_code == 400


def test_spanish_preferences_page(client, newsletter, zoe):
    page = client.get(links.preferences_url(zoe.pk, spanish(newsletter).url))
    assert page.status_code == 200 and 'lang="es"' in page.content.decode()


def test_one_click_unsubscribe_from_a_real_message(outlet, newsletter, lists, zoe, smtp_server, settings,
                                                    django_capture_on_commit_callbacks,
                                                    django_assert_max_num_queries):
    send = Send.objects.create(kind=Send.Kind.ISSUE, locale=outlet.en, subject="News",
                               html=f"<p>Hi</p><a href=\"{sending.UNSUBSCRIBE_URL}\">Leave</a>",
                               text=f"Hi\n{sending.UNSUBSCRIBE_URL}")
    send.mailing_lists.set([lists["daily"]])
    with django_capture_on_commit_callbacks(execute=True):
        sending.start_send(send)
    [mail] = smtp_server
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    address = mail["List-Unsubscribe"].strip("<>")
    path = address.split("://", 1)[1].split("/", 1)[1]
    path = "/" + path

    strict = Client(enforce_csrf_checks=True)  # a mail app: no cookies, no CSRF token
    shown = strict.get(path)
    assert shown.status_code == 200 and "Stop sending newsletters" in shown.content.decode()
    assert Subscriber.objects.get(pk=zoe.pk).status == "confirmed"  # a GET (a link scanner) changes nothing
    with django_assert_max_num_queries(10):
        done = strict.post(path, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "is unsubscribed" in done.content.decode()
    assert Subscriber.objects.get(pk=zoe.pk).status == "unsubscribed"
    twice = strict.post(path, {"List-Unsubscribe": "One-Click"})
    assert twice.status_code == 200 and "already unsubscribed" in twice.content.decode()

    for bad in (path[:-3] + "xx/", "/newsletter/unsubscribe/nonsense/"):
        response = strict.post(bad)
        assert response.status_code == 400 and "not valid" in response.content.decode()
    assert strict.put(path).status_code == 405

    # A later send skips the address.
    again = Send.objects.create(kind=Send.Kind.ISSUE, locale=outlet.en, subject="More", html="<p>x</p>",
                                text="x")
    again.mailing_lists.set([lists["daily"]])
    with django_capture_on_commit_callbacks(execute=True):
        sending.start_send(again)
    assert len(smtp_server) == 1 and again.deliveries.count() == 0


def bounce_post(client, body, secret="s3cret", **headers):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post("/newsletter/bounces/", data, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {secret}", **headers)


def test_bounce_webhook(client, outlet, lists, zoe, settings):
    settings.NEWSLETTER_BOUNCE_SECRET = ""
    assert bounce_post(client, {"email": "zoe@example.org", "type": "hard"}).status_code == 404
    settings.NEWSLETTER_BOUNCE_SECRET = "s3cret"
    wrong = bounce_post(client, {"email": "zoe@example.org", "type": "hard"}, secret="wrong")
    assert wrong.status_code == 403
    assert client.get("/newsletter/bounces/").status_code == 405
    make_subscriber("soft@example.org", "confirmed", [lists["daily"]], [outlet.en])
    for body, message in [("{", "not valid JSON"), ([], "at least one"), ([1], "not an object"),
                          ({"email": "x", "type": "hard"}, "email address"),
                          ({"email": "a@b.org", "type": "maybe"}, "hard, soft, complaint"),
                          ([{"email": "a@b.org", "type": "soft"}] * 1001, "at most 1000")]:
        response = bounce_post(client, body)
        assert response.status_code == 400 and message in response.json()["error"], body
    assert bounce_post(client, "x" * (1024 * 1024 + 1)).status_code == 413
    assert Subscriber.objects.get(pk=zoe.pk).status == "confirmed"  # nothing changed by bad requests

    response = bounce_post(client, [{"email": "ZOE@example.org", "type": "hard", "reason": "550 no user"},
                                    {"email": "soft@example.org", "type": "soft"},
                                    {"email": "stranger@example.org", "type": "complaint"}])
    assert response.status_code == 202
    assert response.json() == {"received": 3, "bounced": 1, "soft": 1, "complained": 0, "ignored": 1}
    zoe.refresh_from_db()
    assert (zoe.status, zoe.bounce_reason) == ("bounced", "550 no user")
    for _ in range(4):
        bounce_post(client, {"email": "soft@example.org", "type": "soft"})
    assert Subscriber.objects.get(email="soft@example.org").status == "bounced"  # five soft in a row


def test_bounce_command(zoe, outlet, lists):
    out = StringIO()
    call_command("newsletter_bounce", "zoe@example.org", "--soft", "--reason", "mailbox full", stdout=out)
    assert "soft_bounce" in out.getvalue() and "1 soft bounces" in out.getvalue()
    call_command("newsletter_bounce", "Zoe@Example.org", "--complaint", stdout=out)
    assert Subscriber.objects.get(pk=zoe.pk).status == "complained"
    with pytest.raises(CommandError, match="No subscriber has the address nobody@example.org"):
        call_command("newsletter_bounce", "nobody@example.org")

