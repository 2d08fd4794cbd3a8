"""Template tags for the public site: pictures, the video facade, the page's head links.

Pictures only ever ask for the specs in `samizdat.core.images` (lead_specs() and
portrait_specs()): the ones the background task makes and the listings prefetch, so
rendering a listing makes no query and no image.
"""

from __future__ import annotations

import logging
import re

from django import template
from django.conf import settings
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from wagtail.images.models import Picture, SourceImageIOError

from samizdat.core.images import filters_for, lead_specs, portrait_specs
from samizdat.core.routing import site_for_request
from samizdat.core.video import UnsupportedVideo, VideoEmbed, parse_video_url

register = template.Library()
logger = logging.getLogger(__name__)

_ATTRS = ("class", "sizes", "loading", "fetchpriority", "decoding", "id")


def _alt(image, alt: str | None) -> str:
    """The alt text: as given, else none if decorative, else the contextual text or the image's own."""
    if alt is not None:
        return alt
    if getattr(image, "decorative", False):
        return ""
    contextual = getattr(image, "contextual_alt_text", None)
    if contextual:
        return contextual
    return getattr(image, "alt_text", None) or image.description or image.title


def _picture(image, specs, default_sizes: str, attrs: dict) -> str:
    if not image:
        return ""
    try:
        renditions = image.get_renditions(*specs)
    except (SourceImageIOError, OSError):
        logger.warning("Image %s has no readable file", getattr(image, "pk", None))
        return ""
    html_attrs = {"alt": _alt(image, attrs.pop("alt", None)), "sizes": default_sizes,
                  "loading": "lazy", "decoding": "async"}
    for key in _ATTRS:
        if attrs.get(key):
            html_attrs[key] = attrs[key]
    if html_attrs["loading"] == "eager":
        html_attrs.pop("loading")  # eager is the default; keep the tag short
        html_attrs.pop("decoding")
    return Picture(renditions, html_attrs).__html__()


@register.simple_tag
def lead_picture(image, **attrs) -> str:
    """A 16:9 <picture> (AVIF, WebP) of `image`, with width and height for no layout shift.

    {% lead_picture image sizes="(min-width: 60em) 40rem, 100vw" loading="eager" fetchpriority="high" %}
    `alt` overrides the image's alt text (alt="" for a decorative use); lazy by default.
    """
    return _picture(image, filters_for(tuple(lead_specs())), "100vw", attrs)


@register.simple_tag
def portrait_picture(image, **attrs) -> str:
    """A square contributor photo; `sizes` defaults to a 5rem thumbnail."""
    return _picture(image, filters_for(tuple(portrait_specs())), "5rem", attrs)


@register.simple_tag
def video_embed(url: str) -> VideoEmbed | None:
    """{% video_embed value.url as video %}: the facade's data, or None for an unusable URL."""
    try:
        return parse_video_url(url)
    except UnsupportedVideo:
        return None


@register.simple_tag(takes_context=True)
def outlet_name(context) -> str:
    """The Wagtail Site's name for this request, else WAGTAIL_SITE_NAME.

    Serving a page has already looked up (and cached on the request) the site, so this
    costs no query there; on an error page it is one query at most.
    """
    return request_site_name(context.get("request"))


def request_site_name(request) -> str:
    """The outlet's name for a request (what mails sent from a form say)."""
    site = None
    if request is not None:
        try:
            site = site_for_request(request)
        except Exception:  # noqa: BLE001 - an error page must render whatever the database does
            site = None
    return site_name(site)


def site_name(site) -> str:
    """A Wagtail Site's name, else WAGTAIL_SITE_NAME."""
    return (site.site_name if site and site.site_name else "") or getattr(
        settings, "WAGTAIL_SITE_NAME", "Samizdat"
    )


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """This page's absolute address: the article's own canonical, a routable sub-page, a ?page=."""
    page = context.get("page")
    request = context.get("request")
    if page is None or request is None:
        return ""
    explicit = getattr(page, "canonical_url", None)
    if explicit:
        return explicit
    full = page.get_full_url(request) or ""
    local = page.get_url(request) or ""
    if full and local and request.path.startswith(local):
        full += request.path[len(local):]
    articles = context.get("articles")
    number = getattr(articles, "number", 1)
    if full and number and number > 1:
        full += f"?page={number}"
    return full


@register.simple_tag(takes_context=True)
def absolute(context, url: str) -> str:
    """An absolute address for a site-relative `url` (hreflang links want them).

    Built on the Wagtail Site's root URL, like the canonical link, so both agree.
    """
    request = context.get("request")
    if not url or request is None or "://" in url:
        return url
    site = site_for_request(request)
    if site is not None:
        return site.root_url + url
    return request.build_absolute_uri(url)


_FIRST_P = re.compile(r"^\s*<p(\s[^>]*)?>")


@register.simple_tag
def with_dateline(value, place: str) -> str:
    """A paragraph's HTML with "PLACE —" set at the start of its first line."""
    html = value.__html__() if hasattr(value, "__html__") else conditional_escape(value)
    if not place:
        return mark_safe(html)  # noqa: S308 - rich text, already rendered safe
    label = format_html('<span class="dateline">{} —</span> ', place)
    match = _FIRST_P.match(html)
    if match:
        return mark_safe(html[: match.end()] + label + html[match.end():])  # noqa: S308
    return mark_safe(format_html('<p class="dateline-alone">{}</p>', label) + html)  # noqa: S308

