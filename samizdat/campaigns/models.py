"""Reader-funded drives: the campaign page with its perk tiers, donations and the money ledger.

Money is integer minor units with its currency. What a campaign has raised is the sum of its
ledger (`Payment`: payments in, refunds out), so a donation counts only once money arrived,
and a Stripe event or an editor's click adds exactly one row (unique `reference`).
Stock is never a counter a page save could overwrite: what is left of a choice is its stock
minus the claims of donations that still hold one (services lock the choice row to count).
"""

from __future__ import annotations

import datetime
import json
from http import HTTPMethod

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from samizdat.campaigns import money
from samizdat.core import spam
from samizdat.core.chrome import OutletPageMixin

SUPPORTERS_SHOWN = 30


def validate_currency(value: str) -> None:
    if value.upper() not in money.CURRENCIES:
        raise ValidationError(_("Unknown currency: %(code)s."), params={"code": value}, code="currency")


def story_block():
    from wagtail import blocks

    from samizdat.articles.blocks import FigureBlock, VideoBlock

    return [
        ("video", VideoBlock()),
        ("paragraph", blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul", "h2", "h3"],
                                           template="articles/blocks/paragraph.html")),
        ("image", FigureBlock()),
    ]


class CampaignPage(OutletPageMixin, RoutablePageMixin, Page):
    """One drive: its story, goal, perk tiers and the give form, with routes for the donor's
    return from Stripe, managing a monthly gift, and the live progress as JSON."""

    intro = models.TextField(_("teaser"), blank=True, help_text=_("One or two sentences above the story."))
    story = StreamField(story_block(), blank=True, verbose_name=_("story"))
    goal = models.PositiveBigIntegerField(
        _("goal (in cents)"), validators=[MinValueValidator(1)],
        help_text=_("In the currency's smallest unit: 500000 is 5,000.00 (euros, dollars…)."))
    currency = models.CharField(_("currency"), max_length=3, default="EUR", choices=money.currency_choices(),
                                validators=[validate_currency])
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    suggested_amounts = models.CharField(
        _("suggested amounts"), max_length=100, default="10, 30, 50, 100",
        help_text=_("Whole amounts offered as buttons, separated by commas; readers may type any other."))
    allow_monthly = models.BooleanField(_("offer monthly giving"), default=True)
    offline_instructions = models.TextField(
        _("how to pay offline"), blank=True,
        help_text=_("Bank details or where to bring cash. Shown and mailed to readers who pledge "
                    "when online payment is not set up, or who choose to pay offline."))
    thanks = RichTextField(_("thank-you message"), blank=True, features=["bold", "italic", "link"])
    show_supporters = models.BooleanField(_("show the supporters wall"), default=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("story"),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("goal"), FieldPanel("currency")]),
            FieldPanel("deadline"), FieldPanel("suggested_amounts"), FieldPanel("allow_monthly"),
        ], heading=_("Goal and giving")),
        InlinePanel("perks", heading=_("Perk tiers"), label=_("Perk")),
        FieldPanel("offline_instructions"),
        FieldPanel("thanks"),
        FieldPanel("show_supporters"),
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("story")]
    rate_scope = "give"
    allowed_http_methods = [HTTPMethod.GET, HTTPMethod.HEAD, HTTPMethod.OPTIONS, HTTPMethod.POST]

    class Meta:
        verbose_name = _("campaign")

    @property
    def form_class(self) -> type:
        from samizdat.campaigns.forms import DonationForm

        return DonationForm

    def clean(self) -> None:
        super().clean()
        try:
            self.suggested_minor()
        except (money.AmountError, ValueError):
            raise ValidationError({"suggested_amounts": _("Enter whole amounts separated by commas, "
                                                          "e.g. 10, 30, 50.")}) from None

    def suggested_minor(self) -> list[int]:
        """The suggested amounts in minor units, smallest first."""
        values = [part.strip() for part in self.suggested_amounts.split(",") if part.strip()]
        return sorted({money.to_minor(int(value), self.currency) for value in values if int(value) > 0})

    def format(self, minor: int | None, whole: bool = True) -> str:
        return money.format_money(minor, self.currency, whole=whole)

    def drive_donations(self):
        """Gifts to this drive in every language: a translated campaign page is the same drive, with
        one total (each translation keeps its own perks and their stock)."""
        return Donation.objects.filter(campaign__translation_key=self.translation_key)

    def drive_ledger(self):
        """The ledger rows of this drive in every language."""
        return Payment.objects.filter(donation__campaign__translation_key=self.translation_key)

    @cached_property
    def totals(self) -> dict[str, int]:
        """Raised (the ledger's sum) and supporters (donations that paid and were not refunded)."""
        raised = self.drive_ledger().aggregate(total=Sum("amount"))["total"] or 0
        supporters = self.drive_donations().filter(status__in=Donation.SUPPORTING).count()
        return {"raised": raised, "supporters": supporters}

    @property
    def raised_display(self) -> str:
        return self.format(self.totals["raised"])

    @property
    def goal_display(self) -> str:
        return self.format(self.goal)

    @property
    def percent(self) -> int:
        return self.totals["raised"] * 100 // self.goal if self.goal else 0

    @property
    def days_left(self) -> int | None:
        if self.deadline is None:
            return None
        return max(0, (self.deadline - timezone.now() + datetime.timedelta(hours=23, minutes=59)).days)

    @property
    def is_open(self) -> bool:
        return self.deadline is None or self.deadline > timezone.now()

    def perk_tiers(self) -> list[Perk]:
        """The perks with their choices and what is left of each, in two queries."""
        from samizdat.campaigns.services import HOLDING

        perks = list(self.perks.all())
        choices = (PerkChoice.objects.filter(perk__campaign=self)
                   .annotate(taken=Count("claims", filter=Q(claims__donation__status__in=HOLDING)))
                   .order_by("perk_id", "sort_order", "pk"))
        by_perk: dict[int, list[PerkChoice]] = {}
        for choice in choices:
            by_perk.setdefault(choice.perk_id, []).append(choice)
        for perk in perks:
            perk.loaded_choices = by_perk.get(perk.pk, [])
        return perks

    def supporters_wall(self):
        """Public supporters who left a name, newest first."""
        return (self.drive_donations().filter(status__in=Donation.SUPPORTING, is_public=True)
                .exclude(display_name="").only("display_name", "message", "paid_at")
                .order_by("-paid_at", "-pk")[:SUPPORTERS_SHOWN])

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["campaign_url"] = self.get_url(request) or "/"
        context["perks"] = perks = self.perk_tiers()
        context["ships_json"] = json.dumps({str(perk.pk): perk.ships for perk in perks})
        context["supporters"] = self.supporters_wall() if self.show_supporters else []
        context["form"] = self.form_class(campaign=self, perks=perks)  # also for the admin's preview
        context["sent"] = None
        return context

    def get_form(self, request: HttpRequest, data=None):
        return self.form_class(data, campaign=self, perks=self.perk_tiers())

    def serve(self, request: HttpRequest, view=None, args=None, kwargs=None) -> HttpResponse:
        if view is None:
            return self.give(request)
        return view(request, *(args or ()), **(kwargs or {}))

    @path("")
    def give(self, request: HttpRequest) -> HttpResponse:
        from samizdat.campaigns.views import give

        return give(self, request)

    @path("thanks/")
    def thanks_page(self, request: HttpRequest) -> HttpResponse:
        """Where Stripe Checkout sends the donor back; the webhook, not this page, records payment."""
        from samizdat.campaigns.views import returned

        return returned(self, request)

    @path("manage/<str:token>/")
    def manage(self, request: HttpRequest, token: str) -> HttpResponse:
        from samizdat.campaigns.views import manage

        return manage(self, request, token)

    @path("progress/")
    def progress_json(self, request: HttpRequest) -> HttpResponse:
        """The live figures for the page's enhancing script; cheap and briefly cacheable."""
        if request.method == "POST":
            return HttpResponseNotAllowed(["GET", "HEAD", "OPTIONS"])
        data = {"raised": self.totals["raised"], "raised_display": self.format(self.totals["raised"]),
                "goal": self.goal, "percent": self.percent, "supporters": self.totals["supporters"]}
        response = JsonResponse(data)
        response["Cache-Control"] = "public, max-age=15"
        return response

    def render_with(self, request: HttpRequest, template: str, extra: dict, status: int = 200,
                    chrome_subpaths: str | None = None) -> HttpResponse:
        context = self.get_context(request, chrome_subpaths=chrome_subpaths)
        context.update(extra)
        return TemplateResponse(request, template, context, status=status)


class Perk(Orderable, ClusterableModel):
    """A tier: give at least `minimum` and get this, with choices (which issue, which design…)."""

    campaign = ParentalKey(CampaignPage, on_delete=models.CASCADE, related_name="perks")
    title = models.CharField(_("title"), max_length=200)
    minimum = models.PositiveBigIntegerField(_("minimum (in cents)"), validators=[MinValueValidator(1)],
                                             help_text=_("In the smallest unit: 3000 is 30.00."))
    description = models.TextField(_("description"), blank=True)
    image = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("image"))
    ships = models.BooleanField(_("ships by post"), default=False,
                                help_text=_("Ask for a postal address when a reader picks it."))

    panels = [
        FieldRowPanel([FieldPanel("title"), FieldPanel("minimum")]),
        FieldPanel("description"), FieldPanel("image"), FieldPanel("ships"),
        InlinePanel("choices", heading=_("Choices"), label=_("Choice")),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("perk")

    def __str__(self) -> str:
        return self.title

    @property
    def minimum_display(self) -> str:
        return money.format_money(self.minimum, self.campaign.currency, whole=True)

    def questions(self) -> list[tuple[str, list[PerkChoice]]]:
        """Choices grouped by their question, in order ("Design": […], "Size": […])."""
        groups: dict[str, list[PerkChoice]] = {}
        for choice in getattr(self, "loaded_choices", None) or list(self.choices.all()):
            groups.setdefault(choice.question, []).append(choice)
        return list(groups.items())

    def sold_out(self) -> bool:
        """Every choice of some question is gone, so the perk cannot be had."""
        return any(all(choice.left == 0 for choice in choices) for _question, choices in self.questions())


class PerkChoice(Orderable):
    """One answer to one of a perk's questions, e.g. question "Design", label "Red star", stock 40."""

    perk = ParentalKey(Perk, on_delete=models.CASCADE, related_name="choices")
    question = models.CharField(_("question"), max_length=100, help_text=_("e.g. Which issue, Design, Size"))
    label = models.CharField(_("choice"), max_length=200)
    stock = models.PositiveIntegerField(_("stock"), null=True, blank=True,
                                        help_text=_("How many there are; empty for no limit."))

    panels = [FieldRowPanel([FieldPanel("question"), FieldPanel("label"), FieldPanel("stock")])]

    class Meta(Orderable.Meta):
        verbose_name = _("perk choice")

    def __str__(self) -> str:
        return f"{self.question}: {self.label}"

    @property
    def left(self) -> int | None:
        """What is left (None: no limit); needs the `taken` annotation of perk_tiers()."""
        if self.stock is None:
            return None
        return max(0, self.stock - getattr(self, "taken", 0))


class Donation(models.Model):
    """A reader's gift: one-off or monthly, online (Stripe) or pledged offline.

    States (moved only by `samizdat.campaigns.services`):
        pending → paid (money arrived) → ended (a monthly gift cancelled after paying) / refunded
        pending → expired (checkout abandoned, or an editor cancels a pledge that never came)
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for payment")
        PAID = "paid", _("Paid")
        ENDED = "ended", _("Monthly gift ended")
        REFUNDED = "refunded", _("Refunded")
        EXPIRED = "expired", _("Not paid")

    class Frequency(models.TextChoices):
        ONCE = "once", _("One-off")
        MONTHLY = "monthly", _("Monthly")

    class Method(models.TextChoices):
        STRIPE = "stripe", _("Card (Stripe)")
        OFFLINE = "offline", _("Offline pledge")

    SUPPORTING = (Status.PAID, Status.ENDED)

    campaign = models.ForeignKey(CampaignPage, on_delete=models.PROTECT, related_name="donations",
                                 verbose_name=_("campaign"))
    amount = models.PositiveBigIntegerField(_("amount (in cents)"), validators=[MinValueValidator(1)])
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    frequency = models.CharField(_("frequency"), max_length=8, choices=Frequency.choices,
                                 default=Frequency.ONCE)
    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    name = models.CharField(_("name"), max_length=200,
                            validators=[spam.reject_control_characters])
    email = models.EmailField(_("email"), max_length=254)
    is_public = models.BooleanField(_("on the supporters wall"), default=False)
    display_name = models.CharField(_("name on the wall"), max_length=100, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    language = models.CharField(_("site language"), max_length=10, blank=True)
    perk = models.ForeignKey(Perk, null=True, blank=True, on_delete=models.SET_NULL, related_name="donations",
                             verbose_name=_("perk"))
    perk_title = models.CharField(_("perk"), max_length=200, blank=True,
                                  help_text=_("The perk's title when given (kept if the perk is deleted)."))
    perk_choices = models.JSONField(_("choices"), default=dict, blank=True)
    ship_to = models.TextField(_("shipping address"), blank=True)
    ship_country = models.CharField(_("country"), max_length=100, blank=True)
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    stripe_session = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_customer = models.CharField(max_length=255, blank=True)
    stripe_subscription = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_payment_intent = models.CharField(max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(_("given"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("donation")
        indexes = [models.Index(fields=["campaign", "status", "paid_at"], name="campaigns_donation_wall")]

    def __str__(self) -> str:
        return f"{money.format_money(self.amount, self.currency)} · {self.name}"

    @property
    def amount_display(self) -> str:
        return money.format_money(self.amount, self.currency)

    @property
    def choices_text(self) -> str:
        return "; ".join(f"{question}: {label}" for question, label in (self.perk_choices or {}).items())

    @property
    def can_stop(self) -> bool:
        """A monthly gift the donor can still cancel (a refund does not stop its subscription)."""
        return (self.frequency == self.Frequency.MONTHLY and self.ended_at is None
                and self.status in (self.Status.PAID, self.Status.PENDING, self.Status.REFUNDED))

    @property
    def reference(self) -> str:
        """What an offline donor writes on the transfer, so the editor can match it."""
        return f"SZ-{self.pk:06d}"


class PerkClaim(models.Model):
    """One choice a donation took (holds one unit of stock while the donation holds it)."""

    donation = models.ForeignKey(Donation, on_delete=models.CASCADE, related_name="claims")
    choice = models.ForeignKey(PerkChoice, on_delete=models.CASCADE, related_name="claims")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["donation", "choice"], name="campaigns_one_claim")]

    def __str__(self) -> str:
        return f"{self.donation_id} → {self.choice_id}"


class Payment(models.Model):
    """The ledger: money in (positive) or refunded (negative), one row per Stripe object or click."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment")
        REFUND = "refund", _("Refund")

    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.PAYMENT)
    amount = models.BigIntegerField(_("amount (in cents)"))
    reference = models.CharField(max_length=255, unique=True,
                                 help_text=_("The Stripe payment or refund, or offline:<donation>."))
    payment_intent = models.CharField(max_length=255, blank=True, db_index=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name = _("payment")

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} ({self.reference})"


class StripeEvent(models.Model):
    """Each Stripe webhook event handled once: a retry with the same id changes nothing."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    signed_at = models.BigIntegerField(help_text="The signature's timestamp, to tell a replay from a retry.")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"
