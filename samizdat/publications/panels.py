"""An admin-only line on issue and book pages: how often their files were downloaded."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail.admin.panels import HelpPanel


class DownloadsPanel(HelpPanel):
    """Shows the total downloads of the page's PDF/EPUB; hidden while the page is new."""

    def __init__(self, fields: tuple[str, ...] = ("pdf",), **kwargs) -> None:
        super().__init__(**kwargs)
        self.fields = fields

    def clone_kwargs(self) -> dict:
        kwargs = super().clone_kwargs()
        kwargs["fields"] = self.fields
        return kwargs

    class BoundPanel(HelpPanel.BoundPanel):
        def is_shown(self) -> bool:
            return bool(getattr(self.instance, "pk", None)) and super().is_shown()

        def get_context_data(self, parent_context=None) -> dict:
            from samizdat.publications.services import downloads_of

            ids = [getattr(self.instance, f"{field}_id", None) for field in self.panel.fields]
            self.content = format_html("<p>{}: {}</p>", _("Downloads so far"), downloads_of(ids))
            return super().get_context_data(parent_context)
