"""The signature form: who signs, where from, whether the name is shown, newsletter opt-in."""

from __future__ import annotations

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from samizdat.core import spam
from samizdat.core.emails import NormalizedEmailField

BIDI_CONTROLS = {chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def tidy(value: str) -> str:
    """NFC, single spaces, no leading or trailing blanks: "Zoë" typed two ways is one name."""
    return " ".join(unicodedata.normalize("NFC", value).split())


def reject_bidi_controls(value: str) -> None:
    """Validator: no direction overrides, which can make a name display as something else."""
    if any(char in BIDI_CONTROLS for char in value):
        raise ValidationError(_("Remove the text-direction control characters from this field."),
                              code="bidi")


def require_a_letter(value: str) -> None:
    """Validator: a name has at least one letter, in any script, and is not a web address."""
    if not any(unicodedata.category(char).startswith("L") for char in value):
        raise ValidationError(_("Enter a name with at least one letter."), code="no_letter")
    lowered = value.lower()
    if "://" in lowered or "www." in lowered or "<" in value or ">" in value:
        raise ValidationError(_("Enter your name, not a web address or markup."), code="not_a_name")


def line(label, max_length: int, required: bool = False, extra: tuple = ()) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required,
                           validators=[spam.reject_control_characters, reject_bidi_controls, *extra])


class SignatureForm(spam.SpamProtectedForm):
    """Name and email are required; the rest is optional. Emails are compared in lower case."""

    spam_form_name = "letter"

    name = line(_("Name"), 200, required=True, extra=(require_a_letter,))
    email = NormalizedEmailField(
        label=_("Email"), max_length=254,
        help_text=_("We send you a link to confirm your signature. It is never shown."))
    organization = line(_("Organization"), 200)
    role = line(_("Role or position"), 200)
    city = line(_("City"), 100)
    country = line(_("Country"), 100)
    is_public = forms.BooleanField(label=_("Show my name in the public list of signatories"), required=False,
                                   initial=True)
    newsletter_opt_in = forms.BooleanField(label=_("Send me the newsletter"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["organization"].widget.attrs["autocomplete"] = "organization"
        self.fields["role"].widget.attrs["autocomplete"] = "organization-title"
        self.fields["city"].widget.attrs["autocomplete"] = "address-level2"
        self.fields["country"].widget.attrs["autocomplete"] = "country-name"

    def clean_name(self) -> str:
        return tidy(self.cleaned_data["name"])

    def clean_organization(self) -> str:
        return tidy(self.cleaned_data["organization"])

    def clean_role(self) -> str:
        return tidy(self.cleaned_data["role"])

    def clean_city(self) -> str:
        return tidy(self.cleaned_data["city"])

    def clean_country(self) -> str:
        return tidy(self.cleaned_data["country"])
