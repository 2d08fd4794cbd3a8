"""Demo content for letters (filled in with the app)."""

from __future__ import annotations


def load(loader) -> None:
    """Nothing yet."""
