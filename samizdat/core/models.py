"""The outlet's own image model: every picture carries its credit."""

from __future__ import annotations

from django.core.cache import cache
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
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
    file_size = models.PositiveIntegerField(
        null=True, editable=False, help_text="Bytes, recorded when the rendition is made (for feeds)."
    )

    def save(self, *args, **kwargs):
        if self.file_size is None and self.file:
            try:
                self.file_size = self.file.size
            except OSError:
                self.file_size = None
        super().save(*args, **kwargs)

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


@register_setting(icon="site")
class OutletSettings(BaseSiteSetting):
    """What the outlet says about itself to readers, feeds and search engines."""

    description = models.TextField(
        blank=True, max_length=300,
        help_text=_("One or two sentences about the outlet, for feeds and link previews."),
    )
    logo = models.ForeignKey(
        OutletImage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("A wide logo (PNG or JPEG, at least 600 pixels across) for search engines."),
    )
    share_image = models.ForeignKey(
        OutletImage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("Shown in link previews of pages that have no picture of their own."),
    )
    feeds_full_text = models.BooleanField(
        default=True,
        help_text=_("Feeds carry whole articles; untick to send only the standfirst."),
    )
    public_email = models.EmailField(blank=True)
    public_phone = models.CharField(max_length=40, blank=True)
    contact_recipient = models.EmailField(
        blank=True,
        help_text=_("Where messages from the contact page go; leave empty to use the public email."),
    )
    fediverse_handle = models.CharField(
        max_length=100, blank=True, help_text=_("The outlet's own account, e.g. @ledger@social.example."),
    )

    panels = [
        FieldPanel("description"),
        MultiFieldPanel([FieldPanel("logo"), FieldPanel("share_image")], heading=_("Images")),
        FieldPanel("feeds_full_text"),
        MultiFieldPanel(
            [FieldPanel("public_email"), FieldPanel("public_phone"), FieldPanel("contact_recipient"),
             FieldPanel("fediverse_handle")],
            heading=_("Contact"),
        ),
    ]

    class Meta:
        verbose_name = _("outlet settings")

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete(self.cache_key(self.site_id))

    @staticmethod
    def cache_key(site_id: int | None) -> str:
        return f"samizdat:outlet-settings:{site_id}"


def outlet_settings(request: HttpRequest) -> OutletSettings:
    """The current site's settings, from the cache (no query) after the first read.

    Logo and share image come along (select_related); their renditions do not.
    """
    from samizdat.core.routing import site_for_request

    site = site_for_request(request)
    key = OutletSettings.cache_key(getattr(site, "pk", None))
    found = cache.get(key)
    if found is None:
        if site is None:
            return OutletSettings()
        found = (
            OutletSettings.objects.select_related("logo", "share_image").filter(site=site).first()
            or OutletSettings(site=site)
        )
        cache.set(key, found, 60 * 60)
    return found


class SubmissionWindow(models.Model):
    """How many forms of one scope one (hashed) address had accepted since `started_at`.

    Counted in the database, row-locked, so that parallel posts from many workers or hosts cannot
    all slip under the limit (a cache's get-then-set could); the key holds no address.
    """

    key = models.CharField(max_length=100, unique=True)
    started_at = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.count} since {self.started_at:%H:%M}"
