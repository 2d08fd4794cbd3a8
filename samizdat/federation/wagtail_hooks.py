"""The fediverse in the admin: a "Fediverse" menu group (followers, replies, blocked servers,
deliveries), and its permissions on the group edit page."""

from django.contrib.auth.models import Permission
from django.db.models import QuerySet
from wagtail import hooks

from samizdat.federation.admin_views import FediverseGroup


@hooks.register("register_admin_viewset")
def register_fediverse() -> FediverseGroup:
    return FediverseGroup()


@hooks.register("register_permissions")
def fediverse_permissions() -> QuerySet[Permission]:
    """Who may see followers and deliveries, and see or moderate replies (blocked servers bring
    their own, from their viewset)."""
    return Permission.objects.filter(content_type__app_label="federation",
                                     codename__in=["view_follower", "view_reply", "change_reply",
                                                   "view_delivery"])
