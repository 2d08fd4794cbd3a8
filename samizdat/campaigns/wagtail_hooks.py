"""Reader support in the admin: a menu group, and a "Dashboard" button on each campaign page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import ListingButton

from samizdat.campaigns.admin_views import ReaderSupportGroup, donation_permissions
from samizdat.campaigns.models import CampaignPage


@hooks.register("register_admin_viewset")
def register_reader_support() -> ReaderSupportGroup:
    return ReaderSupportGroup()


@hooks.register("register_page_header_buttons")
@hooks.register("register_page_listing_buttons")
def campaign_dashboard_button(page, user, next_url=None, view_name=None):
    if isinstance(page.specific_deferred, CampaignPage) and donation_permissions.user_has_any_permission(
            user, ["view", "change"]):
        yield ListingButton(_("Dashboard"), reverse("campaigns_admin:dashboard", args=[page.pk]),
                            icon_name="pick", priority=15)
