"""Searching the index: filters, matching, ranking and the passages shown.

`search_articles()` returns a `SearchResults` whose `ids` queryset is what gets paginated
(a COUNT and one page of ids); `SearchResults.hydrate()` then loads only the articles
shown, with their passages, in one more query (plus the bylines' prefetch).

On PostgreSQL each row is matched with its own language's text-search configuration
(websearch_to_tsquery, which never raises on operator characters) and ranked with
ts_rank over a small title + dek vector: ranking tens of thousands of rows over the
full-body vector would read every matching body from TOAST. On SQLite the fallback is
an AND of folded, lightly stemmed terms over the folded columns.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    Case,
    DateTimeField,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    Min,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import Truncator

from samizdat.articles.models import ArticlePage, SectionPage, Topic
from samizdat.articles.queries import bylines
from samizdat.core.invalidation import tree_version
from samizdat.core.routing import restricted_paths
from samizdat.search.indexing import uses_postgres
from samizdat.search.models import SearchEntry
from samizdat.search.text import (
    CONFIGS,
    MARK_END,
    MARK_START,
    clean_query,
    config_for,
    marked,
    snippet,
    terms,
)

RELEVANCE, DATE = "relevance", "date"
ALL_LANGUAGES = "all"
# ts_rank weights for D, C, B, A: the title counts most, then dek, authors and topics.
RANK_WEIGHTS = [0.05, 0.1, 0.4, 1.0]
PASSAGE_WORDS = 30
# A quoted phrase is checked against this many best candidates (matching all its words) only.
PHRASE_CANDIDATES = 200
BY_DATE = ("-display_date", "-article_id")


def site_languages() -> list[str]:
    return [code.split("-")[0].lower() for code, _name in settings.LANGUAGES]


@dataclass(frozen=True)
class SearchFilters:
    """What a reader narrowed the search to; None means "any"."""

    language: str | None = None
    section_ids: tuple[int, ...] | None = None
    topic_key: uuid.UUID | None = None
    kind: str | None = None
    year: int | None = None

    @property
    def narrowing(self) -> bool:
        """Whether anything beyond the language is chosen."""
        return any(value is not None for value in (self.section_ids, self.topic_key, self.kind, self.year))


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass
class FilterChoices:
    """The values the search form offers, for one language of the site."""

    sections: list[Choice]
    topics: list[Choice]
    kinds: list[Choice]
    years: list[int]
    section_ids: dict[str, tuple[int, ...]] = field(default_factory=dict)
    topic_keys: dict[str, uuid.UUID] = field(default_factory=dict)


def filter_choices(locale_id: int) -> FilterChoices:
    """Sections and topics of one language (each standing for all its translations), kinds, years.

    Sections and years change only when pages are published (cached on the tree version);
    topics are read each time (one small query).
    """
    key = f"samizdat:search-choices:{locale_id}:{tree_version()}"
    cached = cache.get(key)
    if cached is None:
        cached = (section_choices(locale_id), year_choices())
        cache.set(key, cached, 60 * 60)
    (sections, section_ids), years = cached
    topics = list(Topic.objects.filter(locale_id=locale_id).values_list("slug", "name", "translation_key"))
    return FilterChoices(
        sections=sections,
        topics=[Choice(slug, name) for slug, name, _key in topics],
        kinds=[Choice(value, str(label)) for value, label in ArticlePage.Kind.choices],
        years=years,
        section_ids=section_ids,
        topic_keys={slug: key for slug, _name, key in topics},
    )


def section_choices(locale_id: int) -> tuple[list[Choice], dict[str, tuple[int, ...]]]:
    """The language's live sections, and for each slug the ids of the section in every language."""
    sections = list(
        SectionPage.objects.live().order_by("path")
        .values_list("pk", "slug", "title", "locale_id", "translation_key")
    )
    translations: dict[uuid.UUID, list[int]] = {}
    for pk, _slug, _title, _locale, key in sections:
        translations.setdefault(key, []).append(pk)
    own = [(slug, title, key) for _pk, slug, title, locale, key in sections if locale == locale_id]
    ids = {slug: tuple(translations[key]) for slug, _title, key in own}
    return [Choice(slug, title) for slug, title, _key in own], ids


def year_choices() -> list[int]:
    """Years from the newest article back to the oldest (two index lookups)."""
    span = ArticlePage.objects.aggregate(first=Min("display_date"), last=Max("display_date"))
    if not (span["first"] and span["last"]):
        return []
    last = timezone.localtime(span["last"]).year
    return list(range(last, timezone.localtime(span["first"]).year - 1, -1))


def read_filters(params, choices: FilterChoices, page_language: str) -> SearchFilters:
    """Filters from a query string; unknown or malformed values are ignored.

    The language defaults to the page's; "all" searches every language.
    """
    language: str | None = page_language
    requested = params.get("lang", "")
    if requested == ALL_LANGUAGES:
        language = None
    elif requested in site_languages():
        language = requested
    year_text = params.get("year", "")
    year = int(year_text) if year_text.isascii() and year_text.isdigit() and len(year_text) == 4 else None
    kind = params.get("kind", "")
    return SearchFilters(
        language=language,
        section_ids=choices.section_ids.get(params.get("section", "")),
        topic_key=choices.topic_keys.get(params.get("topic", "")),
        kind=kind if kind in ArticlePage.Kind.values else None,
        year=year if year in choices.years else None,
    )


def read_sort(params) -> str:
    return DATE if params.get("sort") == DATE else RELEVANCE


def filtered_entries(filters: SearchFilters, date_index: bool = True) -> QuerySet[SearchEntry]:
    """Entries passing the filters, minus any under a view restriction.

    With `date_index=False` the year is tested on an expression the (language, date)
    index cannot answer. For a text search on PostgreSQL the planner would otherwise
    take every article of that year from the btree and test each one's tsvector, read
    back from TOAST (60-120 ms at 100k articles), instead of intersecting with the GIN
    index's matches (a few ms).
    """
    entries = SearchEntry.objects.all()
    if filters.language:
        entries = entries.filter(language=filters.language)
    if filters.section_ids:
        entries = entries.filter(section_id__in=filters.section_ids)
    if filters.topic_key:
        tagged = ArticlePage.topics.through.objects.filter(topic__translation_key=filters.topic_key)
        entries = entries.filter(article_id__in=tagged.values("articlepage_id"))
    if filters.kind:
        entries = entries.filter(kind=filters.kind)
    if filters.year:
        tz = timezone.get_current_timezone()
        start = datetime.datetime(filters.year, 1, 1, tzinfo=tz)
        end = start.replace(year=filters.year + 1)
        if date_index:
            entries = entries.filter(display_date__gte=start, display_date__lt=end)
        else:
            filed = ExpressionWrapper(F("display_date") + Value(datetime.timedelta(0)),
                                      output_field=DateTimeField())
            entries = entries.alias(filed=filed).filter(filed__gte=start, filed__lt=end)
    paths = restricted_paths()
    if paths:
        entries = entries.exclude(reduce(or_, [Q(article__path__startswith=path) for path in paths]))
    return entries


def tsquery(query: str, language: str) -> SearchQuery:
    return SearchQuery(query, config=config_for(language), search_type="websearch")


def by_language(filters: SearchFilters, make, column: str = "language") -> list[tuple[Q, object]]:
    """(condition on the row's language, make(language)) for each text-search configuration.

    The conditions are exactly the predicates of the partial GIN indexes (one per
    configuration, see the migration), so each branch is answered by its index alone.
    """
    if filters.language:
        return [(Q(), make(filters.language))]
    stemmed = list(CONFIGS)
    cases: list[tuple[Q, object]] = [(Q(**{column: code}), make(code)) for code in stemmed]
    cases.append((~Q(**{f"{column}__in": stemmed}), make("")))
    return cases


def per_language(cases: list[tuple[Q, object]], output_field) -> object:
    if len(cases) == 1:
        return cases[0][1]
    return Case(*[When(condition, then=value) for condition, value in cases[:-1]],
                default=cases[-1][1], output_field=output_field)


def postgres_matches(entries: QuerySet, query: str, filters: SearchFilters) -> QuerySet:
    conditions = by_language(filters, lambda code: Q(search_vector=tsquery(query, code)))
    entries = entries.filter(reduce(or_, [where & match for where, match in conditions]))
    ranks = by_language(
        filters, lambda code: SearchRank(F("rank_vector"), tsquery(query, code), weights=RANK_WEIGHTS)
    )
    return entries.annotate(rank=per_language(ranks, FloatField()))


def fallback_matches(entries: QuerySet, query: str) -> QuerySet:
    query_terms = terms(query)
    if not query_terms:
        return entries.none().annotate(rank=Value(0))
    for term in query_terms:
        entries = entries.filter(
            Q(folded_title__contains=term) | Q(folded_meta__contains=term) | Q(folded_body__contains=term)
        )
    score = reduce(lambda total, part: total + part, [
        Case(When(**{f"{column}__contains": term}, then=Value(weight)), default=Value(0))
        for term in query_terms
        for column, weight in (("folded_title", 4), ("folded_meta", 2), ("folded_body", 1))
    ])
    return entries.annotate(rank=score)


def postgres_phrase_matches(entries: QuerySet, query: str, filters: SearchFilters, sort: str) -> QuerySet:
    """Matches of a query with a quoted phrase, checked among its best candidates only.

    The GIN index knows which articles hold every word but not where: checking word
    positions reads each candidate's whole tsvector back from TOAST (300+ ms for 30,000
    candidates at 100k articles). So the phrase is checked on the PHRASE_CANDIDATES
    articles that hold all its words and rank best (or are newest, sorting by date); a
    phrase found only in weaker candidates is missed, and the count is capped alike.
    """
    loose = query.replace('"', " ")
    candidates = postgres_matches(entries, loose, filters)
    order = [F("rank").desc(), *BY_DATE] if sort == RELEVANCE else list(BY_DATE)
    shortlist = candidates.order_by(*order).values("article_id")[:PHRASE_CANDIDATES]
    return postgres_matches(SearchEntry.objects.filter(article_id__in=shortlist), query, filters)


@dataclass
class SearchResult:
    article: ArticlePage
    passage: str  # safe HTML: escaped text with <mark> around hits


@dataclass
class SearchResults:
    """A pageable list of matching article ids, and how to load the ones shown."""

    query: str
    filters: SearchFilters
    sort: str
    ids: QuerySet

    @contextmanager
    def planner(self) -> Iterator[None]:
        """Count and slice `ids` inside this: on PostgreSQL, matching goes through the GIN indexes.

        The planner prices `search_vector @@ query` as cheap, not knowing that each test
        reads the row's tsvector back from TOAST. Left alone it walks a sequential scan or
        a btree (section, date) and tests every row: 130-400 ms at 100k articles, against
        a few ms through the GIN bitmap. So sequential and plain index scans are switched
        off (bitmap scans, including BitmapAnd with the btrees, remain) until the end of
        this transaction, in one extra statement.
        """
        if not (self.query and uses_postgres()):
            yield
            return
        nested = connection.in_atomic_block
        with transaction.atomic(savepoint=False):
            self._set_scans("off")
            try:
                yield
            finally:
                if nested:  # an enclosing transaction goes on: give it its settings back
                    self._set_scans("on")

    @staticmethod
    def _set_scans(value: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('enable_seqscan', %s, true), set_config('enable_indexscan', %s, true)",
                [value, value],
            )

    @property
    def searched(self) -> bool:
        """False when there was nothing to search for (no query and no filter)."""
        return bool(self.query) or self.filters.narrowing

    def hydrate(self, ids: list[int]) -> list[SearchResult]:
        """The shown articles, in `ids` order, with bylines, section and passage; still live only."""
        if not ids:
            return []
        articles = (
            ArticlePage.objects.filter(pk__in=ids, live=True)
            .select_related("section")
            .prefetch_related(bylines())
        )
        if self.query and uses_postgres():
            articles = articles.annotate(passage=self._headline())
            found = {article.pk: SearchResult(article, marked(article.passage or "")) for article in articles}
        else:
            articles = articles.select_related("search_entry")
            found = {article.pk: SearchResult(article, self._passage(article)) for article in articles}
        return [found[pk] for pk in ids if pk in found]

    def _headline(self):
        document = Concat(
            F("search_entry__dek"), Value("\n"), F("search_entry__body"), output_field=TextField()
        )
        cases = by_language(
            self.filters,
            lambda code: SearchHeadline(
                document, tsquery(self.query, code), config=config_for(code),
                start_sel=MARK_START, stop_sel=MARK_END, max_words=PASSAGE_WORDS, min_words=12,
                max_fragments=2, fragment_delimiter=" … ",
            ),
            column="search_entry__language",
        )
        return per_language(cases, TextField())

    def _passage(self, article: ArticlePage) -> str:
        entry = getattr(article, "search_entry", None)
        text = f"{entry.dek}\n{entry.body}" if entry else article.dek
        found = snippet(text, terms(self.query), PASSAGE_WORDS) if self.query else ""
        return found or escape(Truncator(text).words(PASSAGE_WORDS))


def search_articles(query: str, filters: SearchFilters, sort: str = RELEVANCE) -> SearchResults:
    """Articles matching `query` (may be empty: then the filters alone, newest first)."""
    query = clean_query(query)
    entries = filtered_entries(filters, date_index=not (query and uses_postgres()))
    if not query and not filters.narrowing:
        entries = entries.none()
    elif query and uses_postgres() and '"' in query:
        entries = postgres_phrase_matches(entries, query, filters, sort)
    elif query and uses_postgres():
        entries = postgres_matches(entries, query, filters)
    elif query:
        entries = fallback_matches(entries, query)
    if query and sort == RELEVANCE:
        entries = entries.order_by(F("rank").desc(), *BY_DATE)
    else:
        entries = entries.order_by(*BY_DATE)
    return SearchResults(query=query, filters=filters, sort=sort,
                         ids=entries.values_list("article_id", flat=True))

