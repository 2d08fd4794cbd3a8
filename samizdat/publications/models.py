"""Print publications: magazines and their numbered issues, books and pamphlets, download counts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from samizdat.core.chrome import OutletPageMixin
from samizdat.publications.isbn import InvalidISBN, normalize_isbn
from samizdat.publications.panels import DownloadsPanel

RICH = ["bold", "italic", "link"]


def _cover_field() -> models.ForeignKey:
    return models.ForeignKey(
        "core.OutletImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


def _document_field(help_text: str = "") -> models.ForeignKey:
    return models.ForeignKey(
        "wagtaildocs.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=help_text,
    )


class PublicationsIndexPage(OutletPageMixin, Page):
    """The publications page of one language: magazines, their latest issues, books and pamphlets."""

    intro = RichTextField(features=RICH, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["publications.MagazinePage", "publications.BookPage"]
    max_count_per_parent = 1
    show_in_menus_default = True
    search_fields = Page.search_fields + [index.SearchField("intro")]

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        from samizdat.publications.queries import index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(index_context(self))
        return context


class MagazinePage(OutletPageMixin, Page):
    """A periodical the outlet prints; its issues are its children, newest first."""

    description = RichTextField(features=RICH, blank=True)
    cover = _cover_field()

    content_panels = Page.content_panels + [FieldPanel("description"), FieldPanel("cover")]
    parent_page_types = ["publications.PublicationsIndexPage"]
    subpage_types = ["publications.MagazineIssuePage"]
    serve_select_related = ("cover",)
    search_fields = Page.search_fields + [index.SearchField("description")]

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        from samizdat.publications.queries import magazine_context

        context = super().get_context(request, *args, **kwargs)
        context.update(magazine_context(self, request))
        return context


class IssueForm(WagtailAdminPageForm):
    """Tells a new issue which magazine it belongs to, so its clean() can check the number."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        parent = self.parent_page.specific if self.parent_page is not None else None
        if isinstance(parent, MagazinePage):
            self.instance.magazine = parent


class MagazineIssuePage(OutletPageMixin, Page):
    """One numbered issue: cover, introduction, table of contents, PDF and print order link."""

    magazine = models.ForeignKey(
        MagazinePage, null=True, blank=True, editable=False, on_delete=models.SET_NULL,
        related_name="issues",
    )
    number = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    issue_date = models.DateField()
    cover = _cover_field()
    introduction = RichTextField(features=RICH, blank=True)
    pdf = _document_field(_("The whole issue as a PDF, free to download."))
    order_url = models.URLField(blank=True, help_text=_("Where readers can order a printed copy."))

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("number"), FieldPanel("issue_date")]),
        FieldPanel("cover"),
        FieldPanel("introduction"),
        InlinePanel("contents", label=_("Table of contents entry")),
        MultiFieldPanel([FieldPanel("pdf"), DownloadsPanel(("pdf",)), FieldPanel("order_url")],
                        heading=_("Download and print")),
    ]
    parent_page_types = ["publications.MagazinePage"]
    subpage_types: list[str] = []
    base_form_class = IssueForm
    serve_select_related = ("cover", "pdf", "magazine")
    search_fields = Page.search_fields + [index.SearchField("introduction")]

    class Meta:
        indexes = [models.Index(fields=["magazine", "number"])]

    def _parent_magazine(self) -> MagazinePage | None:
        if self.magazine_id:
            return self.magazine
        if self.path and self.depth:
            parent = self.get_parent()
            return parent.specific if parent is not None else None
        return None

    def clean(self) -> None:
        super().clean()
        magazine = self._parent_magazine()
        if magazine is None or not self.number:
            return
        taken = MagazineIssuePage.objects.child_of(magazine).filter(number=self.number)
        if self.pk:
            taken = taken.exclude(pk=self.pk)
        if taken.exists():
            raise ValidationError({"number": _("This magazine already has an issue No. %(number)s.")
                                   % {"number": self.number}})

    def save(self, *args, **kwargs):
        if self.path and self.depth:
            parent = self.get_parent()
            if parent is not None and isinstance(parent.specific, MagazinePage):
                self.magazine_id = parent.pk
        return super().save(*args, **kwargs)

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        from samizdat.publications.queries import issue_context

        context = super().get_context(request, *args, **kwargs)
        context.update(issue_context(self))
        return context


class IssueContent(Orderable):
    """A table-of-contents line: an article on the site, or a piece printed only on paper."""

    issue = ParentalKey(MagazineIssuePage, on_delete=models.CASCADE, related_name="contents")
    article = models.ForeignKey(
        "articles.ArticlePage", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="printed_in",
    )
    title = models.CharField(
        max_length=255, blank=True, help_text=_("For a piece that is in print only.")
    )
    byline = models.CharField(max_length=255, blank=True)
    page_number = models.PositiveSmallIntegerField(null=True, blank=True)

    panels = [
        FieldPanel("article"),
        FieldRowPanel([FieldPanel("title"), FieldPanel("byline")]),
        FieldPanel("page_number"),
    ]

    def clean(self) -> None:
        super().clean()
        if not self.article_id and not self.title.strip():
            raise ValidationError(
                {"article": _("Choose an article, or give the title of a print-only piece.")}
            )
        if self.article_id and self.title.strip():
            raise ValidationError(
                {"title": _("Either choose an article or give a print-only title, not both.")}
            )


class BookPage(OutletPageMixin, Page):
    """A book or pamphlet: free to download as PDF/EPUB, or for sale."""

    class Kind(models.TextChoices):
        BOOK = "book", _("Book")
        PAMPHLET = "pamphlet", _("Pamphlet")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.BOOK)
    cover = _cover_field()
    description = RichTextField(features=RICH, blank=True)
    isbn = models.CharField(
        "ISBN", max_length=17, blank=True, help_text=_("ISBN-10 or ISBN-13; hyphens are fine.")
    )
    pdf = _document_field()
    epub = _document_field()
    purchase_url = models.URLField(blank=True, help_text=_("Required when there is no free download."))
    price = models.CharField(max_length=60, blank=True, help_text=_("As readers should see it, e.g. €12."))

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        InlinePanel("authors", label=_("Author")),
        FieldPanel("cover"),
        FieldPanel("description"),
        FieldPanel("isbn"),
        MultiFieldPanel(
            [
                FieldPanel("pdf"),
                FieldPanel("epub"),
                DownloadsPanel(("pdf", "epub")),
                FieldRowPanel([FieldPanel("purchase_url"), FieldPanel("price")]),
            ],
            heading=_("Download or purchase"),
        ),
    ]
    parent_page_types = ["publications.PublicationsIndexPage"]
    subpage_types: list[str] = []
    serve_select_related = ("cover", "pdf", "epub")
    search_fields = Page.search_fields + [index.SearchField("description")]

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.isbn.strip():
            try:
                self.isbn = normalize_isbn(self.isbn)
            except InvalidISBN as exc:
                errors["isbn"] = str(exc)
        if not self.pdf_id and not self.epub_id and not self.purchase_url:
            errors["purchase_url"] = _("Give a PDF or EPUB to download, or a link where it can be bought.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_free(self) -> bool:
        return bool(self.pdf_id or self.epub_id)

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        from samizdat.publications.queries import book_context

        context = super().get_context(request, *args, **kwargs)
        context.update(book_context(self))
        return context


class BookAuthor(Orderable):
    book = ParentalKey(BookPage, on_delete=models.CASCADE, related_name="authors")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="books")

    panels = [FieldPanel("person")]


class DownloadCount(models.Model):
    """How many times a document was downloaded on one day; nothing about who downloaded it."""

    document = models.ForeignKey("wagtaildocs.Document", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "day"], name="unique_download_count_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} {self.day}: {self.count}"
