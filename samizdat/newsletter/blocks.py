"""StreamField blocks of a newsletter issue: an intro, articles shown as cards, free text."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

RICH = ["bold", "italic", "link", "ol", "ul"]


class ArticleCardsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=200, label=_("Heading"))
    articles = blocks.ListBlock(blocks.PageChooserBlock(page_type="articles.ArticlePage"), min_num=1,
                                label=_("Articles"))

    class Meta:
        icon = "doc-full"
        label = _("Articles as cards")


class IssueBodyBlock(blocks.StreamBlock):
    intro = blocks.RichTextBlock(features=RICH, label=_("Intro"))
    articles = ArticleCardsBlock()
    text = blocks.RichTextBlock(features=[*RICH, "h2", "h3"], label=_("Free text"))
