"""The rendition sizes the public site uses, in one place.

Templates ask for exactly these specs (via the `responsive_image` tag), the
background task generates exactly these, and listings prefetch exactly these, so a
reader's request never makes an image.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

# 16:9 crops at three widths, AVIF first, WebP as the fallback every current browser reads.
WIDTHS: tuple[int, ...] = (480, 800, 1200)
FORMATS: tuple[str, ...] = ("avif", "webp")
SOCIAL_SPEC = "fill-1200x630|format-jpeg"


def lead_specs() -> list[str]:
    """Every rendition spec a lead image is shown in."""
    return [f"fill-{w}x{w * 9 // 16}|format-{fmt}" for fmt in FORMATS for w in WIDTHS]


def portrait_specs() -> list[str]:
    """Square crops for contributor photos."""
    return [f"fill-{w}x{w}|format-{fmt}" for fmt in FORMATS for w in (160, 320)]


def with_renditions(queryset: QuerySet, field: str, specs: list[str] | None = None) -> QuerySet:
    """Join an image foreign key and prefetch its renditions: one extra query in all."""
    from wagtail.images import get_image_model

    renditions = get_image_model().get_rendition_model().objects.filter(
        filter_spec__in=specs or lead_specs()
    )
    return queryset.select_related(field).prefetch_related(
        Prefetch(f"{field}__renditions", queryset=renditions, to_attr="prefetched_renditions")
    )
