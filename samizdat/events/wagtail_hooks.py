"""Admin: registrants per event, filterable by event, status and attendance, with CSV export."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from samizdat.events.models import EventPage, Registration


class RegistrationFilterSet(WagtailFilterSet):
    event = django_filters.ModelChoiceFilter(
        queryset=EventPage.objects.order_by("-starts_at").only("id", "title", "starts_at"), label=_("Event"),
    )

    class Meta:
        model = Registration
        fields = ["event", "status", "attended"]


class RegistrationIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("event")


class RegistrationViewSet(ModelViewSet):
    model = Registration
    icon = "date"
    menu_label = _("Event registrations")
    menu_order = 260
    add_to_admin_menu = True
    index_view_class = RegistrationIndexView
    list_display = ["name", "email", "event", "status", "attended", "created_at"]
    filterset_class = RegistrationFilterSet
    search_fields = ["name", "email", "organization"]
    search_backend_name = None
    list_export = ["event", "name", "email", "organization", "country", "get_status_display", "attended",
                   "language", "created_at", "cancelled_at"]
    export_headings = {"get_status_display": _("Status")}
    export_filename = "registrations"
    inspect_view_enabled = True
    copy_view_enabled = False


@hooks.register("register_admin_viewset")
def register_registrations() -> RegistrationViewSet:
    return RegistrationViewSet("event_registrations")
