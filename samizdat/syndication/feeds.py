"""RSS 2.0 and Atom feeds of the outlet, a section, a topic or an author, per language.

A request first resolves its *scope* (what the feed covers; cached until the tree or the
feed metadata changes), then computes the scope's fingerprint with one aggregate query
(count and newest publication of its live articles, plus the full-text setting and a
version bumped when people, topics, renditions, settings or non-article pages change).
The fingerprint is the ETag and the cache key of the rendered bytes: a conditional
request gets a 304, an unchanged feed is served from the cache, and a feed is only
rebuilt when something in it changed. Building one takes a fixed number of queries:
article bodies are rendered from their raw StreamField data with every image, rendition
and linked page fetched in one query each, and no rendition is ever made here.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.db.models import Count, Max, QuerySet
from django.db.models.signals import post_delete, post_save
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape, format_html, linebreaks, strip_tags
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from samizdat.articles.models import ArticleAuthor, ArticlePage, SectionPage, Topic
from samizdat.articles.queries import article_cards
from samizdat.core.chrome import cached_menu
from samizdat.core.images import attach_renditions, lead_specs
from samizdat.core.invalidation import tree_version
from samizdat.core.models import OutletImage, OutletRendition, OutletSettings, outlet_settings
from samizdat.core.routing import exclude_restricted, is_restricted, site_for_request, site_root_path
from samizdat.core.templatetags.outlet_tags import with_dateline
from samizdat.core.video import UnsupportedVideo, parse_video_url
from samizdat.people.models import Person

FEED_ITEMS = 20
MAX_AGE = 300
PENDING_SECONDS = 60  # how long a feed missing image renditions is kept and may be cached
BYTES_TIMEOUT = 60 * 60 * 24
FORMAT_VERSION = 1  # bump when the output changes, so cached feeds and ETags are dropped
FEEDS_VERSION_KEY = "samizdat:feeds-version"
SCOPE_KEY = "samizdat:feed-scope:{site}:{language}:{kind}:{slug}:{tree}:{feeds}"
MEDIA_NS = "http://search.yahoo.com/mrss/"
DC_NS = "http://purl.org/dc/elements/1.1/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
FEED_MIME = {".webp": "image/webp", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


# --- The feeds version: what the article aggregate cannot see -------------------------------

def feeds_version() -> int:
    """When feed metadata last changed (nanoseconds), or when the cache first saw it.

    Bumped when a person, topic, rendition, outlet setting or site changes, when a
    non-article page is published, and when any page is unpublished, moved or deleted.
    Starting from the clock (not 1) keeps ETags from repeating after a cache flush, and
    lets Last-Modified follow metadata changes too. (Wagtail makes renditions with
    bulk_create, which sends no signal: see `feed_items` for how a late one shows up.)
    """
    version = cache.get(FEEDS_VERSION_KEY)
    if version is None:
        cache.add(FEEDS_VERSION_KEY, time.time_ns(), None)
        version = cache.get(FEEDS_VERSION_KEY) or time.time_ns()
    return version


def bump_feeds_version(**kwargs) -> None:
    cache.set(FEEDS_VERSION_KEY, max(time.time_ns(), (cache.get(FEEDS_VERSION_KEY) or 0) + 1), None)


def _page_published(sender, instance=None, **kwargs) -> None:
    """An article's publication shows in the aggregate; any other page's (titles, slugs) does not."""
    if not isinstance(instance, ArticlePage):
        bump_feeds_version()


def connect_signals() -> None:
    """Bump the feeds version on every change the article aggregate cannot see (app ready)."""
    page_published.connect(_page_published, dispatch_uid="feeds-page-published")
    page_unpublished.connect(bump_feeds_version, dispatch_uid="feeds-page-unpublished")
    post_page_move.connect(bump_feeds_version, dispatch_uid="feeds-page-move")
    post_delete.connect(bump_feeds_version, sender=Page, dispatch_uid="feeds-page-delete")
    for model in (Person, Topic, OutletRendition, OutletSettings, Site, PageViewRestriction):
        post_save.connect(bump_feeds_version, sender=model, dispatch_uid=f"feeds-save-{model.__name__}")
        post_delete.connect(bump_feeds_version, sender=model, dispatch_uid=f"feeds-delete-{model.__name__}")


# --- Scope: what a feed covers --------------------------------------------------------------

@dataclass(frozen=True)
class FeedScope:
    """What one feed covers, with its title, page and description (cached, picklable)."""

    kind: str  # "outlet", "all", "section", "topic" or "author"
    slug: str
    outlet: str
    language: str
    site_id: int
    root_url: str
    locale_id: int | None  # None for every language
    title: str
    link: str
    description: str
    section_id: int | None = None
    topic_key: str | None = None
    person_id: int | None = None

    def articles(self) -> QuerySet[ArticlePage]:
        """The scope's live, public articles, unordered and without prefetching."""
        queryset = exclude_restricted(ArticlePage.objects.live())
        if self.locale_id is not None:
            queryset = queryset.filter(locale_id=self.locale_id)
        return self.narrow(queryset)

    def narrow(self, queryset: QuerySet[ArticlePage]) -> QuerySet[ArticlePage]:
        if self.section_id is not None:
            queryset = queryset.filter(section_id=self.section_id)
        if self.topic_key is not None:
            tagged = ArticlePage.topics.through.objects.filter(topic__translation_key=self.topic_key)
            queryset = queryset.filter(pk__in=tagged.values("articlepage_id"))
        if self.person_id is not None:
            written = ArticleAuthor.objects.filter(person_id=self.person_id)
            queryset = queryset.filter(pk__in=written.values("article_id"))
        return queryset


def site_title(site: Site) -> str:
    return site.site_name or getattr(settings, "WAGTAIL_SITE_NAME", "Samizdat")


def _home_path(language: str) -> str:
    with translation.override(language):
        return reverse("wagtail_serve", args=("",))


def resolve_scope(request: HttpRequest, kind: str, slug: str = "") -> FeedScope:
    """The scope of a feed URL in the active language; Http404 for an unknown slug.

    Cached until the page tree or the feeds version changes: a warm request makes no query.
    """
    site = site_for_request(request)
    if site is None:
        raise Http404("No site here.")
    language = translation.get_language()
    key = SCOPE_KEY.format(site=site.pk, language=language, kind=kind, slug=slug,
                           tree=tree_version(), feeds=feeds_version())
    scope = cache.get(key)
    if scope is None:
        scope = _build_scope(request, site, language, kind, slug)
        cache.set(key, scope, 60 * 60)
    return scope


def _build_scope(request: HttpRequest, site: Site, language: str, kind: str, slug: str) -> FeedScope:
    locale = Locale.objects.filter(language_code=language).first()
    if locale is None:
        raise Http404("No such language.")
    outlet = site_title(site)
    root = site.root_url
    description = outlet_settings(request).description
    common = {"kind": kind, "slug": slug, "outlet": outlet, "language": language, "site_id": site.pk,
              "root_url": root}
    if kind in ("outlet", "all"):
        return FeedScope(
            **common,
            locale_id=locale.pk if kind == "outlet" else None,
            title=outlet if kind == "outlet" else f"{outlet} — {gettext('All languages')}",
            link=root + _home_path(language),
            description=description or outlet,
        )
    if kind == "section":
        root_path = site_root_path(site, language)
        section = (
            SectionPage.objects.live()
            .filter(url_path=f"{root_path}{slug}/")
            .only("id", "title", "path", "depth", "url_path", "locale_id", "description")
            .first()
        ) if root_path else None
        if section is None or is_restricted(section):
            raise Http404("No section with that name.")
        return FeedScope(
            **common, locale_id=locale.pk, section_id=section.pk,
            title=f"{outlet} — {section.title}",
            link=section.get_full_url(request) or root,
            description=section.description or description or section.title,
        )
    menu = cached_menu(locale.pk, request)
    if kind == "topic":
        topic = Topic.objects.filter(locale=locale, slug=slug).first()
        if topic is None or not menu.topics_url:
            raise Http404("No topic with that name.")
        return FeedScope(
            **common, locale_id=locale.pk, topic_key=str(topic.translation_key),
            title=f"{outlet} — {topic.name}",
            link=_absolute(root, f"{menu.topics_url}{topic.slug}/"),
            description=topic.description or description or topic.name,
        )
    if kind == "author":
        person = Person.objects.filter(slug=slug).first()
        if person is None or not menu.authors_url:
            raise Http404("No contributor with that name.")
        return FeedScope(
            **common, locale_id=locale.pk, person_id=person.pk,
            title=f"{outlet} — {person.name}",
            link=_absolute(root, f"{menu.authors_url}{person.slug}/"),
            description=person.bio or description or person.name,
        )
    raise Http404("No such feed.")


# --- Fingerprint: one aggregate query -------------------------------------------------------

@dataclass(frozen=True)
class Fingerprint:
    etag: str
    last_modified: int
    cache_key: str


def fingerprint(scope: FeedScope, full_text: bool, feed_format: str) -> Fingerprint:
    """ETag, Last-Modified and cache key of a feed, from one aggregate query."""
    found = scope.articles().aggregate(
        count=Count("pk", distinct=True), published=Max("last_published_at"), shown=Max("display_date")
    )
    version = feeds_version()
    times = [version / 1e9]  # when metadata last changed
    if found["published"] is not None:
        times.append(found["published"].timestamp())
    if found["shown"] is not None:  # articles added without a revision have no publication time
        times.append(min(found["shown"], timezone.now()).timestamp())
    last_modified = int(max(times))
    parts = (
        FORMAT_VERSION, feed_format, scope.site_id, scope.language, scope.kind, scope.slug,
        scope.locale_id, found["count"], found["published"] and found["published"].isoformat(),
        found["shown"] and found["shown"].isoformat(), full_text, version,
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:40]
    return Fingerprint(etag=f'"{digest}"', last_modified=last_modified,
                       cache_key=f"samizdat:feed:{digest}")


# --- Items ----------------------------------------------------------------------------------

@dataclass
class Media:
    url: str
    mime_type: str
    width: int
    height: int
    length: int
    thumbnail_url: str
    thumbnail_width: int
    thumbnail_height: int
    credit: str


@dataclass
class FeedItem:
    title: str
    link: str
    guid: str
    language: str
    description: str
    pubdate: datetime.datetime
    updated: datetime.datetime
    authors: list[tuple[str, str]] = field(default_factory=list)  # (name, author page URL)
    categories: list[str] = field(default_factory=list)
    content: str | None = None
    media: Media | None = None


_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text without the control characters XML 1.0 cannot carry (pasted text has them)."""
    return _NOT_XML.sub("", text or "")


def guid_for(article: ArticlePage) -> str:
    """A URN that survives moves and slug changes: UUID5 of the translation key and page id."""
    return f"urn:uuid:{uuid.uuid5(article.translation_key, f'article:{article.pk}')}"


def _absolute(root_url: str, url: str) -> str:
    if not url:
        return ""
    if url.startswith("//"):
        return f"{urlsplit(root_url).scheme or 'https'}:{url}"
    if urlsplit(url).scheme:
        return url
    return urljoin(root_url + "/", url)


def _requested_width(filter_spec: str) -> int:
    """1200 for "fill-1200x675|format-webp": what a spec asked for (a small original gives less)."""
    match = re.match(r"\w+-(\d+)", filter_spec)
    return int(match.group(1)) if match else 0


def _renditions_of(image) -> list:
    """Renditions already made of `image` in a format every reader shows, smallest first.

    A picture smaller than the crops comes out the same size in several of them: the
    spec's own width breaks the tie, so the choice does not depend on row order.
    """
    found = [
        rendition for rendition in getattr(image, "prefetched_renditions", None) or []
        if _suffix(rendition.file.name) in FEED_MIME
    ]
    return sorted(found, key=lambda r: (r.width, _requested_width(r.filter_spec), r.filter_spec))


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def lead_media(image, root_url: str) -> Media | None:
    """The largest existing WebP/JPEG rendition of a lead image; None if none was made yet."""
    renditions = _renditions_of(image) if image is not None else []
    if not renditions:
        return None
    largest, smallest = renditions[-1], renditions[0]
    return Media(
        url=_absolute(root_url, largest.url),
        mime_type=FEED_MIME[_suffix(largest.file.name)],
        width=largest.width,
        height=largest.height,
        length=largest.file_size or 0,
        thumbnail_url=_absolute(root_url, smallest.url),
        thumbnail_width=smallest.width,
        thumbnail_height=smallest.height,
        credit=image.credit,
    )


def excerpt_from_raw(article: ArticlePage, raw: list[dict]) -> str:
    """ArticlePage.excerpt, read from raw data (iterating the body would load its images)."""
    if article.dek:
        return article.dek
    for block in raw:
        if block.get("type") == "paragraph":
            return Truncator(strip_tags(str(block.get("value") or ""))).words(40)
    return ""


def feed_items(scope: FeedScope, request: HttpRequest, full_text: bool) -> tuple[list[FeedItem], bool]:
    """The scope's newest articles as feed items, in a fixed number of queries.

    Also says whether the items are complete: False when an image has no rendition yet
    (its background task has not run), so the caller does not keep this version for long.
    """
    articles = list(
        scope.narrow(article_cards(locale=scope.locale_id)).prefetch_related("topics")[:FEED_ITEMS]
    )
    raws = {article.pk: list(article.body.raw_data) for article in articles}
    languages = _languages(request)
    authors_urls = {
        locale_id: cached_menu(locale_id, request).authors_url
        for locale_id in {article.locale_id for article in articles}
    }
    bodies, complete = render_bodies(articles, raws, scope.root_url, request, languages) if full_text \
        else ({}, True)
    items = []
    for article in articles:
        link = article.get_full_url(request) or scope.root_url + "/"
        authors_url = authors_urls.get(article.locale_id, "")
        categories = [article.section.title] if article.section else []
        categories += [topic.name for topic in article.topics.all() if topic.name not in categories]
        items.append(FeedItem(
            title=xml_text(article.title),
            link=link,
            guid=guid_for(article),
            language=_language_of(article, languages, scope.language),
            description=xml_text(escape(excerpt_from_raw(article, raws[article.pk]))),
            pubdate=article.display_date,
            updated=article.last_published_at or article.display_date,
            authors=[
                (xml_text(byline.person.name),
                 _absolute(scope.root_url, f"{authors_url}{byline.person.slug}/") if authors_url else "")
                for byline in article.authors.all()
            ],
            categories=[xml_text(category) for category in categories],
            content=xml_text(bodies[article.pk]) if article.pk in bodies else None,
            media=lead_media(article.lead_image, scope.root_url),
        ))
        complete = complete and (article.lead_image is None or items[-1].media is not None)
    return items, complete


def _languages(request: HttpRequest) -> list[tuple[str, str]]:
    """(home url_path, language code) of every language, from Wagtail's cached root paths."""
    site = site_for_request(request)
    return [(root.root_path, root.language_code) for root in Site.get_site_root_paths()
            if site is None or root.site_id == site.pk]


def _language_of(page: Page, languages: list[tuple[str, str]], default: str) -> str:
    for root_path, code in languages:
        if page.url_path.startswith(root_path):
            return code
    return default


# --- Full text: StreamField bodies from raw data ---------------------------------------------

ALLOWED_TAGS = {"p", "br", "a", "b", "strong", "i", "em", "ol", "ul", "li", "sup", "sub",
                "h2", "h3", "h4", "h5", "h6", "blockquote", "code"}
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "template", "noscript", "svg",
                        "math", "textarea", "select", "head", "title"}
VOID_TAGS = {"br"}
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


class RichTextCleaner(HTMLParser):
    """Rich text (Wagtail's database HTML) as plain, safe HTML with absolute links.

    Keeps a small set of tags, drops every attribute but a link's href, drops scripts and
    the like with their content, resolves <a linktype="page" id=…> through `page_url`.
    """

    def __init__(self, page_url: Callable[[int], str], root_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.root_url = root_url
        self.out: list[str] = []
        self.open: list[str] = []
        self.skipping = 0

    def clean(self, html: str) -> str:
        self.feed(html)
        self.close()
        self.out.extend(f"</{tag}>" for tag in reversed(self.open))
        return "".join(self.out)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in DROPPED_WITH_CONTENT:
            self.skipping += 1
            return
        if self.skipping or tag not in ALLOWED_TAGS:
            return
        if tag == "a":
            href = self.href(dict(attrs))
            self.out.append(format_html('<a href="{}">', href) if href else "<a>")
        else:
            self.out.append(f"<{tag}>")
        if tag not in VOID_TAGS:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if not self.skipping and tag in VOID_TAGS:
            self.out.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED_WITH_CONTENT:
            self.skipping = max(0, self.skipping - 1)
            return
        if self.skipping or tag not in self.open:
            return
        while self.open:
            closing = self.open.pop()
            self.out.append(f"</{closing}>")
            if closing == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(escape(data))

    def href(self, attrs: dict) -> str:
        linktype = attrs.get("linktype")
        if linktype == "page":
            try:
                return self.page_url(int(attrs.get("id") or ""))
            except ValueError:
                return ""
        if linktype:
            return ""
        href = _INVISIBLE.sub("", attrs.get("href") or "")
        if not href or href.startswith("#"):
            return ""
        scheme = urlsplit(href).scheme.lower()
        if scheme and scheme not in SAFE_SCHEMES:
            return ""
        return _absolute(self.root_url, href)


def _image_id(value) -> int | None:
    """The image id of an ImageBlock's raw value (a dict, or a bare id from ImageChooserBlock)."""
    if isinstance(value, dict):
        value = value.get("image")
    return value if isinstance(value, int) else None


def _collect_ids(raws: Iterable[list[dict]], root_url: str) -> tuple[set[int], set[int]]:
    """Every image and page a set of raw bodies refer to."""
    images: set[int] = set()
    pages: set[int] = set()

    def note_page(page_id: int) -> str:
        pages.add(page_id)
        return ""

    for raw in raws:
        for block in raw:
            kind, value = block.get("type"), block.get("value")
            if kind == "paragraph":
                RichTextCleaner(note_page, root_url).clean(str(value or ""))
            elif kind == "image" and isinstance(value, dict):
                images.add(_image_id(value.get("image")))
            elif kind == "video" and isinstance(value, dict):
                images.add(_image_id(value.get("poster")))
            elif kind == "related_article" and isinstance(value, dict):
                pages.add(value.get("article") if isinstance(value.get("article"), int) else None)
    images.discard(None)
    pages.discard(None)
    return images, pages


def render_bodies(articles: list[ArticlePage], raws: dict[int, list[dict]], root_url: str,
                  request: HttpRequest, languages: list[tuple[str, str]]) -> tuple[dict[int, str], bool]:
    """Full-text HTML of each article (three queries at most), and whether every image had a rendition."""
    image_ids, page_ids = _collect_ids(raws.values(), root_url)
    images = {image.pk: image for image in OutletImage.objects.filter(pk__in=image_ids)} if image_ids else {}
    attach_renditions(list(images.values()), lead_specs())
    pages = {
        page.pk: page
        for page in Page.objects.live().filter(pk__in=page_ids).only("id", "title", "url_path", "path")
    } if page_ids else {}
    urls = {pk: page.get_full_url(request) or "" for pk, page in pages.items()}
    renderer = BodyRenderer(root_url=root_url, images=images, pages=pages, page_urls=urls)
    bodies = {}
    for article in articles:
        with translation.override(_language_of(article, languages, translation.get_language())):
            bodies[article.pk] = renderer.article(article, raws[article.pk])
    return bodies, not renderer.missing_renditions


@dataclass
class BodyRenderer:
    """Turns one article's raw body into feed HTML from preloaded images and pages."""

    root_url: str
    images: dict[int, OutletImage]
    pages: dict[int, Page]
    page_urls: dict[int, str]
    missing_renditions: bool = False

    def article(self, article: ArticlePage, raw: list[dict]) -> str:
        parts = [self.lead(article)]
        if article.dek:
            parts.append(format_html("<p><strong>{}</strong></p>", article.dek))
        if article.partner_relation and article.partner_name:
            partner = (format_html('<a href="{}">{}</a>', article.original_url, article.partner_name)
                       if article.original_url else escape(article.partner_name))
            parts.append(format_html("<p><em>{} {}</em></p>", article.get_partner_relation_display(),
                                     partner))
        for number, block in enumerate(raw):
            html = self.block(block.get("type"), block.get("value"))
            if number == 0 and article.dateline:
                html = with_dateline(mark_safe(html), article.dateline)  # noqa: S308 - built here, safe
            parts.append(html)
        return "\n".join(part for part in parts if part)

    def lead(self, article: ArticlePage) -> str:
        video = article.video
        if video is not None:
            return self.video_figure(video.watch_url, video.provider_label, article.lead_image,
                                     article.lead_image_caption)
        if article.lead_image is None:
            return ""
        return self.figure(article.lead_image, article.lead_image.alt_text, article.lead_image_caption,
                           article.lead_image.credit)

    def block(self, kind: str | None, value) -> str:
        if kind in ("paragraph", "imported_html"):
            return RichTextCleaner(self.page_url, self.root_url).clean(str(value or ""))
        if not isinstance(value, dict):
            return ""
        if kind == "heading":
            level = "h3" if value.get("level") == "h3" else "h2"
            return format_html("<{}>{}</{}>", level, value.get("text") or "", level)
        if kind == "image":
            return self.figure_block(value)
        if kind == "pull_quote":
            return format_html("<blockquote><p>{}</p></blockquote>", value.get("text") or "")
        if kind == "block_quote":
            text = linebreaks(value.get("text") or "", autoescape=True)
            quote = format_html("<blockquote>{}</blockquote>", text)
            if value.get("attribution"):
                return format_html("{}<p>— {}</p>", quote, value["attribution"])
            return quote
        if kind == "video":
            try:
                video = parse_video_url(value.get("url") or "")
            except UnsupportedVideo:
                return ""
            poster = self.images.get(_image_id(value.get("poster")))
            caption = value.get("caption") or ""
            return self.video_figure(video.watch_url, video.provider_label, poster, caption)
        if kind == "related_article":
            page = self.pages.get(value.get("article"))
            if page is None:
                return ""
            return format_html('<p>{}: <a href="{}">{}</a></p>', value.get("label") or gettext("Read also"),
                               self.page_urls.get(page.pk, ""), page.title)
        return ""

    def figure_block(self, value: dict) -> str:
        image_value = value.get("image")
        image = self.images.get(_image_id(image_value))
        if image is None:
            return ""
        if isinstance(image_value, dict) and image_value.get("decorative"):
            alt = ""
        else:
            alt = (image_value.get("alt_text") if isinstance(image_value, dict) else "") or image.alt_text
        return self.figure(image, alt, value.get("caption") or "", value.get("credit") or image.credit)

    def img(self, image, alt: str) -> str:
        renditions = _renditions_of(image)
        if not renditions:
            self.missing_renditions = True
            return ""
        largest = renditions[-1]
        return format_html('<img src="{}" alt="{}" width="{}" height="{}">',
                           _absolute(self.root_url, largest.url), alt, largest.width, largest.height)

    def figure(self, image, alt: str, caption: str, credit: str) -> str:
        img = self.img(image, alt)
        if not img:
            return ""
        return format_html("<figure>{}{}</figure>", img, self.caption(caption, credit))

    def video_figure(self, watch_url: str, provider: str, poster, caption: str) -> str:
        watch = format_html('<a href="{}">{}</a>', watch_url, gettext("Watch on %(provider)s") % {
            "provider": provider})
        img = self.img(poster, caption or gettext("Watch on %(provider)s") % {"provider": provider}) \
            if poster is not None else ""
        if not img:
            return format_html("<p>{}{}</p>", f"{caption} " if caption else "", watch)
        return format_html('<figure><a href="{}">{}</a><figcaption>{}{}</figcaption></figure>',
                           watch_url, img, f"{caption} " if caption else "", watch)

    @staticmethod
    def caption(caption: str, credit: str) -> str:
        if not (caption or credit):
            return ""
        credit_html = format_html("<small>{}</small>", credit) if credit else ""
        return format_html("<figcaption>{}{}{}</figcaption>", caption, " " if caption and credit else "",
                           credit_html)

    def page_url(self, page_id: int) -> str:
        return self.page_urls.get(page_id, "")


# --- Generators: full text, one element per author, Media RSS -------------------------------

def _add_media(handler, media: Media | None) -> None:
    if media is None:
        return
    attrs = {"url": media.url, "type": media.mime_type, "medium": "image",
             "width": str(media.width), "height": str(media.height)}
    if media.length:
        attrs["fileSize"] = str(media.length)
    handler.startElement("media:content", attrs)
    if media.credit:
        handler.addQuickElement("media:credit", media.credit)
    handler.endElement("media:content")
    handler.addQuickElement("media:thumbnail", None, {
        "url": media.thumbnail_url, "width": str(media.thumbnail_width),
        "height": str(media.thumbnail_height)})


class OutletRssFeed(Rss201rev2Feed):
    """RSS 2.0 with content:encoded, a dc:creator per author and Media RSS."""

    def rss_attributes(self) -> dict:
        return {**super().rss_attributes(), "xmlns:content": CONTENT_NS, "xmlns:dc": DC_NS,
                "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        for name, _uri in item.get("authors") or []:
            handler.addQuickElement("dc:creator", name)
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])
        _add_media(handler, item.get("media"))


class OutletAtomFeed(Atom1Feed):
    """Atom with <content type="html">, an <author> per author and Media RSS."""

    def root_attributes(self) -> dict:
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def item_attributes(self, item) -> dict:
        return {"xml:lang": item["language"]} if item.get("language") else {}

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        for name, uri in item.get("authors") or []:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            if uri:
                handler.addQuickElement("uri", uri)
            handler.endElement("author")
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})
        _add_media(handler, item.get("media"))


# --- The views ------------------------------------------------------------------------------

@dataclass
class FeedBuild:
    """Everything one rendering of a feed needs: the Feed methods only read from it."""

    scope: FeedScope
    feed_url: str
    items: list[FeedItem]


class OutletFeed(Feed):
    """A feed of one scope (see `kind`), answering conditional GETs from the fingerprint."""

    feed_type = OutletRssFeed
    feed_format = "rss"
    csrf_exempt = True  # a POST is answered 405, not 403

    def __init__(self, kind: str = "outlet") -> None:
        self.kind = kind

    def __call__(self, request: HttpRequest, slug: str = "") -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return serve_feed(self, request, slug)

    def title(self, build: FeedBuild) -> str:
        return xml_text(build.scope.title)

    def link(self, build: FeedBuild) -> str:
        return build.scope.link

    def description(self, build: FeedBuild) -> str:
        return xml_text(build.scope.description)

    def subtitle(self, build: FeedBuild) -> str:
        return xml_text(build.scope.description)

    def feed_url(self, build: FeedBuild) -> str:
        return build.feed_url

    def feed_guid(self, build: FeedBuild) -> str:
        return build.feed_url

    def author_name(self, build: FeedBuild) -> str:
        return xml_text(build.scope.outlet)

    def author_link(self, build: FeedBuild) -> str:
        return build.scope.root_url + _home_path(build.scope.language)

    def items(self, build: FeedBuild) -> list[FeedItem]:
        return build.items

    def item_title(self, item: FeedItem) -> str:
        return item.title

    def item_link(self, item: FeedItem) -> str:
        return item.link

    def item_guid(self, item: FeedItem) -> str:
        return item.guid

    item_guid_is_permalink = False

    def item_description(self, item: FeedItem) -> str:
        return item.description

    def item_pubdate(self, item: FeedItem) -> datetime.datetime:
        return item.pubdate

    def item_updateddate(self, item: FeedItem) -> datetime.datetime:
        return item.updated

    def item_categories(self, item: FeedItem) -> list[str]:
        return item.categories

    def item_enclosures(self, item: FeedItem) -> list[Enclosure]:
        if item.media is None:
            return []
        return [Enclosure(item.media.url, str(item.media.length), item.media.mime_type)]

    def item_extra_kwargs(self, item: FeedItem) -> dict:
        return {"authors": item.authors, "content": item.content, "media": item.media,
                "language": item.language}

    def get_feed(self, obj: FeedBuild, request: HttpRequest):
        feed = super().get_feed(obj, request)
        feed.feed["language"] = obj.scope.language if obj.scope.locale_id is not None else None
        return feed


class OutletAtom(OutletFeed):
    feed_type = OutletAtomFeed
    feed_format = "atom"


def feed_view(kind: str, atom: bool = False) -> OutletFeed:
    """The view (a Feed instance) for one kind of scope, in RSS or Atom."""
    return OutletAtom(kind) if atom else OutletFeed(kind)


def serve_feed(feed: OutletFeed, request: HttpRequest, slug: str = "") -> HttpResponse:
    """A feed's response: 304 when the client has it, cached bytes when unchanged, else built."""
    scope = resolve_scope(request, feed.kind, slug)
    full_text = outlet_settings(request).feeds_full_text
    found = fingerprint(scope, full_text, feed.feed_format)
    response = get_conditional_response(request, etag=found.etag, last_modified=found.last_modified)
    if response is not None:
        return _with_validators(response, found)
    cached = cache.get(found.cache_key)
    if cached is None:
        site = site_for_request(request)
        items, complete = feed_items(scope, request, full_text)
        build = FeedBuild(scope=scope, feed_url=(site.root_url if site else "") + request.path, items=items)
        cached = (feed.get_feed(build, request).writeString("utf-8").encode(), complete)
        cache.set(found.cache_key, cached, BYTES_TIMEOUT if complete else PENDING_SECONDS)
    body, complete = cached
    response = HttpResponse(body, content_type=feed.feed_type.content_type)
    if not complete:
        # Images still waiting for their renditions: no validators, so nobody keeps this version.
        response.headers["Cache-Control"] = f"public, max-age={PENDING_SECONDS}"
        return response
    return _with_validators(response, found)


def _with_validators(response: HttpResponse, found: Fingerprint) -> HttpResponse:
    response.headers["ETag"] = found.etag
    response.headers["Last-Modified"] = http_date(found.last_modified)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response

