"""Converting WordPress post bodies (classic HTML or block markup) into ArticlePage body blocks.

Classic bodies get WordPress's `wpautop` paragraph rules, then each top-level element becomes a block.
Block-editor bodies (`<!-- wp:name {attrs} -->…<!-- /wp:name -->`) are parsed into a tree and each block
mapped to its nearest StreamField block. Whatever has no equivalent (unknown shortcodes and blocks, tables,
images that could not be resolved) is kept as sanitized HTML in an `imported_html` block and, when it is an
unknown shortcode or block, listed in `Converted.unknown` for the import summary.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape, unescape

import lxml.html
from lxml import etree

from samizdat.core.sanitize import sanitize_html, sanitize_rich_text
from samizdat.core.video import UnsupportedVideo, parse_video_url


@dataclass
class Converted:
    blocks: list[dict] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # "shortcode [name]", "block wp:name", for the summary
    image_urls: list[str] = field(default_factory=list)  # every image URL referenced, resolved or not


# --- wpautop -------------------------------------------------------------------------------------------

_ALLBLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area"
    r"|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header"
    r"|footer|nav|figure|figcaption|details|menu|summary)"
)
_PRE = re.compile(r"<pre[\s>].*?</pre>", re.S | re.I)
_BR_BR = re.compile(r"<br\s*/?>\s*<br\s*/?>", re.I)
_OPEN_BLOCK = re.compile(r"<(" + _ALLBLOCKS + r"[\s/>])", re.I)
_CLOSE_BLOCK = re.compile(r"</(" + _ALLBLOCKS + r")>", re.I)
_HR = re.compile(r"<(hr\s*?/?)>", re.I)
_TAG = re.compile(r"<[^>]*>")
_TAG_WITH_NEWLINE = re.compile(r"<[^>\n]*\n[^>]*>")
_MANY_NEWLINES = re.compile(r"\n\n+")
_PARAGRAPHS = re.compile(r"\n\s*\n")
_EMPTY_P = re.compile(r"<p>\s*</p>")
_P_TEXT_CLOSE = re.compile(r"<p>([^<]+)</(div|address|form)>")
_P_BLOCK_P = re.compile(r"<p>\s*(</?" + _ALLBLOCKS + r"[^>]*>)\s*</p>", re.I)
_P_LI = re.compile(r"<p>(<li.+?)</p>", re.I)
_P_BLOCKQUOTE = re.compile(r"<p><blockquote([^>]*)>", re.I)
_BLOCKQUOTE_P = re.compile(r"</blockquote></p>", re.I)
_P_BEFORE_BLOCK = re.compile(r"<p>\s*(</?" + _ALLBLOCKS + r"[^>]*>)", re.I)
_P_AFTER_BLOCK = re.compile(r"<(/?" + _ALLBLOCKS + r"[^>]*)>\s*</p>", re.I)
_NEWLINE_TO_BR = re.compile(r"(?<!<br />)[ \t]*\n")
_BR_AFTER_BLOCK = re.compile(r"<(/?" + _ALLBLOCKS + r"[^>]*)>\s*<br />", re.I)
_BR_BEFORE_BLOCK = re.compile(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", re.I)


def wpautop(text: str) -> str:
    """WordPress's paragraph rules: blank lines make paragraphs, single line breaks <br />.

    Block elements are not wrapped in paragraphs and <pre> content is left exactly as it was.
    """
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ""
    pres: list[str] = []

    def keep_pre(match: re.Match) -> str:
        pres.append(match.group(0))
        return f"<pre wp-pre-tag-{len(pres) - 1}></pre>"

    text = _PRE.sub(keep_pre, text + "\n") if "<pre" in text.lower() else text + "\n"
    text = _BR_BR.sub("\n\n", text)
    text = _OPEN_BLOCK.sub(r"\n\n<\1", text)
    text = _CLOSE_BLOCK.sub(r"</\1>\n\n", text)
    text = _HR.sub(r"<\1>\n\n", text)
    text = _TAG_WITH_NEWLINE.sub(lambda m: m.group(0).replace("\n", " "), text)
    text = _MANY_NEWLINES.sub("\n\n", text)
    text = "".join(
        "<p>" + piece.strip("\n") + "</p>\n" for piece in _PARAGRAPHS.split(text) if piece.strip()
    )
    text = _EMPTY_P.sub("", text)
    text = _P_TEXT_CLOSE.sub(r"<p>\1</p></\2>", text)
    text = _P_BLOCK_P.sub(r"\1", text)
    text = _P_LI.sub(r"\1", text)
    text = _P_BLOCKQUOTE.sub(r"<blockquote\1><p>", text)
    text = _BLOCKQUOTE_P.sub("</p></blockquote>", text)
    text = _P_BEFORE_BLOCK.sub(r"\1", text)
    text = _P_AFTER_BLOCK.sub(r"<\1>", text)
    text = _NEWLINE_TO_BR.sub("<br />\n", text)
    text = _BR_AFTER_BLOCK.sub(r"<\1>", text)
    text = _BR_BEFORE_BLOCK.sub(r"\1", text)
    if text.endswith("\n</p>"):
        text = text[: -len("\n</p>")] + "</p>"
    for index, pre in enumerate(pres):
        text = text.replace(f"<pre wp-pre-tag-{index}></pre>", pre)
    return text.strip()


# --- helpers -------------------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_LIST_SPACE = re.compile(r"\s*(</?(?:ul|ol|li)>)\s*")
_WP_IMAGE_CLASS = re.compile(r"\bwp-image-(\d+)\b")
_ATTACHMENT_ID = re.compile(r"attachment_(\d+)")
_URL = re.compile(r"""https?://[^\s"'<>\[\]]+""")
_BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "pre", "table", "figure",
               "div", "section", "article", "aside", "header", "footer", "dl", "hr", "address", "details",
               "form", "fieldset", "center", "nav", "iframe", "img", "video", "audio", "object", "embed",
               "script", "style", "noscript", "template", "math", "svg"}
_CONTAINERS = {"div", "section", "article", "header", "footer", "center", "main"}
_DROPPED = {"script", "style", "noscript", "template", "hr", "br"}


def _has_text(html: str) -> bool:
    """True when the HTML has visible text (not only tags, spaces and &nbsp;)."""
    text = _TAG.sub("", html)
    if "&" in text:
        text = unescape(text)
    return bool(text.replace("\xa0", " ").strip())


def _text(value: str) -> str:
    return _SPACES.sub(" ", value).strip()


def _video(url: str) -> str:
    """The URL when it is a YouTube/PeerTube video this site can embed, else ""."""
    url = unescape(url or "").strip()
    try:
        parse_video_url(url)
    except UnsupportedVideo:
        return ""
    return url


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _serialize(element) -> str:
    return etree.tostring(element, method="html", encoding="unicode", with_tail=False)


def _parse(html: str):
    """An lxml element wrapping the fragment's top-level nodes (empty when there is nothing to parse)."""
    try:
        return lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return lxml.html.fragment_fromstring(escape(html) or " ", create_parent="div")


class _Builder:
    """Collects blocks for one body."""

    def __init__(self, resolve_image: Callable[[str, int | None], int | None]):
        self.resolve_image = resolve_image
        self.result = Converted()

    # blocks

    def add(self, block_type: str, value) -> None:
        blocks = self.result.blocks
        if block_type == "paragraph" and blocks and blocks[-1]["type"] == "paragraph":
            blocks[-1]["value"] += value  # one rich text block per run of text, as an editor would write it
        else:
            blocks.append({"type": block_type, "value": value})

    def unknown(self, label: str) -> None:
        if label not in self.result.unknown:
            self.result.unknown.append(label)

    def paragraph(self, html: str) -> None:
        value = sanitize_rich_text(html).strip()
        if not _has_text(value):
            return
        if value.startswith(("<ul>", "<ol>")):
            value = _LIST_SPACE.sub(r"\1", value)
        elif not value.startswith("<p>"):
            value = f"<p>{value}</p>"
        elif value.endswith("</p>") and value.count("<p>") == 1:
            value = f"<p>{value[3:-4].strip()}</p>"
        self.add("paragraph", value)

    def imported_html(self, html: str) -> None:
        value = sanitize_html(html).strip()
        if value and (_has_text(value) or "<img" in value):
            self.add("imported_html", value)

    def heading(self, text: str, tag: str) -> None:
        text = _text(text)[:200]
        if text:
            self.add("heading", {"text": text, "level": "h3" if tag in {"h3", "h4", "h5", "h6"} else "h2"})

    def link_paragraph(self, url: str, caption: str = "") -> None:
        url = unescape(url or "").strip()
        if url.startswith(("http://", "https://")):
            label = escape(caption or url)
            self.paragraph(f'<p><a href="{escape(url)}">{label}</a></p>')

    def image(self, src: str, attachment_id: int | None, alt: str = "", caption: str = "") -> None:
        src = unescape(src or "").strip()
        alt, caption = _text(alt), _text(caption)
        if src and src not in self.result.image_urls:
            self.result.image_urls.append(src)
        pk = self.resolve_image(src, attachment_id) if (src or attachment_id) else None
        if pk:
            self.image_block_value(pk, alt or caption, caption)
        elif src:
            figcaption = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
            self.imported_html(f'<figure><img src="{escape(src)}" alt="{escape(alt)}">{figcaption}</figure>')

    def image_block_value(self, pk: int, alt: str, caption: str) -> None:
        """An image block; without alt text in the post, the imported image's own alt text (one query)."""
        if not alt:
            from samizdat.core.models import OutletImage

            row = OutletImage.objects.filter(pk=pk).values_list("description", "title").first()
            alt = _text((row[0] or row[1]) if row else "")
        self.add("image", {"image": {"image": pk, "decorative": False, "alt_text": alt},
                           "caption": caption, "credit": ""})

    def image_element(self, img, caption: str = "", attachment_id: int | None = None) -> None:
        if attachment_id is None:
            match = _WP_IMAGE_CLASS.search(img.get("class", ""))
            attachment_id = int(match.group(1)) if match else _int(img.get("data-id"))
        self.image(img.get("src", ""), attachment_id, img.get("alt", ""), caption)

    def video(self, url: str, caption: str = "") -> None:
        self.add("video", {"url": url, "poster": None, "caption": _text(caption)[:255]})

    # classic HTML (and the HTML inside blocks)

    def classic(self, html: str, autop: bool) -> None:
        """Shortcodes and bare video URLs first, then the HTML between them, element by element."""
        position = 0
        for match in _SHORTCODE_OR_URL.finditer(html):
            if match.group("url"):
                url = _video(match.group("url"))
                self.html(html[position:match.start()], autop)
                if url:
                    self.video(url)
                else:  # WordPress would have tried an oEmbed: keep it as a link
                    self.link_paragraph(match.group("url"))
            else:
                name = match.group("name").lower()
                known = name in _SHORTCODES
                has_attrs = "=" in (match.group("attrs") or "")
                if not (known or has_attrs or match.group("content") is not None):
                    continue  # "[sic]", "[1]": plain text, as WordPress leaves unregistered names alone
                if not known and not _on_own_line(html, match.start(), match.end()):
                    self.unknown(f"shortcode [{name}]")
                    continue  # inline: stays in its paragraph as text
                self.html(html[position:match.start()], autop)
                self.shortcode(name, match.group("attrs") or "", match.group("content"), match.group(0))
            position = match.end()
        self.html(html[position:], autop)

    def html(self, html: str, autop: bool) -> None:
        if not html.strip():
            return
        if autop:
            html = wpautop(html)
        if not html:
            return
        self.children(_parse(html))

    def children(self, root) -> None:
        """Top-level elements become blocks; loose inline content is gathered into paragraphs."""
        inline: list[str] = [escape(root.text)] if root.text and root.text.strip() else []
        for element in root:
            tag = element.tag if isinstance(element.tag, str) else ""
            if tag and tag.lower() in _BLOCK_TAGS or (tag == "a" and _only_image(element)):
                if inline:
                    self.paragraph("".join(inline))
                    inline = []
                self.element(element)
                if element.tail and element.tail.strip():
                    inline.append(escape(element.tail))
            elif tag:
                inline.append(_serialize(element) + escape(element.tail or ""))
            elif element.tail and element.tail.strip():  # a comment or processing instruction
                inline.append(escape(element.tail))
        if inline:
            self.paragraph("".join(inline))

    def element(self, element) -> None:
        tag = element.tag.lower()
        if tag == "p":
            self.p(element)
        elif tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.heading(element.text_content(), tag)
        elif tag == "blockquote":
            self.blockquote(element)
        elif tag in {"ul", "ol"}:
            self.paragraph(_serialize(element))
        elif tag == "figure":
            self.figure(element)
        elif tag == "img":
            self.image_element(element)
        elif tag == "a":
            self.image_element(element.find(".//img"))
        elif tag in {"iframe", "video", "embed", "object"}:
            src = element.get("src") or element.get("data") or ""
            url = _video(src)
            if url:
                self.video(url, element.get("title", ""))
            else:
                self.link_paragraph(src)
        elif tag in _CONTAINERS and any(
            isinstance(child.tag, str) and child.tag.lower() in _BLOCK_TAGS for child in element
        ):
            self.children(element)
        elif tag in _CONTAINERS:
            self.paragraph(_serialize(element).replace("<div", "<p", 1))
        elif tag in _DROPPED:
            return
        else:
            self.imported_html(_serialize(element))

    def p(self, element) -> None:
        embedded = [child for child in element.iter("iframe", "video", "embed", "object")]
        for child in embedded:
            _remove_keeping_tail(child.getparent(), child)
        images = element.findall(".//img")
        if not images:
            self.paragraph(_serialize(element))
            for child in embedded:
                self.element(child)
            return
        before = bool((element.text or "").strip()) or _has_text_before(element, images[0])
        for img in images:
            parent = img.getparent()
            target = parent if parent is not None and parent.tag == "a" and _only_image(parent) else img
            owner = target.getparent()
            if not before:
                self.image_element(img)
            _remove_keeping_tail(owner, target)
        self.paragraph(_serialize(element))
        if before:
            for img in images:
                self.image_element(img)
        for child in embedded:
            self.element(child)

    def blockquote(self, element) -> None:
        text, attribution = _quote_parts(element)
        if text:
            self.add("block_quote", {"text": text, "attribution": attribution})

    def figure(self, element) -> None:
        classes = element.get("class", "")
        caption_element = element.find(".//figcaption")
        caption = _text(caption_element.text_content()) if caption_element is not None else ""
        if "wp-block-pullquote" in classes:
            self.pullquote(element)
        elif element.find(".//table") is not None:
            self.imported_html(_serialize(element))
        elif element.find(".//blockquote") is not None:
            self.blockquote(element.find(".//blockquote"))
        elif element.find(".//img") is not None:
            for img in element.findall(".//img"):
                self.image_element(img, caption)
        elif element.find(".//iframe") is not None:
            self.element(element.find(".//iframe"))
        else:
            self.imported_html(_serialize(element))

    def pullquote(self, element) -> None:
        text, attribution = _quote_parts(element)
        if attribution:
            text = f"{text}\n— {attribution}"
        if text:
            self.add("pull_quote", {"text": text})

    # shortcodes

    def shortcode(self, name: str, attrs_text: str, content: str | None, source: str) -> None:
        attrs = _shortcode_attrs(attrs_text)
        if name in {"caption", "wp_caption"}:
            self.caption(attrs, content or "")
        elif name == "embed":
            url = unescape(_TAG.sub("", content or "")).strip()
            video = _video(url)
            if video:
                self.video(video)
            else:
                self.link_paragraph(url)
        elif name == "gallery":
            ids = [_int(value) for value in attrs.get("ids", attrs.get("include", "")).split(",")]
            pks = [self.resolve_image("", value) if value else None for value in ids]
            for pk in pks:
                if pk:
                    self.image_block_value(pk, "", "")
            if not pks or not all(pks):
                self.unknown("shortcode [gallery]")
                self.imported_html(f"<p>{escape(source)}</p>")
        elif name == "video":
            src = next((attrs[key] for key in ("src", "mp4", "webm", "m4v", "ogv") if attrs.get(key)), "")
            video = _video(src)
            if video:
                self.video(video)
            else:
                self.unknown("shortcode [video]")
                link = f'<p><a href="{escape(src)}">{escape(src)}</a></p>'
                self.imported_html(link if src else escape(source))
        else:
            self.unknown(f"shortcode [{name}]")
            self.imported_html(f"<p>{escape(_TAG.sub('', source))}</p>" if "<" not in source else source)

    def caption(self, attrs: dict[str, str], content: str) -> None:
        match = _ATTACHMENT_ID.search(attrs.get("id", ""))
        attachment_id = int(match.group(1)) if match else None
        root = _parse(content)
        img = root.find(".//img")
        if img is None:
            self.paragraph(content)
            return
        parent = img.getparent()
        target = parent if parent is not None and parent.tag == "a" and _only_image(parent) else img
        _remove_keeping_tail(target.getparent(), target)
        caption = _text(root.text_content()) or _text(unescape(attrs.get("caption", "")))
        self.image_element(img, caption, attachment_id)

    # block markup

    def blocks(self, nodes: list) -> None:
        for node in nodes:
            if isinstance(node, str):
                if node.strip():
                    self.classic(node, autop=True)
            else:
                self.block(node)

    def block(self, node: _Block) -> None:
        name = node.name
        if name in _DROPPED_BLOCKS:
            return
        if name in _CONTAINER_BLOCKS:
            for part in node.parts:
                if isinstance(part, str):
                    if _text(unescape(_TAG.sub("", part))):
                        self.classic(part, autop=False)
                else:
                    self.block(part)
        elif name in _HTML_BLOCKS:
            self.classic(node.html, autop=False)
        elif name == "shortcode":
            self.classic(node.html, autop=True)
        elif name == "heading":
            try:
                level = int(node.attrs.get("level", 2))
            except (TypeError, ValueError):
                level = 2
            self.heading(_parse(node.html).text_content(), f"h{level}")
        elif name == "image":
            self.image_block(node)
        elif name == "gallery":
            images = [part for part in node.parts if isinstance(part, _Block) and part.name == "image"]
            if images:
                for image in images:
                    self.image_block(image)
            else:
                for img in _parse(node.html).iter("img"):
                    self.image_element(img)
        elif name == "pullquote":
            root = _parse(node.html)
            self.pullquote(root)
        elif name == "embed" or name.startswith("core-embed/"):
            self.embed(node)
        elif name == "video":
            root = _parse(node.html)
            video = root.find(".//video")
            src = (video.get("src", "") if video is not None else "") or node.attrs.get("src", "")
            caption = root.find(".//figcaption")
            self.link_paragraph(src, _text(caption.text_content()) if caption is not None else "")
        elif name == "html":
            self.imported_html(node.html)
        else:
            self.unknown(f"block wp:{name}")
            if node.html.strip():
                self.imported_html(node.html)

    def image_block(self, node: _Block) -> None:
        root = _parse(node.html) if node.html.strip() else None
        img = root.find(".//img") if root is not None else None
        caption_element = root.find(".//figcaption") if root is not None else None
        caption = _text(caption_element.text_content()) if caption_element is not None else ""
        attachment_id = _int(node.attrs.get("id"))
        if img is not None:
            self.image_element(img, caption, attachment_id)
        elif attachment_id:
            self.image(node.attrs.get("url", ""), attachment_id, node.attrs.get("alt", ""), caption)

    def embed(self, node: _Block) -> None:
        root = _parse(node.html) if node.html.strip() else None
        url = node.attrs.get("url") or ""
        if not url and root is not None:
            found = _URL.search(root.text_content())
            url = found.group(0) if found else ""
        caption_element = root.find(".//figcaption") if root is not None else None
        caption = _text(caption_element.text_content()) if caption_element is not None else ""
        video = _video(url)
        if video:
            self.video(video, caption)
        else:
            self.link_paragraph(url, caption)


def _quote_parts(element) -> tuple[str, str]:
    """A quote's text (its paragraphs) and attribution (its <cite>, taken out of the text)."""
    attribution = ""
    for cite in _attribution_cites(element):
        attribution = attribution or _text(cite.text_content())
        _remove_keeping_tail(cite.getparent(), cite)
    paragraphs = [_text(p.text_content()) for p in element.iter("p")]
    text = "\n\n".join(p for p in paragraphs if p) or _text(element.text_content())
    return text, attribution.lstrip("—–- ")


def _attribution_cites(quote) -> list:
    """<cite>s naming the quote's source: direct children or alone in a paragraph (not inline titles)."""
    found = []
    for cite in quote.iter("cite"):
        parent = cite.getparent()
        if parent is quote or parent.tag in {"blockquote", "figure", "footer"} or (
            parent.tag == "p" and len(parent) == 1 and not (parent.text or "").strip()
            and not (cite.tail or "").strip()
        ):
            found.append(cite)
    return found


def _only_image(element) -> bool:
    """True when the element holds an <img> and no text of its own (a linked image)."""
    return element.find(".//img") is not None and not _text(element.text_content())


def _has_text_before(paragraph, img) -> bool:
    for node in paragraph.iter():
        if node is img:
            return False
        if node is not paragraph and (node.text or "").strip() and img not in node.iterdescendants():
            return True
        if node is not paragraph and (node.tail or "").strip() and img not in node.iterdescendants():
            return True
    return False


def _remove_keeping_tail(parent, element) -> None:
    """Remove an element from the tree without losing the text that follows it."""
    if parent is None:
        return
    tail = element.tail
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _on_own_line(text: str, start: int, end: int) -> bool:
    before = text[text.rfind("\n", 0, start) + 1:start]
    line_end = text.find("\n", end)
    after = text[end:] if line_end == -1 else text[end:line_end]
    return not _TAG.sub("", before).strip() and not _TAG.sub("", after).strip()


# --- shortcodes ----------------------------------------------------------------------------------------

_SHORTCODES = {"caption", "wp_caption", "embed", "gallery", "video"}
_SHORTCODE_OR_URL = re.compile(
    r"\[(?P<name>[A-Za-z][\w-]*)(?P<attrs>\s[^\]]*)?\]"
    r"(?:(?P<content>(?:(?!\[(?P=name)[\s\]]).)*?)\[/(?P=name)\])?"
    r"|(?:^|(?<=\n))[ \t]*(?P<url>https?://[^\s<\"]+)[ \t]*(?=\n|$)",
    re.S,
)
_SHORTCODE_ATTR = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s'"]+))""")


def _shortcode_attrs(text: str) -> dict[str, str]:
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2033", '"')
    return {
        match.group(1).lower(): unescape(next(g for g in match.groups()[1:] if g is not None))
        for match in _SHORTCODE_ATTR.finditer(text)
    }


# --- block markup --------------------------------------------------------------------------------------

_BLOCK_COMMENT = re.compile(
    r"<!--\s+(?P<close>/)?wp:(?P<name>[a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?)\s+"
    r"(?P<attrs>\{.*?\}\s+)?(?P<void>/)?-->",
    re.S,
)
_DROPPED_BLOCKS = {"separator", "spacer", "more", "nextpage"}
_CONTAINER_BLOCKS = {"group", "columns", "column", "row", "stack"}
_HTML_BLOCKS = {"paragraph", "list", "list-item", "quote", "preformatted", "code", "verse", "freeform"}


class _Block:
    """A parsed block: its name (without "core/"), attributes, and parts (HTML strings and inner blocks)."""

    __slots__ = ("name", "attrs", "parts", "inner_start", "raw")

    def __init__(self, name: str, attrs: dict, inner_start: int):
        self.name = name
        self.attrs = attrs
        self.parts: list = []
        self.inner_start = inner_start
        self.raw = ""

    @property
    def html(self) -> str:
        """The block's own HTML with its inner blocks' HTML in place (block comments removed)."""
        return _BLOCK_COMMENT.sub("", self.raw)


def _parse_blocks(text: str) -> list:
    root = _Block("", {}, 0)
    stack = [root]
    position = 0
    for match in _BLOCK_COMMENT.finditer(text):
        if match.start() > position:
            stack[-1].parts.append(text[position:match.start()])
        position = match.end()
        name = match.group("name").removeprefix("core/")
        if match.group("close"):
            names = [block.name for block in stack[1:]]
            if name in names:
                while True:
                    block = stack.pop()
                    block.raw = text[block.inner_start:match.start()]
                    if block.name == name:
                        break
            continue
        try:
            attrs = json.loads(match.group("attrs")) if match.group("attrs") else {}
        except ValueError:
            attrs = {}
        block = _Block(name, attrs if isinstance(attrs, dict) else {}, match.end())
        stack[-1].parts.append(block)
        if not match.group("void"):
            stack.append(block)
    if position < len(text):
        stack[-1].parts.append(text[position:])
    for block in stack[1:]:
        block.raw = text[block.inner_start:]
    return root.parts


# --- public API ----------------------------------------------------------------------------------------


def convert_body(
    html: str, *, resolve_image: Callable[[str, int | None], int | None] = lambda url, attachment_id: None
) -> Converted:
    """Turn a post body into raw StreamField blocks for ArticlePage.body.

    `resolve_image(url, attachment_id)` returns the pk of an imported OutletImage, or None.
    """
    builder = _Builder(resolve_image)
    html = (html or "").replace("\r\n", "\n").replace("\r", "\n")
    if "<!-- wp:" in html:
        builder.blocks(_parse_blocks(html))
    else:
        builder.classic(html, autop=True)
    return builder.result


def first_video_url(html: str) -> str:
    """The first YouTube or PeerTube URL in a body (embeds, links, iframes, bare URLs), or ""."""
    for match in _URL.finditer(html or ""):
        url = _video(match.group(0).rstrip(".,;)"))
        if url:
            return url
    return ""
