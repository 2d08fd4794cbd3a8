"""Business rules for gifts: taking a pledge with its stock, money arriving, refunds, monthly ends.

    give           → pending (holds its perk's stock)
    record_payment   pending → paid; paid/ended stay (a monthly gift's next month); each
                     payment is one ledger row, unique by its reference, so twice is once;
                     expired/refunded → paid takes the perk's stock again (or drops the perk)
    record_refund    the ledger gets a negative row; nothing left → refunded (stock released)
    end_monthly      paid → ended (keeps counting what it paid)
    expire           pending → expired (stock released)

Stock: `take_stock` locks the perk choices in id order and counts the claims of donations that
still hold stock, so two readers taking the last T-shirt at once get it once. Money arriving
locks only its donation's row (`of=("self",)`): locking the campaign's too would hold up every
reader's gift to it and deadlock with a reader holding a choice that a paid-after-all pledge retakes.
"""

from __future__ import annotations

import logging

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from samizdat.campaigns.models import CampaignPage, Donation, Payment, PerkChoice, PerkClaim
from samizdat.core import tokens
from samizdat.core.mail import send_outlet_mail

logger = logging.getLogger(__name__)
Status = Donation.Status
HOLDING = (Status.PENDING, Status.PAID, Status.ENDED)
MANAGE_SALT = "samizdat.campaigns.manage"


class SoldOut(Exception):
    """A choice ran out between the form and the lock; carries the choice."""

    def __init__(self, choice: PerkChoice) -> None:
        super().__init__(choice.label)
        self.choice = choice


class LinkInvalid(Exception):
    """A tampered or foreign manage link."""


def take_stock(choice_ids: list[int]) -> None:
    """Check under lock that each choice has stock left; raise SoldOut for the first that has not."""
    if not choice_ids:
        return
    locked = list(PerkChoice.objects.select_for_update().filter(pk__in=choice_ids).order_by("pk"))
    limited = [choice.pk for choice in locked if choice.stock is not None]
    taken = dict(PerkClaim.objects.filter(choice_id__in=limited, donation__status__in=HOLDING)
                 .values("choice_id").annotate(n=Count("pk")).values_list("choice_id", "n"))
    for choice in locked:
        if choice.stock is not None and taken.get(choice.pk, 0) >= choice.stock:
            raise SoldOut(choice)


@transaction.atomic
def give(campaign: CampaignPage, data: dict, *, method: str) -> Donation:
    """Record a pending gift from a DonationForm's cleaned_data, holding its perk's stock."""
    perk = data.get("perk_object")
    choice_ids = list(data.get("choice_ids") or [])
    take_stock(choice_ids)
    choices = {choice.question: choice.label for choice in PerkChoice.objects.filter(pk__in=choice_ids)}
    donation = Donation.objects.create(
        campaign=campaign, amount=data["amount"], currency=campaign.currency,
        frequency=data.get("frequency") or Donation.Frequency.ONCE, method=method,
        name=data["name"], email=data["email"], is_public=bool(data.get("is_public")),
        display_name=data.get("display_name", "") if data.get("is_public") else "",
        message=data.get("message", "") if data.get("is_public") else "",
        language=get_language() or "", perk=perk, perk_title=perk.title if perk else "",
        perk_choices=choices,
        ship_to=data.get("ship_to", "").strip() if perk and perk.ships else "",
        ship_country=data.get("ship_country", "").strip() if perk and perk.ships else "",
    )
    PerkClaim.objects.bulk_create([PerkClaim(donation=donation, choice_id=pk) for pk in choice_ids])
    return donation


def pledge_offline(campaign: CampaignPage, data: dict, *, page_url: str, site_name: str = "") -> Donation:
    """A pledge to pay by transfer or in cash: pending until an editor marks it received."""
    donation = give(campaign, data, method=Donation.Method.OFFLINE)
    context = {"donation": donation, "campaign": campaign, "site_name": site_name, "page_url": page_url}
    subject = _("Your pledge to %(title)s: how to pay") % {"title": campaign.title}
    transaction.on_commit(lambda: send_outlet_mail(donation.email, subject, "campaigns/mail/pledge", context))
    return donation


@transaction.atomic
def record_payment(donation_id: int, amount: int, reference: str, *, payment_intent: str = "",
                   received_at=None, page_url: str = "", site_name: str = "") -> bool:
    """Money arrived for a gift: one ledger row (a repeat of `reference` does nothing); returns
    whether it was new. The first payment makes it paid and mails the receipt; so does each month's."""
    donation = Donation.objects.select_for_update(of=("self",)).select_related("campaign").get(
        pk=donation_id)
    try:
        with transaction.atomic():
            Payment.objects.create(donation=donation, amount=amount, reference=reference,
                                   payment_intent=payment_intent, received_at=received_at or timezone.now())
    except IntegrityError:
        return False
    if donation.status in (Status.PENDING, Status.EXPIRED, Status.REFUNDED):
        if donation.status != Status.PENDING:
            retake_stock(donation)
        donation.status = Status.PAID
        donation.paid_at = received_at or timezone.now()
        donation.save(update_fields=["status", "paid_at"])
    send_receipt(donation, amount, page_url=page_url, site_name=site_name)
    return True


def retake_stock(donation: Donation) -> None:
    """A gift that had let go of its perk (expired, refunded) is paid after all: take its stock again.

    If another reader took the last one meanwhile, the gift stands without the perk (the money is
    real), so stock never goes below zero; the log tells the editors whom to write to.
    """
    choice_ids = sorted(donation.claims.values_list("choice_id", flat=True))
    try:
        take_stock(choice_ids)
    except SoldOut as sold_out:
        logger.warning("Donation %s was paid after its perk %r (%s) went to someone else; it keeps no perk.",
                       donation.pk, donation.perk_title, sold_out.choice)
        donation.claims.all().delete()
        donation.perk, donation.perk_title, donation.perk_choices = None, "", {}
        donation.ship_to = donation.ship_country = ""
        donation.save(update_fields=["perk", "perk_title", "perk_choices", "ship_to", "ship_country"])


def send_receipt(donation: Donation, amount: int, *, page_url: str = "", site_name: str = "") -> None:
    campaign = donation.campaign
    page_url = page_url or campaign.get_full_url() or ""
    manage_url = ""
    if donation.frequency == Donation.Frequency.MONTHLY:
        manage_url = page_url.rstrip("/") + "/" + campaign.reverse_subpage(
            "manage", kwargs={"token": manage_token(donation)})
    context = {"donation": donation, "campaign": campaign, "site_name": site_name, "page_url": page_url,
               "amount": campaign.format(amount, whole=False), "manage_url": manage_url}
    subject = _("Thank you: your receipt for %(title)s") % {"title": campaign.title}
    transaction.on_commit(
        lambda: send_outlet_mail(donation.email, subject, "campaigns/mail/receipt", context))


@transaction.atomic
def mark_received(donation_id: int) -> bool:
    """An editor saw an offline pledge's money arrive: count it (once, however often clicked)."""
    donation = Donation.objects.get(pk=donation_id)
    return record_payment(donation.pk, donation.amount, f"offline:{donation.pk}")


@transaction.atomic
def record_refund(payment_intent: str, refunded_total: int, reference: str) -> bool:
    """Stripe says `refunded_total` of a payment went back; add the difference to the ledger once.

    Returns whether anything changed. A donation with nothing left is refunded (stock released).
    """
    payment = (Payment.objects.select_related("donation").filter(payment_intent=payment_intent,
                                                                 kind=Payment.Kind.PAYMENT).first())
    if payment is None:
        return False
    donation = Donation.objects.select_for_update().get(pk=payment.donation_id)
    already = -(Payment.objects.filter(payment_intent=payment_intent, kind=Payment.Kind.REFUND)
                .aggregate(total=Sum("amount"))["total"] or 0)
    delta = min(refunded_total, payment.amount) - already
    if delta <= 0:
        return False
    try:
        with transaction.atomic():
            Payment.objects.create(donation=donation, kind=Payment.Kind.REFUND, amount=-delta,
                                   reference=reference, payment_intent=payment_intent)
    except IntegrityError:
        return False
    left = donation.payments.aggregate(total=Sum("amount"))["total"] or 0
    if left <= 0:
        donation.status = Status.REFUNDED
        donation.save(update_fields=["status"])
    return True


@transaction.atomic
def end_monthly(donation_id: int) -> bool:
    """A monthly gift stops: paid → ended (its past months still count); pending → expired; a
    refunded one stays refunded but is stopped too (its subscription may have gone on running)."""
    donation = Donation.objects.select_for_update().get(pk=donation_id)
    if donation.status == Status.PAID:
        donation.status = Status.ENDED
    elif donation.status == Status.PENDING:
        donation.status = Status.EXPIRED
    elif not (donation.status == Status.REFUNDED and donation.ended_at is None):
        return False
    donation.ended_at = timezone.now()
    donation.save(update_fields=["status", "ended_at"])
    return True


@transaction.atomic
def expire(donation_id: int) -> bool:
    """A gift that will not be paid (checkout abandoned, pledge withdrawn): releases its stock."""
    updated = Donation.objects.filter(pk=donation_id, status=Status.PENDING).update(
        status=Status.EXPIRED, ended_at=timezone.now())
    return bool(updated)


@transaction.atomic
def mark_shipped(donation_ids: list[int]) -> int:
    """The perks of these gifts went out in the post; returns how many were newly marked."""
    waiting = Donation.objects.filter(pk__in=donation_ids, shipped_at__isnull=True).exclude(perk_title="")
    return waiting.update(shipped_at=timezone.now())


def manage_token(donation: Donation) -> str:
    """A link token for the donor to see and cancel a monthly gift; it does not expire."""
    return tokens.to_route(signing.Signer(salt=MANAGE_SALT).sign(str(donation.pk)))


def donation_for_token(campaign: CampaignPage, token: str) -> Donation:
    try:
        value = signing.Signer(salt=MANAGE_SALT).unsign(tokens.from_route(token, timestamped=False))
    except (signing.BadSignature, ValueError):
        raise LinkInvalid from None
    if not value.isascii() or not value.isdigit():
        raise LinkInvalid
    donation = Donation.objects.filter(pk=int(value), campaign=campaign).first()
    if donation is None:
        raise LinkInvalid
    return donation


def money_over_time(campaign: CampaignPage) -> list[tuple[object, int]]:
    """(day, total raised by the end of that day) for each day money moved, for the chart."""
    from django.db.models.functions import TruncDate

    rows = (campaign.drive_ledger().annotate(day=TruncDate("received_at"))
            .values("day").annotate(total=Sum("amount")).order_by("day"))
    running, points = 0, []
    for row in rows:
        running += row["total"]
        points.append((row["day"], running))
    return points


def dashboard_totals(campaign: CampaignPage) -> dict[str, int]:
    """The figures an editor watches, in one query over the donations and one over the ledger.

    Money and supporters are the whole drive's (every language, as readers see them); pledges to
    check and perks to send are this page's, like the lists beside them."""
    here = Q(campaign=campaign)
    counts = campaign.drive_donations().aggregate(
        supporters=Count("pk", filter=Q(status__in=Donation.SUPPORTING)),
        monthly=Count("pk", filter=Q(status=Status.PAID, frequency=Donation.Frequency.MONTHLY)),
        pending=Count("pk", filter=here & Q(status=Status.PENDING)),
        pending_amount=Sum("amount", filter=here & Q(status=Status.PENDING, method=Donation.Method.OFFLINE)),
        to_ship=Count("pk", filter=here & Q(status__in=Donation.SUPPORTING, shipped_at__isnull=True)
                      & (Q(perk__ships=True) | ~Q(ship_to=""))),
    )
    ledger = campaign.drive_ledger().aggregate(
        raised=Sum("amount"), refunded=Sum("amount", filter=Q(kind=Payment.Kind.REFUND)))
    return {**{key: value or 0 for key, value in counts.items()},
            "raised": ledger["raised"] or 0, "refunded": -(ledger["refunded"] or 0)}
