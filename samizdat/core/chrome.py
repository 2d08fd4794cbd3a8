"""What every public page shows around its content: navigation and languages.

The menu (homes of every language, sections, index pages) is cached until the page
tree changes; what remains is one query for the page's translations.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPMethod

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import get_language_info
from wagtail.models import Page

from samizdat.core.invalidation import tree_version


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    url: str
    is_current: bool
    is_translation: bool


@dataclass(frozen=True)
class NavLink:
    title: str
    url: str
    is_current: bool


@dataclass
class Chrome:
    home_url: str
    nav: list[NavLink]
    languages: list[LanguageLink]
    topics_url: str
    authors_url: str
    footer: list[NavLink]
    newsletter_url: str = ""  # the language's newsletter page: the footer's subscribe form posts there

    @property
    def alternates(self) -> list[LanguageLink]:
        """Languages this very page exists in, for hreflang links."""
        return [link for link in self.languages if link.is_translation]


@dataclass(frozen=True)
class Menu:
    """The cacheable part of the chrome: homes of every language and one home's menu."""

    homes: list[tuple[int, str, str]]  # (locale id, language code, url)
    sections: list[tuple[str, str, str]]  # (title, url, tree path)
    topics_url: str
    authors_url: str
    footer: tuple[tuple[str, str, str], ...] = ()  # (title, url, tree path) of other pages in menus
    newsletter_url: str = ""


def build_menu(locale_id: int, request: HttpRequest) -> Menu:
    from samizdat.articles.models import SectionPage, TopicIndexPage
    from samizdat.home.models import HomePage
    from samizdat.newsletter.models import NewsletterPage
    from samizdat.people.models import PeopleIndexPage

    homes = list(
        HomePage.objects.live().select_related("locale").only(
            "id", "title", "url_path", "path", "depth", "locale", "locale__language_code"
        )
    )
    home = next((h for h in homes if h.locale_id == locale_id), None)
    sections: list[tuple[str, str, str]] = []
    footer: list[tuple[str, str, str]] = []
    topics_url = authors_url = newsletter_url = ""
    if home is not None:
        children = Page.objects.child_of(home).live().only(
            "id", "title", "url_path", "path", "depth", "show_in_menus", "content_type"
        )
        for child in children:
            model = ContentType.objects.get_for_id(child.content_type_id).model_class()
            url = child.get_url(request) or ""
            if model is NewsletterPage:
                newsletter_url = url
            if model is TopicIndexPage:
                topics_url = url
            elif model is PeopleIndexPage:
                authors_url = url
            elif model is SectionPage and child.show_in_menus:
                sections.append((child.title, url, child.path))
            elif child.show_in_menus:
                footer.append((child.title, url, child.path))
    return Menu(
        homes=[(h.locale_id, h.locale.language_code, h.get_url(request) or "/") for h in homes],
        sections=sections,
        topics_url=topics_url,
        authors_url=authors_url,
        footer=tuple(footer),
        newsletter_url=newsletter_url,
    )


def cached_menu(locale_id: int, request: HttpRequest) -> Menu:
    # Imported here: page models import this module while apps are still loading.
    from samizdat.core.routing import site_for_request

    site = site_for_request(request)
    key = f"samizdat:menu:{getattr(site, 'pk', 0)}:{locale_id}:{tree_version()}"
    menu = cache.get(key)
    if menu is None:
        menu = build_menu(locale_id, request)
        cache.set(key, menu, 60 * 60)
    return menu


def build_chrome(page: Page, request: HttpRequest, subpaths: dict[int, str] | str | None = None) -> Chrome:
    """Navigation and language links for `page`: one query (its translations) when cached.

    `subpaths` is a routable page's sub-URL: one string for every language (an author's
    page), or a map of locale id to sub-URL (a topic's page, whose slug is translated);
    a language missing from the map has no such page, and its link goes to that home.
    """
    menu = cached_menu(page.locale_id, request)
    translations = {
        p.locale_id: p
        for p in page.get_translations(inclusive=True).live().only(
            "id", "url_path", "path", "depth", "locale", "title"
        )
    }
    if isinstance(subpaths, str):
        subpaths = dict.fromkeys(translations, subpaths)
    languages = []
    for locale_id, code, home_url in sorted(menu.homes, key=lambda home: home[1]):
        if code not in dict(settings.LANGUAGES):
            continue
        translation = translations.get(locale_id)
        if subpaths is not None and locale_id not in subpaths:
            translation = None
        url = (translation.get_url(request) if translation else home_url) or "/"
        if translation is not None and subpaths:
            url = url.rstrip("/") + "/" + subpaths[locale_id].lstrip("/")
        languages.append(
            LanguageLink(
                code=code,
                name=get_language_info(code)["name_local"],
                url=url,
                is_current=locale_id == page.locale_id,
                is_translation=translation is not None,
            )
        )
    home_url = next((url for locale_id, _code, url in menu.homes if locale_id == page.locale_id), "/")
    return Chrome(
        home_url=home_url,
        nav=[NavLink(title, url, page.path.startswith(path)) for title, url, path in menu.sections],
        languages=languages,
        topics_url=menu.topics_url,
        authors_url=menu.authors_url,
        footer=[NavLink(title, url, page.path.startswith(path)) for title, url, path in menu.footer],
        newsletter_url=menu.newsletter_url,
    )


class OutletPageMixin:
    """Adds `chrome` (navigation, languages) to every public page's context.

    Reading pages answer GET, HEAD and OPTIONS only; anything else is a 405.
    """

    allowed_http_methods = [HTTPMethod.GET, HTTPMethod.HEAD, HTTPMethod.OPTIONS]

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        subpaths = kwargs.pop("chrome_subpaths", None)
        context = super().get_context(request, *args, **kwargs)
        context["chrome"] = build_chrome(self, request, subpaths)
        return context
