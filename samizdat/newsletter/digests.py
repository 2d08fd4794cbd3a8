"""Automatic digests: each list with a schedule mails the articles published since its last digest.

A list's digest is due once per day at `digest_time` (outlet time zone), or once per week on
`digest_weekday` at that time. It covers the articles first published after `last_digest_at`
(the first digest: the last day or week) up to that scheduled moment, one Send per language of
the list's confirmed subscribers; a language with nothing new gets no send.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import Locale

from samizdat.articles.models import ArticlePage
from samizdat.articles.queries import article_cards
from samizdat.newsletter import links
from samizdat.newsletter.models import MailingList, Send, Subscriber


def last_scheduled_moment(mailing_list: MailingList, now: datetime.datetime) -> datetime.datetime:
    """The latest moment at or before `now` when the list's digest was to go out."""
    local_now = timezone.localtime(now)
    day = local_now.date()
    while True:
        moment = timezone.make_aware(datetime.datetime.combine(day, mailing_list.digest_time))
        weekly = mailing_list.digest == MailingList.Digest.WEEKLY
        weekday_ok = not weekly or day.weekday() == mailing_list.digest_weekday
        if moment <= now and weekday_ok:
            return moment
        day -= datetime.timedelta(days=1)


def period(mailing_list: MailingList) -> datetime.timedelta:
    return datetime.timedelta(days=7 if mailing_list.digest == MailingList.Digest.WEEKLY else 1)


def digest_articles(mailing_list: MailingList, locale: Locale, since: datetime.datetime,
                    until: datetime.datetime) -> list[ArticlePage]:
    """Live, public articles in `locale` first published in (since, until], with the list's filters."""
    articles = article_cards(locale).filter(first_published_at__gt=since, first_published_at__lte=until)
    if mailing_list.digest_section_id:
        articles = articles.filter(section__translation_key=mailing_list.digest_section.translation_key)
    if mailing_list.digest_video_only:
        articles = articles.filter(kind=ArticlePage.Kind.VIDEO)
    return list(articles)


def reader_languages(mailing_list: MailingList):
    """The languages read by the list's confirmed subscribers."""
    readers = Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED,
                                        subscriptions__mailing_list=mailing_list)
    through = Subscriber.languages.through.objects.filter(subscriber__in=readers)
    return Locale.objects.filter(pk__in=through.values("locale_id")).order_by("pk")


def start_due_digest(mailing_list: MailingList, now: datetime.datetime) -> list[Send]:
    """Start the list's digest if it is due: one send per language with something new.

    The list's `last_digest_at` moves to the scheduled moment with a conditional UPDATE, in the
    same transaction as the sends, so two ticks at once start one digest.
    """
    from samizdat.newsletter.sending import enqueue_start, render_message

    if mailing_list.digest == MailingList.Digest.OFF:
        return []
    scheduled = last_scheduled_moment(mailing_list, now)
    last = mailing_list.last_digest_at
    if last is not None and last >= scheduled:
        return []
    since = last or scheduled - period(mailing_list)
    sends: list[Send] = []
    with transaction.atomic():
        unchanged = Q(last_digest_at__isnull=True) if last is None else Q(last_digest_at=last)
        if not MailingList.objects.filter(unchanged, pk=mailing_list.pk).update(last_digest_at=scheduled):
            return []  # another tick took it
        mailing_list.last_digest_at = scheduled
        for locale in reader_languages(mailing_list):
            articles = digest_articles(mailing_list, locale, since, scheduled)
            if not articles:
                continue
            with translation.override(locale.language_code):
                subject = _("%(list)s: %(date)s") % {
                    "list": mailing_list.name,
                    "date": formats.date_format(timezone.localtime(scheduled), "DATE_FORMAT"),
                }
                send = Send.objects.create(kind=Send.Kind.DIGEST, locale=locale, subject=subject[:255],
                                           article_ids=[article.pk for article in articles])
                send.mailing_lists.set([mailing_list])
                send.web_url = links.site_root_url() + reverse("newsletter_send_web_version", args=[send.pk])
                send.html, send.text = render_message("newsletter/email/digest", {
                    "subject": subject, "mailing_list": mailing_list, "articles": articles,
                    "web_url": send.web_url, "language": locale.language_code,
                })
                send.save(update_fields=["web_url", "html", "text"])
            enqueue_start(send)
            sends.append(send)
    return sends


def web_version(request: HttpRequest, send_id: int) -> HttpResponse:
    """A send's message as a web page, with the newsletter page in place of a reader's links."""
    from samizdat.newsletter.sending import public_copy

    sends = Send.objects.exclude(status=Send.Status.CANCELLED).select_related("locale")
    send = sends.filter(pk=send_id).first()
    if send is None or not send.html:
        raise Http404(_("There is no such newsletter."))
    page_url = links.newsletter_page_url(send.locale) or links.site_root_url()
    response = HttpResponse(public_copy(send.html, page_url))
    response["X-Robots-Tag"] = "noindex"
    return response
