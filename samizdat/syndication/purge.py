"""Purge an article's feeds and the sitemaps from the HTTP cache in front when it changes.

Wagtail purges the article's own page on publish; the feeds that list it (outlet, all
languages, its section, topics and authors, RSS and Atom) and the sitemaps are purged
here, through Wagtail's frontend-cache task, once the editor's transaction commits.
Nothing happens unless a front cache is configured (FRONTEND_CACHE_PURGE_URL).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache
from wagtail.signals import page_published, page_unpublished

from samizdat.articles.models import ArticlePage


def feed_paths(article: ArticlePage) -> list[str]:
    """Every feed path (RSS and Atom) that may list `article`, in the article's language."""
    scopes: list[tuple[str, dict]] = [("feed", {}), ("feed_all", {})]
    if article.section_id:
        scopes.append(("feed_section", {"slug": article.section.slug}))
    scopes += [("feed_topic", {"slug": slug}) for slug in article.topics.values_list("slug", flat=True)]
    scopes += [
        ("feed_author", {"slug": slug})
        for slug in article.authors.values_list("person__slug", flat=True)
    ]
    paths = []
    with translation.override(article.locale.language_code):
        for name, kwargs in scopes:
            for suffix in ("", "_atom"):
                try:
                    paths.append(reverse(name + suffix, kwargs=kwargs))
                except NoReverseMatch:
                    continue
    paths += [reverse("sitemap"), reverse("news-sitemap")]
    return paths


def urls_to_purge(article: ArticlePage) -> list[str]:
    site = article.get_site()
    if site is None:
        return []
    return [site.root_url + path for path in feed_paths(article)]


def purge_article_feeds(sender, instance: ArticlePage, **kwargs) -> None:
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    urls = urls_to_purge(instance)
    transaction.on_commit(lambda: purge_urls_from_cache(urls))


def connect() -> None:
    page_published.connect(purge_article_feeds, sender=ArticlePage, dispatch_uid="purge-feeds-published")
    page_unpublished.connect(purge_article_feeds, sender=ArticlePage, dispatch_uid="purge-feeds-unpublished")
