"""{% page_metadata as meta %} and {% json_ld data %}: the head tags of metadata_head.html."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from samizdat.syndication import metadata

register = template.Library()


@register.simple_tag(takes_context=True)
def page_metadata(context) -> metadata.PageMetadata | None:
    """OpenGraph, Twitter and JSON-LD data for the page being rendered (None without a page)."""
    return metadata.page_metadata(context)


@register.simple_tag
def json_ld(data: dict | None) -> SafeString | str:
    """A safely escaped <script type="application/ld+json"> for `data`."""
    return metadata.json_ld_script(data) if data else ""
