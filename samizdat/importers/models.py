"""What a WordPress import brought in, so a re-run updates instead of duplicating."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRecord(models.Model):
    """One WordPress object (post, page, attachment, term, author) and what it became here."""

    class Kind(models.TextChoices):
        POST = "post", _("Post")
        PAGE = "page", _("Page")
        ATTACHMENT = "attachment", _("Attachment")
        CATEGORY = "category", _("Category")
        TAG = "tag", _("Tag")
        AUTHOR = "author", _("Author")

    source = models.CharField(max_length=300, help_text=_("The WordPress site's address."))
    kind = models.CharField(max_length=20, choices=Kind.choices)
    wp_id = models.CharField(max_length=200, help_text=_("Post ID, or term/author slug."))
    guid = models.CharField(max_length=500, blank=True)
    checksum = models.CharField(max_length=64)
    object_model = models.CharField(max_length=60, help_text=_("e.g. articles.articlepage"))
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "wp_id"], name="unique_import_record")
        ]
        verbose_name = _("import record")

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.wp_id} → {self.object_model} {self.object_id}"
