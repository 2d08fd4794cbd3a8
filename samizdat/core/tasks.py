"""Background work every app shares."""

from __future__ import annotations

from django_tasks import task
from wagtail.images import get_image_model

from samizdat.core.images import lead_specs


@task()
def generate_renditions(image_id: int) -> int:
    """Make every rendition the site shows of one image; safe to run twice.

    Returns how many renditions exist for the image afterwards.
    """
    image = get_image_model().objects.filter(pk=image_id).first()
    if image is None:
        return 0
    return len(image.get_renditions(*lead_specs()))
