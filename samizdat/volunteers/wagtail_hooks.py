"""Admin: the volunteer roster (filter by skill and language pair, CSV export) and contact messages."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from samizdat.volunteers.models import LANGUAGES, ContactMessage, Skill, Volunteer


class VolunteerFilterSet(WagtailFilterSet):
    """Status, skills and each side of a language pair."""

    skills = django_filters.ModelMultipleChoiceFilter(
        queryset=Skill.objects.all(), label=_("Skills"), distinct=True,
    )
    from_language = django_filters.ChoiceFilter(
        field_name="language_pairs__from_language", choices=LANGUAGES,
        label=_("Translates from"), distinct=True,
    )
    to_language = django_filters.ChoiceFilter(
        field_name="language_pairs__to_language", choices=LANGUAGES,
        label=_("Translates into"), distinct=True,
    )

    def filter_queryset(self, queryset):
        """Both languages must belong to the same pair, not to two different ones."""
        cleaned = self.form.cleaned_data
        source, target = cleaned.get("from_language"), cleaned.get("to_language")
        if source and target:
            data = {name: value for name, value in cleaned.items()
                    if name not in ("from_language", "to_language")}
            for name, value in data.items():
                queryset = self.filters[name].filter(queryset, value)
            return queryset.filter(language_pairs__from_language=source,
                                   language_pairs__to_language=target).distinct()
        return super().filter_queryset(queryset)

    class Meta:
        model = Volunteer
        fields = ["status", "skills", "from_language", "to_language"]


class VolunteerIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().prefetch_related("skills", "language_pairs")


class VolunteerViewSet(ModelViewSet):
    model = Volunteer
    icon = "group"
    menu_label = _("Volunteers")
    index_view_class = VolunteerIndexView
    list_display = ["name", "skill_list", "pair_list", "status", "created_at"]
    filterset_class = VolunteerFilterSet
    search_fields = ["name", "email"]
    search_backend_name = None
    list_export = ["name", "email", "city", "country", "skill_list", "pair_list", "availability", "status",
                   "language", "note", "created_at"]
    export_headings = {"skill_list": _("Skills"), "pair_list": _("Language pairs")}
    export_filename = "volunteers"
    inspect_view_enabled = True


class ContactMessageViewSet(ModelViewSet):
    model = ContactMessage
    icon = "mail"
    menu_label = _("Contact messages")
    list_display = ["subject", "name", "email", "created_at", "handled"]
    list_filter = ["handled"]
    search_fields = ["name", "email", "subject", "message"]
    search_backend_name = None
    inspect_view_enabled = True


class CommunityGroup(ViewSetGroup):
    menu_label = _("Community")
    menu_icon = "group"
    menu_order = 250
    items = (VolunteerViewSet("volunteers"), ContactMessageViewSet("contact_messages"))


@hooks.register("register_admin_viewset")
def register_community() -> CommunityGroup:
    return CommunityGroup()
