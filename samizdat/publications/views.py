"""Admin report: how often each document was downloaded."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from samizdat.publications.services import download_totals


def downloads_report(request: HttpRequest) -> HttpResponse:
    """Totals per document; only for people who may manage documents."""
    if not request.user.has_perm("wagtaildocs.change_document"):
        raise PermissionDenied
    return TemplateResponse(request, "publications/admin/downloads_report.html", {
        "rows": download_totals(),
        "page_title": _("Downloads"),
        "header_title": _("Downloads"),
        "header_icon": "download",
    })
