"""The search page, under each language's prefix (/search/, /es/search/)."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language_info
from django.views.decorators.http import require_safe
from wagtail.models import Page

from samizdat.core.chrome import Chrome, build_chrome
from samizdat.core.invalidation import tree_version
from samizdat.core.pagination import paginate
from samizdat.core.routing import site_for_request, site_root_path
from samizdat.search.queries import (
    ALL_LANGUAGES,
    DATE,
    RELEVANCE,
    filter_choices,
    read_filters,
    read_sort,
    search_articles,
)
from samizdat.search.text import clean_query


def language_home(request: HttpRequest, language: str) -> Page | None:
    """The site's home page in `language`: cached until the page tree changes."""
    site = site_for_request(request)
    if site is None:
        return None
    key = f"samizdat:search-home:{site.pk}:{language}:{tree_version()}"
    home = cache.get(key)
    if home is None:
        root_path = site_root_path(site, language)
        if root_path is not None:
            home = Page.objects.filter(url_path=root_path, locale__language_code=language, live=True).first()
        cache.set(key, home or False, 60 * 60)
    return home or None


def search_chrome(home: Page, request: HttpRequest, query: str) -> Chrome:
    """The home's chrome, with each language link going to that language's search for `query`."""
    chrome = build_chrome(home, request)
    links = []
    for link in chrome.languages:
        with translation.override(link.code):
            url = reverse("search") + (f"?{urlencode({'q': query})}" if query else "")
        links.append(replace(link, url=url, is_translation=False))
    chrome.languages = links
    return chrome


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    language = translation.get_language() or "en"
    home = language_home(request, language)
    query = clean_query(request.GET.get("q", ""))
    choices = filter_choices(home.locale_id if home else 0)
    filters = read_filters(request.GET, choices, language.split("-")[0])
    sort = read_sort(request.GET)
    results = search_articles(query, filters, sort)
    with results.planner():
        page = paginate(request, results.ids)
        ids = list(page.object_list)
    page.object_list = results.hydrate(ids)
    chosen = {
        "q": query,
        "section": request.GET.get("section", "") if filters.section_ids else "",
        "topic": request.GET.get("topic", "") if filters.topic_key else "",
        "kind": filters.kind or "",
        "lang": filters.language or ALL_LANGUAGES,
        "year": str(filters.year or ""),
        "sort": sort,
    }
    context = {
        "chrome": search_chrome(home, request, query) if home else None,
        "query": query,
        "results": page,
        "searched": results.searched,
        "choices": choices,
        "chosen": chosen,
        "languages": [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES],
        "relevance": RELEVANCE,
        "date": DATE,
        "page_query": urlencode({key: value for key, value in chosen.items() if value}),
    }
    return render(request, "search/search.html", context)
