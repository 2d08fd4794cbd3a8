"""Newsletter data: lists, subscribers and their subscriptions, sends and per-recipient deliveries.

The page types (the subscribe page, newsletter issues) live in `pages.py` and `issues.py` and
are imported at the end of this module so Django finds them.
"""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Locale


class MailingList(models.Model):
    """A list readers choose: "Daily", "Weekly digest", "Video", a section's news.

    A list with a digest schedule sends, on that schedule, the articles published since its
    last digest (in each subscriber language), and skips a run when there is nothing new.
    """

    class Digest(models.TextChoices):
        OFF = "off", _("No digest (issues only)")
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True,
                                   help_text=_("One line readers see beside the list's name."))
    public = models.BooleanField(_("offered to readers"), default=True,
                                 help_text=_("Shown on the subscribe form and the preferences page."))
    preselected = models.BooleanField(_("ticked by default"), default=False,
                                      help_text=_("Ticked on the subscribe form."))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    digest = models.CharField(_("digest"), max_length=10, choices=Digest.choices, default=Digest.OFF)
    digest_time = models.TimeField(_("digest time"), default=datetime.time(7, 0),
                                   help_text=_("In the outlet's time zone."))
    digest_weekday = models.PositiveSmallIntegerField(_("digest day"), choices=Weekday.choices,
                                                      default=Weekday.MONDAY,
                                                      help_text=_("For weekly digests."))
    digest_section = models.ForeignKey(
        "articles.SectionPage", verbose_name=_("only this section"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
        help_text=_("Digest only this section's articles (and its translations')."),
    )
    digest_video_only = models.BooleanField(_("videos only"), default=False)
    last_digest_at = models.DateTimeField(_("last digest"), null=True, blank=True,
                                          help_text=_("Articles published after this go in the next digest."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("public"),
        FieldPanel("preselected"),
        FieldPanel("sort_order"),
        MultiFieldPanel([
            FieldPanel("digest"), FieldPanel("digest_time"), FieldPanel("digest_weekday"),
            FieldPanel("digest_section"), FieldPanel("digest_video_only"),
        ], heading=_("Automatic digest")),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("mailing list")
        verbose_name_plural = _("mailing lists")

    def __str__(self) -> str:
        return self.name


class Subscriber(models.Model):
    """One address, the languages it reads and the lists it gets. States live in `services.py`.

    `source` and `consent_at` record where and when the person agreed (the subscribe form's
    confirmation, a letter signature with the newsletter box ticked, an import's stated
    consent); imported addresses keep the import's source and date.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Subscribed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        BOUNCED = "bounced", _("Bouncing (hard bounce)")
        COMPLAINED = "complained", _("Complained (marked as spam)")

    class Source(models.TextChoices):
        FORM = "form", _("Subscribe form")
        LETTER = "letter", _("Open letter signature")
        IMPORT = "import", pgettext_lazy("subscriber source", "Import")
        ADMIN = "admin", _("Added by an editor")

    email = models.EmailField(_("email"), max_length=254, unique=True, help_text=_("Stored in lower case."))
    languages = models.ManyToManyField(Locale, verbose_name=_("languages"), related_name="+", blank=True)
    lists = models.ManyToManyField(MailingList, through="Subscription", related_name="subscribers",
                                   verbose_name=_("lists"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.FORM)
    source_detail = models.CharField(
        _("source detail"), max_length=255, blank=True,
        help_text=_("The page, the letter, or the import file and who agreed how."),
    )
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    soft_bounces = models.PositiveSmallIntegerField(_("soft bounces in a row"), default=0)
    bounced_at = models.DateTimeField(_("last bounce"), null=True, blank=True)
    bounce_reason = models.CharField(_("bounce reason"), max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")

    def __str__(self) -> str:
        return self.email

    @admin.display(description=_("lists"))
    def list_names(self) -> str:
        """The slugs of its lists (prefetch `lists` for many): the CSV export's "lists" column."""
        return ", ".join(mailing_list.slug for mailing_list in self.lists.all())

    @admin.display(description=_("languages"))
    def language_codes(self) -> str:
        return " ".join(locale.language_code for locale in self.languages.all())


class Subscription(models.Model):
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="subscriptions")
    mailing_list = models.ForeignKey(MailingList, on_delete=models.CASCADE, related_name="subscriptions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "mailing_list"],
                                    name="newsletter_one_subscription"),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber_id} → {self.mailing_list_id}"


class Send(models.Model):
    """One mailing: an issue or a digest, in one language, to the subscribers of some lists.

    The message is rendered once (`html`, `text`); each recipient's own links are filled in at
    delivery. Each recipient has a Delivery row, so a send that a crash interrupted resumes
    where it stopped.
    """

    class Kind(models.TextChoices):
        ISSUE = "issue", _("Issue")
        DIGEST = "digest", _("Digest")

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Preparing")
        SENDING = "sending", _("Sending")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", pgettext_lazy("send status", "Cancelled")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    issue = models.ForeignKey("newsletter.NewsletterIssuePage", verbose_name=_("issue"), null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="sends")
    mailing_lists = models.ManyToManyField(MailingList, related_name="sends", verbose_name=_("lists"))
    locale = models.ForeignKey(Locale, on_delete=models.PROTECT, related_name="+", verbose_name=_("language"))
    subject = models.CharField(_("subject"), max_length=255)
    html = models.TextField(_("HTML part"))
    text = models.TextField(_("text part"))
    web_url = models.URLField(_("web version"), max_length=500, blank=True)
    article_ids = models.JSONField(_("articles"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREPARING)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("send")
        verbose_name_plural = _("sends")
        constraints = [
            models.UniqueConstraint(fields=["issue"], condition=Q(issue__isnull=False),
                                    name="newsletter_one_send_per_issue"),
        ]

    def __str__(self) -> str:
        return self.subject


class Delivery(models.Model):
    """One recipient of one send: queued → claimed (by a worker) → sent, failed or skipped."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        CLAIMED = "claimed", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["send", "subscriber"], name="newsletter_one_delivery"),
        ]
        # (send, state, id) serves the progress counts and a worker's claim of the next batch in
        # order, without walking past the deliveries of older sends (measured in bench/).
        indexes = [models.Index(fields=["send", "state", "id"], name="newsletter_delivery_state")]

    def __str__(self) -> str:
        return f"{self.send_id} → {self.subscriber_id}: {self.state}"


from samizdat.newsletter.issues import NewsletterIssuePage  # noqa: E402,F401 - page models, see above
from samizdat.newsletter.pages import NewsletterPage  # noqa: E402,F401
