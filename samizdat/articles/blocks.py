"""StreamField blocks for article bodies."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock, ImageChooserBlock

from samizdat.core.sanitize import sanitize_html
from samizdat.core.video import UnsupportedVideo, parse_video_url
from samizdat.search.text import html_to_text


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=200)
    level = blocks.ChoiceBlock(choices=[("h2", "Heading"), ("h3", "Subheading")], default="h2")

    class Meta:
        icon = "title"
        template = "articles/blocks/heading.html"


class FigureBlock(blocks.StructBlock):
    """An image in the body: alt text is required unless the image is marked decorative."""

    image = ImageBlock()
    caption = blocks.CharBlock(required=False)
    credit = blocks.CharBlock(required=False, help_text=_("Leave empty to use the image's credit."))

    class Meta:
        icon = "image"
        template = "articles/blocks/figure.html"


class PullQuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()

    class Meta:
        icon = "openquote"
        template = "articles/blocks/pull_quote.html"


class BlockQuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False)

    class Meta:
        icon = "openquote"
        template = "articles/blocks/block_quote.html"


class VideoBlock(blocks.StructBlock):
    """A YouTube or PeerTube video behind a click-to-play facade."""

    url = blocks.URLBlock(help_text=_("YouTube or PeerTube address"))
    poster = ImageChooserBlock(required=False)
    caption = blocks.CharBlock(required=False)

    class Meta:
        icon = "media"
        template = "articles/blocks/video.html"

    def clean(self, value):
        value = super().clean(value)
        try:
            parse_video_url(value["url"])
        except UnsupportedVideo as exc:
            raise blocks.StructBlockValidationError(
                block_errors={"url": ErrorList([ValidationError(str(exc))])}
            ) from exc
        return value


class RelatedArticleBlock(blocks.StructBlock):
    article = blocks.PageChooserBlock(page_type="articles.ArticlePage")
    label = blocks.CharBlock(required=False, help_text=_("Defaults to 'Read also'."))

    class Meta:
        icon = "link"
        template = "articles/blocks/related.html"


class ImportedHtmlBlock(blocks.TextBlock):
    """HTML kept from an import (a table, an unknown shortcode or block): sanitized again on every render."""

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["html"] = mark_safe(sanitize_html(str(value or "")))  # noqa: S308 - sanitized just above
        return context

    def get_searchable_content(self, value):
        return [html_to_text(str(value or ""))]

    class Meta:
        icon = "code"
        label = _("Imported HTML")
        template = "articles/blocks/imported_html.html"


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul", "superscript", "subscript"],
        template="articles/blocks/paragraph.html",
    )
    heading = HeadingBlock()
    image = FigureBlock()
    pull_quote = PullQuoteBlock()
    block_quote = BlockQuoteBlock()
    video = VideoBlock()
    related_article = RelatedArticleBlock()
    imported_html = ImportedHtmlBlock()

    def get_searchable_content(self, value):
        """Rich text through one regular expression instead of Django's HTML parser, which made
        indexing a large import slow (the HTML is sanitized when stored); once per body inside
        `searchable_content_memo()`."""
        memo = _searchable_memo.get()
        if memo is not None and id(value) in memo:
            return memo[id(value)]
        content = []
        for child in value:
            if child.block_type == "paragraph":
                content.append(html_to_text(child.value.source))
            else:
                content.extend(child.block.get_searchable_content(child.value))
        if memo is not None:
            memo[id(value)] = content
        return content


_searchable_memo: ContextVar[dict[int, list[str]] | None] = ContextVar("searchable_memo", default=None)


@contextmanager
def searchable_content_memo() -> Iterator[None]:
    """Work out each body's searchable content once while bulk-indexing pages the caller holds:
    Wagtail's SQLite search backend asks for every field three times per page. Bodies are told
    apart by identity, so only use it around pages that stay in memory and unchanged meanwhile."""
    token = _searchable_memo.set({})
    try:
        yield
    finally:
        _searchable_memo.reset(token)
