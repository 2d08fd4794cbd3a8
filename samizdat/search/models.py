"""The search index: one row per live, public article, kept by background tasks.

Wagtail's database search backend uses one text-search configuration for every
language; this table carries each article's language so that PostgreSQL stems English
as English and Spanish as Spanish. On SQLite the `folded_*` columns (lowercase, accents
stripped) serve a simple fallback; on PostgreSQL they stay empty.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchEntry(models.Model):
    """What search knows about one article: its text, its filters and (PostgreSQL) its tsvectors."""

    article = models.OneToOneField(
        "articles.ArticlePage", primary_key=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    language = models.CharField(max_length=12)
    section = models.ForeignKey(
        "articles.SectionPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20)
    display_date = models.DateTimeField()
    title = models.TextField()
    dek = models.TextField(blank=True)
    people_and_topics = models.TextField(blank=True)
    body = models.TextField(blank=True)
    # PostgreSQL: title (A), dek + people and topics (B), body (C) in the article's language.
    search_vector = SearchVectorField(null=True, editable=False)
    # PostgreSQL: title (A), dek + people and topics (B) only; cheap to rank tens of thousands.
    rank_vector = SearchVectorField(null=True, editable=False)
    # SQLite fallback: casefolded, accent-stripped copies.
    folded_title = models.TextField(blank=True, editable=False)
    folded_meta = models.TextField(blank=True, editable=False)
    folded_body = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name_plural = "search entries"
        indexes = [models.Index(fields=["language", "display_date"], name="search_lang_date")]

    def __str__(self) -> str:
        return self.title
