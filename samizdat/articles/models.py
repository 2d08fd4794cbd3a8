"""What the newsroom publishes: sections, topics, articles, dossiers and video series."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from samizdat.articles.blocks import ArticleBodyBlock
from samizdat.articles.forms import ArticleForm
from samizdat.core.chrome import OutletPageMixin
from samizdat.core.pagination import paginate
from samizdat.core.video import UnsupportedVideo, VideoEmbed, parse_video_url


class Topic(TranslatableMixin, index.Indexed, models.Model):
    """A subject the outlet follows across sections (e.g. "War in Ukraine")."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, allow_unicode=False)
    description = models.TextField(blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["locale", "slug"], name="unique_topic_slug_per_locale")
        ]

    def __str__(self) -> str:
        return self.name


register_snippet(Topic)


class SectionPage(OutletPageMixin, Page):
    """A section of the outlet (Labor, International, Video…): an archive of its articles.

    Articles are filed below it in year and month folders, so no page ever has tens of
    thousands of direct children.
    """

    description = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("description")]
    parent_page_types = ["home.HomePage"]
    show_in_menus_default = True
    subpage_types = [
        "articles.ArticlePage",
        "articles.YearArchivePage",
        "articles.DossierPage",
        "articles.VideoSeriesPage",
    ]
    search_fields = Page.search_fields + [index.SearchField("description")]

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        from samizdat.articles.queries import article_cards

        context = super().get_context(request, *args, **kwargs)
        context["articles"] = paginate(request, article_cards(locale=self.locale_id).filter(section=self))
        return context


class YearArchivePage(OutletPageMixin, Page):
    """A year folder inside a section; created automatically when articles are filed."""

    parent_page_types = ["articles.SectionPage"]
    subpage_types = ["articles.MonthArchivePage"]
    is_creatable = False
    template = "articles/archive_page.html"

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        from samizdat.articles.queries import article_cards

        context = super().get_context(request, *args, **kwargs)
        context["articles"] = paginate(request, article_cards(locale=self.locale_id).descendant_of(self))
        return context

    def copy_for_translation(self, locale, copy_parents=False, alias=False, exclude_fields=None):
        """Folders are translated for real, never as aliases, with a title in the new language.

        Wagtail copies an article's missing parents as aliases when it is translated;
        an alias of "November 2026" would stay English on the Spanish site.
        """
        from samizdat.articles.services import folder_title

        copy = super().copy_for_translation(locale, copy_parents=copy_parents, alias=False,
                                            exclude_fields=exclude_fields)
        copy.title = folder_title(self, locale.language_code)
        copy.save_revision().publish()
        copy.refresh_from_db()
        return copy


class MonthArchivePage(YearArchivePage):
    """A month folder inside a year folder; articles live here."""

    parent_page_types = ["articles.YearArchivePage"]
    subpage_types = ["articles.ArticlePage"]
    is_creatable = False
    template = "articles/archive_page.html"


class ArticleAuthor(Orderable):
    article = ParentalKey("articles.ArticlePage", on_delete=models.CASCADE, related_name="authors")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="bylines")

    panels = [FieldPanel("person")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["article", "person"], name="unique_byline")
        ]


class RelatedArticle(Orderable):
    article = ParentalKey(
        "articles.ArticlePage", on_delete=models.CASCADE, related_name="chosen_related"
    )
    related = models.ForeignKey(
        "articles.ArticlePage", on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("related")]


class ArticlePage(OutletPageMixin, Page):
    """One piece of journalism: an article, video, statement, interview, report or translation."""

    class Kind(models.TextChoices):
        ARTICLE = "article", _("Article")
        VIDEO = "video", _("Video")
        STATEMENT = "statement", _("Statement")
        INTERVIEW = "interview", _("Interview")
        REPORT = "report", _("Report")
        TRANSLATION = "translation", _("Translation")

    class PartnerRelation(models.TextChoices):
        REPUBLISHED = "republished", _("Originally published by")
        COLLABORATION = "collaboration", _("In collaboration with")

    dek = models.TextField(
        "standfirst", blank=True, max_length=600,
        help_text=_("One or two sentences under the headline; used as the excerpt."),
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ARTICLE)
    display_date = models.DateTimeField(
        default=timezone.now, db_index=True,
        help_text=_("The date readers see and archives sort by."),
    )
    dateline = models.CharField(
        max_length=100, blank=True, help_text=_("Place the story was filed from, e.g. Paris.")
    )
    lead_image = models.ForeignKey(
        "core.OutletImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead_image_caption = models.CharField(max_length=300, blank=True)
    video_url = models.URLField(
        blank=True, help_text=_("For videos: the YouTube or PeerTube address the article leads with.")
    )
    body = StreamField(ArticleBodyBlock(), blank=True)
    topics = ParentalManyToManyField(Topic, blank=True, related_name="articles")
    partner_relation = models.CharField(
        max_length=20, choices=PartnerRelation.choices, blank=True
    )
    partner_name = models.CharField(max_length=200, blank=True)
    original_url = models.URLField(
        blank=True, help_text=_("Where a republished piece first appeared; becomes the canonical link.")
    )
    section = models.ForeignKey(
        SectionPage, null=True, blank=True, editable=False, on_delete=models.SET_NULL,
        related_name="filed_articles",
    )

    content_panels = Page.content_panels + [
        FieldPanel("dek"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("kind"), FieldPanel("display_date"), FieldPanel("dateline")])],
            heading=_("Kind, date and place"),
        ),
        InlinePanel("authors", label=_("Author"), min_num=1),
        MultiFieldPanel(
            [FieldPanel("lead_image"), FieldPanel("lead_image_caption"), FieldPanel("video_url")],
            heading=_("Lead image or video"),
        ),
        FieldPanel("body"),
        FieldPanel("topics"),
        InlinePanel("chosen_related", label=_("Related article"), max_num=4),
        MultiFieldPanel(
            [FieldPanel("partner_relation"), FieldPanel("partner_name"), FieldPanel("original_url")],
            heading=_("Partner outlet"),
            classname="collapsed",
        ),
    ]
    parent_page_types = ["articles.SectionPage", "articles.MonthArchivePage"]
    subpage_types: list[str] = []
    base_form_class = ArticleForm
    serve_select_related = ("lead_image", "section")
    search_fields = Page.search_fields + [
        index.SearchField("dek"),
        index.SearchField("body"),
        index.FilterField("kind"),
        index.FilterField("display_date"),
    ]

    class Meta:
        indexes = [models.Index(fields=["section", "display_date"])]

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.kind == self.Kind.VIDEO and not self.video_url:
            errors["video_url"] = _("A video article needs the address of its video.")
        if self.video_url:
            try:
                parse_video_url(self.video_url)
            except UnsupportedVideo as exc:
                errors["video_url"] = str(exc)
        if self.lead_image and not (self.lead_image.description or "").strip():
            errors["lead_image"] = _(
                "This image has no alt text: describe it in the image's 'Description' field first."
            )
        if bool(self.partner_relation) != bool(self.partner_name):
            errors["partner_name"] = _("Name the partner outlet and how you worked with it, or neither.")
        if errors:
            raise ValidationError(errors)

    @cached_property
    def video(self) -> VideoEmbed | None:
        try:
            return parse_video_url(self.video_url) if self.video_url else None
        except UnsupportedVideo:
            return None

    @property
    def excerpt(self) -> str:
        """The dek, else the start of the first paragraph, for archives and feeds."""
        if self.dek:
            return self.dek
        for block in self.body:
            if block.block_type == "paragraph":
                return Truncator(strip_tags(str(block.value.source))).words(40)
        return ""

    @property
    def canonical_url(self) -> str:
        return self.original_url if self.partner_relation == "republished" else self.full_url

    def save(self, *args, **kwargs):
        from samizdat.articles.services import section_for

        update_fields = kwargs.get("update_fields")
        if self.path and (update_fields is None or "section" in update_fields):
            self.section = section_for(self)
        return super().save(*args, **kwargs)

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        from samizdat.articles.queries import article_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(article_page_context(self))
        return context


class DossierItem(Orderable):
    dossier = ParentalKey("articles.DossierPage", on_delete=models.CASCADE, related_name="items")
    article = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="+")
    note = models.TextField(blank=True, help_text=_("Why this piece belongs in the dossier."))

    panels = [FieldPanel("article"), FieldPanel("note")]


class DossierPage(OutletPageMixin, Page):
    """A curated, annotated reading list on one subject."""

    intro = RichTextField(features=["bold", "italic", "link"], blank=True)
    lead_image = models.ForeignKey(
        "core.OutletImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("lead_image"),
        InlinePanel("items", label=_("Article"), min_num=1),
    ]
    parent_page_types = ["articles.SectionPage", "home.HomePage"]
    subpage_types: list[str] = []
    search_fields = Page.search_fields + [index.SearchField("intro")]

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        from samizdat.articles.queries import ordered_items

        context = super().get_context(request, *args, **kwargs)
        context["items"] = ordered_items(self.items)
        return context


class SeriesEpisode(Orderable):
    series = ParentalKey(
        "articles.VideoSeriesPage", on_delete=models.CASCADE, related_name="episodes"
    )
    article = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("article")]


class VideoSeriesPage(OutletPageMixin, Page):
    """An ordered series of video episodes (e.g. a political-education course)."""

    description = RichTextField(features=["bold", "italic", "link"], blank=True)
    lead_image = models.ForeignKey(
        "core.OutletImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    content_panels = Page.content_panels + [
        FieldPanel("description"),
        FieldPanel("lead_image"),
        InlinePanel("episodes", label=_("Episode"), min_num=1),
    ]
    parent_page_types = ["articles.SectionPage", "home.HomePage"]
    subpage_types: list[str] = []
    search_fields = Page.search_fields + [index.SearchField("description")]

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        from samizdat.articles.queries import ordered_items

        context = super().get_context(request, *args, **kwargs)
        context["episodes"] = ordered_items(self.episodes)
        return context


class TopicIndexPage(OutletPageMixin, RoutablePageMixin, Page):
    """/topics/ lists the topics; /topics/<slug>/ is one topic's archive."""

    intro = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    @path("")
    def topic_list(self, request: HttpRequest) -> HttpResponse:
        topics = Topic.objects.filter(locale=self.locale_id)
        return self.render(request, context_overrides={"topics": topics})

    @path("<slug:slug>/")
    def topic(self, request: HttpRequest, slug: str) -> HttpResponse:
        from samizdat.articles.queries import article_cards

        topic = Topic.objects.filter(locale=self.locale, slug=slug).first()
        if topic is None:
            raise Http404(_("No topic with that name."))
        articles = article_cards(locale=self.locale_id).filter(
            topics__translation_key=topic.translation_key
        )
        translated_slugs = Topic.objects.filter(translation_key=topic.translation_key).values_list(
            "locale_id", "slug"
        )
        return self.render(
            request,
            context_overrides={"topic": topic, "articles": paginate(request, articles)},
            template="articles/topic_page.html",
            chrome_subpaths={locale_id: f"{slug}/" for locale_id, slug in translated_slugs},
        )

    def topic_url(self, topic: Topic) -> str:
        return self.url + self.reverse_subpage("topic", kwargs={"slug": topic.slug})
