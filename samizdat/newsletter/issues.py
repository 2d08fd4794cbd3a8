"""Newsletter issues: written and previewed in the admin, sent to lists when published.

The same pieces make the email and the web version: `issue_parts()` turns the body into
intro and free-text parts (rich text with absolute links, and its plain-text rendering) and
article cards (title, link, dek, byline, date), with one query for all the chosen articles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from django import forms
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from lxml import html as lxml_html
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.rich_text import expand_db_html

from samizdat.core.chrome import OutletPageMixin
from samizdat.newsletter.blocks import IssueBodyBlock

PREVIEW_WEB, PREVIEW_EMAIL, PREVIEW_TEXT = "", "email", "text"
BLOCK_TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "blockquote", "div"}


@dataclass
class IssuePart:
    """One block of the body: rich text (`html`, `text`) or a group of articles shown as `cards`."""

    kind: str  # "intro", "text" or "articles"
    html: str = ""
    text: str = ""
    heading: str = ""
    cards: list = field(default_factory=list)  # live ArticlePages, with section and bylines


def absolute_links(html: str, root_url: str) -> str:
    """`html` with every link and image address made absolute against `root_url`."""
    if not html.strip():
        return html
    fragment = lxml_html.fragment_fromstring(html, create_parent="div")
    for element in fragment.iter("a", "img"):
        attribute = "href" if element.tag == "a" else "src"
        address = element.get(attribute)
        if address and not address.startswith(("mailto:", "tel:", "#")):
            element.set(attribute, urljoin(root_url.rstrip("/") + "/", address))
    inner = (fragment.text or "") + "".join(
        lxml_html.tostring(child, encoding="unicode") for child in fragment
    )
    return inner


def html_to_text(html: str) -> str:
    """Readable plain text for rich text: paragraphs apart, list items with "- ", links as "text (URL)"."""
    if not html.strip():
        return ""
    fragment = lxml_html.fragment_fromstring(html, create_parent="div")
    pieces: list[str] = []

    def flat(text: str | None) -> str:
        return " ".join((text or "").split("\n")) if text else ""

    def walk(element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        pieces.append({"li": "\n- ", "br": "\n"}.get(tag, "\n\n" if tag in BLOCK_TAGS else ""))
        pieces.append(flat(element.text))
        for child in element:
            walk(child)
        href = (element.get("href") or "") if tag == "a" else ""
        if href and href != element.text_content().strip():
            pieces.append(f" ({href})")
        if tag in BLOCK_TAGS:
            pieces.append("\n\n")
        pieces.append(flat(element.tail))

    walk(fragment)
    paragraphs = re.split(r"\n\s*\n", "".join(pieces))
    cleaned = ["\n".join(" ".join(line.split()) for line in part.split("\n") if line.strip())
               for part in paragraphs]
    return "\n\n".join(part for part in cleaned if part)


def _chosen_article_ids(raw_body) -> list[int]:
    ids: list[int] = []
    for block in raw_body:
        if block.get("type") != "articles":
            continue
        for item in (block.get("value") or {}).get("articles") or []:
            value = item.get("value") if isinstance(item, dict) else item
            if isinstance(value, int) and value not in ids:
                ids.append(value)
    return ids


class IssueAdminForm(WagtailAdminPageForm):
    """Drafts may be incomplete; publishing (which sends the issue) needs lists and a body."""

    def clean(self):
        cleaned_data = super().clean()
        if not self.data.get("action-publish"):
            return cleaned_data
        if "mailing_lists" in self.fields and not cleaned_data.get("mailing_lists"):
            self.add_error("mailing_lists", _("Choose at least one list to send this issue to before "
                                              "publishing it. You can still save it as a draft."))
        if "body" in self.fields and self._body_is_empty(cleaned_data):
            self.errors.pop("body", None)  # instead of the field's bare "This field is required."
            self.add_error("body", _("This issue is empty: add an intro, articles or text before "
                                     "publishing it."))
        return cleaned_data

    def _body_is_empty(self, cleaned_data) -> bool:
        if "body" in self.errors:  # an empty StreamField fails as "required": look at what was posted
            widget = self.fields["body"].widget
            posted = widget.value_from_datadict(self.data, self.files, self.add_prefix("body"))
            return not len(posted)
        return not cleaned_data.get("body")


class NewsletterIssuePage(OutletPageMixin, Page):
    """One issue: its page is the web version; publishing it (now or scheduled) sends it."""

    preheader = models.CharField(_("preview text"), max_length=200, blank=True,
                                 help_text=_("The line mail apps show after the subject."))
    body = StreamField(IssueBodyBlock(), verbose_name=_("body"))
    mailing_lists = ParentalManyToManyField("newsletter.MailingList", verbose_name=_("send to lists"),
                                            related_name="issues", blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("preheader"),
        FieldPanel("body"),
        FieldPanel("mailing_lists", widget=forms.CheckboxSelectMultiple,
                   help_text=_("Publishing sends the issue to the confirmed subscribers of these lists "
                               "who read its language. Set a go-live date to schedule it.")),
    ]
    base_form_class = IssueAdminForm
    parent_page_types = ["newsletter.NewsletterPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")

    # ------------------------------------------------------------------ content

    def root_url(self) -> str:
        """The root URL of the issue's site, for absolute links in mail."""
        from samizdat.newsletter.links import site_root_url

        site = self.get_site() if self.path else None
        return site.root_url if site else site_root_url()

    def web_url(self) -> str:
        """The web version's address (the issue page); "" for an issue not yet in the tree."""
        if not self.url_path:
            return ""
        return self.get_full_url() or ""

    def issue_parts(self, root_url: str | None = None) -> list[IssuePart]:
        """The body as parts for the email and the web version; one query for every chosen article."""
        from samizdat.articles.models import ArticlePage
        from samizdat.articles.queries import bylines
        from samizdat.core.routing import exclude_restricted

        root_url = root_url if root_url is not None else self.root_url()
        raw_body = list(self.body.raw_data)
        ids = _chosen_article_ids(raw_body)
        articles = {
            article.pk: article
            for article in exclude_restricted(ArticlePage.objects.live().filter(pk__in=ids))
            .select_related("section").prefetch_related(bylines())
        } if ids else {}
        parts: list[IssuePart] = []
        for block in raw_body:
            value = block.get("value")
            if block.get("type") in ("intro", "text"):
                html = absolute_links(expand_db_html(value or ""), root_url)
                if html.strip():
                    parts.append(IssuePart(kind=block["type"], html=html, text=html_to_text(html)))
            elif block.get("type") == "articles":
                chosen = _chosen_article_ids([block])
                cards = [articles[pk] for pk in chosen if pk in articles]
                if cards:
                    parts.append(IssuePart(kind="articles", heading=(value or {}).get("heading") or "",
                                           cards=cards))
        return parts

    def email_context(self) -> dict:
        parts = self.issue_parts()
        return {
            "issue": self,
            "subject": self.title,
            "title": self.title,
            "preheader": self.preheader,
            "parts": parts,
            "web_url": self.web_url(),
        }

    def render_email(self) -> tuple[str, str]:
        """The issue as an email: (HTML part, text part), with per-recipient link markers left in."""
        from django.utils import translation

        from samizdat.newsletter import sending

        language = self.locale.language_code if self.locale_id else None
        with translation.override(language):
            return sending.render_message("newsletter/email/issue", self.email_context())

    # ------------------------------------------------------------------ web version and previews

    preview_modes = [
        (PREVIEW_WEB, _("Web page")),
        (PREVIEW_EMAIL, _("Email")),
        (PREVIEW_TEXT, _("Email, plain text")),
    ]

    def serve_preview(self, request: HttpRequest, mode_name: str) -> HttpResponse:
        if mode_name in (PREVIEW_EMAIL, PREVIEW_TEXT):
            html, text = self.render_email()
            if mode_name == PREVIEW_TEXT:
                return HttpResponse(_preview_links(text), content_type="text/plain; charset=utf-8")
            return HttpResponse(_preview_links(html), content_type="text/html; charset=utf-8")
        return super().serve_preview(request, mode_name)

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        parent = self.get_parent()
        context["parts"] = self.issue_parts(root_url=request.build_absolute_uri("/") if request else None)
        context["subscribe_url"] = (parent.get_url(request) if parent else "") or ""
        return context


def _preview_links(message: str) -> str:
    """A preview has no recipient: the per-recipient link markers point nowhere."""
    from samizdat.newsletter import sending

    return message.replace(sending.UNSUBSCRIBE_URL, "#").replace(sending.PREFERENCES_URL, "#")
