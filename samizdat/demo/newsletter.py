"""Demo content for the newsletter: lists, the newsletter page in both languages, subscribers, issues.

The sent issue's send and deliveries are written as history (nobody is mailed while the demo
loads); the digest lists start counting from the moment the demo is loaded, so `make run`'s
every-minute tick sends their first digest at its next scheduled time, to the console.
"""

from __future__ import annotations

import datetime
from datetime import timedelta

from samizdat.articles.models import ArticlePage
from samizdat.newsletter.issues import NewsletterIssuePage
from samizdat.newsletter.models import Delivery, MailingList, Send, Subscriber
from samizdat.newsletter.pages import NewsletterPage
from samizdat.newsletter.sending import recipients

INTRO_EN = ("The day's reporting from picket lines, assemblies and the street, in your inbox — chosen by "
            "editors, not by an algorithm. No tracking pixels, no ads; leave with one click.")
INTRO_ES = ("Lo que informamos desde los piquetes, las asambleas y la calle, en tu correo: lo eligen "
            "personas, no un algoritmo. Sin píxeles de seguimiento ni anuncios; te das de baja con un clic.")
THANKS_EN = "You're in. The next issue will find you — and you can change your lists at any time."
THANKS_ES = "Ya estás dentro. El próximo número te llegará, y puedes cambiar tus listas cuando quieras."

# slug, name, description, preselected, digest, weekday, section key, videos only
LISTS = [
    ("daily", "Daily", "The day's stories every morning at seven.", True, MailingList.Digest.DAILY, 0,
     None, False),
    ("weekly", "Weekly digest", "The week in one mail, on Fridays.", False, MailingList.Digest.WEEKLY, 4,
     None, False),
    ("video", "Video", "New videos and episodes of our series, on Saturdays.", False,
     MailingList.Digest.WEEKLY, 5, None, True),
    ("labor", "Labor news", "Strikes, unions and the workplace, every morning.", False,
     MailingList.Digest.DAILY, 0, "labor", False),
    ("editors-letter", "Editors' letter", "Occasional letters from the editors: campaigns, events, "
     "the magazine.", True, MailingList.Digest.OFF, 0, None, False),
]

# name part of the address, languages, lists, status, source
READERS = [
    ("amara", "en", "daily editors-letter", "confirmed", "form"),
    ("bruno", "en es", "daily weekly", "confirmed", "form"),
    ("chiara", "en", "weekly video", "confirmed", "form"),
    ("dmitri", "en", "labor", "confirmed", "import"),
    ("esther", "es", "daily editors-letter", "confirmed", "form"),
    ("farid", "es", "weekly", "confirmed", "import"),
    ("gloria", "es en", "labor video", "confirmed", "form"),
    ("hamid", "en", "daily", "confirmed", "form"),
    ("ines", "es", "daily labor", "confirmed", "form"),
    ("jonas", "en", "editors-letter", "confirmed", "import"),
    ("kalinda", "en", "daily weekly video", "confirmed", "form"),
    ("lucia", "es", "editors-letter weekly", "confirmed", "form"),
    ("mateus", "en", "daily", "pending", "form"),
    ("nadia", "es", "daily", "pending", "form"),
    ("oskar", "en", "daily", "unsubscribed", "form"),
    ("priya", "en", "weekly", "bounced", "import"),
    ("rosa", "en", "editors-letter", "confirmed", "letter"),
]

ISSUE_TEXT_EN = ("<p>This week the dockers stayed out, the hospital cleaners reached their twentieth day, "
                 "and our readers answered the call for translators. Here is what we published, and what "
                 "comes next.</p>")
AGENDA_EN = ("<h2>Coming up</h2><ul><li>Our online forum on organizing precarious work — register from the "
             "Events page.</li><li>The open letter to the regional health minister needs 500 names.</li>"
             "</ul><p>Forward this mail to a workmate: that is how we grow.</p>")
ISSUE_TEXT_ES = ("<p>Esta semana los estibadores siguieron en huelga y las limpiadoras de los hospitales "
                 "llegaron a su vigésimo día. Esto es lo que publicamos.</p>")


def _lists(loader) -> dict[str, MailingList]:
    made = {}
    for order, (slug, name, description, preselected, digest, weekday, section, videos) in enumerate(LISTS):
        made[slug] = MailingList.objects.create(
            slug=slug, name=name, description=description, preselected=preselected, sort_order=order,
            digest=digest, digest_weekday=weekday, digest_time=datetime.time(7 if digest == "daily" else 8),
            digest_section=loader.sections_en.get(section) if section else None, digest_video_only=videos,
            last_digest_at=loader.now,
        )
    return made


def _readers(loader, lists: dict[str, MailingList]) -> None:
    locales = {"en": loader.en, "es": loader.es}
    details = {"import": "Sign-up sheet at the May Day rally (imported)",
               "letter": "Stand with the hospital cleaners", "form": "/newsletter/"}
    for number, (name, languages, slugs, status, source) in enumerate(READERS):
        joined = loader.now - timedelta(days=90 - number * 5)
        subscriber = Subscriber.objects.create(
            email=f"{name}@example.org", status=status, source=source,
            source_detail=details[source],
            consent_at=joined if status != "pending" else None,
            confirmed_at=joined if status != "pending" else None,
            unsubscribed_at=loader.now - timedelta(days=3) if status == "unsubscribed" else None,
            bounced_at=loader.now - timedelta(days=10) if status == "bounced" else None,
            bounce_reason="550 5.1.1 mailbox unavailable" if status == "bounced" else "",
        )
        subscriber.languages.set([locales[code] for code in languages.split()])
        subscriber.lists.set([lists[slug] for slug in slugs.split()])


def _latest(articles: dict[str, ArticlePage], count: int, before: datetime.datetime) -> list[ArticlePage]:
    """The `count` newest articles published before `before` (what an issue sent then could show)."""
    earlier = [article for article in articles.values() if article.display_date <= before]
    return sorted(earlier, key=lambda article: article.display_date, reverse=True)[:count]


def load(loader) -> None:
    """The newsletter page under both homes, five lists, seventeen readers, a sent issue and a draft."""
    page = NewsletterPage(title="Newsletter", slug="newsletter", intro=INTRO_EN, thanks=THANKS_EN,
                          locale=loader.en, live=False, show_in_menus=True)
    loader.home_en.add_child(instance=page)
    page = loader._publish(page, loader.now - timedelta(days=120))
    page_es = page.copy_for_translation(loader.es)
    page_es.title, page_es.slug, page_es.intro, page_es.thanks = "Boletín", "boletin", INTRO_ES, THANKS_ES
    loader._publish(page_es, loader.now - timedelta(days=120))

    lists = _lists(loader)
    _readers(loader, lists)

    sent_at = loader.now - timedelta(days=4)
    latest = _latest(loader.articles_en, 3, sent_at)
    issue = NewsletterIssuePage(
        title="The week on the picket lines", slug="the-week-on-the-picket-lines", locale=loader.en,
        preheader="Dockers stay out, cleaners hold firm, and a call for translators", live=False,
        body=[("intro", ISSUE_TEXT_EN),
              ("articles", {"heading": "This week", "articles": latest}),
              ("text", AGENDA_EN)],
    )
    page.add_child(instance=issue)
    issue.mailing_lists.set([lists["editors-letter"], lists["weekly"]])
    issue.save()
    html, text = issue.render_email()
    send = Send.objects.create(kind=Send.Kind.ISSUE, issue=issue, locale=loader.en, subject=issue.title,
                               html=html, text=text, status=Send.Status.DONE, started_at=sent_at,
                               finished_at=sent_at + timedelta(seconds=41))
    send.mailing_lists.set([lists["editors-letter"], lists["weekly"]])
    delivered = list(recipients(send))
    Delivery.objects.bulk_create(
        Delivery(send=send, subscriber=reader, state=Delivery.State.SENT, sent_at=sent_at, attempts=1)
        for reader in delivered
    )
    Send.objects.filter(pk=send.pk).update(recipient_count=len(delivered), created_at=sent_at)
    issue = loader._publish(issue, sent_at)  # its send exists: publishing sends nothing again
    send.web_url = issue.get_full_url() or ""
    send.save(update_fields=["web_url"])

    draft = NewsletterIssuePage(
        title="Boletín: la semana en los piquetes", slug="la-semana-en-los-piquetes", locale=loader.es,
        preheader="Estibadores y limpiadoras: lo que publicamos", live=False,
        body=[("intro", ISSUE_TEXT_ES),
              ("articles", {"heading": "Esta semana",
                            "articles": _latest(loader.articles_es, 3, loader.now)})],
    )
    page_es = NewsletterPage.objects.get(pk=page_es.pk)
    page_es.add_child(instance=draft)
    draft.mailing_lists.set([lists["editors-letter"]])
    draft.save()
    draft.save_revision(user=loader.editor)
