"""The outlet on the fediverse: our actors and keys, the servers and accounts we talk to, who follows
whom, what we sent to which inbox, and what arrived in ours.

Our actors: the outlet (one per language, e.g. `outlet` and `outlet_es`), each author who has
federation turned on, and the instance actor that signs our GET requests. Remote accounts are
cached as `RemoteActor`s with their public key. Deliveries are recorded per activity and per
inbox (one request per shared inbox), so a worker that dies mid-way resumes without repeating.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from samizdat.core.sanitize import sanitize_remote_html

USERNAME_PATTERN = r"[a-z0-9_]{1,30}"
validate_username = RegexValidator(
    rf"^{USERNAME_PATTERN}$", _("Use 1–30 lowercase letters, digits or underscores."))


class Actor(models.Model):
    """One of our own fediverse accounts, with its signing key."""

    class Kind(models.TextChoices):
        OUTLET = "outlet", _("Outlet")
        AUTHOR = "author", _("Author")
        INSTANCE = "instance", _("Instance (signs requests)")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    username = models.CharField(_("username"), max_length=30, unique=True, validators=[validate_username])
    locale = models.ForeignKey("wagtailcore.Locale", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+", verbose_name=_("language"))
    person = models.OneToOneField("people.Person", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="actor", verbose_name=_("person"))
    private_key = models.TextField(editable=False)
    public_key = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("fediverse account")
        verbose_name_plural = _("fediverse accounts")
        constraints = [models.UniqueConstraint(fields=["kind", "locale"], condition=models.Q(kind="outlet"),
                                               name="federation_one_outlet_actor_per_locale")]

    def __str__(self) -> str:
        return f"@{self.username}"


class RemoteActor(models.Model):
    """An account on another server that we have heard from or fetched."""

    uri = models.URLField(max_length=500, unique=True)
    username = models.CharField(max_length=200, blank=True)
    domain = models.CharField(max_length=255, db_index=True)
    name = models.CharField(max_length=300, blank=True)
    url = models.URLField(max_length=500, blank=True)
    inbox = models.URLField(max_length=500)
    shared_inbox = models.URLField(max_length=500, blank=True)
    key_id = models.CharField(max_length=500, db_index=True)
    public_key = models.TextField()
    fetched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("remote account")
        verbose_name_plural = _("remote accounts")

    def __str__(self) -> str:
        return f"@{self.username}@{self.domain}" if self.username else self.uri

    @property
    def delivery_inbox(self) -> str:
        """Where activities for this account go: its server's shared inbox when it has one."""
        return self.shared_inbox or self.inbox


class Follower(models.Model):
    """A remote account following one of our actors; `removed_at` set when it unfollows."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="followers")
    remote = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="following")
    follow_id = models.URLField(_("Follow activity"), max_length=500)
    created_at = models.DateTimeField(_("followed"), default=timezone.now)
    removed_at = models.DateTimeField(_("unfollowed"), null=True, blank=True)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [models.UniqueConstraint(fields=["actor", "remote"], name="federation_follow_once")]
        indexes = [models.Index(fields=["actor", "removed_at"])]

    def __str__(self) -> str:
        return f"{self.remote} → {self.actor}"


class BlockedDomain(models.Model):
    """A server whose activities we refuse and to which we deliver nothing."""

    domain = models.CharField(_("domain"), max_length=255, unique=True,
                              help_text=_("e.g. spam.example — its subdomains are blocked too."))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("blocked"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("blocked server")
        verbose_name_plural = _("blocked servers")
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class Inbox(models.Model):
    """A delivery target (usually a server's shared inbox) and how reachable it has been."""

    url = models.URLField(max_length=500, unique=True)
    domain = models.CharField(max_length=255, db_index=True)
    failures = models.PositiveIntegerField(default=0, help_text=_("Failed attempts in a row."))
    unreachable_since = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("remote inbox")
        verbose_name_plural = _("remote inboxes")

    def __str__(self) -> str:
        return self.url


class OutgoingActivity(models.Model):
    """Something one of our actors sent: Accept, Create, Update, Delete."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="activities")
    type = models.CharField(max_length=20)
    object_uri = models.URLField(max_length=500, blank=True, db_index=True)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sent activity")
        verbose_name_plural = _("sent activities")

    def __str__(self) -> str:
        return f"{self.type} {self.object_uri}"


class Delivery(models.Model):
    """One activity to one inbox: pending until the inbox answers 2xx, retried with backoff."""

    class State(models.TextChoices):
        PENDING = "pending", _("Queued")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Gave up")

    activity = models.ForeignKey(OutgoingActivity, on_delete=models.CASCADE, related_name="deliveries")
    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["activity", "inbox"], name="federation_deliver_once")]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.activity} → {self.inbox}"


class ReceivedActivity(models.Model):
    """The id of every activity our inboxes accepted, so a replay changes nothing."""

    activity_id = models.URLField(max_length=500, unique=True)
    type = models.CharField(max_length=40)
    actor_uri = models.URLField(max_length=500)
    received_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.activity_id


class Reply(models.Model):
    """A post from the fediverse addressed to us or answering an article: for editors to read,
    never published on its own."""

    class Status(models.TextChoices):
        NEW = "new", _("To read")
        READ = "read", _("Read")
        HIDDEN = "hidden", _("Hidden")

    object_uri = models.URLField(max_length=500, unique=True)
    remote = models.ForeignKey(RemoteActor, on_delete=models.CASCADE, related_name="replies",
                               verbose_name=_("from"))
    in_reply_to = models.URLField(_("in reply to"), max_length=500, blank=True)
    article = models.ForeignKey("wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("article"))
    url = models.URLField(max_length=500, blank=True)
    content = models.TextField(_("text"), help_text=_("Sanitized HTML, as it arrived."))
    published = models.DateTimeField(_("posted"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("fediverse reply")
        verbose_name_plural = _("fediverse replies")
        ordering = ["-received_at"]
        # The moderation queue (one status, newest first) and the admin menu's count of new ones.
        indexes = [models.Index(fields=["status", "received_at"], name="federation_reply_queue")]

    def __str__(self) -> str:
        return f"{self.remote}: {self.object_uri}"

    @property
    def content_html(self) -> str:
        """The text to show editors: sanitized again, with images as links to them, so that no
        remote image loads in the admin (replies stored before arrival dropped images had them)."""
        return mark_safe(sanitize_remote_html(self.content))  # sanitized just now
