"""Digests: due at their time, skipped when nothing is new, filtered by section and kind, per language."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from conftest import assert_mail_links_work
from samizdat.articles.models import ArticlePage
from samizdat.newsletter import digests, sending
from samizdat.newsletter.models import MailingList, Send, Subscriber


@pytest.fixture
def newsletter_page(outlet):
    from samizdat.newsletter.pages import NewsletterPage

    return outlet.home.add_child(instance=NewsletterPage(title="Newsletter", slug="newsletter"))


def subscribe(address: str, lists, locales) -> Subscriber:
    subscriber = Subscriber.objects.create(email=address, status=Subscriber.Status.CONFIRMED)
    subscriber.lists.set(lists)
    subscriber.languages.set(locales)
    return subscriber


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def published(article, when: datetime.datetime) -> None:
    ArticlePage.objects.filter(pk=article.pk).update(first_published_at=when)


def test_schedule_daily_and_weekly(db):
    daily = MailingList(digest=MailingList.Digest.DAILY, digest_time=datetime.time(7, 0))
    day = datetime.date(2026, 3, 4)  # a Wednesday
    assert digests.last_scheduled_moment(daily, at(day, 7, 5)) == at(day, 7)
    assert digests.last_scheduled_moment(daily, at(day, 6, 59)) == at(day - datetime.timedelta(days=1), 7)
    weekly = MailingList(digest=MailingList.Digest.WEEKLY, digest_time=datetime.time(7, 0),
                         digest_weekday=MailingList.Weekday.MONDAY)
    assert digests.last_scheduled_moment(weekly, at(day, 9)) == at(datetime.date(2026, 3, 2), 7)


def test_a_daily_digest_is_due_once_and_skipped_when_nothing_is_new(
        client, outlet, newsletter_page, smtp_server, django_capture_on_commit_callbacks):
    daily = MailingList.objects.create(name="Daily", slug="daily", digest=MailingList.Digest.DAILY,
                                       digest_time=datetime.time(7, 0))
    subscribe("reader@example.org", [daily], [outlet.en])
    today = timezone.localdate()
    story = outlet.add_article("Dockers walk out")
    old = outlet.add_article("Old news")
    published(story, at(today, 6) - datetime.timedelta(days=1) + datetime.timedelta(hours=3))
    published(old, at(today, 6) - datetime.timedelta(days=3))

    assert sending.send_due_digests(at(today, 6, 59) - datetime.timedelta(days=1)) == []  # before the first
    daily.refresh_from_db()
    daily.last_digest_at = None
    daily.save()
    with django_capture_on_commit_callbacks(execute=True):
        sends = sending.send_due_digests(at(today, 7, 1))
    assert len(sends) == 1
    send = Send.objects.get()
    assert send.kind == Send.Kind.DIGEST and send.status == Send.Status.DONE
    assert send.article_ids == [story.pk]
    assert [m.envelope_rcpt for m in smtp_server] == [["reader@example.org"]]
    message = smtp_server[0]
    html, text = (next(p for p in message.walk() if p.get_content_type() == kind)
                  .get_payload(decode=True).decode() for kind in ("text/html", "text/plain"))
    for body in (html, text):
        assert "Dockers walk out" in body and "Old news" not in body
        assert story.get_full_url() in body
        assert send.web_url in body
    assert_mail_links_work(client, message, at_least=4)  # story, web version, preferences, unsubscribe
    daily.refresh_from_db()
    assert daily.last_digest_at == at(today, 7)
    assert sending.send_due_digests(at(today, 7, 2)) == []  # the next tick: already done
    # The next day nothing new was published: skipped, and the list waits for the day after.
    assert sending.send_due_digests(at(today, 7, 1) + datetime.timedelta(days=1)) == []
    daily.refresh_from_db()
    assert daily.last_digest_at == at(today, 7) + datetime.timedelta(days=1)
    assert Send.objects.count() == 1


def test_two_ticks_at_once_start_one_digest(outlet, newsletter_page):
    daily = MailingList.objects.create(name="Daily", slug="daily", digest=MailingList.Digest.DAILY)
    subscribe("reader@example.org", [daily], [outlet.en])
    outlet.add_article("Dockers walk out")
    now = timezone.now() + datetime.timedelta(days=1)
    stale_copy = MailingList.objects.get(pk=daily.pk)
    assert len(digests.start_due_digest(daily, now)) == 1
    assert digests.start_due_digest(stale_copy, now) == []  # it still thinks no digest went out
    assert Send.objects.count() == 1


def test_section_and_video_filters_and_one_send_per_language(outlet, newsletter_page, smtp_server,
                                                             django_capture_on_commit_callbacks):
    from samizdat.articles.models import SectionPage

    culture = outlet.home.add_child(instance=SectionPage(title="Culture", slug="culture"))
    labor = MailingList.objects.create(name="Labor", slug="labor", digest=MailingList.Digest.DAILY,
                                       digest_section=outlet.section)
    video = MailingList.objects.create(name="Video", slug="video", digest=MailingList.Digest.DAILY,
                                       digest_video_only=True)
    subscribe("en@example.org", [labor, video], [outlet.en])
    subscribe("es@example.org", [labor], [outlet.es])
    outlet.add_article("Dockers walk out")
    outlet.add_article("A film review", section=culture)
    outlet.add_article("Strike video", section=culture, kind=ArticlePage.Kind.VIDEO,
                       video_url="https://youtu.be/dQw4w9WgXcQ")
    outlet.add_article("Huelga en el puerto", section=outlet.section_es, locale=outlet.es)
    now = timezone.now() + datetime.timedelta(days=1)

    with django_capture_on_commit_callbacks(execute=True):
        sends = sending.send_due_digests(now)

    titles = {(send.mailing_lists.get().slug, send.locale.language_code):
              list(ArticlePage.objects.filter(pk__in=send.article_ids).values_list("title", flat=True))
              for send in sends}
    assert titles == {("labor", "en"): ["Dockers walk out"], ("labor", "es"): ["Huelga en el puerto"],
                      ("video", "en"): ["Strike video"]}
    received = sorted((m.envelope_rcpt[0], m["Subject"].split(":")[0]) for m in smtp_server)
    assert received == [("en@example.org", "Labor"), ("en@example.org", "Video"), ("es@example.org", "Labor")]


def test_the_tick_command_prints_what_it_did(outlet, newsletter_page):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("send_newsletters", stdout=out)
    assert "0 digest(s) started, 0 stalled delivery(ies) re-queued." in out.getvalue()
