"""Public forms: volunteer sign-up (with up to three language pairs, no JavaScript) and contact."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samizdat.core import spam
from samizdat.volunteers.models import LANGUAGES, SKILLS, LanguagePair, Volunteer

PAIR_SLOTS = 3
NO_LANGUAGE = [("", "—")]


class VolunteerForm(spam.SpamProtectedForm):
    """Who, where, what they can do, and for translators the directions they work in."""

    spam_form_name = "volunteer"

    name = forms.CharField(label=_("Name"), max_length=200, validators=[spam.reject_control_characters])
    email = forms.EmailField(label=_("Email"), max_length=254)
    city = forms.CharField(label=_("City"), max_length=100, required=False,
                           validators=[spam.reject_control_characters])
    country = forms.CharField(label=_("Country"), max_length=100, required=False,
                              validators=[spam.reject_control_characters])
    skills = forms.MultipleChoiceField(label=_("What you can help with"), choices=SKILLS,
                                       widget=forms.CheckboxSelectMultiple)
    availability = forms.ChoiceField(label=_("How much time you have"),
                                     choices=Volunteer.Availability.choices, widget=forms.RadioSelect,
                                     initial=Volunteer.Availability.MONTHLY)
    note = forms.CharField(label=_("Anything else we should know"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           validators=[spam.reject_control_characters_multiline])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for slot in range(1, PAIR_SLOTS + 1):
            self.fields[f"pair{slot}_from"] = forms.ChoiceField(
                label=_("From"), choices=NO_LANGUAGE + LANGUAGES, required=False)
            self.fields[f"pair{slot}_to"] = forms.ChoiceField(
                label=_("Into"), choices=NO_LANGUAGE + LANGUAGES, required=False)
            self.fields[f"pair{slot}_level"] = forms.ChoiceField(
                label=_("Your level in the source language"), choices=LanguagePair.Level.choices,
                required=False, initial=LanguagePair.Level.FLUENT)

    def pair_rows(self) -> list[dict]:
        """The pair fields grouped by slot, for the template."""
        return [
            {"number": slot, "from": self[f"pair{slot}_from"], "to": self[f"pair{slot}_to"],
             "level": self[f"pair{slot}_level"]}
            for slot in range(1, PAIR_SLOTS + 1)
        ]

    def clean(self) -> dict:
        cleaned = super().clean()
        pairs = []
        for slot in range(1, PAIR_SLOTS + 1):
            source, target = cleaned.get(f"pair{slot}_from"), cleaned.get(f"pair{slot}_to")
            if not source and not target:
                continue
            if not source or not target:
                self.add_error(f"pair{slot}_from" if not source else f"pair{slot}_to",
                               _("Choose both languages of the pair, or neither."))
            elif source == target:
                self.add_error(f"pair{slot}_to", _("Choose two different languages."))
            elif (source, target) not in {(p["from_language"], p["to_language"]) for p in pairs}:
                pairs.append({"from_language": source, "to_language": target,
                              "level": cleaned.get(f"pair{slot}_level") or LanguagePair.Level.FLUENT})
        cleaned["pairs"] = pairs
        if "translation" in cleaned.get("skills", []) and not pairs and not self.has_error("pair1_from") \
                and not self.has_error("pair1_to"):
            self.add_error("pair1_from", _("Translators: tell us at least one language pair."))
        return cleaned


class ContactForm(spam.SpamProtectedForm):
    """A message to the newsroom."""

    spam_form_name = "contact"

    name = forms.CharField(label=_("Name"), max_length=200, validators=[spam.reject_control_characters])
    email = forms.EmailField(label=_("Email"), max_length=254)
    subject = forms.CharField(label=_("Subject"), max_length=200, validators=[spam.reject_control_characters])
    message = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8}),
                              validators=[spam.reject_control_characters_multiline])
