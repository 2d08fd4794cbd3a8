"""Admin for reader support: each campaign's dashboard (totals, chart, pledges to mark received),
its perk fulfilment list (CSV, mark shipped), and every donation as a filterable list."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import DeleteView, IndexView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from samizdat.campaigns import services
from samizdat.campaigns.chart import raised_chart
from samizdat.campaigns.models import CampaignPage, Donation, PerkChoice

RECENT_SHOWN = 50
FULFILMENT_COLUMNS = ["reference", "name", "email", "perk", "choices", "ship_to", "ship_country", "amount",
                      "status", "given", "shipped"]


class NoAddingPolicy(ModelPermissionPolicy):
    """Gifts come from readers (the form, Stripe), never from an editor's "Add" button."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return super().user_has_any_permission(user, [action for action in actions if action != "add"])

    def user_has_permission_for_instance(self, user, action, instance):
        """A gift with money in the ledger stays: the ledger is the record of what was raised."""
        if action == "delete" and instance.payments.exists():
            return False
        return super().user_has_permission_for_instance(user, action, instance)


donation_permissions = NoAddingPolicy(Donation)
register_permission_policy(Donation, donation_permissions)


def in_question_order(donations: list[Donation]) -> list[Donation]:
    """Give each gift `choices_display`: its choices in the order of its perk's questions ("Design:
    Fist; Size: M"), in one query. The stored choices are a JSON object, whose keys PostgreSQL's
    jsonb reorders; a gift whose perk was deleted keeps the order stored."""
    ranks: dict[int, dict[str, int]] = {}
    questions = (PerkChoice.objects.filter(perk_id__in={donation.perk_id for donation in donations})
                 .order_by("perk_id", "sort_order", "pk").values_list("perk_id", "question"))
    for perk_id, question in questions:
        rank = ranks.setdefault(perk_id, {})
        rank.setdefault(question, len(rank))
    for donation in donations:
        rank = ranks.get(donation.perk_id, {})
        chosen = sorted((donation.perk_choices or {}).items(), key=lambda item: rank.get(item[0], len(rank)))
        donation.choices_display = "; ".join(f"{question}: {label}" for question, label in chosen)
    return donations


class CampaignLookupMixin:
    """The campaign page named in the URL (any other page or id: 404)."""

    kwargs: dict

    @cached_property
    def campaign(self) -> CampaignPage:
        # By `id`, an integer field: an id too large for the database is then simply not found
        # (`pk`, the page pointer, would send it to the database and fail with a 500).
        return get_object_or_404(CampaignPage, id=self.kwargs["page_id"])


class CampaignMixin(CampaignLookupMixin, PermissionCheckedMixin, WagtailAdminTemplateMixin):
    permission_policy = donation_permissions
    any_permission_required = ["view", "change"]
    header_icon = "pick"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("campaigns_admin:index"), "label": _("Campaigns")},
            {"url": reverse("campaigns_admin:dashboard", args=[self.campaign.pk]),
             "label": self.campaign.title},
        ]


class CampaignListView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    permission_policy = donation_permissions
    any_permission_required = ["view", "change"]
    template_name = "campaigns/admin/index.html"
    page_title = gettext_lazy("Campaigns")
    header_icon = "pick"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaigns = list(CampaignPage.objects.order_by("-first_published_at", "-pk").select_related("locale"))
        for campaign in campaigns:
            campaign.figures = services.dashboard_totals(campaign)
            campaign.raised_text = campaign.format(campaign.figures["raised"])
        context["campaigns"] = campaigns
        return context


class DashboardView(CampaignMixin, TemplateView):
    template_name = "campaigns/admin/dashboard.html"

    def get_page_title(self):
        return self.campaign.title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = self.campaign
        totals = services.dashboard_totals(campaign)
        donations = campaign.donations.order_by("-created_at", "-pk")
        context.update({
            "campaign": campaign,
            "totals": totals,
            "figures": {key: campaign.format(totals[key], whole=False)
                        for key in ("raised", "refunded", "pending_amount")},
            "goal": campaign.format(campaign.goal),
            "percent": totals["raised"] * 100 // campaign.goal if campaign.goal else 0,
            "chart": raised_chart(services.money_over_time(campaign), campaign.goal, campaign.format),
            "pledges": in_question_order(list(donations.filter(status=Donation.Status.PENDING,
                                                               method=Donation.Method.OFFLINE))),
            "recent": list(donations.exclude(status=Donation.Status.PENDING)[:RECENT_SHOWN]),
            "donations_url": reverse("campaigns_donations:index") + f"?campaign={campaign.pk}",
        })
        return context


class ChangeView(CampaignLookupMixin, View):
    """A POST-only action on a campaign's gifts; editors who may only look get a plain 403."""

    http_method_names = ["post", "options"]

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST" and not donation_permissions.user_has_permission(request.user, "change"):
            return HttpResponse(_("You may not change donations."), status=403)
        return super().dispatch(request, *args, **kwargs)


class PledgeView(ChangeView):
    """Mark an offline pledge received (counted once however often clicked), or cancel it.

    Only this campaign's offline pledges: a card gift's money comes from Stripe alone."""

    action = ""

    def post(self, request: HttpRequest, page_id: int, donation_id: int) -> HttpResponse:
        donation = get_object_or_404(self.campaign.donations, pk=donation_id, method=Donation.Method.OFFLINE)
        if self.action == "received":
            if services.mark_received(donation.pk):
                messages.success(request, _("%(donation)s marked received; the receipt is on its way.")
                                 % {"donation": donation})
            else:
                messages.warning(request, _("That pledge had already been marked received."))
        elif services.expire(donation.pk):
            messages.success(request, _("Pledge cancelled; its perk stock is free again."))
        else:
            messages.warning(request, _("That pledge was no longer waiting, so it was left as it is."))
        return redirect("campaigns_admin:dashboard", self.campaign.pk)


def shippable(campaign: CampaignPage) -> QuerySet[Donation]:
    """This page's paid gifts with a perk that goes by post (or, its perk since deleted, an address)."""
    return (campaign.donations.filter(status__in=Donation.SUPPORTING).exclude(perk_title="")
            .filter(Q(perk__ships=True) | ~Q(ship_to="")))


class ShippedView(ChangeView):
    """Mark the ticked perks shipped (those already shipped keep their date)."""

    def post(self, request: HttpRequest, page_id: int) -> HttpResponse:
        posted = request.POST.getlist("donation")
        ids = [int(value) for value in posted if value.isascii() and value.isdigit() and len(value) < 19]
        ids = list(shippable(self.campaign).filter(pk__in=ids).values_list("pk", flat=True))
        if not ids:
            messages.warning(request, _("Tick the perks that went out first."))
        else:
            count = services.mark_shipped(ids)
            messages.success(request, _("%(count)s marked shipped.") % {"count": count})
        return redirect("campaigns_admin:fulfilment", self.campaign.pk)


class FulfilmentView(CampaignMixin, TemplateView):
    """Who gets which perk, with choices and address; CSV for the post office; mark shipped."""

    template_name = "campaigns/admin/fulfilment.html"

    def get_page_title(self):
        return _("Perks to send: %(title)s") % {"title": self.campaign.title}

    def rows(self):
        # Those still to send first, on every database (PostgreSQL sorts empty dates last).
        queryset = shippable(self.campaign).order_by(F("shipped_at").asc(nulls_first=True), "paid_at", "pk")
        if self.request.GET.get("show") != "all":
            queryset = queryset.filter(shipped_at__isnull=True)
        return queryset

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.GET.get("export") == "csv":
            return self.csv_response()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"campaign": self.campaign, "rows": in_question_order(list(self.rows())),
                        "show_all": self.request.GET.get("show") == "all"})
        return context

    def csv_response(self) -> HttpResponse:
        # The byte order mark tells spreadsheets the file is UTF-8 (names like "Zoë Ñandú").
        response = HttpResponse("\ufeff", content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="perks-{self.campaign.slug}.csv"'
        writer = csv.writer(response)
        writer.writerow(FULFILMENT_COLUMNS)
        for donation in in_question_order(list(self.rows())):
            writer.writerow([
                donation.reference, donation.name, donation.email, donation.perk_title,
                donation.choices_display, donation.ship_to, donation.ship_country, donation.amount_display,
                donation.status,
                timezone.localdate(donation.created_at).isoformat(),
                timezone.localdate(donation.shipped_at).isoformat() if donation.shipped_at else "",
            ])
        return response


class CampaignMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return donation_permissions.user_has_any_permission(request.user, ["view", "change"])


class CampaignAdminViewSet(ViewSet):
    menu_label = gettext_lazy("Campaigns")
    icon = "pick"

    def get_urlpatterns(self):
        return [
            path("", CampaignListView.as_view(), name="index"),
            path("<int:page_id>/", DashboardView.as_view(), name="dashboard"),
            path("<int:page_id>/pledges/<int:donation_id>/received/", PledgeView.as_view(action="received"),
                 name="received"),
            path("<int:page_id>/pledges/<int:donation_id>/cancel/", PledgeView.as_view(action="cancel"),
                 name="cancel"),
            path("<int:page_id>/perks/", FulfilmentView.as_view(), name="fulfilment"),
            path("<int:page_id>/perks/shipped/", ShippedView.as_view(), name="shipped"),
        ]

    def get_menu_item(self, order=None):
        return CampaignMenuItem(self.menu_label, self.menu_url, name=self.menu_name, icon_name=self.menu_icon,
                                order=order if order is not None else self.menu_order)


class DonationIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("campaign")


class DonationDeleteView(DeleteView):
    """Deletes a gift no money came for (an abandoned checkout, a pledge never paid); one with
    ledger rows is refused with a message, not a database error."""

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if self.user_has_permission("delete") and not self.user_has_permission_for_instance(
                "delete", self.object):
            messages.error(request, _("Money for this gift is in the ledger, so it cannot be deleted."))
            return redirect(self.edit_url_name, self.object.pk)
        return super().dispatch(request, *args, **kwargs)


class DonationViewSet(ModelViewSet):
    """Every gift. Amount, status and method move only through payments (Stripe, "mark received")."""

    model = Donation
    icon = "list-ul"
    menu_label = gettext_lazy("Donations")
    index_view_class = DonationIndexView
    delete_view_class = DonationDeleteView
    list_display = ["name", "amount_display", "frequency", "method", "status", "campaign", "created_at"]
    list_filter = ["campaign", "status", "method", "frequency", "is_public"]
    search_fields = ["name", "email", "display_name", "message"]
    search_backend_name = None
    form_fields = ["name", "display_name", "message", "is_public", "ship_to", "ship_country", "shipped_at"]
    list_export = ["reference", "name", "email", "amount", "currency", "frequency", "method", "status",
                   "perk_title", "choices_text", "is_public", "display_name", "created_at", "paid_at",
                   "campaign"]
    export_headings = {"amount": _("Amount (minor units)"), "choices_text": _("Choices")}
    export_filename = "donations"
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_urlpatterns(self):
        """No "new" page at all: the policy refuses adding, and the URL is not there to try."""
        return [pattern for pattern in super().get_urlpatterns() if pattern.name != "add"]


class ReaderSupportGroup(ViewSetGroup):
    menu_label = gettext_lazy("Reader support")
    menu_icon = "pick"
    menu_order = 270
    items = (CampaignAdminViewSet("campaigns_admin"), DonationViewSet("campaigns_donations"))
