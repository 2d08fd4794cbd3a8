"""Admin: Settings → Locked logins (see `logins`)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from samizdat.core.logins import UNLOCK_PERMISSION, locked_logins


@hooks.register("register_admin_urls")
def register_locked_logins_url() -> list:
    return [path("locked-logins/", locked_logins, name="core_locked_logins")]


class LockedLoginsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return request.user.has_perm(UNLOCK_PERMISSION)


@hooks.register("register_settings_menu_item")
def register_locked_logins_menu_item() -> MenuItem:
    return LockedLoginsMenuItem(_("Locked logins"), reverse("core_locked_logins"), icon_name="lock",
                                order=900)
