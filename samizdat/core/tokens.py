"""Signed tokens in page addresses: mail links that confirm, withdraw, cancel or manage.

Wagtail's page route takes only word characters and hyphens, so the signer's ":" separators are
written "_". The signed values (ids such as "12" or "12-3") and the timestamp contain no "_", so
the first one or two underscores are the separators even when the signature itself has one.
"""

from __future__ import annotations


def to_route(signed: str) -> str:
    """A signed value (Signer or TimestampSigner) as it goes into a page address."""
    return signed.replace(":", "_")


def from_route(token: str, *, timestamped: bool) -> str:
    """The signed value back from a page address (a TimestampSigner's has two separators)."""
    return ":".join(token.split("_", 2 if timestamped else 1))
