"""The JSON documents other servers fetch from us or receive: actors, articles, activities.

Pure functions returning dicts. Every address is absolute under the default site's root URL
(like `actors`), read once per document, so a document costs a fixed number of queries however
much content there is: `article_objects` builds many articles with one query per kind of thing
they refer to (authors, topics, images, renditions, linked pages).

Articles follow FEP-b2b8 (long-form text): plain-text `name`, an HTML `summary` teaser,
sanitized HTML `content`, `url`, lead `image` and `attachment`, Hashtags, language maps.
With settings.FEDERATION_OBJECT_TYPE = "Note" they go out as a Note instead: the title and
whole text in `content`, no `name`, and no `summary` (Mastodon shows a Note's summary as a
content warning).
"""

from __future__ import annotations

import datetime
import mimetypes
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import get_language_info
from wagtail.models import Locale, Page, Site

from samizdat.articles.models import ArticleAuthor, ArticlePage, TopicIndexPage
from samizdat.core.images import attach_renditions, lead_specs, portrait_specs
from samizdat.core.models import OutletImage, OutletSettings
from samizdat.core.sanitize import sanitize_html
from samizdat.federation import actors
from samizdat.federation.actors import AS_CONTEXT, PUBLIC, SECURITY_CONTEXT
from samizdat.federation.models import Actor
from samizdat.syndication.feeds import BodyRenderer, _collect_ids, _suffix, excerpt_from_raw
from samizdat.syndication.metadata import absolute

# The terms Mastodon reads beyond ActivityStreams and the security vocabulary.
EXTENSIONS = {
    "toot": "http://joinmastodon.org/ns#",
    "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
    "sensitive": "as:sensitive",
    "Hashtag": "as:Hashtag",
    "featured": {"@id": "toot:featured", "@type": "@id"},
    "discoverable": "toot:discoverable",
    "indexable": "toot:indexable",
    "attributionDomains": {"@id": "toot:attributionDomains", "@type": "@id"},
}
CONTEXT = [AS_CONTEXT, SECURITY_CONTEXT, EXTENSIONS]
OUTBOX_ITEMS = 20
IMAGE_MIME = {".webp": "image/webp", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
              ".gif": "image/gif", ".avif": "image/avif"}
# Formats every fediverse server shows (AVIF is not yet one of them).
SHOWN_FORMATS = {".webp", ".jpg", ".jpeg", ".png", ".gif"}
ICON_SPEC = "fill-320x320|format-webp"


# --- Addresses ----------------------------------------------------------------------------------

@dataclass
class Origin:
    """The default site's root URL and name, read once for a whole document."""

    base: str
    name: str
    site: Site | None = None

    @classmethod
    def load(cls) -> Origin:
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            return cls("http://localhost", getattr(settings, "WAGTAIL_SITE_NAME", "") or "Samizdat")
        name = site.site_name or getattr(settings, "WAGTAIL_SITE_NAME", "") or "Samizdat"
        return cls(site.root_url.rstrip("/"), name, site)

    def uri(self, name: str, *args) -> str:
        return self.base + reverse(f"federation:{name}", args=args)

    def actor(self, username: str) -> str:
        return self.uri("actor", username)

    def followers(self, username: str) -> str:
        return self.uri("followers", username)

    def article(self, page_id: int) -> str:
        return self.uri("article", page_id)

    def link(self, url: str) -> str:
        return absolute(self.base, url)

    @property
    def hostname(self) -> str:
        return self.base.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0] if self.base else ""

    def home_url(self, language: str) -> str:
        with translation.override(language):
            return self.base + reverse("wagtail_serve", args=("",))


def stamp(moment: datetime.datetime | None) -> str | None:
    """ISO 8601 in UTC to the second, as Mastodon writes it: 2026-05-01T09:30:00Z."""
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _paragraph(text: str) -> str:
    """Plain text as HTML paragraphs, escaped."""
    parts = [part.strip() for part in re.split(r"\n\s*\n", text or "") if part.strip()]
    return "".join(format_html("<p>{}</p>", part) for part in parts)


# --- Images -------------------------------------------------------------------------------------

def image_document(image, at: Origin, prefer: Iterable[str] = ()) -> dict | None:
    """An Image: a rendition already made (`prefer`red specs first, else the widest), else the
    uploaded file; with its media type, size and alt text as `name`. Never makes a rendition."""
    if image is None:
        return None
    renditions = [r for r in getattr(image, "prefetched_renditions", None) or []
                  if _suffix(r.file.name) in SHOWN_FORMATS]
    preferred = [r for spec in prefer for r in renditions if r.filter_spec == spec]
    chosen = preferred[0] if preferred else max(renditions, key=lambda r: (r.width, r.filter_spec),
                                                default=None)
    if chosen is not None:
        url, name, width, height = chosen.url, chosen.file.name, chosen.width, chosen.height
    else:
        url, name, width, height = image.file.url, image.file.name, image.width, image.height
    mime = IMAGE_MIME.get(_suffix(name)) or mimetypes.guess_type(name)[0] or "image/jpeg"
    document = {"type": "Image", "mediaType": mime, "url": at.link(url), "width": width, "height": height}
    alt = getattr(image, "alt_text", "") or ""
    if alt:
        document["name"] = alt
    return document


# --- Actors -------------------------------------------------------------------------------------

@dataclass
class ActorFacts:
    """What an actor document says besides its addresses."""

    type: str
    name: str
    summary: str = ""
    url: str = ""
    icon: dict | None = None
    image: dict | None = None
    collections: list[str] = field(default_factory=lambda: ["outbox", "followers", "featured"])
    discoverable: bool = True


def _outlet_settings(site: Site | None) -> OutletSettings:
    if site is None:
        return OutletSettings()
    return (OutletSettings.objects.select_related("logo", "share_image").filter(site=site).first()
            or OutletSettings(site=site))


def _language_name(code: str) -> str:
    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return code


def _outlet_facts(actor: Actor, at: Origin) -> ActorFacts:
    outlet = _outlet_settings(at.site)
    logo = outlet.logo if outlet.logo_id else None
    share = outlet.share_image if outlet.share_image_id else None
    attach_renditions([logo, share], lead_specs() + portrait_specs())
    locale = actor.locale
    language = locale.language_code if locale is not None else settings.LANGUAGE_CODE
    name = at.name
    if locale is not None and actor.username != settings.FEDERATION_OUTLET_USERNAME:
        name = f"{at.name} ({_language_name(language)})"
    return ActorFacts(
        type="Organization", name=name, summary=_paragraph(outlet.description), url=profile_url(actor, at),
        icon=image_document(logo, at, prefer=[ICON_SPEC]),
        image=image_document(share, at, prefer=["fill-1200x675|format-webp"]),
    )


def _author_page_url(person, at: Origin) -> str:
    """The author's page in the default language, else in any language."""
    default = Locale.get_default()
    from samizdat.people.models import PeopleIndexPage

    indexes = sorted(PeopleIndexPage.objects.live().only("id", "url_path", "path", "depth", "locale_id"),
                     key=lambda page: page.locale_id != default.pk)
    for index in indexes:
        url = index.get_full_url()
        if url:
            return url.rstrip("/") + f"/{person.slug}/"
    return at.home_url(default.language_code)


def profile_url(actor: Actor, at: Origin | None = None) -> str:
    """The actor's page for people: its language's home (the outlet), the author's page."""
    at = at or Origin.load()
    if actor.kind == Actor.Kind.OUTLET and actor.locale is not None:
        return at.home_url(actor.locale.language_code)
    if actor.kind == Actor.Kind.AUTHOR and actor.person is not None:
        return _author_page_url(actor.person, at)
    return at.home_url(settings.LANGUAGE_CODE)


def _author_facts(actor: Actor, at: Origin) -> ActorFacts:
    person = actor.person
    photo = person.photo if person.photo_id else None
    attach_renditions([photo], portrait_specs())
    return ActorFacts(
        type="Person", name=person.name, summary=_paragraph(person.bio), url=profile_url(actor, at),
        icon=image_document(photo, at, prefer=[ICON_SPEC]),
    )


def actor_document(actor: Actor) -> dict:
    """The actor as other servers fetch it: Organization (the outlet), Person (an author) or
    Application (the instance actor that signs our GET requests)."""
    at = Origin.load()
    if actor.kind == Actor.Kind.OUTLET:
        facts = _outlet_facts(actor, at)
    elif actor.kind == Actor.Kind.AUTHOR and actor.person is not None:
        facts = _author_facts(actor, at)
    else:
        facts = ActorFacts(type="Application", name=at.name, url=profile_url(actor, at),
                           collections=["outbox"], discoverable=False)
    uri = at.actor(actor.username)
    document = {
        "@context": CONTEXT,
        "id": uri,
        "type": facts.type,
        "preferredUsername": actor.username,
        "name": facts.name,
        "summary": facts.summary,
        "url": facts.url,
        "inbox": at.uri("inbox", actor.username),
    }
    for name in facts.collections:
        document[name] = at.uri(name, actor.username)
    document["endpoints"] = {"sharedInbox": at.uri("shared_inbox")}
    document["publicKey"] = {"id": uri + "#main-key", "owner": uri, "publicKeyPem": actor.public_key}
    if facts.icon:
        document["icon"] = facts.icon
    if facts.image:
        document["image"] = facts.image
    document["attributionDomains"] = [at.hostname]
    document["manuallyApprovesFollowers"] = actor.kind == Actor.Kind.INSTANCE
    document["discoverable"] = facts.discoverable
    document["indexable"] = facts.discoverable
    document["published"] = stamp(actor.created_at)
    return document


# --- Articles -----------------------------------------------------------------------------------

class ObjectBodyRenderer(BodyRenderer):
    """The feeds' full-text renderer without the lead picture (it is the object's attachment);
    a video article still leads with the link to its video."""

    def lead(self, article: ArticlePage) -> str:
        video = article.video
        if video is None:
            return ""
        return self.video_figure(video.watch_url, video.provider_label, None, article.lead_image_caption)


@dataclass
class ArticleContext:
    """Everything the articles of one batch refer to, each loaded with one query."""

    at: Origin
    languages: dict[int, str]  # locale id -> language code
    outlets: dict[int, str]  # locale id -> the outlet actor's username
    topic_indexes: dict[int, str]  # locale id -> the topics page's full URL
    bodies: dict[int, str]
    raws: dict[int, list[dict]]


def _outlet_usernames(locales: dict[int, Locale]) -> dict[int, str]:
    """The outlet actor's username per language, without making any actor."""
    found = dict(Actor.objects.filter(kind=Actor.Kind.OUTLET).values_list("locale_id", "username"))
    missing = [locale for pk, locale in locales.items() if pk not in found]
    if missing:
        default_id = Locale.get_default().pk
        found.update({locale.pk: actors.outlet_username(locale, default_id) for locale in missing})
    return found


def _load(pages: list[ArticlePage], at: Origin) -> ArticleContext:
    """Prefetch bylines (with their people and actors), topics, lead images and their renditions,
    and render the bodies: a fixed number of queries for any number of pages."""
    bylines = ArticleAuthor.objects.select_related("person", "person__actor").order_by("sort_order")
    prefetch_related_objects(pages, Prefetch("authors", queryset=bylines, to_attr="federation_bylines"),
                             Prefetch("topics", to_attr="federation_topics"))
    image_ids = {page.lead_image_id for page in pages if page.lead_image_id}
    images = {image.pk: image for image in OutletImage.objects.filter(pk__in=image_ids)} if image_ids else {}
    attach_renditions(list(images.values()), lead_specs())
    for page in pages:
        if page.lead_image_id:
            page.lead_image = images.get(page.lead_image_id)
    locales = {locale.pk: locale for locale in Locale.objects.all()}
    locale_ids = {page.locale_id for page in pages}
    topic_indexes = {}
    for index in TopicIndexPage.objects.live().filter(locale_id__in=locale_ids).only(
            "id", "url_path", "path", "depth", "locale_id"):
        topic_indexes.setdefault(index.locale_id, index.get_full_url() or "")
    raws = {page.pk: list(page.body.raw_data) for page in pages}
    return ArticleContext(
        at=at,
        languages={pk: locale.language_code for pk, locale in locales.items()},
        outlets=_outlet_usernames({pk: locales[pk] for pk in locale_ids if pk in locales}),
        topic_indexes=topic_indexes,
        bodies=_render_bodies(pages, raws, at, locales),
        raws=raws,
    )


def _render_bodies(pages: list[ArticlePage], raws: dict[int, list[dict]], at: Origin,
                   locales: dict[int, Locale]) -> dict[int, str]:
    """Each article's body as sanitized HTML with absolute links (images and pages: one query each)."""
    image_ids, page_ids = _collect_ids(raws.values(), at.base)
    images = {image.pk: image for image in OutletImage.objects.filter(pk__in=image_ids)} if image_ids else {}
    attach_renditions(list(images.values()), lead_specs())
    linked = {
        page.pk: page
        for page in Page.objects.live().filter(pk__in=page_ids).only("id", "title", "url_path", "path")
    } if page_ids else {}
    urls = {pk: page.get_full_url() or "" for pk, page in linked.items()}
    renderer = ObjectBodyRenderer(root_url=at.base, images=images, pages=linked, page_urls=urls)
    bodies = {}
    for page in pages:
        locale = locales.get(page.locale_id)
        with translation.override(locale.language_code if locale else settings.LANGUAGE_CODE):
            bodies[page.pk] = sanitize_html(renderer.article(page, raws[page.pk]))
    return bodies


def hashtag_name(topic_name: str) -> str:
    """"War in Ukraine" -> "#WarInUkraine": what Mastodon keeps of a name (letters, digits, _)."""
    words = re.findall(r"\w+", topic_name)
    if len(words) == 1:
        return "#" + words[0]
    return "#" + "".join(word[:1].upper() + word[1:] for word in words)


def _attributed(page: ArticlePage, ctx: ArticleContext) -> tuple[list[str], list[str]]:
    """The actor URIs the article is attributed to and the followers collections it is sent to."""
    authors = []
    for byline in page.federation_bylines:
        person = byline.person
        if not person.federated:
            continue
        actor = getattr(person, "actor", None)
        authors.append(actor.username if actor is not None else actors.author_username(person.slug))
    outlet = ctx.outlets.get(page.locale_id) or settings.FEDERATION_OUTLET_USERNAME
    attributed = [ctx.at.actor(username) for username in dict.fromkeys(authors)] or [ctx.at.actor(outlet)]
    audience = dict.fromkeys([outlet, *authors])
    return attributed, [ctx.at.followers(username) for username in audience]


def _dates(page: ArticlePage) -> tuple[str | None, str | None]:
    """When the article was published (its display date, never in the future), and when it was
    last edited after that (None for an article published once)."""
    now = timezone.now()
    published = min(page.display_date or page.first_published_at or now, now)
    updated = None
    first, last = page.first_published_at, page.last_published_at
    if first and last and last - first > datetime.timedelta(minutes=1):
        updated = max(last, published)
    return stamp(published), stamp(updated)


def _article(page: ArticlePage, ctx: ArticleContext) -> dict:
    at = ctx.at
    language = ctx.languages.get(page.locale_id, settings.LANGUAGE_CODE)
    url = page.get_full_url() or at.home_url(language)
    attributed, cc = _attributed(page, ctx)
    teaser = excerpt_from_raw(page, ctx.raws[page.pk])
    summary = _paragraph(teaser)
    body = ctx.bodies.get(page.pk, "")
    note = settings.FEDERATION_OBJECT_TYPE == "Note"
    if note:
        content = format_html('<p><strong><a href="{}">{}</a></strong></p>', url, page.title) + summary + body
    else:
        content = body
    published, updated = _dates(page)
    document = {
        "@context": CONTEXT,
        "id": at.article(page.pk),
        "type": "Note" if note else "Article",
    }
    if not note:
        document["name"] = page.title
        document["nameMap"] = {language: page.title}
        document["summary"] = summary
        document["summaryMap"] = {language: summary}
    document.update({
        "content": content,
        "contentMap": {language: content},
        "mediaType": "text/html",
        "url": url,
        "published": published,
    })
    if updated:
        document["updated"] = updated
    document.update({"attributedTo": attributed if len(attributed) > 1 else attributed[0],
                     "to": [PUBLIC], "cc": cc, "sensitive": False})
    lead = image_document(page.lead_image if page.lead_image_id else None, at,
                          prefer=["fill-1200x675|format-webp"])
    if lead is not None:
        document["image"] = lead
        document["attachment"] = [lead]
    else:
        document["attachment"] = []
    index = ctx.topic_indexes.get(page.locale_id, "")
    document["tag"] = [
        {"type": "Hashtag", "href": f"{index.rstrip('/')}/{topic.slug}/" if index else url,
         "name": hashtag_name(topic.name)}
        for topic in page.federation_topics
    ]
    return document


def article_objects(pages: Iterable[ArticlePage], at: Origin | None = None) -> list[dict]:
    """The objects of several articles, in their order, in a fixed number of queries (`at`: the
    Origin the caller already loaded)."""
    pages = [page.specific if not isinstance(page, ArticlePage) else page for page in pages]
    if not pages:
        return []
    ctx = _load(pages, at or Origin.load())
    return [_article(page, ctx) for page in pages]


def article_object(page: ArticlePage) -> dict:
    """The article as an ActivityPub object (Article per FEP-b2b8, or Note; see the module)."""
    return article_objects([page])[0]


# --- Activities ---------------------------------------------------------------------------------

def _embedded(obj: dict) -> dict:
    return {key: value for key, value in obj.items() if key != "@context"}


def _activity(kind: str, actor: Actor, obj: dict, activity_id: str | None, published: str | None,
              at: Origin | None) -> dict:
    at = at or Origin.load()
    object_id = obj.get("id") or ""
    return {
        "@context": CONTEXT,
        "id": activity_id or f"{object_id}#{kind.lower()}-{uuid.uuid4().hex}",
        "type": kind,
        "actor": at.actor(actor.username),
        "published": published or stamp(timezone.now()),
        "to": obj.get("to") or [PUBLIC],
        "cc": obj.get("cc") or [at.followers(actor.username)],
        "object": _embedded(obj),
    }


def create_activity(actor: Actor, obj: dict, activity_id: str | None = None,
                    at: Origin | None = None) -> dict:
    """A Create of `obj` by `actor`, with a new unique id (or `activity_id`)."""
    return _activity("Create", actor, obj, activity_id, obj.get("published"), at)


def update_activity(actor: Actor, obj: dict) -> dict:
    """An Update of `obj` (which then carries `updated`, as Mastodon requires), with a new id."""
    obj = {**obj, "updated": obj.get("updated") or stamp(timezone.now())}
    return _activity("Update", actor, obj, None, obj["updated"], None)


def delete_activity(actor: Actor, object_id: str) -> dict:
    """A Delete of the object `object_id` (a Tombstone), with a new unique id."""
    at = Origin.load()
    return {
        "@context": CONTEXT,
        "id": f"{object_id}#delete-{uuid.uuid4().hex}",
        "type": "Delete",
        "actor": at.actor(actor.username),
        "published": stamp(timezone.now()),
        "to": [PUBLIC],
        "cc": [at.followers(actor.username)],
        "object": {"id": object_id, "type": "Tombstone"},
    }


def announce_activity(actor: Actor, obj: dict, activity_id: str | None = None,
                      at: Origin | None = None) -> dict:
    """An Announce (a boost) of `obj` by `actor`, who did not write it: how the outlet (or a
    co-author) shows its followers an article an author sent, since Mastodon only takes a Create
    from an account someone there follows."""
    at = at or Origin.load()
    object_id = obj.get("id") or ""
    attributed = obj.get("attributedTo") or []
    author = attributed if isinstance(attributed, str) else (attributed[0] if attributed else None)
    return {
        "@context": CONTEXT,
        "id": activity_id or f"{object_id}#announce-{actor.username}-{uuid.uuid4().hex}",
        "type": "Announce",
        "actor": at.actor(actor.username),
        "published": obj.get("published") or stamp(timezone.now()),
        "to": [PUBLIC],
        "cc": [item for item in [at.followers(actor.username), author] if item],
        "object": object_id,
    }


def sender_uri(obj: dict) -> str:
    """The actor an article's Create comes from: the first it is attributed to."""
    attributed = obj.get("attributedTo") or ""
    if isinstance(attributed, list):
        attributed = attributed[0] if attributed else ""
    return attributed.get("id", "") if isinstance(attributed, dict) else attributed


def tombstone(object_id: str, deleted: datetime.datetime | None = None) -> dict:
    """What a deleted or unpublished article's address answers (with status 410)."""
    document = {"@context": CONTEXT, "id": object_id, "type": "Tombstone",
                "formerType": settings.FEDERATION_OBJECT_TYPE}
    if deleted is not None:
        document["deleted"] = stamp(deleted)
    return document


# --- Collections --------------------------------------------------------------------------------

def ordered_collection(uri: str, total: int, items: list | None = None) -> dict:
    document = {"@context": CONTEXT, "id": uri, "type": "OrderedCollection", "totalItems": total}
    if items is not None:
        document["orderedItems"] = items
    return document
