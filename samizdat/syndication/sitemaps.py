"""sitemap.xml, news-sitemap.xml and robots.txt, in a fixed number of queries.

Built on Django's sitemaps framework: one Sitemap per section ("pages", "topics",
"authors"), paginated by `OutletSitemap.limit` URLs. /sitemap.xml is a plain urlset
while everything fits in one file, and a sitemap index of /sitemap-<section>.xml?p=N
once it does not. URLs are absolute on the Wagtail Site's root URL and computed from
each page's url_path and the cached site root paths, never with a query per page.

Only pages whose canonical address is here are listed: a republished piece (whose
canonical link points at the partner) is a live page but not one search engines should
index from us, so it is left out of both sitemaps.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.core.paginator import Paginator
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from wagtail.models import Page, Site

from samizdat.core.routing import exclude_restricted, site_for_request

NEWS_WINDOW = datetime.timedelta(days=2)


@dataclass(frozen=True)
class SiteRoot:
    """One language's home of a site: its tree path, language and URL prefix ("/", "/es/")."""

    root_path: str
    language: str
    prefix: str


@dataclass(frozen=True)
class Entry:
    location: str  # path on the site, e.g. /es/topics/huelgas/
    lastmod: datetime.datetime | None


def site_roots(site: Site) -> list[SiteRoot]:
    """The site's homes, most specific first, from Wagtail's cached root paths (no query)."""
    roots = []
    for root in Site.get_site_root_paths():
        if root.site_id != site.pk:
            continue
        with translation.override(root.language_code):
            prefix = reverse("wagtail_serve", args=("",))
        roots.append(SiteRoot(root.root_path, root.language_code, prefix))
    return sorted(roots, key=lambda root: -len(root.root_path))


def page_path(roots: list[SiteRoot], url_path: str, language: str) -> str:
    """A page's path on the site (with its language prefix), or "" if it is not under a home."""
    for root in roots:
        if root.language == language and url_path.startswith(root.root_path):
            return root.prefix + url_path[len(root.root_path):]
    return ""


def in_site(queryset: QuerySet, roots: list[SiteRoot]) -> QuerySet:
    """Pages under one of the site's homes, in that home's language."""
    where = Q(pk__in=[])
    for root in roots:
        where |= Q(url_path__startswith=root.root_path, locale__language_code=root.language)
    return queryset.filter(where)


def not_republished() -> Q:
    """Leaves out pages whose canonical address is a partner's."""
    from samizdat.articles.models import ArticlePage

    republished = ArticlePage.objects.filter(partner_relation="republished").exclude(original_url="")
    return ~Q(pk__in=republished.values("pk"))


def public_pages(roots: list[SiteRoot]) -> QuerySet:
    """Live pages of the site outside restricted subtrees: (url_path, language, lastmod) rows."""
    pages = exclude_restricted(in_site(Page.objects.live(), roots)).filter(not_republished())
    return pages.annotate(
        lastmod=Coalesce("last_published_at", "latest_revision_created_at", "first_published_at",
                         "articlepage__display_date"),
    ).values_list("url_path", "locale__language_code", "lastmod").order_by("path")


def public_articles() -> QuerySet:
    from samizdat.articles.models import ArticlePage

    return exclude_restricted(ArticlePage.objects.live())


def _index_pages(model, roots: list[SiteRoot]) -> dict[int, str]:
    """Locale id -> path of the site's live, public routable index page of `model`."""
    rows = exclude_restricted(in_site(model.objects.live(), roots)).values_list(
        "locale_id", "url_path", "locale__language_code"
    )
    found: dict[int, str] = {}
    for locale_id, url_path, language in rows:
        path = page_path(roots, url_path, language)
        if path:
            found.setdefault(locale_id, path)
    return found


def topic_entries(roots: list[SiteRoot]) -> list[Entry]:
    """/topics/<slug>/ for every topic with live articles in the topic index's language."""
    from samizdat.articles.models import Topic, TopicIndexPage

    indexes = _index_pages(TopicIndexPage, roots)
    if not indexes:
        return []
    tagged = public_articles().filter(
        locale_id=OuterRef("locale_id"), topics__translation_key=OuterRef("translation_key")
    )
    newest = tagged.order_by(F("last_published_at").desc(nulls_last=True)).values("last_published_at")
    rows = (
        Topic.objects.filter(locale_id__in=indexes)
        .filter(Exists(tagged))
        .annotate(lastmod=Subquery(newest[:1]))
        .order_by("locale_id", "slug")
        .values_list("locale_id", "slug", "lastmod")
    )
    return [Entry(f"{indexes[locale_id]}{slug}/", lastmod) for locale_id, slug, lastmod in rows]


def author_entries(roots: list[SiteRoot]) -> list[Entry]:
    """/authors/<slug>/ for every contributor with live articles in the author index's language."""
    from samizdat.articles.models import ArticleAuthor
    from samizdat.people.models import PeopleIndexPage

    indexes = _index_pages(PeopleIndexPage, roots)
    if not indexes:
        return []
    rows = (
        ArticleAuthor.objects.filter(
            article_id__in=public_articles().filter(locale_id__in=indexes).values("pk")
        )
        .values("article__locale_id", "person__slug")
        .annotate(lastmod=Max("article__last_published_at"))
        .order_by("article__locale_id", "person__slug")
        .values_list("article__locale_id", "person__slug", "lastmod")
    )
    return [Entry(f"{indexes[locale_id]}{slug}/", lastmod) for locale_id, slug, lastmod in rows]


class OutletSitemap(Sitemap):
    """A section of the sitemap for one Wagtail Site; `limit` URLs a file (50,000, the protocol's)."""

    limit = 50_000

    def __init__(self, site: Site, roots: list[SiteRoot]) -> None:
        self.site = site
        self.roots = roots

    @cached_property
    def paginator(self) -> Paginator:
        """One paginator per request, so the count is made once."""
        return Paginator(self._items(), self.limit)

    def get_urls(self, page=1, site=None, protocol=None) -> list[dict]:
        """URLs on the Wagtail Site's scheme and host, whatever host the request came on."""
        parts = urlsplit(self.site.root_url)
        return self._urls(page, parts.scheme, parts.netloc)

    def get_latest_lastmod(self) -> None:
        return None

    def location(self, item: Entry) -> str:
        return item.location

    def lastmod(self, item: Entry) -> datetime.datetime | None:
        return item.lastmod


class PageSitemap(OutletSitemap):
    """Every live, public page of the site in every language, read a file's worth at a time."""

    def items(self) -> QuerySet:
        return public_pages(self.roots)

    def location(self, item) -> str:
        url_path, language, _lastmod = item
        return page_path(self.roots, url_path, language)

    def lastmod(self, item) -> datetime.datetime | None:
        return item[2]


class TopicSitemap(OutletSitemap):
    def items(self) -> list[Entry]:
        return self.entries

    @cached_property
    def entries(self) -> list[Entry]:
        return topic_entries(self.roots)


class AuthorSitemap(OutletSitemap):
    def items(self) -> list[Entry]:
        return self.entries

    @cached_property
    def entries(self) -> list[Entry]:
        return author_entries(self.roots)


SECTIONS: dict[str, type[OutletSitemap]] = {
    "pages": PageSitemap,
    "topics": TopicSitemap,
    "authors": AuthorSitemap,
}


def sitemaps_for(site: Site) -> dict[str, OutletSitemap]:
    roots = site_roots(site)
    return {name: cls(site, roots) for name, cls in SECTIONS.items()}


def index_items(site: Site, sitemaps: dict[str, OutletSitemap]) -> list[SitemapIndexItem]:
    """One entry per file of every non-empty section: /sitemap-pages.xml, ...?p=2, ..."""
    items = []
    for name, sitemap in sitemaps.items():
        if not sitemap.paginator.count:
            continue
        url = site.root_url + reverse("sitemap-section", kwargs={"section": name})
        for number in sitemap.paginator.page_range:
            items.append(SitemapIndexItem(url if number == 1 else f"{url}?p={number}"))
    return items


def _site(request: HttpRequest) -> Site:
    site = site_for_request(request)
    if site is None:
        raise Http404("No site here.")
    return site


@require_safe
@cache_control(public=True, max_age=3600)
def sitemap_xml(request: HttpRequest) -> HttpResponse:
    """The whole sitemap while it fits in one file, else an index of its files."""
    site = _site(request)
    sitemaps = sitemaps_for(site)
    if sum(sitemap.paginator.count for sitemap in sitemaps.values()) <= OutletSitemap.limit:
        return django_sitemap(request, sitemaps)
    response = TemplateResponse(request, "sitemap_index.xml", {"sitemaps": index_items(site, sitemaps)},
                                content_type="application/xml")
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


@require_safe
@cache_control(public=True, max_age=3600)
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    """One file of one section: /sitemap-pages.xml?p=2."""
    if section not in SECTIONS:
        raise Http404("No such sitemap.")
    return django_sitemap(request, sitemaps_for(_site(request)), section=section)


@dataclass(frozen=True)
class NewsEntry:
    location: str
    title: str
    language: str
    published: datetime.datetime


def news_entries(site: Site, now: datetime.datetime | None = None, limit: int = 1000) -> list[NewsEntry]:
    """Articles first published in the last two days, newest first (Google reads at most 1,000).

    A piece first published now but dated years ago (an archive reprint) is not news:
    its display date, which is also its datePublished, must be in the window too.
    """
    cutoff = (now or timezone.now()) - NEWS_WINDOW
    roots = site_roots(site)
    rows = (
        in_site(public_articles(), roots)
        .filter(not_republished(), first_published_at__gte=cutoff, display_date__gte=cutoff)
        .order_by("-display_date", "-pk")
        .values_list("url_path", "locale__language_code", "title", "display_date")[:limit]
    )
    entries = []
    for url_path, language, title, published in rows:
        path = page_path(roots, url_path, language)
        if path:
            entries.append(NewsEntry(site.root_url + path, title, language, published))
    return entries


@require_safe
@cache_control(public=True, max_age=300)
@x_robots_tag
def news_sitemap_xml(request: HttpRequest) -> HttpResponse:
    """Google News sitemap: the last two days' articles."""
    site = _site(request)
    context = {"entries": news_entries(site), "publication": site.site_name or settings.WAGTAIL_SITE_NAME}
    return TemplateResponse(request, "syndication/sitemap_news.html", context,
                            content_type="application/xml")


@require_safe
@cache_control(public=True, max_age=3600)
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Everything public may be crawled but the admin; the sitemaps' absolute addresses.

    Search results stay crawlable: they carry noindex, which a crawler only sees if it
    may fetch them, whereas a disallowed URL can still be indexed from links to it.
    """
    site = site_for_request(request)
    root = site.root_url if site else request.build_absolute_uri("/").rstrip("/")
    context = {
        "sitemap_url": root + reverse("sitemap"),
        "news_sitemap_url": root + reverse("news-sitemap"),
        "admin_url": reverse("wagtailadmin_home"),
    }
    return TemplateResponse(request, "syndication/robots.txt", context,
                            content_type="text/plain; charset=utf-8")
