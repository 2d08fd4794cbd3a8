"""Plain-text helpers for search: what an article says, folding, terms and passages."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

from django.utils.html import escape

# PostgreSQL text-search configuration per language; anything else is searched unstemmed.
CONFIGS = {"en": "english", "es": "spanish"}
SIMPLE = "simple"
MAX_QUERY_LENGTH = 200

# ts_headline marks hits with these (private-use characters, removed from indexed text)
# so that the passage can be escaped first and the marks turned into <mark> after.
MARK_START, MARK_END = "\ue000", "\ue001"
_MARKERS = {ord(MARK_START): None, ord(MARK_END): None}
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def config_for(language: str) -> str:
    """The text-search configuration for a language code ("es-mx" counts as "es")."""
    return CONFIGS.get(language.split("-")[0].lower(), SIMPLE)


def clean_text(text: str) -> str:
    """Collapse whitespace and drop control and marker characters."""
    return _SPACE.sub(" ", _CONTROL.sub(" ", text or "").translate(_MARKERS)).strip()


def html_to_text(source: str) -> str:
    """Rich text to plain text, with a space where a tag was."""
    return clean_text(html.unescape(_TAG.sub(" ", source or "")))


def body_text(body: Iterable, extra: Iterable[str] = ()) -> str:
    """The readable text of a StreamField body: paragraphs, headings, quotes, captions."""
    parts = [clean_text(text) for text in extra]
    for block in body:
        value = block.value
        if block.block_type == "paragraph":
            parts.append(html_to_text(value.source if hasattr(value, "source") else str(value)))
        elif block.block_type == "imported_html":
            parts.append(html_to_text(str(value)))
        elif block.block_type in {"heading", "pull_quote"}:
            parts.append(clean_text(value.get("text", "")))
        elif block.block_type == "block_quote":
            parts.append(clean_text(f"{value.get('text', '')} {value.get('attribution', '')}"))
        elif block.block_type in {"image", "video"}:
            parts.append(clean_text(value.get("caption", "")))
    return "\n".join(part for part in parts if part)


def fold(text: str) -> str:
    """Lowercase without accents: "Huelga General" and "huelga géneral" fold alike."""
    folded = text.casefold()
    if folded.isascii():  # most text, and whole bodies: nothing to decompose
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def clean_query(raw: str) -> str:
    """A reader's query, trimmed to MAX_QUERY_LENGTH characters, without control characters."""
    return clean_text(raw)[:MAX_QUERY_LENGTH].strip()


def stem(term: str) -> str:
    """Light stemming for the fallback: "huelgas" -> "huelga", "classes" -> "class"."""
    if len(term) > 4 and term.endswith("es"):
        return term[:-2]
    if len(term) > 3 and term.endswith("s") and not term.endswith("ss"):
        return term[:-1]
    return term


def terms(query: str, limit: int = 12) -> list[str]:
    """The fallback's search terms: folded, stemmed words, each once, in query order."""
    found: list[str] = []
    for word in _WORD.findall(fold(query)):
        term = stem(word.strip("_"))
        if term and term not in found:
            found.append(term)
    return found[:limit]


def marked(passage: str) -> str:
    """Escape a passage carrying MARK_START/MARK_END and turn the marks into <mark> elements."""
    text = escape(passage)
    return text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """`fold(text)` and, for each of its characters, the index of the source character."""
    folded: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        for piece in fold(char):
            folded.append(piece)
            positions.append(index)
    return "".join(folded), positions


def _whole_word(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a hit to the word it is part of ("strik" in "striking" marks "striking")."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end


def snippet(text: str, query_terms: list[str], words: int = 30) -> str:
    """About `words` words of `text` around the first matched term, hits marked (fallback).

    Returns "" when no term occurs in `text`.
    """
    folded, positions = _folded_with_positions(text)
    hits: list[tuple[int, int]] = []
    for term in query_terms:
        start = folded.find(term)
        while start != -1:
            hits.append(_whole_word(text, positions[start], positions[start + len(term) - 1] + 1))
            start = folded.find(term, start + len(term))
    if not hits:
        return ""
    hits.sort()
    first = hits[0][0]
    begin = first - len(" ".join(text[:first].split(" ")[-(words // 3):]))
    rest = text[first:].split(" ")
    end = first + len(" ".join(rest[: words - words // 3]))
    pieces: list[str] = ["…" if begin > 0 else ""]
    cursor = begin
    for hit_start, hit_end in hits:
        if hit_start < cursor or hit_end > end:
            continue
        pieces += [text[cursor:hit_start], MARK_START, text[hit_start:hit_end], MARK_END]
        cursor = hit_end
    pieces += [text[cursor:end], "…" if end < len(text) else ""]
    return marked("".join(pieces))
