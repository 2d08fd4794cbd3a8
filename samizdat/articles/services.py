"""Rules about where articles live in the page tree."""

from __future__ import annotations

import datetime

from django.utils import timezone, translation
from django.utils.dateformat import format as format_date
from wagtail.models import Page

from samizdat.articles.models import ArticlePage, MonthArchivePage, SectionPage, YearArchivePage


def section_for(article: Page) -> SectionPage | None:
    """The section an article is filed under, from its place in the tree."""
    step = Page.steplen
    ancestor_paths = [article.path[:end] for end in range(step, len(article.path), step)]
    return SectionPage.objects.filter(path__in=ancestor_paths).order_by("-depth").first()


def folder_title(folder: YearArchivePage, language_code: str) -> str:
    """A year folder's title is its year; a month folder's is "November 2026" in the language."""
    if not isinstance(folder, MonthArchivePage):
        return folder.slug
    return month_title(int(folder.get_parent().slug), int(folder.slug), language_code)


def month_title(year: int, month: int, language_code: str) -> str:
    """"November 2026" in the language: the title of a month folder."""
    with translation.override(language_code):
        return format_date(datetime.date(year, month, 1), "F Y")


def month_folder(section: SectionPage, when) -> MonthArchivePage:
    """The year/month folder of a section for a date, created (and published) if missing."""
    when = timezone.localtime(when) if timezone.is_aware(when) else when
    year_slug, month_slug = f"{when.year}", f"{when.month:02d}"
    year = YearArchivePage.objects.child_of(section).filter(slug=year_slug).first()
    if year is None:
        year = section.add_child(instance=YearArchivePage(title=year_slug, slug=year_slug,
                                                          locale_id=section.locale_id))
    month = MonthArchivePage.objects.child_of(year).filter(slug=month_slug).first()
    if month is None:
        month = year.add_child(instance=MonthArchivePage(title=month_slug, slug=month_slug,
                                                         locale_id=section.locale_id))
        month.title = folder_title(month, section.locale.language_code)
        month.save(update_fields=["title", "draft_title"])
    return month


def file_article(article: ArticlePage) -> ArticlePage:
    """Move an article created directly under a section into its year/month folder."""
    parent = article.get_parent().specific
    if not isinstance(parent, SectionPage):
        return article
    folder = month_folder(parent, article.display_date)
    article.move(folder, pos="last-child")
    article.refresh_from_db()
    return article
