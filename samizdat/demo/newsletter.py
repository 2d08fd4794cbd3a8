"""Demo content for the newsletter: lists, the newsletter page in both languages, subscribers, an issue."""

from __future__ import annotations


def load(loader) -> None:
    """Add the newsletter to the demo outlet (`loader` is the demo loader, with its pages and people)."""
