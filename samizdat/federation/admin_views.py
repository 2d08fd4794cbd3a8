"""The fediverse in the admin: followers of each of our accounts (counts, chart, list, CSV),
replies to moderate, blocked servers, and what we sent and to whom it did not get through.

Every page runs a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView, View
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import CreateView, DeleteView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy

from samizdat.campaigns.chart import step_chart
from samizdat.core.pagination import paginate
from samizdat.federation import services
from samizdat.federation.models import (
    Actor,
    BlockedDomain,
    Delivery,
    Follower,
    Inbox,
    OutgoingActivity,
    Reply,
)

ICON = "globe"
FOLLOWERS_PER_PAGE = 50
REPLIES_PER_PAGE = 30
ACTIVITIES_PER_PAGE = 50
UNREACHABLE_SHOWN = 100
FOLLOWER_COLUMNS = ["handle", "name", "account", "following", "followed", "unfollowed"]

follower_permissions = ModelPermissionPolicy(Follower)
reply_permissions = ModelPermissionPolicy(Reply)
delivery_permissions = ModelPermissionPolicy(Delivery)


def actor_label(actor: Actor) -> str:
    """"@outlet_es (Outlet, Español)", "@rosa_marin (Rosa Marín)"."""
    if actor.kind == Actor.Kind.OUTLET:
        language = actor.locale.get_display_name() if actor.locale else ""
        return f"{actor} ({actor.get_kind_display()}, {language})" if language else str(actor)
    return f"{actor} ({actor.person.name})" if actor.person else str(actor)


def page_query(request: HttpRequest, **changes) -> str:
    """The current query string with `changes` applied (None drops a key), for pagination links."""
    params = {key: value for key, value in request.GET.items() if key != "page"}
    params.update({key: value for key, value in changes.items() if value is not None})
    return urlencode({key: value for key, value in params.items() if value not in ("", None)})


class PermittedMenuItem(MenuItem):
    """Shown to those who may view or change the policy's model."""

    def __init__(self, *args, policy: ModelPermissionPolicy, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.policy = policy

    def is_shown(self, request: HttpRequest) -> bool:
        return self.policy.user_has_any_permission(request.user, ["view", "change"])


class FediverseView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    any_permission_required = ["view", "change"]
    header_icon = ICON

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]


class PermittedViewSet(ViewSet):
    """A hand-made admin section: its `index_view` at its root, and a menu item shown only to
    those the view's permission policy lets in."""

    index_view: type[FediverseView]
    menu_item_class = PermittedMenuItem

    def get_urlpatterns(self):
        return [path("", self.index_view.as_view(), name="index")]

    def get_menu_item(self, order=None):
        return self.menu_item_class(self.menu_label, self.menu_url, name=self.menu_name,
                                    icon_name=self.menu_icon, policy=self.index_view.permission_policy,
                                    order=order if order is not None else self.menu_order)


# --- Followers ----------------------------------------------------------------------------------


class FollowerFilter(forms.Form):
    actor = forms.ChoiceField(label=gettext_lazy("Account"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Followers"), required=False, choices=[
        ("", gettext_lazy("All")), ("current", gettext_lazy("Following now")),
        ("removed", gettext_lazy("Unfollowed"))])

    def __init__(self, data, actors: list[Actor]) -> None:
        super().__init__(data)
        self.actors = {str(actor.pk): actor for actor in actors}
        self.fields["actor"].choices = [("", _("All our accounts"))] + [
            (pk, actor_label(actor)) for pk, actor in self.actors.items()]

    def chosen(self) -> tuple[Actor | None, str]:
        """The actor and status asked for; anything unknown counts as not asked."""
        if not self.is_valid():
            return None, ""
        return self.actors.get(self.cleaned_data["actor"]), self.cleaned_data["status"]


class FollowersView(FediverseView):
    """Each of our accounts with its followers now and gone; the chart and list of one account's
    (or all accounts') followers, filtered, with a CSV export."""

    permission_policy = follower_permissions
    template_name = "federation/admin/followers.html"
    page_title = gettext_lazy("Fediverse followers")

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.actors = list(services.local_actors())
        self.filter = FollowerFilter(request.GET, self.actors)
        self.actor, self.status = self.filter.chosen()
        if request.GET.get("export") == "csv":
            return self.csv_response()
        return super().get(request, *args, **kwargs)

    def followers(self) -> QuerySet[Follower]:
        followers = Follower.objects.select_related("remote", "actor").order_by("-created_at", "-pk")
        if self.actor is not None:
            followers = followers.filter(actor=self.actor)
        if self.status == "current":
            followers = followers.filter(removed_at__isnull=True)
        elif self.status == "removed":
            followers = followers.filter(removed_at__isnull=False)
        return followers

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        points = services.followers_over_time(self.actor)
        title = (_("Followers of %(account)s over time") % {"account": self.actor} if self.actor
                 else _("Followers of all our accounts over time"))
        context.update({
            "actors": self.actors,
            "filter": self.filter,
            "actor": self.actor,
            "page": paginate(self.request, self.followers(), FOLLOWERS_PER_PAGE),
            "chart_title": title,
            "chart": step_chart(points, label=str, title=title, name="followers") if points else "",
            "csv_query": page_query(self.request, export="csv"),
            "page_query": page_query(self.request),
        })
        return context

    def csv_response(self) -> HttpResponse:
        # The byte order mark tells spreadsheets the file is UTF-8.
        response = HttpResponse("\ufeff", content_type="text/csv; charset=utf-8")
        name = self.actor.username if self.actor else "all"
        response["Content-Disposition"] = f'attachment; filename="followers-{name}.csv"'
        writer = csv.writer(response)
        writer.writerow(FOLLOWER_COLUMNS)
        for follower in self.followers().iterator(chunk_size=2000):
            writer.writerow([
                str(follower.remote), follower.remote.name, follower.remote.url or follower.remote.uri,
                str(follower.actor), timezone.localtime(follower.created_at).isoformat(timespec="minutes"),
                timezone.localtime(follower.removed_at).isoformat(timespec="minutes")
                if follower.removed_at else "",
            ])
        return response


class FollowersViewSet(PermittedViewSet):
    menu_label = gettext_lazy("Followers")
    icon = "group"
    index_view = FollowersView


# --- Replies ------------------------------------------------------------------------------------


REPLY_FILTERS = ["new", "read", "hidden", "all"]


class RepliesView(FediverseView):
    """Replies and mentions from the fediverse, newest first: "To read" by default."""

    permission_policy = reply_permissions
    template_name = "federation/admin/replies.html"
    page_title = gettext_lazy("Fediverse replies")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "new")
        status = status if status in REPLY_FILTERS else "new"
        replies = Reply.objects.select_related("remote", "article").order_by("-received_at", "-pk")
        if status != "all":
            replies = replies.filter(status=status)
        counts = Reply.objects.aggregate(
            all=Count("pk"), **{value: Count("pk", filter=Q(status=value)) for value in Reply.Status.values})
        page = paginate(self.request, replies, REPLIES_PER_PAGE)
        for reply in page:
            article = reply.article
            reply.article_live_url = article.get_url(self.request) if article and article.live else ""
        labels = {"all": _("All"), **{value: label for value, label in Reply.Status.choices}}
        context.update({
            "status": status,
            "tabs": [(value, labels[value], counts[value]) for value in REPLY_FILTERS],
            "page": page,
            "page_query": page_query(self.request),
            "can_change": reply_permissions.user_has_permission(self.request.user, "change"),
        })
        return context


class ReplyActionView(View):
    """Mark read, hide or unhide replies: the ticked ones, or the one whose button was pressed
    ("hide:12"). Editors who may only look get a plain 403."""

    http_method_names = ["post", "options"]

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST" and not reply_permissions.user_has_permission(request.user, "change"):
            return HttpResponse(_("You may not moderate replies."), status=403)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request: HttpRequest) -> HttpResponse:
        action, _sep, one = request.POST.get("action", "").partition(":")
        posted = [one] if one else request.POST.getlist("reply")
        ids = [int(value) for value in posted if value.isascii() and value.isdigit() and len(value) < 19]
        status = request.POST.get("status", "new")
        back = reverse("fediverse_replies:index") + "?" + urlencode(
            {"status": status if status in REPLY_FILTERS else "new"})
        if action not in services.REPLY_ACTIONS:
            messages.error(request, _("Unknown action."))
        elif not ids:
            messages.warning(request, _("Tick the replies first."))
        else:
            count = services.moderate_replies(ids, action)
            text = {
                "read": ngettext("%(count)d reply marked read.", "%(count)d replies marked read.", count),
                "hide": ngettext("%(count)d reply hidden.", "%(count)d replies hidden.", count),
                "unhide": ngettext("%(count)d reply shown again.", "%(count)d replies shown again.", count),
            }[action]
            messages.success(request, text % {"count": count})
        return redirect(back)


class RepliesMenuItem(PermittedMenuItem):
    """"Replies (3)": the number still to read."""

    def render_component(self, request: HttpRequest):
        if not hasattr(request, "fediverse_new_replies"):  # the menu may be drawn twice a page
            request.fediverse_new_replies = services.new_reply_count()
        count = request.fediverse_new_replies
        label = f"{self.label} ({count})" if count else self.label
        return LinkMenuItem(self.name, label, self.url, icon_name=self.icon_name, classname=self.classname,
                            attrs=self.attrs)


class RepliesViewSet(PermittedViewSet):
    menu_label = gettext_lazy("Replies")
    icon = "comment"
    index_view = RepliesView
    menu_item_class = RepliesMenuItem

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("moderate/", ReplyActionView.as_view(), name="moderate")]


# --- Blocked servers ----------------------------------------------------------------------------


class BlockForm(forms.ModelForm):
    """A domain typed or pasted (a URL or handle will do), normalised and checked before blocking."""

    class Meta:
        model = BlockedDomain
        fields = ["domain", "reason"]

    def clean_domain(self) -> str:
        try:
            return services.check_blockable(self.cleaned_data["domain"])
        except services.BlockError as error:
            raise forms.ValidationError(str(error)) from error

    def validate_unique(self) -> None:
        """`clean_domain` names the block that already covers the domain."""


class ReasonForm(forms.ModelForm):
    class Meta:
        model = BlockedDomain
        fields = ["reason"]


class BlockView(CreateView):
    def save_instance(self) -> BlockedDomain:
        data = self.form.cleaned_data
        blocked = services.block_domain(data["domain"], data["reason"])
        log(instance=blocked, action="wagtail.create", user=self.request.user)
        return blocked

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except services.BlockError as error:
            form.add_error("domain", str(error))
            return self.form_invalid(form)

    def get_success_message(self, instance: BlockedDomain) -> str:
        return _("%(domain)s blocked. Followers removed: %(followers)d. Replies hidden: %(replies)d.") % {
            "domain": instance.domain, "followers": instance.followers_removed,
            "replies": instance.replies_hidden}


class UnblockView(DeleteView):
    def delete_action(self) -> None:
        log(instance=self.object, action="wagtail.delete", user=self.request.user)
        services.unblock_domain(self.object)

    def get_success_message(self) -> str:
        return _("%(domain)s unblocked. Its accounts may follow again; those removed are not brought "
                 "back.") % {"domain": self.object.domain}


class BlockedDomainViewSet(ModelViewSet):
    model = BlockedDomain
    icon = "cross"
    menu_label = gettext_lazy("Blocked servers")
    add_view_class = BlockView
    delete_view_class = UnblockView
    list_display = ["domain", "reason", "created_at"]
    search_fields = ["domain", "reason"]
    search_backend_name = None
    inspect_view_enabled = False
    copy_view_enabled = False

    def get_form_class(self, for_update: bool = False) -> type[forms.ModelForm]:
        return ReasonForm if for_update else BlockForm


# --- Deliveries ---------------------------------------------------------------------------------


class DeliveriesView(FediverseView):
    """What our accounts sent lately, how many inboxes got each activity, and the inboxes that
    stopped answering."""

    permission_policy = delivery_permissions
    template_name = "federation/admin/deliveries.html"
    page_title = gettext_lazy("Fediverse deliveries")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activities = (OutgoingActivity.objects.select_related("actor").only(
            "type", "object_uri", "created_at", "actor__username").order_by("-created_at", "-pk"))
        page = paginate(self.request, activities, ACTIVITIES_PER_PAGE)
        counts = services.delivery_counts(activity.pk for activity in page)
        for activity in page:
            activity.counts = counts[activity.pk]
        unreachable = Inbox.objects.filter(unreachable_since__isnull=False).order_by("-unreachable_since")
        context.update({"page": page, "page_query": page_query(self.request),
                        "unreachable": list(unreachable[:UNREACHABLE_SHOWN])})
        return context


class DeliveriesViewSet(PermittedViewSet):
    menu_label = gettext_lazy("Deliveries")
    icon = "mail"
    index_view = DeliveriesView


class FediverseGroup(ViewSetGroup):
    menu_label = gettext_lazy("Fediverse")
    menu_icon = ICON
    menu_order = 290
    items = (
        FollowersViewSet("fediverse_followers", url_prefix="fediverse/followers"),
        RepliesViewSet("fediverse_replies", url_prefix="fediverse/replies"),
        BlockedDomainViewSet("fediverse_blocked", url_prefix="fediverse/blocked"),
        DeliveriesViewSet("fediverse_deliveries", url_prefix="fediverse/deliveries"),
    )
