"""Build the demo outlet in the database: locales, pages, snippets, people, images, users.

`load_demo()` does everything in one transaction, so a failure leaves nothing behind
(image files written before the failure are deleted too), except the fediverse accounts and
their history, made in a second one just after (see demo/federation.py). It refuses to run twice.
"""

from __future__ import annotations

import hashlib
import html
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from io import BytesIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.dateformat import format as format_date
from django.utils.text import slugify
from wagtail.models import Locale, Page, Revision, Site

from samizdat.articles.models import (
    ArticleAuthor,
    ArticlePage,
    DossierItem,
    DossierPage,
    MonthArchivePage,
    SectionPage,
    SeriesEpisode,
    Topic,
    TopicIndexPage,
    VideoSeriesPage,
    YearArchivePage,
)
from samizdat.articles.services import month_folder
from samizdat.core.models import OutletImage, OutletSettings
from samizdat.demo import articles as A
from samizdat.demo import (
    campaigns,
    events,
    federation,
    images,
    letters,
    newsletter,
    prose,
    publications,
    spanish,
    volunteers,
    wordpress,
)
from samizdat.demo import content as C
from samizdat.home.models import FeaturedStory, HomePage, SectionBlock
from samizdat.people.models import PeopleIndexPage, Person

USERS = (
    ("admin", "Ada", "Admin", None),
    ("editor", "Eli", "Editor", "Editors"),
    ("moderator", "Mo", "Moderator", "Moderators"),
)
_SPECS = {spec.key: spec for spec in A.ARTICLES}


@dataclass
class DemoSummary:
    """What the loader created, and how long it took."""

    locales: int
    homes: int
    sections: int
    topics: int
    people: int
    articles_en: int
    articles_es: int
    dossiers: int
    series: int
    images: int
    load_seconds: float = 0.0
    total_seconds: float = 0.0


def demo_exists() -> bool:
    """Whether the demo outlet's home page is already in the database."""
    return HomePage.objects.filter(slug=C.HOME_SLUG).exists()


def load_demo(password: str, log: Callable[[str], None] | None = None) -> DemoSummary | None:
    """Create the demo outlet; return what was made, or None if it was already there."""
    if demo_exists():
        return None
    return _DemoLoader(password, log or (lambda message: None)).run()


def _slug(title: str, limit: int = 80) -> str:
    slug = slugify(title)
    if len(slug) <= limit:
        return slug
    return slug[:limit].rsplit("-", 1)[0]


def _block(block_type: str, value) -> dict:
    return {"type": block_type, "value": value, "id": str(uuid.uuid4())}


def _paragraph(text: str) -> dict:
    """A rich-text paragraph block; plain text is escaped and wrapped in <p>."""
    source = text if text.startswith("<") else f"<p>{html.escape(text, quote=False)}</p>"
    return _block("paragraph", source)


class _DemoLoader:
    def __init__(self, password: str, log: Callable[[str], None]) -> None:
        self.password = password
        self.log = log
        self.now = timezone.now()
        self.files: list[str] = []
        self.illustrations: dict[str, OutletImage] = {}
        self.people: dict[str, Person] = {}
        self.topics_en: dict[str, Topic] = {}
        self.topics_es: dict[str, Topic] = {}
        self.sections_en: dict[str, SectionPage] = {}
        self.sections_es: dict[str, SectionPage] = {}
        self.articles_en: dict[str, ArticlePage] = {}
        self.articles_es: dict[str, ArticlePage] = {}
        self.load_seconds = 0.0

    # ------------------------------------------------------------------ driver

    def run(self) -> DemoSummary:
        started = time.monotonic()
        try:
            with transaction.atomic():
                self._load()
                self.load_seconds = time.monotonic() - started
                self.log("Committing; image renditions are made once the data is saved…")
        except BaseException:
            self._delete_files()
            raise
        federation.load(self)  # once the articles' publishing tasks have run: see demo/federation.py
        summary = self._summary()
        summary.load_seconds = self.load_seconds
        summary.total_seconds = time.monotonic() - started
        return summary

    def _load(self) -> None:
        self.en, _ = Locale.objects.get_or_create(language_code="en")
        self.es, _ = Locale.objects.get_or_create(language_code="es")
        self._users()
        self.log("Drawing illustrations and portraits…")
        self._illustrations()
        self._people()
        self._topics()
        self.log("Creating the home pages, sections and indexes…")
        self._homes()
        self._outlet_settings()
        self._sections()
        self._indexes()
        self.log(f"Writing {len(A.ARTICLES)} articles…")
        self._articles()
        self.log(f"Translating {len(spanish.TRANSLATIONS)} articles into Spanish…")
        self._translations()
        self._dossier()
        self._series()
        self._curate_homes()
        publications.load(self)
        volunteers.load(self)
        events.load(self)
        letters.load(self)
        wordpress.load(self)
        newsletter.load(self)
        campaigns.load(self)

    def _delete_files(self) -> None:
        storage = OutletImage._meta.get_field("file").storage
        for name in self.files:
            storage.delete(name)

    def _summary(self) -> DemoSummary:
        homes = HomePage.objects.filter(translation_key=self.home_en.translation_key)
        return DemoSummary(
            locales=Locale.objects.count(),
            homes=homes.count(),
            sections=SectionPage.objects.descendant_of(self.home_en).count()
            + SectionPage.objects.descendant_of(self.home_es).count(),
            topics=Topic.objects.count(),
            people=Person.objects.count(),
            articles_en=ArticlePage.objects.live().filter(locale=self.en).count(),
            articles_es=ArticlePage.objects.live().filter(locale=self.es).count(),
            dossiers=DossierPage.objects.live().count(),
            series=VideoSeriesPage.objects.live().count(),
            images=OutletImage.objects.count(),
        )

    # ------------------------------------------------------------------ helpers

    def _publish(self, page: Page, when: datetime | None = None) -> Page:
        """Save a revision as the editor, publish it as the moderator; return the fresh page."""
        revision = page.save_revision(user=self.editor)
        revision.publish(user=self.moderator, skip_permission_checks=True)
        if when is not None:
            Page.objects.filter(pk=page.pk).update(
                first_published_at=when, last_published_at=when, latest_revision_created_at=when
            )
            Revision.objects.filter(pk=revision.pk).update(created_at=when)
        return page.specific_class.objects.get(pk=page.pk)

    def _image(self, title: str, alt_text: str, data: bytes, filename: str) -> OutletImage:
        image = OutletImage(
            title=title, description=alt_text, credit=C.CREDIT,
            file_size=len(data), file_hash=hashlib.sha1(data).hexdigest(),
        )
        image.file = ImageFile(BytesIO(data), name=filename)
        image.save()
        self.files.append(image.file.name)
        return image

    def _date(self, days_ago: int, index: int) -> datetime:
        day = self.now - timedelta(days=days_ago)
        return day.replace(hour=6 + (index * 5) % 12, minute=(index * 17) % 60, second=0,
                           microsecond=0)

    # ------------------------------------------------------------------ users, images, snippets

    def _users(self) -> None:
        user_model = get_user_model()
        users = {}
        for username, first, last, group_name in USERS:
            user = user_model.objects.filter(username=username).first()
            if user is None:
                email = f"{username}@example.org"
                if group_name is None:
                    user = user_model.objects.create_superuser(username, email, self.password)
                else:
                    user = user_model.objects.create_user(username, email, self.password)
                user.first_name, user.last_name = first, last
                user.save(update_fields=["first_name", "last_name"])
            if group_name:
                group = Group.objects.filter(name=group_name).first()
                if group is not None:
                    user.groups.add(group)
            users[username] = user
        self.editor, self.moderator = users["editor"], users["moderator"]

    def _illustrations(self) -> None:
        for index, spec in enumerate(C.ILLUSTRATIONS):
            data = images.poster(spec.word, spec.palette, spec.style, seed=index,
                                 masthead=C.OUTLET_NAME)
            alt = images.poster_alt_text(spec.word, spec.palette, spec.style)
            self.illustrations[spec.key] = self._image(spec.title, alt, data, f"demo-{spec.key}.jpg")

    def _people(self) -> None:
        for index, spec in enumerate(C.PEOPLE):
            person = Person.objects.filter(slug=spec.slug).first()
            if person is not None:
                self.people[spec.slug] = person
                continue
            initials = "".join(part[0] for part in spec.name.split()[:2])
            photo = self._image(
                f"Portrait of {spec.name}", images.portrait_alt_text(spec.name, spec.palette),
                images.portrait(initials, spec.palette, seed=100 + index),
                f"demo-portrait-{spec.slug}.jpg",
            )
            self.people[spec.slug] = Person.objects.create(
                name=spec.name, slug=spec.slug, role=spec.role, bio=spec.bio, photo=photo,
                fediverse_handle=spec.fediverse_handle,
            )

    def _topics(self) -> None:
        for spec in C.TOPICS:
            topic = Topic.objects.filter(locale=self.en, slug=spec.key).first()
            if topic is None:
                topic = Topic.objects.create(locale=self.en, name=spec.name, slug=spec.key,
                                             description=spec.description)
            translated = topic.get_translation_or_none(self.es)
            if translated is None:
                translated = topic.copy_for_translation(self.es)
                translated.name, translated.slug = spec.name_es, spec.slug_es
                translated.description = spec.description_es
                translated.save()
            self.topics_en[spec.key], self.topics_es[spec.key] = topic, translated

    # ------------------------------------------------------------------ page tree

    def _homes(self) -> None:
        root = Page.get_first_root_node()
        home = HomePage(title=C.OUTLET_NAME, slug=C.HOME_SLUG, tagline=C.TAGLINE_EN,
                        locale=self.en, live=False)
        root.add_child(instance=home)
        self.home_en = self._publish(home)

        site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
        site.hostname, site.port, site.site_name = "localhost", 8000, C.OUTLET_NAME
        site.root_page = self.home_en
        site.save()
        self._delete_welcome_page()

        home_es = self.home_en.copy_for_translation(self.es)
        home_es.title, home_es.tagline = C.HOME_TITLE_ES, C.TAGLINE_ES
        self.home_es = self._publish(home_es)

    def _outlet_settings(self) -> None:
        """What the outlet says about itself: description, logo, default share image, contact."""
        site = Site.objects.get(is_default_site=True)
        data = images.logo(C.OUTLET_NAME)
        logo = self._image(f"{C.OUTLET_NAME} logo", C.OUTLET_NAME, data, "demo-logo.png")
        share = next(iter(self.illustrations.values()))
        settings, _ = OutletSettings.objects.get_or_create(site=site)
        settings.description = C.DESCRIPTION
        settings.logo, settings.share_image = logo, share
        settings.public_email, settings.public_phone = C.PUBLIC_EMAIL, C.PUBLIC_PHONE
        settings.fediverse_handle = C.FEDIVERSE_HANDLE
        settings.save()

    def _delete_welcome_page(self) -> None:
        """Remove Wagtail's placeholder page: a plain, childless Page that no site uses."""
        plain_page = ContentType.objects.get_for_model(Page)
        placeholders = Page.objects.filter(depth=2, content_type=plain_page, numchild=0).exclude(
            pk__in=Site.objects.values("root_page_id")
        )
        for page in placeholders:
            page.delete()

    def _sections(self) -> None:
        for spec in C.SECTIONS:
            section = SectionPage(title=spec.title, slug=spec.slug, description=spec.description,
                                  show_in_menus=True, locale=self.en, live=False)
            self.home_en.add_child(instance=section)
            section = self._publish(section)
            translated = section.copy_for_translation(self.es)
            translated.title, translated.slug = spec.title_es, spec.slug_es
            translated.description = spec.description_es
            self.sections_en[spec.key] = section
            self.sections_es[spec.key] = self._publish(translated)

    def _indexes(self) -> None:
        for model, spec in ((TopicIndexPage, C.TOPIC_INDEX), (PeopleIndexPage, C.PEOPLE_INDEX)):
            page = model(title=spec["title"], slug=spec["slug"], intro=spec["intro"],
                         locale=self.en, live=False)
            self.home_en.add_child(instance=page)
            page = self._publish(page)
            translated = page.copy_for_translation(self.es)
            translated.title, translated.slug = spec["title_es"], spec["slug_es"]
            translated.intro = spec["intro_es"]
            self._publish(translated)

    # ------------------------------------------------------------------ articles

    def _articles(self) -> None:
        ordered = sorted(A.ARTICLES, key=lambda spec: -spec.days_ago)  # oldest first
        for index, spec in enumerate(ordered):
            when = self._date(spec.days_ago, index)
            partner = spec.partner
            article = ArticlePage(
                title=spec.title, slug=_slug(spec.title), dek=spec.dek, kind=spec.kind,
                display_date=when, first_published_at=when, dateline=spec.dateline,
                lead_image=self.illustrations[spec.image], lead_image_caption=spec.caption,
                video_url=spec.video_url, body=self._body(spec, index),
                partner_relation=partner.relation if partner else "",
                partner_name=partner.name if partner else "",
                original_url=partner.original_url if partner else "",
                locale=self.en, live=False, owner=self.editor,
                authors=[ArticleAuthor(person=self.people[slug], sort_order=order)
                         for order, slug in enumerate(spec.authors)],
                topics=[self.topics_en[key] for key in spec.topics],
            )
            month_folder(self.sections_en[spec.section], when).add_child(instance=article)
            self.articles_en[spec.key] = self._publish(article, when)

    def _related(self, spec: A.ArticleSpec, pool: dict[str, ArticlePage]) -> ArticlePage | None:
        """The newest already-created article sharing a topic with `spec`, if any."""
        for key in reversed(pool):
            if key != spec.key and set(_SPECS[key].topics) & set(spec.topics):
                return pool[key]
        return None

    def _body(self, spec: A.ArticleSpec, index: int) -> list[dict]:
        pool = prose.PARAGRAPHS[spec.section]
        headings = prose.HEADINGS[spec.section]
        picks = [pool[(index * 3 + k) % len(pool)] for k in range(3)]
        blocks: list[dict] = []
        if spec.paragraphs:
            blocks += [_paragraph(text) for text in spec.paragraphs]
        else:
            blocks += [_paragraph(spec.lede), _paragraph(picks[0]),
                       _block("heading", {"text": headings[index % len(headings)], "level": "h2"}),
                       _paragraph(picks[1])]
        if spec.kind != "statement":
            if index % 3 == 0:
                text, attribution = prose.BLOCK_QUOTES[index % len(prose.BLOCK_QUOTES)]
                blocks.append(_block("block_quote", {"text": text, "attribution": attribution}))
            else:
                blocks.append(_block("pull_quote",
                                     {"text": prose.PULL_QUOTES[index % len(prose.PULL_QUOTES)]}))
        if index % 3 == 1:
            keys = list(self.illustrations)
            other = self.illustrations[keys[(keys.index(spec.image) + index) % len(keys)]]
            if other.pk == self.illustrations[spec.image].pk:
                other = self.illustrations[keys[(keys.index(spec.image) + 1) % len(keys)]]
            blocks.append(_block("image", {
                "image": {"image": other.pk, "decorative": False, "alt_text": other.description},
                "caption": prose.IMAGE_CAPTIONS[index % len(prose.IMAGE_CAPTIONS)],
                "credit": "",
            }))
        if spec.key in A.EXTRA_VIDEOS:
            url, caption = A.EXTRA_VIDEOS[spec.key]
            blocks.append(_block("video", {"url": url, "poster": self.illustrations[spec.image].pk,
                                           "caption": caption}))
        if spec.kind == "report":
            blocks.append(_block("heading", {"text": "How we did this", "level": "h3"}))
            blocks.append(_paragraph(
                "This report draws on public records and on information supplied by workers and "
                "their unions. Figures were checked against at least two sources wherever "
                "possible; where they could not be, we say so. Corrections will be published at "
                "the foot of this page."))
        if not spec.paragraphs:
            blocks.append(_paragraph(picks[2]))
        related = self._related(spec, self.articles_en)
        if related is not None:
            label = "Background" if spec.kind in {"report", "statement"} else "Read also"
            blocks.append(_block("related_article", {"article": related.pk, "label": label}))
        return blocks

    # ------------------------------------------------------------------ Spanish edition

    def _translate_folder(self, page: Page) -> None:
        """Give a year or month folder a real Spanish translation (not an alias)."""
        if page.get_translation_or_none(self.es) is not None:
            return
        parent = page.get_parent().specific
        if isinstance(parent, YearArchivePage):
            self._translate_folder(parent)
        translated = page.copy_for_translation(self.es)
        if isinstance(page, MonthArchivePage):
            year = int(page.get_parent().slug)
            with translation.override("es"):
                month = format_date(datetime(year, int(page.slug), 1), "F")
            translated.title = f"{month.capitalize()} de {year}"
        self._publish(translated)

    def _translations(self) -> None:
        ordered = [spec for spec in sorted(A.ARTICLES, key=lambda s: -s.days_ago)
                   if spec.key in spanish.TRANSLATIONS]
        for index, spec in enumerate(ordered):
            tr = spanish.TRANSLATIONS[spec.key]
            original = self.articles_en[spec.key]
            self._translate_folder(original.get_parent().specific)
            article = original.copy_for_translation(self.es, copy_parents=True)
            article.title, article.slug = tr.title, _slug(tr.title)
            article.dek, article.lead_image_caption = tr.dek, tr.caption
            article.dateline = tr.dateline
            article.body = self._body_es(spec, tr, index)
            article.topics = [self.topics_es[key] for key in spec.topics]
            article.owner = self.editor
            when = original.display_date + timedelta(hours=3)
            self.articles_es[spec.key] = self._publish(article, when)

    def _body_es(self, spec: A.ArticleSpec, tr: spanish.TranslationSpec, index: int) -> list[dict]:
        pool = spanish.PARAGRAPHS_ES[spec.section]
        picks = [pool[(index + k) % len(pool)] for k in range(2)]
        if tr.paragraphs:
            blocks = [_paragraph(text) for text in tr.paragraphs]
        else:
            blocks = [_paragraph(tr.lede), _paragraph(picks[0]),
                      _block("heading", {"text": spanish.HEADINGS_ES[spec.section], "level": "h2"}),
                      _paragraph(picks[1])]
        if spec.kind != "statement":
            blocks.append(_block("pull_quote", {
                "text": spanish.PULL_QUOTES_ES[index % len(spanish.PULL_QUOTES_ES)]}))
        if spec.key == "bakery-strike-film":
            url, _caption = A.EXTRA_VIDEOS[spec.key]
            blocks.append(_block("video", {"url": url, "poster": self.illustrations[spec.image].pk,
                                           "caption": "El tráiler de la película."}))
        related = self._related(spec, self.articles_es)
        if related is not None:
            blocks.append(_block("related_article", {"article": related.pk, "label": "Lee también"}))
        return blocks

    # ------------------------------------------------------------------ dossier, series, homes

    def _dossier(self) -> None:
        spec = A.DOSSIER
        dossier = DossierPage(
            title=spec.title, slug=spec.slug, intro=spec.intro, locale=self.en, live=False,
            lead_image=self.illustrations[spec.image], owner=self.editor,
            items=[DossierItem(article=self.articles_en[key], note=note, sort_order=order)
                   for order, (key, note) in enumerate(spec.items)],
        )
        self.sections_en[spec.section].add_child(instance=dossier)
        newest = max(self.articles_en[key].display_date for key, _note in spec.items)
        self._publish(dossier, newest + timedelta(hours=2))

    def _series(self) -> None:
        spec = A.SERIES
        series = VideoSeriesPage(
            title=spec.title, slug=spec.slug, description=spec.description, locale=self.en,
            live=False, lead_image=self.illustrations[spec.image], owner=self.editor,
            episodes=[SeriesEpisode(article=self.articles_en[key], sort_order=order)
                      for order, key in enumerate(spec.episodes)],
        )
        self.sections_en[spec.section].add_child(instance=series)
        first = self.articles_en[spec.episodes[0]].display_date
        self._publish(series, first - timedelta(hours=1))

    def _curate_homes(self) -> None:
        editions = (
            (self.home_en, self.articles_en, self.sections_en,
             A.HOME_LEAD, A.HOME_FEATURED, A.HOME_SECTION_BLOCKS),
            (self.home_es, self.articles_es, self.sections_es,
             spanish.HOME_LEAD_ES, spanish.HOME_FEATURED_ES, spanish.HOME_SECTION_BLOCKS_ES),
        )
        for home, articles, sections, lead, featured, blocks in editions:
            home = HomePage.objects.get(pk=home.pk)
            home.lead_story = articles[lead]
            home.featured = [FeaturedStory(article=articles[key], sort_order=order)
                             for order, key in enumerate(featured)]
            home.section_blocks = [SectionBlock(section=sections[key], count=count, sort_order=order)
                                   for order, (key, count) in enumerate(blocks)]
            self._publish(home)
