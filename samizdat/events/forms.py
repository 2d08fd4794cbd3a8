"""The public registration form (names in any script; no control characters, no links)."""

from __future__ import annotations

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from samizdat.core import spam
from samizdat.core.emails import NormalizedEmailField


def validate_has_letters(value: str) -> None:
    """Validator: at least one letter, in any script ("李小龍", "محمد", "Zoë" are all fine)."""
    if not any(unicodedata.category(char).startswith("L") for char in value):
        raise ValidationError(_("Write this with letters."), code="no_letters")


def validate_person_name(value: str) -> None:
    """Validator: a name has no web address in it."""
    if "://" in value or "www." in value.lower():
        raise ValidationError(_("Enter your name, not a web address."), code="link")


class RegistrationForm(spam.SpamProtectedForm):
    """Who is coming: name, email (cleaned to its one spelling), organization (optional), country."""

    spam_form_name = "event"

    name = forms.CharField(label=_("Name"), max_length=200,
                           validators=[spam.reject_control_characters, validate_has_letters,
                                       validate_person_name])
    email = NormalizedEmailField(label=_("Email"))
    organization = forms.CharField(label=_("Organization"), max_length=200, required=False,
                                   validators=[spam.reject_control_characters])
    country = forms.CharField(label=_("Country"), max_length=100,
                              validators=[spam.reject_control_characters, validate_has_letters])
