"""Newsletter issues: the email and web version, previews, publish rules, publish → one send."""

from __future__ import annotations

import datetime
from datetime import timedelta
from email.message import Message

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time
from wagtail.models import Page, Revision
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, rich_text, streamfield

from samizdat.newsletter.issues import NewsletterIssuePage, html_to_text
from samizdat.newsletter.models import MailingList, Send, Subscriber
from samizdat.newsletter.pages import NewsletterPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(committing_client):
    return committing_client


@pytest.fixture
def newsletter(outlet) -> NewsletterPage:
    page = outlet.home.add_child(instance=NewsletterPage(title="Newsletter", slug="newsletter"))
    page.save_revision().publish()
    return page


@pytest.fixture
def daily(db) -> MailingList:
    return MailingList.objects.create(name="Daily", slug="daily")


def add_issue(newsletter, outlet, lists=(), publish=False, **fields) -> NewsletterIssuePage:
    strike = outlet.add_article("Dockers strike again", dek="Third walkout this year.")
    video = outlet.add_article("Picket line at dawn", kind="video", video_url="https://youtu.be/dQw4w9WgXcQ")
    body = fields.pop("body", [
        ("intro", f'<p>Good morning. Read <a linktype="page" id="{strike.pk}">our report</a> and '
                  f'<a href="https://union.example.net/call">the union\'s call</a>.</p>'),
        ("articles", {"heading": "Today", "articles": [strike, video]}),
        ("text", "<h2>Agenda</h2><ul><li>Rally at noon</li><li>Assembly at six</li></ul>"),
    ])
    issue = NewsletterIssuePage(title="Morning briefing", slug="morning-briefing", live=False,
                                preheader="Dockers walk out; a picket at dawn", body=body, **fields)
    newsletter.add_child(instance=issue)
    issue.mailing_lists.set(lists)
    issue.save()  # a ParentalManyToManyField is written on save
    revision = issue.save_revision()
    if publish:
        revision.publish()
    return NewsletterIssuePage.objects.get(pk=issue.pk)


def test_render_email_has_both_parts_cards_and_absolute_links(newsletter, outlet):
    issue = add_issue(newsletter, outlet)
    strike = outlet_article(issue, "Dockers strike again")
    html, text = issue.render_email()

    assert strike.full_url.startswith("http://localhost/")
    assert f'href="{strike.full_url}"' in html  # the intro's internal link, made absolute
    assert 'href="https://union.example.net/call"' in html
    assert html.count(f'href="{strike.full_url}"') == 2  # and the card's title
    assert "Third walkout this year." in html and "Rosa Marín" in html
    assert "Dockers walk out; a picket at dawn" in html and "display:none" in html
    assert issue.full_url in html  # web version
    assert "<img" not in html and "linktype" not in html

    assert "our report (" + strike.full_url + ")" in text
    assert "the union's call (https://union.example.net/call)" in text
    assert "- Rally at noon\n- Assembly at six" in text
    assert "Dockers strike again" in text and strike.full_url in text and "Rosa Marín" in text
    assert "Picket line at dawn" in text and "Today" in text
    assert issue.full_url in text and "<p>" not in text and "&#x27;" not in text


def outlet_article(issue, title):
    from samizdat.articles.models import ArticlePage

    return ArticlePage.objects.get(title=title)


def test_html_to_text_keeps_paragraphs_lists_and_urls():
    text = html_to_text('<p>One <b>bold</b>\nline.</p><p>See <a href="https://x.example/">this</a>.</p>'
                        '<ol><li>a</li><li>b</li></ol><p><a href="https://x.example/">https://x.example/</a></p>')
    assert text == ("One bold line.\n\nSee this (https://x.example/).\n\n- a\n- b\n\nhttps://x.example/")


def test_unpublished_articles_are_left_out(newsletter, outlet):
    issue = add_issue(newsletter, outlet)
    outlet_article(issue, "Picket line at dawn").unpublish()
    html, text = issue.render_email()
    assert "Picket line at dawn" not in html and "Picket line at dawn" not in text
    assert "Dockers strike again" in html


def test_web_version_shows_the_issue_with_a_subscribe_link(client, newsletter, outlet,
                                                           django_assert_max_num_queries):
    issue = add_issue(newsletter, outlet, publish=True)
    client.get(issue.url)  # warm the menu cache
    with django_assert_max_num_queries(14):
        response = client.get(issue.url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Morning briefing</h1>" in page and "Dockers strike again" in page
    assert "Rally at noon" in page and 'href="/newsletter/"' in page


def test_web_version_queries_do_not_grow_with_articles(client, newsletter, outlet,
                                                      django_assert_max_num_queries):
    outlet.add_articles(8)
    from samizdat.articles.models import ArticlePage

    many = list(ArticlePage.objects.filter(title__startswith="Story"))
    issue = add_issue(newsletter, outlet, publish=True,
                      body=[("articles", {"heading": "", "articles": many}), ("intro", "<p>Hi</p>")])
    client.get(issue.url)
    with django_assert_max_num_queries(14):
        assert client.get(issue.url).status_code == 200


# ---------------------------------------------------------------------- the admin


@pytest.fixture
def editor(client):
    user = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")
    client.force_login(user)
    return user


def edit_data(client, issue, *, lists=(), body=None, **extra) -> dict:
    """The issue's edit form as the admin would post it, with a body and lists of our choosing."""
    response = client.get(f"/admin/pages/{issue.pk}/edit/")
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form").dict()
    for key in [key for key in data if key.startswith("body-")]:
        del data[key]
    if body is None:
        body = [("intro", rich_text("<p>Hello readers.</p>"))]
    data.update(nested_form_data({"body": streamfield(body)}))
    data.pop("mailing_lists", None)
    data["mailing_lists"] = [str(mailing_list.pk) for mailing_list in lists]
    data.update(extra)
    return data


def test_previews_in_the_admin(client, editor, newsletter, outlet):
    issue = add_issue(newsletter, outlet)
    url = f"/admin/pages/{issue.pk}/edit/preview/"
    response = client.post(url, edit_data(client, issue, body=[("intro", rich_text("<p>Draft words.</p>"))]))
    assert response.json() == {"is_valid": True, "is_available": True}

    email = client.get(url, {"mode": "email"})
    assert email.status_code == 200 and email["Content-Type"].startswith("text/html")
    assert "Draft words." in email.content.decode() and "%%" not in email.content.decode()
    text = client.get(url, {"mode": "text"})
    assert text["Content-Type"].startswith("text/plain")
    assert "Draft words." in text.content.decode() and "<p>" not in text.content.decode()
    web = client.get(url, {"mode": ""})
    assert web.status_code == 200 and "<h1>Morning briefing</h1>" in web.content.decode()
    assert not Send.objects.exists()


def test_publishing_needs_lists_and_a_body(client, editor, newsletter, outlet, daily):
    issue = add_issue(newsletter, outlet)
    url = f"/admin/pages/{issue.pk}/edit/"

    response = client.post(url, edit_data(client, issue, **{"action-publish": "action-publish"}))
    assert response.status_code == 200
    assert "Choose at least one list" in response.content.decode()

    response = client.post(url, edit_data(client, issue, lists=[daily], body=[],
                                          **{"action-publish": "action-publish"}))
    assert response.status_code == 200
    assert "This issue is empty" in response.content.decode()
    assert not NewsletterIssuePage.objects.get(pk=issue.pk).live and not Send.objects.exists()

    response = client.post(url, edit_data(client, issue, body=[]))  # a draft may be incomplete
    assert response.status_code == 302
    assert NewsletterIssuePage.objects.get(pk=issue.pk).get_latest_revision().content["title"]


def test_publishing_sends_once_and_warns_about_empty_lists(client, editor, newsletter, outlet, daily):
    video = MailingList.objects.create(name="Video", slug="video")
    reader = Subscriber.objects.create(email="reader@example.org", status=Subscriber.Status.CONFIRMED)
    reader.languages.add(outlet.en)
    reader.lists.add(daily)
    issue = add_issue(newsletter, outlet)
    url = f"/admin/pages/{issue.pk}/edit/"

    response = client.post(url, edit_data(client, issue, lists=[daily, video],
                                          **{"action-publish": "action-publish"}), follow=True)
    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    assert any("No confirmed subscriber" in message and "Video" in message and "Daily" not in message
               for message in messages), messages
    send = Send.objects.get()
    assert send.issue_id == issue.pk and send.subject == "Morning briefing"
    assert set(send.mailing_lists.all()) == {daily, video}
    assert "Hello readers." in send.html and "Hello readers." in send.text

    client.post(url, edit_data(client, issue, lists=[daily], body=[("intro", rich_text("<p>Again</p>"))],
                               **{"action-publish": "action-publish"}))
    assert NewsletterIssuePage.objects.get(pk=issue.pk).live
    assert Send.objects.count() == 1


def test_scheduled_issue_is_sent_when_its_time_comes(newsletter, outlet, daily,
                                                     django_capture_on_commit_callbacks):
    issue = add_issue(newsletter, outlet, lists=[daily])
    go_live = timezone.now() + datetime.timedelta(hours=1)
    issue.go_live_at = go_live
    with django_capture_on_commit_callbacks(execute=True):
        revision = issue.save_revision(approved_go_live_at=go_live)
        call_command("publish_scheduled")
    assert not Page.objects.get(pk=issue.pk).live and not Send.objects.exists()

    # An hour and a minute later, the every-minute command finds it due.
    with freeze_time(go_live + timedelta(minutes=1)), django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled")
    assert Revision.objects.get(pk=revision.pk).approved_go_live_at is None
    assert Page.objects.get(pk=issue.pk).live
    assert Send.objects.get().issue_id == issue.pk


def test_test_send_reaches_the_editor(client, editor, newsletter, outlet, smtp_server):
    issue = add_issue(newsletter, outlet)
    edit = client.get(f"/admin/pages/{issue.pk}/edit/").content.decode()
    action = f"/admin/newsletter/issues/{issue.pk}/send-test/"
    assert f'formaction="{action}"' in edit and "Send test to me" in edit

    response = client.post(action, follow=True)
    assert response.redirect_chain[-1][0] == f"/admin/pages/{issue.pk}/edit/"
    assert "Test sent to boss@example.org." in [str(m) for m in response.context["messages"]]
    [message] = smtp_server
    assert message.envelope_rcpt == ["boss@example.org"]
    assert "Morning briefing" in message["Subject"]
    parts = {part.get_content_type(): part for part in message.walk() if not part.is_multipart()}
    assert set(parts) == {"text/plain", "text/html"}
    assert "Dockers strike again" in body_of(parts["text/html"])
    assert "Good morning" in body_of(parts["text/plain"])
    assert not Send.objects.exists()


def body_of(part: Message) -> str:
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def test_test_send_without_an_email_address(client, editor, newsletter, outlet, smtp_server):
    editor.email = ""
    editor.save()
    issue = add_issue(newsletter, outlet)
    response = client.post(f"/admin/newsletter/issues/{issue.pk}/send-test/", follow=True)
    assert any("no email address" in str(m) for m in response.context["messages"])
    assert smtp_server == []
    assert client.get(f"/admin/newsletter/issues/{issue.pk}/send-test/").status_code == 405
    assert client.post(f"/admin/newsletter/issues/{newsletter.pk}/send-test/").status_code == 404


def test_test_send_needs_edit_permission(client, newsletter, outlet, smtp_server):
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user("reader", "reader@example.org", "pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    issue = add_issue(newsletter, outlet)
    assert client.post(f"/admin/newsletter/issues/{issue.pk}/send-test/").status_code in (302, 403)
    assert smtp_server == []
