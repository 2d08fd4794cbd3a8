"""Plain records read from a WXR export: what the reader yields and the importer consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Site:
    """The export's channel: the blog's own address and language."""

    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    language: str = ""
    wxr_version: str = ""


@dataclass
class Author:
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    author_id: int | None = None


@dataclass
class Term:
    """A category, tag or other taxonomy term declared in the channel."""

    taxonomy: str  # "category", "post_tag", or another taxonomy name (nav_menu, post_format, …)
    slug: str
    name: str = ""
    parent_slug: str = ""
    description: str = ""
    term_id: int | None = None


@dataclass
class ItemTerm:
    """A term attached to an item (`<category domain=… nicename=…>`)."""

    taxonomy: str  # the `domain`: "category", "post_tag", "post_format", …
    slug: str
    name: str = ""


@dataclass
class Item:
    """One `<item>`: a post, page, attachment, or any other post type."""

    post_id: int
    post_type: str
    status: str  # publish, draft, pending, future, private, trash, inherit, auto-draft
    title: str = ""
    guid: str = ""
    link: str = ""
    slug: str = ""
    password: str = ""
    date: datetime | None = None  # aware (UTC); None when WordPress left it empty (0000-00-00)
    parent_id: int = 0
    menu_order: int = 0
    creator: str = ""  # the author's login
    content: str = ""
    excerpt: str = ""
    terms: list[ItemTerm] = field(default_factory=list)
    is_sticky: bool = False
    attachment_url: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    comment_count: int = 0
    line: int | None = None  # where the item starts in the file, for messages

    @property
    def post_format(self) -> str:
        """"standard", or the post format's name ("video", "gallery", …)."""
        for term in self.terms:
            if term.taxonomy == "post_format" and term.slug.startswith("post-format-"):
                return term.slug.removeprefix("post-format-")
        return "standard"

    @property
    def thumbnail_id(self) -> int | None:
        """The attachment id of the featured image, if any."""
        value = self.meta.get("_thumbnail_id", "").strip()
        return int(value) if value.isdigit() else None

    def terms_of(self, taxonomy: str) -> list[ItemTerm]:
        return [term for term in self.terms if term.taxonomy == taxonomy]


@dataclass
class Problem:
    """Something the reader could not read; the import goes on and the summary lists it."""

    where: str  # "line 120", "item 45"
    message: str


class NotWxr(Exception):
    """The file is not a WordPress export at all (or nothing in it could be read)."""
