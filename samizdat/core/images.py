"""The rendition sizes the public site uses, in one place.

Templates ask for exactly these specs (via the `responsive_image` tag), the
background task generates exactly these, and listings prefetch exactly these, so a
reader's request never makes an image.
"""

from __future__ import annotations

import functools

from django.db.models import Prefetch, QuerySet

# 16:9 crops at three widths, AVIF first, WebP as the fallback every current browser reads.
WIDTHS: tuple[int, ...] = (480, 800, 1200)
FORMATS: tuple[str, ...] = ("avif", "webp")


def lead_specs() -> list[str]:
    """Every rendition spec a lead image is shown in."""
    return [f"fill-{w}x{w * 9 // 16}|format-{fmt}" for fmt in FORMATS for w in WIDTHS]


def portrait_specs() -> list[str]:
    """Square crops for contributor photos."""
    return [f"fill-{w}x{w}|format-{fmt}" for fmt in FORMATS for w in (160, 320)]


@functools.cache
def filters_for(specs: tuple[str, ...]) -> tuple:
    """Parsed Wagtail Filters for specs, made once per process.

    A Filter parses its spec on first use (with introspection); templates that ask for
    the same six specs on every card would otherwise parse them again each time.
    """
    from wagtail.images.models import Filter

    return tuple(Filter(spec=spec) for spec in specs)


def with_renditions(queryset: QuerySet, field: str, specs: list[str] | None = None) -> QuerySet:
    """Join an image foreign key and prefetch its renditions: one extra query in all."""
    from wagtail.images import get_image_model

    renditions = get_image_model().get_rendition_model().objects.filter(
        filter_spec__in=specs or lead_specs()
    )
    return queryset.select_related(field).prefetch_related(
        Prefetch(f"{field}__renditions", queryset=renditions, to_attr="prefetched_renditions")
    )


def attach_renditions(images: list, specs: list[str] | None = None) -> None:
    """Fetch the renditions of several already-loaded images in one query.

    Each image gets them as `prefetched_renditions`, which Wagtail's `get_renditions`
    reads before it looks anywhere else; the same image may appear more than once.
    Without `specs`, every spec the site uses (lead and portrait crops).
    """
    from wagtail.images import get_image_model

    images = [image for image in images if image is not None and getattr(image, "pk", None)]
    if not images:
        return
    found: dict[int, list] = {}
    renditions = get_image_model().get_rendition_model().objects.filter(
        image_id__in={image.pk for image in images},
        filter_spec__in=specs or lead_specs() + portrait_specs(),
    )
    for rendition in renditions:
        found.setdefault(rendition.image_id, []).append(rendition)
    for image in images:
        image.prefetched_renditions = found.get(image.pk, [])
        for rendition in image.prefetched_renditions:
            rendition.image = image


def images_in_stream(stream) -> list:
    """Every image a StreamField body shows: figures' images and video posters."""
    images = []
    for block in stream:
        if block.block_type == "image":
            images.append(block.value["image"])
        elif block.block_type == "video":
            images.append(block.value["poster"])
    return [image for image in images if image is not None]
