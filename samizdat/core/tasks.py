"""Background work every app shares."""

from __future__ import annotations

from django.apps import apps
from django_tasks import task
from wagtail.images import get_image_model

from samizdat.core.images import lead_specs, portrait_specs


def specs_for(image) -> list[str]:
    """Square crops for contributor photos, 16:9 crops for everything else.

    An image that is only a contributor's photo gets no 16:9 crops; one used both ways
    gets both.
    """
    person_model = apps.get_model("people", "Person")
    if not person_model.objects.filter(photo=image).exists():
        return lead_specs()
    article_model = apps.get_model("articles", "ArticlePage")
    if article_model.objects.filter(lead_image=image).exists():
        return lead_specs() + portrait_specs()
    return portrait_specs()


@task()
def generate_renditions(image_id: int) -> int:
    """Make every rendition the site shows of one image; safe to run twice.

    Returns how many renditions of the image the site uses exist afterwards.
    """
    image = get_image_model().objects.filter(pk=image_id).first()
    if image is None:
        return 0
    made = len(image.get_renditions(*specs_for(image)))
    record_file_sizes(image)
    return made


def record_file_sizes(image) -> None:
    """Store the size in bytes of the image's renditions that lack it (feed enclosures carry it).

    Wagtail creates renditions in bulk, skipping the model's save(), so sizes are filled here.
    """
    for rendition in image.renditions.filter(file_size__isnull=True):
        try:
            rendition.file_size = rendition.file.size
        except OSError:
            continue
        rendition.save(update_fields=["file_size"])
