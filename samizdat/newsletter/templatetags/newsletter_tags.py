"""Template helpers for the subscribe form shown in every page's footer and under articles."""

from __future__ import annotations

from django import template

from samizdat.core import spam

register = template.Library()


@register.simple_tag
def newsletter_started() -> str:
    """The signed "form handed out at" token of the subscribe form (no database query)."""
    return spam.timestamp_token("newsletter")
