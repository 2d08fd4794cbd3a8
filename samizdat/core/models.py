"""The outlet's own image model: every picture carries its credit."""

from __future__ import annotations

from django.db import models
from wagtail.images.models import AbstractImage, AbstractRendition, Image


class OutletImage(AbstractImage):
    """An image with alt text (Wagtail's description) and a photo credit."""

    credit = models.CharField(
        max_length=255,
        blank=True,
        help_text="Who made the picture, shown beside it (e.g. 'Photo: Ana Ruiz').",
    )

    admin_form_fields = Image.admin_form_fields + ("credit",)

    @property
    def alt_text(self) -> str:
        return self.description or self.title


class OutletRendition(AbstractRendition):
    image = models.ForeignKey(OutletImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)
