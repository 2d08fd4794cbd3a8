"""Admin for newsletter sends: the list of sends and each one's progress; the issue page's test send.

- "Newsletter sends" (menu): every send, newest first, with its counts; a send's page shows its
  progress (refreshed by a small script polling a JSON view while it runs) and failed recipients.
- "Send test to me" in an issue's action menu mails its latest revision to the editor.
- After publishing an issue, a warning names its lists that nobody will get it from.
"""

from __future__ import annotations

import smtplib

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.models import Page
from wagtail.permission_policies import ModelPermissionPolicy

from samizdat.newsletter import sending
from samizdat.newsletter.issues import NewsletterIssuePage
from samizdat.newsletter.models import Delivery, MailingList, Send, Subscriber

STATES = [Delivery.State.QUEUED, Delivery.State.CLAIMED, Delivery.State.SENT, Delivery.State.FAILED,
          Delivery.State.SKIPPED]
FAILED_SHOWN = 200
send_permissions = ModelPermissionPolicy(Send)


# ---------------------------------------------------------------------- progress


def send_progress(send: Send) -> dict:
    """Counts by delivery state, the total and whether the send still runs (for the page and JSON)."""
    counts = {state.value: 0 for state in STATES} | sending.progress(send)
    total = sum(counts.values()) or send.recipient_count
    finished = counts[Delivery.State.QUEUED] == 0 and counts[Delivery.State.CLAIMED] == 0
    running = send.status in (Send.Status.PREPARING, Send.Status.SENDING) and not (
        send.status == Send.Status.SENDING and finished)
    done = counts[Delivery.State.SENT] + counts[Delivery.State.FAILED] + counts[Delivery.State.SKIPPED]
    return {
        "status": send.status,
        "status_label": str(send.get_status_display()),
        "counts": counts,
        "labels": {state.value: str(state.label) for state in STATES},
        "total": total,
        "done": done,
        "percent": round(100 * done / total) if total else (0 if running else 100),
        "running": running,
    }


# ---------------------------------------------------------------------- sends list and detail


class SendIndexView(IndexView):
    model = Send
    permission_policy = send_permissions
    any_permission_required = ["view", "change"]
    page_title = gettext_lazy("Newsletter sends")
    header_icon = "mail"
    paginate_by = 25
    default_ordering = "-created_at"

    @cached_property
    def columns(self):
        return [
            self._get_title_column("subject"),
            Column("kind", label=gettext_lazy("Kind"), accessor="get_kind_display"),
            Column("locale", label=gettext_lazy("Language"), accessor="locale.get_display_name"),
            Column("lists", label=gettext_lazy("Lists"), accessor="list_names"),
            DateColumn("created_at", label=gettext_lazy("Created"), sort_key="created_at"),
            Column("status", label=gettext_lazy("Status"), accessor="get_status_display"),
            Column("sent", label=gettext_lazy("Sent"), accessor="sent_count"),
            Column("failed", label=gettext_lazy("Failed"), accessor="failed_count"),
            Column("total", label=gettext_lazy("Total"), accessor="total_count"),
        ]

    def get_base_queryset(self):
        return (
            Send.objects.defer("html", "text").select_related("locale")
            .prefetch_related("mailing_lists")
            .annotate(
                sent_count=Count("deliveries", filter=Q(deliveries__state=Delivery.State.SENT)),
                failed_count=Count("deliveries", filter=Q(deliveries__state=Delivery.State.FAILED)),
                total_count=Count("deliveries"),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for send in context["object_list"]:
            send.list_names = ", ".join(mailing_list.name for mailing_list in send.mailing_lists.all())
        return context

    def get_inspect_url(self, instance):
        return reverse("newsletter_sends:detail", args=[instance.pk])


class SendDetailView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    permission_policy = send_permissions
    any_permission_required = ["view", "change"]
    template_name = "newsletter/admin/sends/detail.html"
    header_icon = "mail"

    @cached_property
    def send(self) -> Send:
        queryset = Send.objects.defer("html", "text").select_related("locale", "issue")
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get_page_title(self):
        return self.send.subject

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("newsletter_sends:index"), "label": _("Newsletter sends")},
            {"url": "", "label": self.send.subject},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        failed = self.send.deliveries.filter(state=Delivery.State.FAILED).select_related("subscriber")
        context.update({
            "send": self.send,
            "lists": list(self.send.mailing_lists.all()),
            "progress": send_progress(self.send),
            "failed": list(failed.order_by("pk")[:FAILED_SHOWN]),
            "progress_url": reverse("newsletter_sends:progress", args=[self.send.pk]),
        })
        context["failed_more"] = max(0, context["progress"]["counts"][Delivery.State.FAILED] - FAILED_SHOWN)
        return context


class SendProgressView(PermissionCheckedMixin, TemplateView):
    """The send's progress as JSON, for the detail page's script."""

    permission_policy = send_permissions
    any_permission_required = ["view", "change"]

    def get(self, request: HttpRequest, *args, **kwargs) -> JsonResponse:
        send = get_object_or_404(Send.objects.defer("html", "text"), pk=kwargs["pk"])
        return JsonResponse(send_progress(send))


class SendMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return send_permissions.user_has_any_permission(request.user, ["view", "change"])


class SendViewSet(ViewSet):
    menu_label = gettext_lazy("Sends")
    icon = "mail"

    def get_urlpatterns(self):
        return [
            path("", SendIndexView.as_view(index_url_name="newsletter_sends:index",
                                           index_results_url_name="newsletter_sends:index_results"),
                 name="index"),
            path("results/", SendIndexView.as_view(index_url_name="newsletter_sends:index",
                                                   index_results_url_name="newsletter_sends:index_results",
                                                   results_only=True),
                 name="index_results"),
            path("<int:pk>/", SendDetailView.as_view(), name="detail"),
            path("<int:pk>/progress.json", SendProgressView.as_view(), name="progress"),
        ]

    def get_menu_item(self, order=None):
        return SendMenuItem(self.menu_label, self.menu_url, name=self.menu_name, icon_name=self.menu_icon,
                            order=order if order is not None else self.menu_order)


# ---------------------------------------------------------------------- test send


class SendTestMenuItem(ActionMenuItem):
    """Posts the edit form to the test-send view (the form's CSRF token comes along)."""

    label = gettext_lazy("Send test to me")
    name = "action-send-test"
    icon_name = "mail"
    template_name = "newsletter/admin/sends/send_test_menu_item.html"
    order = 150

    def is_shown(self, context) -> bool:
        page = context.get("page")
        if context.get("view") != "edit" or not isinstance(page, NewsletterIssuePage):
            return False
        return self.get_user_page_permissions_tester(context).can_edit()

    def get_url(self, parent_context):
        return reverse("newsletter_issue_send_test", args=[parent_context["page"].pk])


@hooks.register("register_page_action_menu_item")
def register_send_test_item() -> SendTestMenuItem:
    return SendTestMenuItem()


@require_POST
def send_test_view(request: HttpRequest, page_id: int) -> HttpResponse:
    """Mail the issue's latest revision to the editor who asked; back to the edit page with a message."""
    page = get_object_or_404(Page, pk=page_id).specific
    if not isinstance(page, NewsletterIssuePage):
        raise Http404
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    address = (request.user.email or "").strip()
    if not address:
        messages.error(request, _("Your account has no email address: add one in your account settings "
                                  "to receive test sends."))
        return redirect(edit_url)
    issue = page.get_latest_revision_as_object()
    try:
        sending.send_test(issue, address)
    except (smtplib.SMTPException, OSError) as error:
        messages.error(request, _("The test could not be sent to %(address)s: %(error)s")
                       % {"address": address, "error": error})
    else:
        messages.success(request, _("Test sent to %(address)s.") % {"address": address})
    return redirect(edit_url)


@hooks.register("register_admin_urls")
def register_send_test_url():
    return [path("newsletter/issues/<int:page_id>/send-test/", send_test_view,
                 name="newsletter_issue_send_test")]


# ---------------------------------------------------------------------- after publishing


def lists_nobody_gets(issue: NewsletterIssuePage) -> list[MailingList]:
    """The issue's lists with no confirmed subscriber reading the issue's language."""
    confirmed = Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED, languages=issue.locale_id)
    return list(
        MailingList.objects.filter(issues=issue)
        .annotate(readers=Count("subscribers", filter=Q(subscribers__in=confirmed), distinct=True))
        .filter(readers=0)
    )


@hooks.register("after_publish_page")
def warn_about_empty_lists(request: HttpRequest, page: Page) -> None:
    if not isinstance(page, NewsletterIssuePage):
        return
    empty = lists_nobody_gets(page)
    if empty:
        messages.warning(request, _(
            "No confirmed subscriber reading this issue's language is on: %(lists)s. "
            "Nobody gets the issue through these lists."
        ) % {"lists": ", ".join(mailing_list.name for mailing_list in empty)})
