"""Count document downloads and show the totals in the admin's Reports menu."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from samizdat.publications.services import record_download
from samizdat.publications.views import downloads_report


@hooks.register("before_serve_document", order=100)
def count_download(document, request: HttpRequest) -> None:
    """One download per GET of a document; neither address, agent nor cookie is kept.

    Runs after Wagtail's own check of the collection's restrictions (order 0), so a request that
    is asked for a password or a login counts nothing."""
    if request.method == "GET":
        record_download(document.pk)


@hooks.register("register_admin_urls")
def register_downloads_url() -> list:
    return [path("reports/downloads/", downloads_report, name="publications_downloads")]


class DownloadsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return request.user.has_perm("wagtaildocs.change_document")


@hooks.register("register_reports_menu_item")
def register_downloads_menu_item() -> MenuItem:
    return DownloadsMenuItem(_("Downloads"), reverse("publications_downloads"), icon_name="download",
                             order=900)
