"""Subscribing: double opt-in through real SMTP, the quick footer form, bad input, tokens, states."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from conftest import assert_mail_links_work
from samizdat.newsletter import links, services
from samizdat.newsletter.models import Subscriber
from samizdat.newsletter.tests.conftest import (
    body_of,
    links_in,
    make_subscriber,
    spanish,
    subscriber,
    subscribing,
)

pytestmark = pytest.mark.django_db


def test_subscribe_and_confirm(client, newsletter, lists, smtp_server):
    page = client.get(newsletter.url).content.decode()
    assert "News from the picket line" in page and "Weekly digest" in page and "Staff" not in page
    assert f'value="{lists["daily"].pk}" checked' in page.replace(' id="id_lists_0"', "")

    response = client.post(newsletter.url, subscribing(lists=[lists["daily"].pk, lists["weekly"].pk],
                                                       email="  Zoe@Example.ORG "))
    assert response.status_code == 302 and response["Location"] == f"{newsletter.url}?sent=1"
    assert "check your email" in client.get(response["Location"]).content.decode()
    person = subscriber()
    assert (person.status, person.source) == ("pending", "form")
    assert {item.slug for item in person.lists.all()} == {"daily", "weekly"}
    assert [locale.language_code for locale in person.languages.all()] == ["en"]

    [mail] = smtp_server
    assert mail.envelope_rcpt == ["zoe@example.org"] and "Confirm" in mail["Subject"]
    assert mail.get_content_type() == "multipart/alternative"
    assert "Confirm my subscription" in body_of(mail, "html")
    links_found = links_in(mail)
    assert set(links_found) == {"confirm"}
    assert_mail_links_work(client, mail)

    shown = client.get(links_found["confirm"])  # a mail scanner's prefetch changes nothing
    assert shown.status_code == 200 and "Confirm my subscription" in shown.content.decode()
    assert subscriber().status == "pending"
    confirmed = client.post(links_found["confirm"])
    assert confirmed.status_code == 200 and "Welcome aboard." in confirmed.content.decode()
    person = subscriber()
    assert person.status == "confirmed" and person.confirmed_at and person.consent_at
    assert person.source == "form"
    again = client.post(links_found["confirm"])
    assert "already confirmed" in again.content.decode()


def test_quick_footer_form(client, outlet, newsletter, lists, smtp_server,
                           django_capture_on_commit_callbacks):
    from django.test import Client

    article = outlet.add_article("Strike at the port")
    reading = client.get(article.url)
    page = reading.content.decode()
    assert 'name="quick"' in page and 'action="/newsletter/subscribe/"' in page
    assert page.count('name="quick"') == 2  # the footer's and the one after the article
    assert not reading.cookies and "Cookie" not in reading.get("Vary", "")  # cacheable by a shared cache
    strict = Client(enforce_csrf_checks=True)  # the form carries no CSRF token and needs none
    with django_capture_on_commit_callbacks(execute=True):
        response = strict.post("/newsletter/subscribe/", subscribing(languages=None, lists=None, quick="on"))
    assert response.status_code == 302 and response["Location"] == f"{newsletter.url}?sent=1"
    person = subscriber()
    assert [item.slug for item in person.lists.all()] == ["daily"]
    assert [locale.language_code for locale in person.languages.all()] == ["en"]

    lists["daily"].preselected = False
    lists["daily"].save()
    client.post("/es/newsletter/subscribe/", subscribing(email="ana@example.org", languages=None, lists=None,
                                                         quick="on"))
    ana = subscriber("ana@example.org")
    assert {item.slug for item in ana.lists.all()} == {"daily", "weekly"}  # none preselected: all public
    assert [locale.language_code for locale in ana.languages.all()] == ["es"]
    assert "Confirma" in smtp_server[1]["Subject"] or "/boletin/confirm/" in body_of(smtp_server[1])


def test_quick_form_bad_input_and_no_newsletter(client, outlet, newsletter, lists, smtp_server):
    bad = client.post("/newsletter/subscribe/", subscribing(email="nope", languages=None, lists=None,
                                                            quick="on"))
    assert bad.status_code == 200 and 'value="nope"' in bad.content.decode()
    assert "valid email" in bad.content.decode() and not Subscriber.objects.exists()
    assert client.get("/newsletter/subscribe/")["Location"] == newsletter.url
    newsletter.unpublish()
    gone = client.post("/newsletter/subscribe/", subscribing(languages=None, lists=None, quick="on"))
    assert gone.status_code == 404 and not Subscriber.objects.exists()


def test_mail_in_the_subscriber_language(client, newsletter, lists, smtp_server):
    client.post(spanish(newsletter).url, subscribing(languages=["es"], lists=[lists["daily"].pk]))
    [mail] = smtp_server
    assert "/es/boletin/confirm/" in links_in(mail)["confirm"]


@pytest.mark.parametrize("overrides, field, text", [
    ({"email": "not-an-email"}, "email", "valid email"),
    ({"email": ""}, "email", "required"),
    ({"email": "a@b.c" + "x" * 260}, "email", "at most 254"),
    ({"lists": []}, "lists", "at least one list"),
    ({"lists": ["999999"]}, "lists", "valid choice"),
    ({"languages": []}, "languages", "at least one language"),
    ({"languages": ["xx"]}, "languages", "valid choice"),
])
def test_bad_input_shows_errors_and_stores_nothing(client, newsletter, lists, smtp_server, overrides,
                                                   field, text):
    data = {"lists": [lists["daily"].pk], **overrides}
    response = client.post(newsletter.url, subscribing(**data))
    assert response.status_code == 200
    assert text in str(response.context["form"].errors[field])
    assert "Please correct the errors below" in response.content.decode()
    assert Subscriber.objects.count() == 0 and smtp_server == []


def test_spam_protection(client, newsletter, lists, smtp_server, settings):
    fast = client.post(newsletter.url, subscribing(lists=[lists["daily"].pk], started="forged"))
    assert fast.status_code == 200 and "submit the form again" in fast.content.decode()
    bot = client.post(newsletter.url, subscribing(lists=[lists["daily"].pk], website="http://spam"))
    assert bot.status_code == 302 and Subscriber.objects.count() == 0 and smtp_server == []
    settings.SPAM_RATE_LIMIT = 1
    client.post(newsletter.url, subscribing(lists=[lists["daily"].pk], email="one@example.org"))
    assert client.post(newsletter.url, subscribing(lists=[lists["daily"].pk])).status_code == 429


def test_subscribing_twice_and_the_states(client, newsletter, lists, smtp_server, settings):
    settings.SPAM_RATE_LIMIT = 100
    client.post(newsletter.url, subscribing(lists=[lists["daily"].pk]))
    client.post(newsletter.url, subscribing(email="ZOE@example.org", lists=[lists["weekly"].pk]))
    assert Subscriber.objects.count() == 1
    assert [item.slug for item in subscriber().lists.all()] == ["weekly"]  # pending: updated
    first, second = (links_in(mail)["confirm"] for mail in smtp_server)
    client.post(first)
    assert subscriber().status == "confirmed"
    assert "already confirmed" in client.post(second).content.decode()

    response = client.post(newsletter.url, subscribing(lists=[lists["daily"].pk]))
    assert "check your email" in client.get(response["Location"]).content.decode()  # reveals nothing
    assert len(smtp_server) == 3 and "already subscribed" in smtp_server[2]["Subject"]
    assert "nothing has changed" in body_of(smtp_server[2])
    assert set(links_in(smtp_server[2])) == {"preferences"}
    assert_mail_links_work(client, smtp_server[2])
    assert [item.slug for item in subscriber().lists.all()] == ["weekly"]  # confirmed: unchanged

    for status in ("unsubscribed", "bounced", "complained"):
        Subscriber.objects.filter(pk=subscriber().pk).update(status=status, soft_bounces=3,
                                                            bounce_reason="550")
        old_link = links_in(smtp_server[-1]).get("confirm")
        if old_link:  # an old confirmation link cannot bring a stopped address back
            assert "cannot confirm it" in client.post(old_link).content.decode()
        client.post(newsletter.url, subscribing(lists=[lists["daily"].pk]))
        assert subscriber().status == "pending"
        client.post(links_in(smtp_server[-1])["confirm"])
        person = subscriber()
        assert (person.status, person.soft_bounces, person.bounce_reason) == ("confirmed", 0, "")


def test_expired_and_tampered_confirmation_links(client, newsletter, lists, smtp_server):
    with freeze_time(timezone.now() - timedelta(days=8)):
        client.post(newsletter.url, subscribing(lists=[lists["daily"].pk]))
    link = links_in(smtp_server[0])["confirm"]
    expired = client.post(link)
    assert expired.status_code == 410 and "Subscribe again" in expired.content.decode()
    assert subscriber().status == "pending"
    token = links.make_token(subscriber().pk, links.CONFIRM_SALT).replace(":", "_")
    other_kind = links.make_token(subscriber().pk, links.PREFERENCES_SALT).replace(":", "_")
    for bad in (token[:-2] + "xx", other_kind, "nonsense"):
        tampered = client.post(f"{newsletter.url}confirm/{bad}/")
        assert tampered.status_code == 400 and "not valid" in tampered.content.decode()
    assert subscriber().status == "pending"
    missing = client.get(links.confirm_url(999999, newsletter.url))
    assert missing.status_code == 400


def test_subscribe_service_race_keeps_one_row(newsletter, lists, smtp_server,
                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.subscribe("a@example.org", [], [lists["daily"]], page_url="http://localhost/newsletter/")
        services.subscribe("A@example.org ", [], [lists["daily"]], page_url="http://localhost/newsletter/")
    assert Subscriber.objects.filter(email="a@example.org").count() == 1 and len(smtp_server) == 2


def test_page_lists_past_issues_in_few_queries(client, newsletter, lists, django_assert_max_num_queries):
    from samizdat.newsletter.issues import NewsletterIssuePage

    def add_issues(count: int) -> None:
        start = NewsletterIssuePage.objects.count()
        for number in range(start, start + count):
            newsletter.add_child(instance=NewsletterIssuePage(title=f"Issue {number}", slug=f"issue-{number}",
                                                              body=[]))

    add_issues(2)
    client.get(newsletter.url)  # warm the menu cache
    with django_assert_max_num_queries(8) as few:
        page = client.get(newsletter.url).content.decode()
    assert "Issue 1" in page and "Issue 0" in page
    add_issues(25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(newsletter.url).content.decode()
    assert "Page 1 of 2" in page
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(newsletter.url + "?page=2").status_code == 200
    confirm = links.confirm_url(make_subscriber("q@example.org", "pending").pk, newsletter.url)
    with django_assert_max_num_queries(6):
        assert client.get(confirm).status_code == 200


def test_letter_signature_subscribes(client, outlet, lists, newsletter, smtp_server):
    from samizdat.letters.models import LetterIndexPage, LetterPage
    from samizdat.letters.tests.conftest import links_in as letter_links
    from samizdat.letters.tests.conftest import signing

    index = outlet.home.add_child(instance=LetterIndexPage(title="Open letters", slug="letters"))
    letter = index.add_child(instance=LetterPage(title="Pay the cleaners", slug="pay", body="<p>Pay.</p>"))
    client.post(letter.url, signing(newsletter_opt_in="on"))
    assert Subscriber.objects.count() == 0  # not before the signature is confirmed
    client.post(letter_links(smtp_server[0])["confirm"])
    person = subscriber()
    assert (person.status, person.source, person.source_detail) == ("confirmed", "letter", "Pay the cleaners")
    assert [item.slug for item in person.lists.all()] == ["daily"] and person.consent_at
    assert [locale.language_code for locale in person.languages.all()] == ["en"]

    client.post(letter.url, signing(email="left@example.org", newsletter_opt_in="on"))
    make_subscriber("left@example.org", "unsubscribed")
    client.post(letter_links(smtp_server[-1])["confirm"])
    assert subscriber("left@example.org").status == "unsubscribed"  # never resubscribed this way
    assert subscriber("left@example.org").lists.count() == 0
