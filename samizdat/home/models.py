"""The outlet's front page, one per language, curated by the editors."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from samizdat.articles.blocks import ArticleBodyBlock
from samizdat.core.chrome import OutletPageMixin


class HomePage(OutletPageMixin, Page):
    """Lead story, a strip of featured stories, then one block per chosen section.

    Anything an editor leaves empty falls back to the latest articles.
    """

    tagline = models.CharField(max_length=200, blank=True)
    lead_story = models.ForeignKey(
        "articles.ArticlePage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("Leave empty to lead with the latest article."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("tagline"),
        MultiFieldPanel(
            [FieldPanel("lead_story"), InlinePanel("featured", label=_("Featured story"), max_num=6)],
            heading=_("Top of the page"),
        ),
        InlinePanel("section_blocks", label=_("Section block")),
    ]
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = None

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        from samizdat.home.curation import front_page

        context = super().get_context(request, *args, **kwargs)
        context["front"] = front_page(self)
        return context


class FeaturedStory(Orderable):
    home = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured")
    article = models.ForeignKey("articles.ArticlePage", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("article")]


class SectionBlock(Orderable):
    home = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="section_blocks")
    section = models.ForeignKey("articles.SectionPage", on_delete=models.CASCADE, related_name="+")
    count = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("How many of the section's latest articles to show (1–12)."),
    )

    panels = [FieldPanel("section"), FieldPanel("count")]


class StandardPage(OutletPageMixin, Page):
    """A plain page (About, Contact details, a campaign's background): an intro and a body.

    The WordPress importer turns WordPress pages into these, keeping their parent/child structure.
    """

    intro = models.TextField(blank=True, help_text=_("A sentence or two under the title."))
    body = StreamField(ArticleBodyBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
