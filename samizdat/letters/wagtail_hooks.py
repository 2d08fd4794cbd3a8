"""Admin: the signatures of every letter, filterable, searchable, exportable as CSV for organizers."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from samizdat.letters.models import Signature


class SignatureIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("letter")


class SignatureViewSet(ModelViewSet):
    """Status and email are not editable here: only the signer's links move a signature's state."""

    model = Signature
    icon = "edit"
    menu_label = _("Letter signatures")
    menu_order = 260
    add_to_admin_menu = True
    index_view_class = SignatureIndexView
    list_display = ["name", "organization", "letter", "status", "is_public", "confirmed_at"]
    list_filter = ["letter", "status", "is_public", "newsletter_opt_in"]
    search_fields = ["name", "email", "organization", "city"]
    search_backend_name = None
    form_fields = ["name", "organization", "role", "city", "country", "is_public"]
    list_export = ["name", "email", "organization", "role", "city", "country", "is_public",
                   "newsletter_opt_in", "status", "language", "confirmed_at", "letter"]
    export_headings = {"is_public": _("Public"), "newsletter_opt_in": _("Newsletter"),
                       "confirmed_at": _("Confirmed at")}
    export_filename = "signatures"
    inspect_view_enabled = True


@hooks.register("register_admin_viewset")
def register_signatures() -> SignatureViewSet:
    return SignatureViewSet("letter_signatures")
