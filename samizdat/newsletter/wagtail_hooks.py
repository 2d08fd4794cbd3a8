"""Newsletter admin: one menu group with the sends and their progress, the lists, the subscribers."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from samizdat.newsletter.admin_sends import SendViewSet
from samizdat.newsletter.admin_subscribers import MailingListViewSet, SubscriberViewSet


class NewsletterGroup(ViewSetGroup):
    menu_label = _("Newsletter")
    menu_icon = "mail"
    menu_order = 280
    items = (SendViewSet("newsletter_sends"), MailingListViewSet("newsletter_lists"),
             SubscriberViewSet("newsletter_subscribers"))


@hooks.register("register_admin_viewset")
def register_newsletter_admin() -> NewsletterGroup:
    return NewsletterGroup()
