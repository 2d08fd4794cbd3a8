"""What every public page shows around its content: navigation and languages.

Three queries whatever the page: the homes of all languages, the current home's menu
children, and the page's translations.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language_info
from wagtail.models import Page


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
    home: Page | None
    nav: list[NavLink]
    languages: list[LanguageLink]
    topics_url: str
    authors_url: str

    @property
    def alternates(self) -> list[LanguageLink]:
        """Languages this very page exists in, for hreflang links."""
        return [link for link in self.languages if link.is_translation]


def build_chrome(page: Page, request: HttpRequest, subpaths: dict[int, str] | None = None) -> Chrome:
    """Navigation and language links for `page`.

    `subpaths` maps a locale id to the sub-URL of a routable page in that language (an
    author's or a topic's page); a language missing from it has no such page, and its
    link goes to that language's home.
    """
    from samizdat.articles.models import SectionPage, TopicIndexPage
    from samizdat.home.models import HomePage
    from samizdat.people.models import PeopleIndexPage

    homes = {
        home.locale_id: home
        for home in HomePage.objects.live().select_related("locale").only(
            "id", "title", "url_path", "path", "depth", "locale", "locale__language_code"
        )
    }
    home = homes.get(page.locale_id)
    nav: list[NavLink] = []
    topics_url = authors_url = ""
    if home is not None:
        children = Page.objects.child_of(home).live().select_related("content_type").only(
            "id", "title", "url_path", "path", "depth", "show_in_menus", "content_type"
        )
        for child in children:
            model = child.content_type.model_class()
            url = child.get_url(request)
            if model is TopicIndexPage:
                topics_url = url
            elif model is PeopleIndexPage:
                authors_url = url
            elif model is SectionPage and child.show_in_menus:
                nav.append(NavLink(child.title, url, page.path.startswith(child.path)))

    translations = {
        p.locale_id: p
        for p in page.get_translations(inclusive=True).live().only(
            "id", "url_path", "path", "depth", "locale", "title"
        )
    }
    languages = []
    for home_locale, other_home in sorted(homes.items(), key=lambda kv: kv[1].locale.language_code):
        code = other_home.locale.language_code
        if code not in dict(settings.LANGUAGES):
            continue
        translation = translations.get(home_locale)
        if subpaths is not None and home_locale not in subpaths:
            translation = None
        target = translation or other_home
        url = target.get_url(request) or "/"
        if translation is not None and subpaths:
            url = url.rstrip("/") + "/" + subpaths[home_locale].lstrip("/")
        languages.append(
            LanguageLink(
                code=code,
                name=get_language_info(code)["name_local"],
                url=url,
                is_current=home_locale == page.locale_id,
                is_translation=translation is not None,
            )
        )
    return Chrome(home=home, nav=nav, languages=languages, topics_url=topics_url, authors_url=authors_url)


class OutletPageMixin:
    """Adds `chrome` (navigation, languages) to every public page's context."""

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        subpaths = kwargs.pop("chrome_subpaths", None)
        context = super().get_context(request, *args, **kwargs)
        context["chrome"] = build_chrome(self, request, subpaths)
        return context
