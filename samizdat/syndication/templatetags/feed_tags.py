"""Feed autodiscovery links for a page's <head>, read from what its context already holds.

Every page gets its language's outlet feed; a section (and the articles and archive folders
under it), a topic's page and an author's page add their own. No query: the section is the
page itself or `page.section` (selected with the article), topic and person are in context.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from samizdat.core.routing import is_restricted, site_for_request

register = template.Library()

RSS = "application/rss+xml"
ATOM = "application/atom+xml"


def feed_scopes(context) -> list[tuple[str, str, str]]:
    """(url name, slug, label) of every feed the page in `context` belongs to, outlet first."""
    from samizdat.articles.models import ArticlePage, SectionPage, Topic, YearArchivePage
    from samizdat.people.models import Person

    scopes = [("feed", "", "")]
    page = context.get("page")
    if page is not None and getattr(page, "path", None) and is_restricted(page):
        pass  # a members-only section has no feed
    elif isinstance(page, SectionPage):
        scopes.append(("feed_section", page.slug, page.title))
    elif isinstance(page, ArticlePage) and page.section_id and page.section is not None:
        scopes.append(("feed_section", page.section.slug, page.section.title))
    elif isinstance(page, YearArchivePage):
        section = _archive_section(page, context.get("chrome"))
        if section:
            scopes.append(("feed_section", *section))
    topic = context.get("topic")
    if isinstance(topic, Topic):
        scopes.append(("feed_topic", topic.slug, topic.name))
    person = context.get("person")
    if isinstance(person, Person):
        scopes.append(("feed_author", person.slug, person.name))
    return scopes


def _archive_section(page, chrome) -> tuple[str, str] | None:
    """An archive folder's section (slug, title): its url_path names it, the menu titles it."""
    parts = [part for part in page.url_path.split("/") if part]
    if len(parts) < 2:
        return None
    slug = parts[1]  # home slug, then the section's
    for link in getattr(chrome, "nav", None) or []:
        if link.is_current:
            return slug, link.title
    return slug, slug


@register.simple_tag(takes_context=True)
def feed_links(context) -> SafeString | str:
    """<link rel="alternate"> for RSS and Atom of each feed this page belongs to."""
    request = context.get("request")
    if request is None:
        return ""
    site = site_for_request(request)
    if site is None:
        return ""
    outlet = site.site_name or getattr(settings, "WAGTAIL_SITE_NAME", "Samizdat")
    rows = []
    for name, slug, label in feed_scopes(context):
        kwargs = {"slug": slug} if slug else {}
        title = f"{outlet} — {label}" if label else outlet
        try:
            rss, atom = reverse(name, kwargs=kwargs), reverse(f"{name}_atom", kwargs=kwargs)
        except NoReverseMatch:
            continue
        rows.append((RSS, f"{title} (RSS)", site.root_url + rss))
        rows.append((ATOM, f"{title} (Atom)", site.root_url + atom))
    return format_html_join(
        "", '<link rel="alternate" type="{}" title="{}" href="{}">\n', rows
    )


@register.simple_tag
def outlet_feed_url() -> str:
    """The outlet's RSS feed in the active language (for a visible link)."""
    return reverse("feed")

