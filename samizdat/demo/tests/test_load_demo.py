"""`manage.py load_demo` builds a complete two-language outlet, once.

The demo is loaded once for this whole module (see conftest.py): every test of the demo
content lives here, so the suite pays for one load.
"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from lxml import html as lxml_html
from wagtail.models import Locale, Page, Site

from samizdat.articles.models import (
    ArticlePage,
    DossierPage,
    MonthArchivePage,
    SectionPage,
    Topic,
    TopicIndexPage,
    VideoSeriesPage,
)
from samizdat.campaigns.models import CampaignPage, Donation
from samizdat.core.models import OutletImage, OutletSettings
from samizdat.core.video import parse_video_url
from samizdat.demo import content, federation
from samizdat.demo.tests.conftest import DEMO_PASSWORD
from samizdat.events.models import EventPage
from samizdat.home.models import HomePage
from samizdat.importers.models import ImportRecord
from samizdat.letters.models import LetterPage
from samizdat.newsletter.issues import NewsletterIssuePage
from samizdat.newsletter.models import MailingList, Send, Subscriber
from samizdat.people.models import PeopleIndexPage, Person
from samizdat.volunteers.models import ContactMessage, LanguagePair, Volunteer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("loaded_demo")]

BLOCK_TYPES = {"paragraph", "heading", "image", "pull_quote", "block_quote", "video", "related_article"}


def locale(code: str) -> Locale:
    return Locale.objects.get(language_code=code)


def home(code: str) -> HomePage:
    return HomePage.objects.get(locale=locale(code))


def counts() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "topics": Topic.objects.count(),
        "people": Person.objects.count(),
        "images": OutletImage.objects.count(),
        "users": get_user_model().objects.count(),
        "locales": Locale.objects.count(),
        "sites": Site.objects.count(),
    }


def test_summary_is_printed(loaded_demo):
    assert "Loaded the demo outlet" in loaded_demo
    assert "http://localhost:8000/admin/" in loaded_demo
    assert "English articles, 10 Spanish translations" in loaded_demo


def test_homes_replace_the_welcome_page():
    en, es = home("en"), home("es")
    assert en.slug == content.HOME_SLUG and en.live and es.live
    assert es.translation_key == en.translation_key
    assert es.tagline == content.TAGLINE_ES
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_page_id) == ("localhost", 8000, en.pk)
    assert site.site_name == content.OUTLET_NAME
    assert not Page.objects.filter(title="Welcome to your new Wagtail site!").exists()
    assert Page.objects.filter(depth=2).count() == 2


def test_sections_and_indexes_in_both_languages():
    en, es = home("en"), home("es")
    sections_en = SectionPage.objects.child_of(en).live()
    sections_es = SectionPage.objects.child_of(es).live()
    assert sections_en.count() == sections_es.count() == 6
    assert set(sections_en.values_list("translation_key", flat=True)) == set(
        sections_es.values_list("translation_key", flat=True)
    )
    for model, slugs in ((TopicIndexPage, ("topics", "temas")), (PeopleIndexPage, ("authors", "autores"))):
        assert model.objects.child_of(en).get().slug == slugs[0]
        assert model.objects.child_of(es).get().slug == slugs[1]


def imported(model: str) -> list[int]:
    """Ids of what the demo's WordPress import brought in (the old site's archive)."""
    return list(ImportRecord.objects.filter(object_model=model).values_list("object_id", flat=True))


def test_topics_are_translated():
    topics_es = Topic.objects.filter(locale=locale("es"))
    # The old WordPress site's tags and categories came in as English-only topics.
    keys = topics_es.values("translation_key")
    topics_en = Topic.objects.filter(locale=locale("en"), translation_key__in=keys)
    assert topics_en.count() == topics_es.count() == 15
    assert all(topic.description for topic in topics_en)
    for topic in topics_en:
        translated = topic.get_translation(locale("es"))
        assert translated.slug and translated.description and translated.name != topic.name


def test_people_have_photos_with_alt_text():
    people = Person.objects.select_related("photo").exclude(pk__in=imported("people.person"))
    assert people.count() == 12
    assert {p.role for p in people} == {"staff", "correspondent", "guest", "historical"}
    assert all(p.photo and p.photo.description and p.bio for p in people)
    assert people.exclude(fediverse_handle="").count() >= 3
    for person in people.exclude(fediverse_handle=""):
        person.full_clean()


def test_english_articles():
    articles = ArticlePage.objects.live().filter(locale=locale("en")).select_related("lead_image")
    articles = articles.exclude(pk__in=imported("articles.articlepage"))
    assert articles.count() >= 55
    kinds = list(articles.values_list("kind", flat=True))
    assert kinds.count("video") >= 6
    assert kinds.count("statement") >= 3 and kinds.count("interview") >= 3
    assert kinds.count("report") >= 2 and kinds.count("translation") == 2
    assert len(set(articles.values_list("title", flat=True))) == articles.count()
    assert len(set(articles.values_list("dek", flat=True))) == articles.count()
    assert articles.filter(partner_relation="republished").exclude(original_url="").count() == 1
    assert articles.filter(partner_relation="collaboration").count() == 1
    assert articles.exclude(dateline="").count() > articles.count() // 2

    now = timezone.now()
    providers = set()
    used_blocks: set[str] = set()
    stream_block = ArticlePage.body.field.stream_block
    for article in articles:
        assert now - timedelta(days=550) < article.display_date < now
        assert article.first_published_at == article.display_date
        assert isinstance(article.get_parent().specific, MonthArchivePage)
        assert article.section is not None and article.section.locale_id == article.locale_id
        assert 1 <= article.authors.count() <= 2
        assert 2 <= article.topics.count() <= 4
        assert article.lead_image and article.lead_image.description and article.lead_image_caption
        if article.kind == "video":
            providers.add(parse_video_url(article.video_url).provider)
        stream_block.clean(article.body)
        used_blocks |= {block.block_type for block in article.body}
        article.full_clean()
    assert providers == {"youtube", "peertube"}
    assert used_blocks == BLOCK_TYPES


def test_spanish_translations_are_linked():
    es = locale("es")
    translations = ArticlePage.objects.live().filter(locale=es)
    assert translations.count() == 10
    for article in translations:
        original = article.get_translation(locale("en"))
        assert original.title != article.title
        assert original.video_url == article.video_url
        assert article.section.locale_id == es.id
        assert article.get_parent().locale_id == es.id and not article.get_parent().alias_of_id
        assert set(article.topics.values_list("locale_id", flat=True)) == {es.id}
        assert set(article.topics.values_list("translation_key", flat=True)) == set(
            original.topics.values_list("translation_key", flat=True)
        )


def test_dossier_and_series():
    dossier = DossierPage.objects.live().get()
    assert 5 <= dossier.items.count() <= 6
    assert all(item.note for item in dossier.items.all())
    series = VideoSeriesPage.objects.live().get()
    assert 4 <= series.episodes.count() <= 6
    assert {e.article.kind for e in series.episodes.all()} == {"video"}
    assert series.get_parent().slug == "video"


def test_front_pages_are_curated():
    for code, blocks in (("en", 4), ("es", 3)):
        front = home(code)
        assert front.lead_story.locale.language_code == code
        featured = front.featured.all()
        assert 3 <= featured.count() <= 4
        assert {f.article.locale.language_code for f in featured} == {code}
        section_blocks = front.section_blocks.all()
        assert section_blocks.count() == blocks
        assert all(3 <= b.count <= 4 and b.section.locale.language_code == code for b in section_blocks)


def test_users_and_groups():
    users = get_user_model().objects
    admin = users.get(username="admin")
    assert admin.is_superuser and admin.check_password(DEMO_PASSWORD)
    assert users.get(username="editor").groups.filter(name="Editors").exists()
    assert users.get(username="moderator").groups.filter(name="Moderators").exists()


def test_second_run_changes_nothing():
    before = counts()
    out = StringIO()
    call_command("load_demo", stdout=out)  # DEBUG off and no password: nothing to load, no refusal
    assert "Demo outlet already loaded" in out.getvalue()
    assert counts() == before


def demo_urls() -> list[str]:
    urls = ["/", "/es/", "/topics/", "/authors/"]
    for code in ("en", "es"):
        live = ArticlePage.objects.live().filter(locale__language_code=code)
        urls += [a.url for a in live.order_by("-display_date")[:3]]
        urls += [live.filter(kind="video").first().url] if live.filter(kind="video").exists() else []
        urls.append(SectionPage.objects.live().filter(locale__language_code=code).first().url)
        urls.append(MonthArchivePage.objects.live().filter(locale__language_code=code).first().url)
    urls += [page.url for model in (DossierPage, VideoSeriesPage) for page in model.objects.live()]
    urls += ["/events/", "/es/eventos/", "/letters/", "/es/cartas/", "/get-involved/", "/contact/"]
    urls += [page.url for model in (EventPage, LetterPage) for page in model.objects.live()]
    urls += [page.url + "signatures/" for page in LetterPage.objects.live()]
    urls += ["/newsletter/", "/es/boletin/"] + [page.url for page in NewsletterIssuePage.objects.live()]
    urls += [page.url for page in CampaignPage.objects.live()]
    return urls


def test_every_page_type_renders_sound_html(client):
    article = ArticlePage.objects.live().filter(locale__language_code="en").first()
    person = article.authors.first().person
    topic = article.topics.first()
    urls = demo_urls() + [f"/authors/{person.slug}/", f"/topics/{topic.slug}/", "/labor/?page=2"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        tree = lxml_html.fromstring(response.content)
        assert tree.get("lang") in {"en", "es"}, url
        levels = [int(h.tag[1]) for h in tree.iter("h1", "h2", "h3", "h4", "h5", "h6")]
        assert levels.count(1) == 1, (url, levels)
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), (url, levels)
        assert all(img.get("alt") is not None for img in tree.iter("img")), url
        for element in tree.xpath("//*[@src] | //link[@href]"):
            address = element.get("src") or element.get("href")
            rel = element.get("rel") or ""
            if rel in {"canonical", "alternate"}:
                continue
            assert address.startswith(("/", "data:")), (url, address)


def test_demo_volunteers(client):
    for url, text in (("/get-involved/", "translators into English"), ("/es/colabora/", "traductores"),
                      ("/contact/", "desk@redledger.example"), ("/es/contacto/", "Pistas")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode()
    assert Volunteer.objects.count() == 5
    assert {(p.from_language, p.to_language) for p in LanguagePair.objects.all()} >= {
        ("es", "en"), ("pt", "en"), ("fr", "en"), ("de", "en")}
    statuses = set(Volunteer.objects.values_list("status", flat=True))
    assert statuses == {"new", "contacted", "active", "inactive"}
    assert ContactMessage.objects.count() == 1
    assert OutletSettings.objects.get().contact_recipient == "tips@redledger.example"


def test_demo_events_and_letters(client):
    from samizdat.events.models import Registration

    for url, text in (("/events/", "Forum: the war and the workers"), ("/es/eventos/", "Foro"),
                      ("/letters/", "Stand with the hospital cleaners"), ("/es/cartas/", "Cartas abiertas"),
                      ("/events/calendar/", "BEGIN:VCALENDAR")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode(), url
    forum = EventPage.objects.get(slug="forum-war-and-workers")
    page = client.get(forum.url).content.decode()
    assert forum.join_url and forum.join_url not in page
    assert Registration.objects.exists()
    letter = LetterPage.objects.get(locale__language_code="en")
    assert letter.signature_count > 0
    footer = client.get("/").content.decode()
    assert 'href="/events/"' in footer and 'href="/letters/"' in footer


def test_demo_newsletter(client):
    assert MailingList.objects.count() == 5 and Subscriber.objects.filter(status="confirmed").count() == 13
    page = client.get("/newsletter/").content.decode()
    assert "Weekly digest" in page and "The week on the picket lines" in page
    assert "Boletín" in client.get("/es/boletin/").content.decode()
    home = client.get("/").content.decode()
    assert 'action="/newsletter/subscribe/"' in home and 'href="/newsletter/"' in home
    send = Send.objects.get()
    assert send.status == "done" and send.recipient_count == send.deliveries.filter(state="sent").count() > 0
    assert "%%" not in client.get(send.web_url.replace("http://localhost:8000", "")).content.decode()
    draft = NewsletterIssuePage.objects.get(locale__language_code="es")
    assert not draft.live and draft.mailing_lists.exists() and not draft.sends.exists()


def test_old_wordpress_site_moved_in(client):
    """The demo's old WordPress export: articles in Labor, pages under the home, old links redirect."""
    for old, new in (("/2019/05/dock-strike-ends/", "/labor/2019/05/dock-strike-ends/"),
                     ("/?p=104", "/labor/2019/11/calle-mayor-rent-strike/"),
                     ("/about/principles/", "/about/principles/")):
        response = client.get(old)
        if old != new:
            assert response.status_code == 301, old
            assert response["Location"].endswith(new), (old, response["Location"])
        assert client.get(new).status_code == 200, new
    rent = ArticlePage.objects.get(slug="calle-mayor-rent-strike")
    assert {block.block_type for block in rent.body} >= {"paragraph", "heading", "block_quote"}
    assert "onclick" not in client.get(rent.url).content.decode()
    video = ArticlePage.objects.get(slug="video-march-for-the-port")
    assert video.kind == "video" and "youtube" in video.video_url
    draft = ArticlePage.objects.get(title="Notes for a piece on the new port law")
    assert not draft.live
    assert client.get("/category/housing/").status_code == 301


def test_demo_campaign(client):
    from samizdat.campaigns import services

    campaign = CampaignPage.objects.get(locale__language_code="en")
    assert campaign.live and campaign.show_in_menus and campaign.is_open
    assert 30 <= campaign.days_left <= 36 and campaign.goal == 500_000
    assert [block.block_type for block in campaign.story][:2] == ["video", "paragraph"]
    translated = campaign.get_translation(locale("es"))
    assert translated.live and translated.title != campaign.title

    response = client.get(campaign.url)
    assert response.status_code == 200
    page = lxml_html.fromstring(response.content)
    bar = page.cssselect(".campaign-progress progress")[0]
    assert bar.get("max") == "500000" and 0 < int(bar.get("value")) < 500_000
    assert [h.text_content() for h in page.cssselect(".perk h3")] == ["Pick a magazine issue or a book",
                                                                      "T-shirt"]
    assert "1 left" in page.cssselect(".perk")[1].text_content()  # one "Print the truth" shirt to go
    assert len(page.cssselect(".supporter-wall li")) >= 10
    assert page.cssselect("form.give-form input[name=preset][value='3000']")
    assert f'href="{campaign.url}"' in client.get("/").content.decode()  # in the footer menu
    assert client.get(translated.url).status_code == 200

    totals = services.dashboard_totals(campaign)
    english = Donation.objects.filter(campaign=campaign, status__in=Donation.SUPPORTING).count()
    spanish = Donation.objects.filter(campaign=translated, status__in=Donation.SUPPORTING).count()
    assert english == 25 and spanish > 0 and totals["supporters"] == english + spanish  # one drive
    assert translated.totals == campaign.totals and totals["pending"] == 3  # pledges: this page's
    assert totals["refunded"] > 0 and totals["to_ship"] > 0 and totals["raised"] == campaign.totals["raised"]
    days = services.money_over_time(campaign)
    assert len(days) >= 15 and days[-1][0] - days[0][0] >= timedelta(days=18)
    shirts = Donation.objects.filter(campaign=campaign, perk__ships=True, status="paid")
    assert shirts.filter(shipped_at__isnull=False).exists()
    assert shirts.filter(shipped_at__isnull=True).exists()
    assert all(shirt.ship_to and shirt.ship_country and shirt.claims.count() == 2 for shirt in shirts)

    client.force_login(get_user_model().objects.get(username="admin"))
    dashboard = client.get(f"/admin/campaigns_admin/{campaign.pk}/")
    assert dashboard.status_code == 200
    text = dashboard.content.decode()
    assert "Mark received" in text and "<svg" in text and campaign.raised_display in text
    assert client.get("/admin/campaigns_admin/").status_code == 200
    assert client.get(f"/admin/campaigns_admin/{campaign.pk}/perks/").status_code == 200


def test_demo_fediverse(client):
    from samizdat.federation import delivery, services
    from samizdat.federation.models import Actor, BlockedDomain, Delivery, Follower, RemoteActor, Reply

    outlets = Actor.objects.filter(kind=Actor.Kind.OUTLET)
    assert sorted(outlets.values_list("locale__language_code", flat=True)) == ["en", "es"]
    authors = Actor.objects.filter(kind=Actor.Kind.AUTHOR)
    assert authors.count() == 3 and all(actor.person.federated for actor in authors)
    english = outlets.get(locale__language_code="en")
    follows = Follower.objects.all()
    assert follows.filter(removed_at__isnull=True).count() >= 30
    assert follows.filter(removed_at__isnull=False).count() >= 5
    assert all(Follower.objects.filter(actor=actor, removed_at__isnull=True).exists() for actor in authors)
    days = services.followers_over_time(english)
    assert len(days) >= 15 and days[-1][0] - days[0][0] >= timedelta(days=40)
    assert max(total for _day, total in days) > days[0][1]
    domains = set(RemoteActor.objects.values_list("domain", flat=True))
    assert all(domain.endswith((".example", ".test")) for domain in domains)

    statuses = list(Reply.objects.values_list("status", flat=True))
    assert {"new", "read", "hidden"} == set(statuses) and len(statuses) >= 7
    assert Reply.objects.filter(article__isnull=False, article__locale__language_code="es").exists()
    blocked = BlockedDomain.objects.get()
    assert blocked.reason
    assert not Follower.objects.filter(remote__domain=blocked.domain, removed_at__isnull=True)
    assert Reply.objects.get(remote__domain=blocked.domain).status == "hidden"

    # Nothing can reach the made-up servers: no inbox on record, no delivery waiting, and an
    # article published now is queued for no one.
    assert not RemoteActor.objects.exclude(inbox="").exists()
    assert not RemoteActor.objects.exclude(shared_inbox="").exists()
    assert not Delivery.objects.filter(state=Delivery.State.PENDING).exists()
    assert Delivery.objects.filter(state=Delivery.State.FAILED).exists()
    article = ArticlePage.objects.live().filter(authors__person__federated=True).first()
    assert delivery.federate_article(article) is not None
    assert not Delivery.objects.filter(state=Delivery.State.PENDING).exists()

    client.force_login(get_user_model().objects.get(username="admin"))
    for url in ("/admin/fediverse/followers/", f"/admin/fediverse/followers/?actor={english.pk}",
                "/admin/fediverse/replies/", "/admin/fediverse/replies/?status=all",
                "/admin/fediverse/blocked/", "/admin/fediverse/deliveries/"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "followers-chart" in client.get("/admin/fediverse/followers/").content.decode()
    assert blocked.domain in client.get("/admin/fediverse/blocked/").content.decode()
    assert federation.DEFUNCT in client.get("/admin/fediverse/deliveries/").content.decode()
