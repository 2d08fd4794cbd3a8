"""Sanitizing HTML that comes from outside (imports): allow-lists, nothing executable survives.

`sanitize_html` keeps structure, text formatting, links, images, tables and figures;
`sanitize_rich_text` keeps only what an article's paragraph block (Wagtail rich text) allows;
`sanitize_remote_html` is `sanitize_html` for what other servers' users wrote, shown to our editors:
no images (each becomes a link to it, "[image: its alt text]", so none loads in the editor's
browser: no tracking pixels, no leak of editors' addresses) and every link rel="nofollow" too.
Both drop scripts, styles, event handlers, iframes, and any URL that is not http(s) (or mailto: for links).
"""

from __future__ import annotations

import html
import re
from urllib.parse import unquote, urlsplit

import nh3

_TEXT_TAGS = {
    "a", "abbr", "b", "br", "cite", "code", "del", "em", "i", "ins", "kbd", "mark", "q", "s", "small",
    "span", "strong", "sub", "sup", "time", "u", "wbr",
}
_BLOCK_TAGS = {
    "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr",
    "li", "ol", "p", "pre", "ul",
}
_TABLE_TAGS = {"caption", "col", "colgroup", "table", "tbody", "td", "tfoot", "th", "thead", "tr"}
_HTML_TAGS = _TEXT_TAGS | _BLOCK_TAGS | _TABLE_TAGS | {"img"}

_HTML_ATTRIBUTES = {
    "*": {"title", "lang"},
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed"},
    "time": {"datetime"},
    "abbr": {"title"},
    "q": {"cite"},
    "blockquote": {"cite"},
}
# Removed together with everything inside them (not just the tags).
_DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math",
                      "textarea", "select", "button", "frameset", "frame", "noembed", "xmp", "title"}

_RICH_TEXT_TAGS = {"p", "a", "b", "strong", "i", "em", "ul", "ol", "li", "sup", "sub", "br"}

_LINK_SCHEMES = {"http", "https", "mailto"}
_IMAGE_SCHEMES = {"http", "https"}
_URL_ATTRIBUTES = {"href", "src", "cite"}
# Browsers ignore these inside a scheme ("jav\tascript:"), so a URL is judged without them.
_CONTROL_AND_SPACE = re.compile(r"[\x00-\x20\x7f]+")


def _url_filter(tag: str, attribute: str, value: str) -> str | None:
    """Keep a URL attribute only when it is http(s) (or mailto: on a link) or relative (not for images)."""
    if attribute not in _URL_ATTRIBUTES:
        return value
    try:
        scheme = urlsplit(_CONTROL_AND_SPACE.sub("", unquote(value))).scheme.lower()
    except ValueError:
        return None
    if tag == "img":
        return value if scheme in _IMAGE_SCHEMES else None
    if not scheme:
        return value
    return value if scheme in _LINK_SCHEMES else None


def _cleaner(tags: set[str], attributes: dict[str, set[str]], link_rel: str | None) -> nh3.Cleaner:
    """An nh3 cleaner with the rules every one of ours shares: checked URLs, no comments, and the
    content of script-like elements dropped."""
    return nh3.Cleaner(tags=tags, clean_content_tags=_DROP_WITH_CONTENT, attributes=attributes,
                       attribute_filter=_url_filter, url_schemes=_LINK_SCHEMES, link_rel=link_rel,
                       strip_comments=True)


_html_cleaner = _cleaner(_HTML_TAGS, _HTML_ATTRIBUTES, "noopener noreferrer")
_rich_text_cleaner = _cleaner(_RICH_TEXT_TAGS, {"*": set(), "a": {"href"}}, None)
# Remote HTML (fediverse replies): no <img>, so nothing loads from the sender's server.
_remote_cleaner = _cleaner(_HTML_TAGS - {"img"}, _HTML_ATTRIBUTES, "noopener noreferrer nofollow")

# An <img> as nh3 writes it: attribute values double-quoted, with any '"' in them as &quot;.
_IMG = re.compile(r"<img((?:\s+[^\s=>/]+(?:=\"[^\"]*\")?)*)\s*/?>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"([^\s=>/]+)(?:=\"([^\"]*)\")?")
ALT_MAX = 200


def sanitize_html(html: str) -> str:
    """Sanitized HTML for display as-is: structure, formatting, links, images, tables; nothing executable."""
    return _html_cleaner.clean(html or "")


def sanitize_rich_text(html: str) -> str:
    """Sanitized HTML restricted to what an article paragraph (Wagtail rich text) allows."""
    return _rich_text_cleaner.clean(html or "")


def _image_as_link(match: re.Match) -> str:
    attributes = {name.lower(): html.unescape(value or "") for name, value in _ATTRIBUTE.findall(match[1])}
    alt = " ".join(attributes.get("alt", "").split())[:ALT_MAX]
    label = html.escape(f"[image: {alt}]" if alt else "[image]", quote=False)
    src = attributes.get("src", "")
    return f'<a href="{html.escape(src)}">{label}</a>' if src else label


def sanitize_remote_html(text: str) -> str:
    """`sanitize_html` without images (each a link to it instead) and with nofollow links: for
    HTML from other servers shown in our admin, where a remote image would load in an editor's
    browser. Safe to apply again to its own output or to HTML already sanitized."""
    return _remote_cleaner.clean(_IMG.sub(_image_as_link, _html_cleaner.clean(text or "")))
