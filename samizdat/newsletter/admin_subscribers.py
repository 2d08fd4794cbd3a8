"""Admin for lists and subscribers: filters, CSV export, and CSV import with consent on record.

Editors see who is subscribed, to what, since when and on what consent; they can change a
subscriber's lists and languages or unsubscribe them, but an address only becomes subscribed by
its owner's confirmation or by an import whose consent statement is recorded.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.admin.widgets.datetime import AdminDateInput
from wagtail.models import Locale

from samizdat.newsletter import importing
from samizdat.newsletter.models import MailingList, Subscriber

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
PROBLEMS_SHOWN = 50


class MailingListViewSet(ModelViewSet):
    model = MailingList
    icon = "list-ul"
    menu_label = gettext_lazy("Mailing lists")
    list_display = ["name", "slug", "public", "digest", "last_digest_at"]
    list_filter = ["public", "digest"]
    search_fields = ["name", "slug"]
    search_backend_name = None
    inspect_view_enabled = False


class SubscriberIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().prefetch_related("languages", "lists")

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.permission_policy.user_has_permission(self.request.user, "add"):
            buttons.append(HeaderButton(_("Import CSV"), url=reverse("newsletter_subscribers:import"),
                                        icon_name="upload"))
        return buttons


class SubscriberForm(forms.ModelForm):
    """What an editor may change: lists, languages, or stopping mail (never subscribing by hand)."""

    class Meta:
        model = Subscriber
        fields = ["lists", "languages", "status"]
        widgets = {"lists": forms.CheckboxSelectMultiple, "languages": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        status = self.instance.status if self.instance.pk else Subscriber.Status.PENDING
        allowed = {status, Subscriber.Status.UNSUBSCRIBED}
        self.fields["status"].choices = [(value, label) for value, label in Subscriber.Status.choices
                                         if value in allowed]
        self.fields["status"].help_text = _("Only the subscriber can confirm an address; you can stop "
                                            "all mail to it.")

    def save(self, commit: bool = True) -> Subscriber:
        subscriber = super().save(commit=False)
        if subscriber.status == Subscriber.Status.UNSUBSCRIBED and not subscriber.unsubscribed_at:
            subscriber.unsubscribed_at = timezone.now()
        if commit:
            subscriber.save()
            self.save_m2m()
        return subscriber


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file"), help_text=gettext_lazy(
        "UTF-8, with a header line naming an \"email\" column; \"languages\" (e.g. \"en es\") and "
        "\"lists\" (slugs or names) are optional. The subscriber export imports back."))
    source_detail = forms.CharField(
        label=gettext_lazy("Where and how did these people agree?"), max_length=200,
        help_text=gettext_lazy("E.g. \"Sign-up sheet at the May Day rally\" or \"Our old newsletter "
                               "service, double opt-in\". Kept with every address imported."))
    consent_date = forms.DateField(label=gettext_lazy("When did they agree?"), widget=AdminDateInput,
                                   help_text=gettext_lazy("The date of the sheet, or of the latest "
                                                          "confirmation in the old service."))
    consent_confirmed = forms.BooleanField(label=gettext_lazy(
        "Everyone in this file agreed to get our newsletter, and I can show how."))
    lists = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Add everyone to these lists"), queryset=MailingList.objects.all(),
        widget=forms.CheckboxSelectMultiple, required=False)
    languages = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Languages they read"), queryset=Locale.objects.all(),
        widget=forms.CheckboxSelectMultiple, required=False,
        help_text=gettext_lazy("For rows that name none, the site's default language."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than %(size)d MB; split it.")
                                        % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)})
        try:
            return importing.read_csv(upload.read())
        except importing.BadImportFile as error:
            raise forms.ValidationError(str(error)) from error

    def clean_consent_date(self):
        value = self.cleaned_data["consent_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The consent date is in the future."))
        return value


class SubscriberImportView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    permission_policy = None  # set by the viewset
    permission_required = "add"
    template_name = "newsletter/admin/subscribers/import.html"
    form_class = ImportForm
    page_title = gettext_lazy("Import subscribers")
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("newsletter_subscribers:index"), "label": _("Subscribers")},
            {"url": "", "label": _("Import")},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"action_url": reverse("newsletter_subscribers:import"),
                        "submit_button_label": _("Import"), "submit_button_active_label": _("Importing…")})
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        consent_at = timezone.make_aware(datetime.datetime.combine(data["consent_date"], datetime.time(12)))
        try:
            report = importing.import_subscribers(
                data["file"], source_detail=data["source_detail"], consent_at=consent_at,
                lists=data["lists"], languages=data["languages"])
        except importing.BadImportFile as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        summary = _("New: %(created)d. Given more lists or languages: %(updated)d. Unchanged: "
                    "%(unchanged)d.") % {"created": report.created, "updated": report.updated,
                                         "unchanged": report.unchanged}
        if report.left_alone:
            summary += " " + _("Left alone (they had unsubscribed, bounced or complained): %(count)d.") % {
                "count": len(report.left_alone)}
        messages.success(self.request, summary)
        if report.problems:
            shown = report.problems[:PROBLEMS_SHOWN]
            more = len(report.problems) - len(shown)
            text = _("Not imported: %(problems)s") % {"problems": "; ".join(shown)}
            if more:
                text += " " + _("(and %(count)d more)") % {"count": more}
            messages.warning(self.request, text)
        return redirect("newsletter_subscribers:index")


class SubscriberViewSet(ModelViewSet):
    model = Subscriber
    icon = "user"
    menu_label = gettext_lazy("Subscribers")
    index_view_class = SubscriberIndexView
    list_display = ["email", "status", "list_names", "language_codes", "source", "created_at"]
    list_filter = ["status", "source", "lists", "languages"]
    search_fields = ["email", "source_detail"]
    search_backend_name = None
    list_export = ["email", "status", "language_codes", "list_names", "source", "source_detail",
                   "consent_at", "confirmed_at", "created_at", "unsubscribed_at", "bounce_reason"]
    export_headings = {"email": "email", "status": "status", "language_codes": "languages",
                       "list_names": "lists"}
    export_filename = "subscribers"
    inspect_view_enabled = True

    def get_form_class(self, for_update: bool = False) -> type[SubscriberForm]:
        return SubscriberForm

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("import/", SubscriberImportView.as_view(permission_policy=self.permission_policy),
                 name="import"),
        ]
