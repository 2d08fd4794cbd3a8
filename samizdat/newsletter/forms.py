"""Reader forms: subscribe (the full form and the footer's quick one), preferences."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from samizdat.core import spam
from samizdat.core.emails import NormalizedEmailField
from samizdat.newsletter.models import MailingList

QUICK_FIELD = "quick"  # set by the footer and article forms, which send only an email


def language_choices() -> list[tuple[str, str]]:
    return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


class ListChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: MailingList) -> str:
        return f"{obj.name} — {obj.description}" if obj.description else obj.name


def public_lists_field(required: bool = False) -> ListChoiceField:
    return ListChoiceField(label=_("Lists"), queryset=MailingList.objects.filter(public=True),
                           widget=forms.CheckboxSelectMultiple, required=required)


def languages_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(label=_("Languages"), choices=language_choices,
                                     widget=forms.CheckboxSelectMultiple, required=False)


class SubscribeForm(spam.SpamProtectedForm):
    """Email, languages and lists; a quick post (footer, article end) sends the email only and
    the page fills in its own language and the default lists."""

    spam_form_name = "newsletter"

    email = NormalizedEmailField(label=_("Email"), max_length=254,
                                 help_text=_("We send you a link to confirm your subscription."))
    languages = languages_field()
    lists = public_lists_field()
    quick = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("quick"):
            if "lists" in cleaned and not cleaned["lists"] and self.fields["lists"].queryset.exists():
                self.add_error("lists", ValidationError(_("Choose at least one list."), code="no_list"))
            if "languages" in cleaned and not cleaned["languages"]:
                self.add_error("languages", ValidationError(_("Choose at least one language."),
                                                            code="no_language"))
        return cleaned


class PreferencesForm(forms.Form):
    """The lists and languages of one subscriber; no list ticked means "unsubscribe"."""

    lists = public_lists_field()
    languages = languages_field()
