"""What a page tells link previews and search engines about itself: OpenGraph, Twitter, JSON-LD.

Everything here is built from what the page has already loaded (the page, its section,
bylines and topics in an article's context, the chrome, the cached Site and outlet
settings) and from image renditions already attached to those objects: no function in
this module makes a database query or an image on a reader's request, apart from one
cached look-up of the outlet's default share image.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings as django_settings
from django.core.cache import cache
from django.db.models import Model
from django.templatetags.static import static
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language

from samizdat.core.models import OutletSettings, outlet_settings
from samizdat.core.routing import site_for_request

# The rendition link previews and search engines get: the widest 16:9 crop the site makes.
# WebP, because every current preview crawler reads it and the task already makes it.
SHARE_SPEC = "fill-1200x675|format-webp"
PORTRAIT_SPEC = "fill-320x320|format-webp"
FALLBACK_LOGO = ("logo.png", 512, 512)  # in samizdat/static/
HEADLINE_MAX = 110
DESCRIPTION_MAX = 300
SHARE_IMAGE_CACHE = "samizdat:share-image:{image_id}"

# OpenGraph wants language_TERRITORY; a language alone gets its most usual territory.
OG_TERRITORIES = {
    "en": "US", "ar": "AR", "ca": "ES", "cs": "CZ", "da": "DK", "el": "GR", "eu": "ES", "fa": "IR",
    "gl": "ES", "he": "IL", "hi": "IN", "ja": "JP", "ko": "KR", "pt": "BR", "sv": "SE", "uk": "UA",
    "zh": "CN",
}

_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@dataclass(frozen=True)
class ShareImage:
    url: str
    width: int
    height: int
    alt: str = ""
    mime_type: str = ""


@dataclass
class PageMetadata:
    """The head tags of one page: OpenGraph properties, named meta tags and JSON-LD."""

    properties: list[tuple[str, str]] = field(default_factory=list)
    names: list[tuple[str, str]] = field(default_factory=list)
    json_ld: dict | None = None


def og_locale(language_code: str) -> str:
    """"en" -> "en_US", "es" -> "es_ES", "pt-br" -> "pt_BR"."""
    language, _sep, territory = language_code.replace("_", "-").partition("-")
    language = language.lower()
    territory = territory.upper() or OG_TERRITORIES.get(language, language.upper())
    return f"{language}_{territory}"


def iso(moment: datetime.datetime | None) -> str:
    """ISO 8601 with the zone, in the site's time zone."""
    if moment is None:
        return ""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return timezone.localtime(moment).isoformat(timespec="seconds")


def absolute(root_url: str, url: str) -> str:
    """`url` made absolute on the site's root URL (left alone if it already is)."""
    if not url or "://" in url or url.startswith("//"):
        return url
    return root_url.rstrip("/") + "/" + url.lstrip("/")


def is_loaded(instance: Model, name: str) -> bool:
    """Whether a foreign key's object is already in memory (reading it makes no query)."""
    return instance._meta.get_field(name).is_cached(instance)


def json_ld_script(data: dict) -> SafeString:
    """One <script type="application/ld+json">, escaped so no text in it can close the tag."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 - escaped above


def rendition_image(image, spec: str = SHARE_SPEC) -> ShareImage | None:
    """The `spec` rendition of `image` if it was already fetched with the page, else None.

    Reads only `prefetched_renditions` (filled by `attach_renditions` or `with_renditions`):
    never asks Wagtail for a rendition, which could query or make one.
    """
    if image is None:
        return None
    for rendition in getattr(image, "prefetched_renditions", None) or ():
        if rendition.filter_spec == spec:
            return ShareImage(rendition.url, rendition.width, rendition.height,
                              getattr(image, "alt_text", "") or image.title, "image/webp")
    return None


def default_share_image(settings: OutletSettings) -> ShareImage | None:
    """The outlet's share image, if its rendition has been made: one cached query."""
    if not settings.share_image_id:
        return None
    key = SHARE_IMAGE_CACHE.format(image_id=settings.share_image_id)
    found = cache.get(key)
    if found is None:
        image = settings.share_image
        rendition = image.renditions.filter(filter_spec=SHARE_SPEC).first() if image else None
        found = (
            ShareImage(rendition.url, rendition.width, rendition.height, image.alt_text, "image/webp")
            if rendition else False
        )
        cache.set(key, found, 60 * 60 if found else 5 * 60)
    return found or None


def publisher_logo(settings: OutletSettings, root_url: str) -> dict:
    """The logo as a schema.org ImageObject: the uploaded file, else the static fallback.

    The uploaded original, not a rendition: the only renditions the site makes are 16:9
    crops, which would cut a wide wordmark; the settings ask editors for a PNG or JPEG.
    """
    logo = settings.logo if settings.logo_id else None
    if logo is not None:
        url, width, height = logo.file.url, logo.width, logo.height
    else:
        name, width, height = FALLBACK_LOGO
        url = static(name)
    return {"@type": "ImageObject", "url": absolute(root_url, url), "width": width, "height": height}


def fediverse_url(handle: str) -> str:
    """@name@server.example -> https://server.example/@name."""
    name, _sep, server = (handle or "").lstrip("@").partition("@")
    return f"https://{server}/@{name}" if name and server else ""


@dataclass
class PageFacts:
    """What the metadata builders need to know about one rendered page."""

    page: Any
    request: Any
    site_name: str
    root_url: str
    url: str  # this page's own absolute address (not a partner's canonical)
    home_url: str
    language: str
    title: str
    description: str
    settings: OutletSettings
    image: ShareImage | None
    chrome: Any = None
    bylines: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    topic: Any = None
    person: Any = None

    def link(self, url: str) -> str:
        return absolute(self.root_url, url)

    def author_url(self, person) -> str:
        index = getattr(self.chrome, "authors_url", "")
        return self.link(f"{index}{person.slug}/") if index else ""

    def topic_url(self, topic) -> str:
        index = getattr(self.chrome, "topics_url", "")
        return self.link(f"{index}{topic.slug}/") if index else ""


def own_url(context, page, request) -> str:
    """The page's own absolute address: its URL, a routable sub-page, a ?page=N archive page."""
    full = page.get_full_url(request) or ""
    local = page.get_url(request) or ""
    if full and local and request.path.startswith(local):
        full += request.path[len(local):]
    number = getattr(context.get("articles"), "number", 1)
    if full and number and number > 1:
        full += f"?page={number}"
    return full


def _plain(text: str) -> str:
    """Plain text on one line, cut to a preview's length (descriptions are plain text already)."""
    return Truncator(" ".join((text or "").split())).chars(DESCRIPTION_MAX)


def describe(page, settings: OutletSettings, topic=None, person=None) -> str:
    """Search description, else the page's own summary, else the outlet's description."""
    from samizdat.articles.models import ArticlePage, SectionPage
    from samizdat.home.models import HomePage

    if topic is not None:
        own = topic.description
    elif person is not None:
        own = person.bio
    elif isinstance(page, ArticlePage):
        own = page.excerpt
    elif isinstance(page, SectionPage):
        own = page.description
    elif isinstance(page, HomePage):
        own = page.tagline
    else:
        own = ""
    if page.search_description and topic is None and person is None:
        own = page.search_description
    return _plain(own) or _plain(settings.description)


def page_facts(context) -> PageFacts | None:
    """Gather the facts from a page's template context; None when there is no page."""
    from samizdat.articles.models import ArticlePage

    page, request = context.get("page"), context.get("request")
    if page is None or request is None or not getattr(page, "pk", None):
        return None
    site = site_for_request(request)
    root_url = site.root_url if site else request.build_absolute_uri("/").rstrip("/")
    site_name = (site.site_name if site else "") or ""
    settings = outlet_settings(request)
    chrome = context.get("chrome")
    topic, person = context.get("topic"), context.get("person")
    article = isinstance(page, ArticlePage)
    image = None
    if article and is_loaded(page, "lead_image"):
        image = rendition_image(page.lead_image)
    elif person is not None and is_loaded(person, "photo"):
        image = rendition_image(person.photo, PORTRAIT_SPEC)
    if image is None:
        image = default_share_image(settings)
    if image is not None:
        image = ShareImage(absolute(root_url, image.url), image.width, image.height, image.alt,
                           image.mime_type)
    title = topic.name if topic is not None else person.name if person is not None else (
        page.seo_title or page.title
    )
    return PageFacts(
        page=page,
        request=request,
        site_name=site_name or getattr(django_settings, "WAGTAIL_SITE_NAME", "") or page.title,
        root_url=root_url,
        url=own_url(context, page, request),
        home_url=absolute(root_url, getattr(chrome, "home_url", "") or "/"),
        language=get_language() or "en",
        title=title,
        description=describe(page, settings, topic, person),
        settings=settings,
        image=image,
        chrome=chrome,
        bylines=list(context.get("bylines") or ()) if article else [],
        topics=list(context.get("topics") or ()) if article else [],
        topic=topic,
        person=person,
    )


def _is_article(facts: PageFacts) -> bool:
    from samizdat.articles.models import ArticlePage

    return isinstance(facts.page, ArticlePage) and facts.topic is None and facts.person is None


def _published(page) -> datetime.datetime | None:
    return page.display_date or page.first_published_at


def _modified(page) -> datetime.datetime | None:
    published = _published(page)
    modified = page.last_published_at or published
    if published and modified and modified < published:
        return published
    return modified


def _section(page):
    return page.section if is_loaded(page, "section") else None


def opengraph(facts: PageFacts) -> list[tuple[str, str]]:
    """OpenGraph properties (and article:* ones on articles), in the order they are written."""
    page = facts.page
    article = _is_article(facts)
    tags = [
        ("og:site_name", facts.site_name),
        ("og:type", "article" if article else "website"),
        ("og:title", facts.title),
    ]
    if facts.description:
        tags.append(("og:description", facts.description))
    if facts.url:
        tags.append(("og:url", facts.url))
    tags.append(("og:locale", og_locale(facts.language)))
    for link in getattr(facts.chrome, "alternates", ()):
        if link.code != facts.language:
            tags.append(("og:locale:alternate", og_locale(link.code)))
    if facts.image:
        tags += [("og:image", facts.image.url), ("og:image:width", str(facts.image.width)),
                 ("og:image:height", str(facts.image.height))]
        if facts.image.mime_type:
            tags.append(("og:image:type", facts.image.mime_type))
        if facts.image.alt:
            tags.append(("og:image:alt", facts.image.alt))
    if article:
        tags.append(("article:published_time", iso(_published(page))))
        tags.append(("article:modified_time", iso(_modified(page))))
        section = _section(page)
        if section is not None:
            tags.append(("article:section", section.title))
        tags += [("article:tag", topic.name) for topic in facts.topics]
        for byline in facts.bylines:
            url = facts.author_url(byline.person)
            if url:
                tags.append(("article:author", url))
    return [(name, value) for name, value in tags if value]


def named_tags(facts: PageFacts) -> list[tuple[str, str]]:
    """Twitter's card type (it reads the rest from OpenGraph) and fediverse authorship.

    A large card for a landscape picture; a contributor's square portrait would be cut
    to 2:1 there, so it gets the small card, like a page with no picture.
    """
    large = facts.image is not None and facts.image.width > facts.image.height
    tags = [("twitter:card", "summary_large_image" if large else "summary")]
    if _is_article(facts):
        for byline in facts.bylines:
            handle = fediverse_creator(byline.person, facts.root_url)
            if handle:
                tags.append(("fediverse:creator", handle))
    return tags


def fediverse_creator(person, root_url: str) -> str:
    """The author's own fediverse handle, else (federation turned on) their account on our server.

    Reads the person's actor only if it came with the byline (select_related), never queries.
    """
    if person.fediverse_handle:
        return "@" + person.fediverse_handle.lstrip("@")
    if not getattr(person, "federated", False):
        return ""
    from samizdat.federation.actors import author_username

    actor = None
    if person._meta.get_field("actor").is_cached(person):
        actor = getattr(person, "actor", None)
    username = actor.username if actor is not None else author_username(person.slug)
    return f"@{username}@{root_url.split('://', 1)[-1].rstrip('/')}"


def organization(facts: PageFacts) -> dict:
    """The outlet as a schema.org Organization, with its logo: one entity for every language."""
    url = facts.root_url.rstrip("/") + "/"
    data = {
        "@type": "Organization",
        "@id": url + "#organization",
        "name": facts.site_name,
        "url": url,
        "logo": publisher_logo(facts.settings, facts.root_url),
    }
    same_as = fediverse_url(facts.settings.fediverse_handle)
    if same_as:
        data["sameAs"] = [same_as]
    return data


def website(facts: PageFacts) -> dict:
    data = {
        "@type": "WebSite",
        "@id": facts.home_url + "#website",
        "name": facts.site_name,
        "url": facts.home_url,
        "inLanguage": facts.language,
        "publisher": {"@id": facts.root_url.rstrip("/") + "/#organization"},
    }
    if facts.description:
        data["description"] = facts.description
    return data


def news_article(facts: PageFacts) -> dict:
    """schema.org NewsArticle for an article page."""
    page = facts.page
    authors = []
    for byline in facts.bylines:
        person = {"@type": "Person", "name": byline.person.name}
        url = facts.author_url(byline.person)
        if url:
            person["url"] = url
        same_as = byline.person.fediverse_url
        if same_as:
            person["sameAs"] = [same_as]
        authors.append(person)
    data: dict[str, Any] = {
        "@type": "NewsArticle",
        "headline": Truncator(page.title).chars(HEADLINE_MAX),
        "url": facts.url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": facts.url},
        "datePublished": iso(_published(page)),
        "dateModified": iso(_modified(page)),
        "author": authors,
        "inLanguage": facts.language,
        "isAccessibleForFree": True,
        "publisher": organization(facts),
    }
    if facts.description:
        data["description"] = facts.description
    if facts.image:
        data["image"] = [facts.image.url]
    section = _section(page)
    if section is not None:
        data["articleSection"] = section.title
    if facts.topics:
        data["keywords"] = [topic.name for topic in facts.topics]
    if page.partner_relation == "republished" and page.original_url:
        data["isBasedOn"] = page.original_url
    return data


def breadcrumbs(facts: PageFacts) -> dict | None:
    """Home > Section > Article; Home > Topics > Topic; Home > Authors > Person; Home > Page.

    Year and month folders are left out: they are filing cabinets, not places a reader
    navigates by, and naming them would need the page's ancestors (a query).
    """
    from samizdat.articles.models import SectionPage
    from samizdat.home.models import HomePage

    page = facts.page
    if isinstance(page, HomePage):
        return None
    page_url = (page.get_full_url(facts.request) or "") if (facts.topic or facts.person) else facts.url
    trail = [(facts.site_name, facts.home_url)]
    if _is_article(facts):
        section = _section(page)
        if section is not None:
            trail.append((section.title, section.get_full_url(facts.request) or ""))
    elif not isinstance(page, SectionPage):
        current = [link for link in getattr(facts.chrome, "nav", ()) if link.is_current]
        if current and facts.link(current[0].url) != page_url.split("?")[0]:
            trail.append((current[0].title, facts.link(current[0].url)))
    trail.append((page.title, page_url.split("?")[0]))
    if facts.topic is not None or facts.person is not None:
        trail.append((facts.title, facts.url.split("?")[0]))
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def structured_data(facts: PageFacts) -> dict:
    """The page's JSON-LD: one @graph with what applies to it."""
    from samizdat.home.models import HomePage

    graph = []
    if isinstance(facts.page, HomePage):
        graph += [organization(facts), website(facts)]
    elif _is_article(facts):
        graph.append(news_article(facts))
    crumbs = breadcrumbs(facts)
    if crumbs:
        graph.append(crumbs)
    return {"@context": "https://schema.org", "@graph": graph}


def page_metadata(context) -> PageMetadata | None:
    """Everything metadata_head.html writes for the page in `context`, or None for no page."""
    facts = page_facts(context)
    if facts is None:
        return None
    return PageMetadata(properties=opengraph(facts), names=named_tags(facts),
                        json_ld=structured_data(facts))
