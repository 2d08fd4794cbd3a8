"""Stream a WordPress export (WXR 1.0–1.2) into plain records, with flat memory.

`read_wxr` walks the file once with lxml's iterparse, yields the channel (`Site`), authors,
terms and items as they end, and clears each element behind it. It never resolves entities
or touches the network. A file that isn't a WordPress export raises `NotWxr` before anything
is yielded; XML broken further down yields a `Problem` and stops (what came before stands).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from lxml import etree

from samizdat.importers.wordpress.records import Author, Item, ItemTerm, NotWxr, Problem, Site, Term

Record = Site | Author | Term | Item | Problem

CHANNEL_FIELDS = {
    "title": "title", "link": "link", "wp:base_site_url": "base_site_url",
    "wp:base_blog_url": "base_blog_url", "language": "language", "wp:wxr_version": "wxr_version",
}
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def family(namespace: str) -> str:
    """The prefix a namespace URI stands for, whatever its WXR version or scheme."""
    if "wordpress.org/export/" in namespace:
        return "excerpt" if namespace.rstrip("/").endswith("/excerpt") else "wp"
    if "purl.org/rss/1.0/modules/content" in namespace:
        return "content"
    if "purl.org/dc/elements" in namespace:
        return "dc"
    return namespace


def key(element) -> str:
    """"wp:post_id", "title", "content:encoded": an element's name by namespace family."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    if tag.startswith("{"):
        namespace, local = tag[1:].split("}", 1)
        return f"{family(namespace)}:{local}"
    return tag


def text(element) -> str:
    return CONTROL_CHARS.sub("", element.text or "").strip() if element is not None else ""


def fields(element) -> dict[str, str]:
    """The element's simple children as {key: text} (the first of each wins)."""
    found: dict[str, str] = {}
    for child in element:
        name = key(child)
        if name and name not in found:
            found[name] = CONTROL_CHARS.sub("", child.text or "")
    return found


def to_int(value: str, default: int = 0) -> int:
    value = (value or "").strip()
    return int(value) if value.lstrip("-").isdigit() else default


def parse_date(value: str) -> datetime | None:
    """"2024-05-01 10:00:00" as UTC; None for WordPress's "0000-00-00 00:00:00" or garbage."""
    value = (value or "").strip()
    if not value or value.startswith("0000"):
        return None
    try:
        return datetime.strptime(value[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def read_author(element) -> Author:
    found = fields(element)
    return Author(
        login=found.get("wp:author_login", "").strip(),
        email=found.get("wp:author_email", "").strip(),
        display_name=found.get("wp:author_display_name", "").strip(),
        first_name=found.get("wp:author_first_name", "").strip(),
        last_name=found.get("wp:author_last_name", "").strip(),
        author_id=to_int(found.get("wp:author_id", ""), 0) or None,
    )


def read_term(element, name: str) -> Term:
    found = {k: v.strip() for k, v in fields(element).items()}
    term_id = to_int(found.get("wp:term_id", ""), 0) or None
    if name == "wp:category":
        return Term("category", found.get("wp:category_nicename", ""), found.get("wp:cat_name", ""),
                    found.get("wp:category_parent", ""), found.get("wp:category_description", ""), term_id)
    if name == "wp:tag":
        return Term("post_tag", found.get("wp:tag_slug", ""), found.get("wp:tag_name", ""), "",
                    found.get("wp:tag_description", ""), term_id)
    return Term(found.get("wp:term_taxonomy", ""), found.get("wp:term_slug", ""),
                found.get("wp:term_name", ""), found.get("wp:term_parent", ""),
                found.get("wp:term_description", ""), term_id)


def read_item(element) -> Item:
    simple: dict[str, str] = {}
    terms: list[ItemTerm] = []
    meta: dict[str, str] = {}
    comments = 0
    for child in element:
        name = key(child)
        if name == "category":
            terms.append(ItemTerm(child.get("domain", ""), child.get("nicename", ""), text(child)))
        elif name == "wp:postmeta":
            found = fields(child)
            meta_key = found.get("wp:meta_key", "").strip()
            if meta_key:
                meta[meta_key] = found.get("wp:meta_value", "")
        elif name == "wp:comment":
            comments += 1
        elif name and name not in simple:
            simple[name] = CONTROL_CHARS.sub("", child.text or "")
    get = lambda name: simple.get(name, "").strip()  # noqa: E731
    return Item(
        post_id=to_int(get("wp:post_id")),
        post_type=get("wp:post_type") or "post",
        status=get("wp:status"),
        title=get("title"),
        guid=get("guid"),
        link=get("link"),
        slug=get("wp:post_name"),
        password=get("wp:post_password"),
        date=parse_date(get("wp:post_date_gmt")) or parse_date(get("wp:post_date")),
        parent_id=to_int(get("wp:post_parent")),
        menu_order=to_int(get("wp:menu_order")),
        creator=get("dc:creator"),
        content=simple.get("content:encoded", ""),
        excerpt=simple.get("excerpt:encoded", ""),
        terms=terms,
        is_sticky=get("wp:is_sticky") == "1",
        attachment_url=get("wp:attachment_url"),
        meta=meta,
        comment_count=comments,
        line=element.sourceline,
    )


def _open(source: str | Path | IO[bytes]):
    if isinstance(source, (str, Path)):
        return open(source, "rb")  # noqa: SIM115 (closed by read_wxr)
    return source


def read_wxr(source: str | Path | IO[bytes]) -> Iterator[Record]:
    """Yield the export's Site, then authors, terms and items in file order (Problems inline)."""
    handle = _open(source)
    try:
        yield from _read(handle)
    finally:
        if handle is not source:
            handle.close()


CHUNK_BYTES = 1 << 16


def _events(handle) -> Iterator[tuple[str, etree._Element]]:
    """Parse events as the file streams in; on broken XML, every event before the break
    comes out first and then the XMLSyntaxError (lxml's iterparse may drop that chunk's events)."""
    parser = etree.XMLPullParser(
        events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False,
        huge_tree=True, remove_comments=True, remove_pis=True,
    )
    while True:
        chunk = handle.read(CHUNK_BYTES)
        try:
            if chunk:
                parser.feed(chunk)
            else:
                parser.close()
        except etree.XMLSyntaxError:
            yield from parser.read_events()
            raise
        yield from parser.read_events()
        if not chunk:
            return


def _read(handle) -> Iterator[Record]:
    depth = 0
    site = Site()
    sent = False
    try:
        for event, element in _events(handle):
            if event == "start":
                if depth == 0:
                    _check_root(element)
                depth += 1
                continue
            depth -= 1
            if depth != 2:
                continue
            name = key(element)
            if name in CHANNEL_FIELDS:
                setattr(site, CHANNEL_FIELDS[name], text(element))
            elif name in ("wp:author", "wp:category", "wp:tag", "wp:term", "item"):
                if not sent:
                    sent = True
                    yield site
                if name == "wp:author":
                    yield read_author(element)
                elif name == "item":
                    yield read_item(element)
                else:
                    yield read_term(element, name)
            element.clear(keep_tail=False)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as exc:
        if not sent:
            raise NotWxr(f"Not a WordPress export: the file is not readable XML ({exc.msg}).") from exc
        yield Problem(f"line {exc.lineno}", f"Malformed XML, reading stopped here: {exc.msg}")
        return
    if depth != 0 or not (sent or site.wxr_version):
        raise NotWxr("The file has no WordPress export channel (no wp:wxr_version).")
    if not sent:
        yield site


def _check_root(element) -> None:
    if key(element) != "rss":
        raise NotWxr(f"Not a WordPress export: the document is <{etree.QName(element).localname}>, "
                     "not an RSS file.")
    if not any(uri and family(uri) == "wp" for uri in element.nsmap.values()):
        raise NotWxr("Not a WordPress export: an RSS file without the WordPress (wp:) namespace.")
