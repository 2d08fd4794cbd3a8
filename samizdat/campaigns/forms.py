"""The give form: amount (a suggested one or any other), frequency, perk and its choices, who gives.

Built for one campaign: its perks and their choices become fields. Every check a reader can
fail says what is wrong next to the field, and the form keeps what they typed.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samizdat.campaigns import money
from samizdat.campaigns.models import CampaignPage, Donation, Perk, PerkChoice
from samizdat.core import spam
from samizdat.core.emails import NormalizedEmailField
from samizdat.letters.forms import reject_bidi_controls, tidy

OTHER = "other"


def line(label, max_length: int, required: bool = False) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required,
                           validators=[spam.reject_control_characters, reject_bidi_controls])


def choice_field_name(perk: Perk, number: int) -> str:
    return f"perk_{perk.pk}_choice_{number}"


class DonationForm(spam.SpamProtectedForm):
    spam_form_name = "give"

    currency = forms.CharField(widget=forms.HiddenInput, max_length=10)
    preset = forms.ChoiceField(label=_("Amount"), required=False, widget=forms.RadioSelect)
    other_amount = forms.CharField(label=_("Other amount"), required=False, max_length=30)
    frequency = forms.ChoiceField(label=_("How often"), choices=Donation.Frequency.choices,
                                  initial=Donation.Frequency.ONCE, widget=forms.RadioSelect)
    method = forms.ChoiceField(label=_("How to pay"), choices=Donation.Method.choices,
                               initial=Donation.Method.STRIPE, widget=forms.RadioSelect)
    perk = forms.ChoiceField(label=_("Perk"), required=False, widget=forms.RadioSelect)
    name = line(_("Name"), 200, required=True)
    email = NormalizedEmailField(label=_("Email"), max_length=254,
                                 help_text=_("For your receipt. Never shown."))
    is_public = forms.BooleanField(label=_("Show my name on the supporters wall"), required=False,
                                   initial=True)
    display_name = line(_("Name on the wall"), 100)
    message = forms.CharField(label=_("A message for the wall (optional)"), required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              validators=[spam.reject_control_characters_multiline, reject_bidi_controls])
    ship_to = forms.CharField(label=_("Postal address"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
                              help_text=_("Only for perks we post: name, street, postcode and city."),
                              validators=[spam.reject_control_characters_multiline])
    ship_country = line(_("Country"), 100)

    def __init__(self, data=None, *, campaign: CampaignPage, perks: list[Perk] | None = None,
                 **kwargs) -> None:
        super().__init__(data, **kwargs)
        self.campaign = campaign
        self.perks = perks if perks is not None else campaign.perk_tiers()
        self.fields["currency"].initial = campaign.currency
        self.fields["preset"].choices = [
            (str(minor), campaign.format(minor)) for minor in campaign.suggested_minor()
        ] + [(OTHER, _("Other"))]
        if not campaign.allow_monthly:
            self.fields["frequency"].choices = [(Donation.Frequency.ONCE, Donation.Frequency.ONCE.label)]
        from django.conf import settings

        if not settings.STRIPE_SECRET_KEY:
            self.fields["method"].choices = [(Donation.Method.OFFLINE, Donation.Method.OFFLINE.label)]
            self.fields["method"].initial = Donation.Method.OFFLINE
        self.fields["perk"].choices = [("", _("No perk, thanks"))] + [
            (str(perk.pk), f"{perk.title} ({campaign.format(perk.minimum)}+)") for perk in self.perks
        ]
        self.perk_fields: dict[int, list[str]] = {}
        for perk in self.perks:
            names = []
            for number, (question, choices) in enumerate(perk.questions()):
                name = choice_field_name(perk, number)
                options = [("", _("Choose…"))]
                for choice in choices:
                    label = choice.label
                    if choice.left == 0:
                        label = _("%(label)s (sold out)") % {"label": choice.label}
                    elif choice.left is not None:
                        label = _("%(label)s (%(left)s left)") % {"label": choice.label, "left": choice.left}
                    options.append((str(choice.pk), label))
                self.fields[name] = forms.ChoiceField(label=question, choices=options, required=False)
                names.append(name)
            self.perk_fields[perk.pk] = names
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["other_amount"].widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        self.fields["ship_country"].widget.attrs["autocomplete"] = "country-name"

    def mark_sold_out(self, choice: PerkChoice) -> None:
        """Another reader just took the last of `choice`: say so on its field and in its label."""
        for name in self.perk_fields.get(choice.perk_id, []):
            field = self.fields[name]
            if any(value == str(choice.pk) for value, _label in field.choices):
                field.choices = [(value, _("%(label)s (sold out)") % {"label": choice.label}
                                  if value == str(choice.pk) else label) for value, label in field.choices]
                if self.cleaned_data.get(name) == str(choice.pk):
                    self.add_error(name, _("“%(choice)s” has just sold out: choose another.")
                                   % {"choice": choice.label})
        if not self.errors:
            self.add_error("perk", _("That perk has just sold out: choose another."))

    def perk_choice_fields(self, perk: Perk) -> list:
        return [self[name] for name in self.perk_fields.get(perk.pk, [])]

    def clean_name(self) -> str:
        return tidy(self.cleaned_data["name"])

    def clean_display_name(self) -> str:
        return tidy(self.cleaned_data["display_name"])

    def clean_currency(self) -> str:
        code = self.cleaned_data["currency"].strip().upper()
        if code not in money.CURRENCIES:
            raise forms.ValidationError(_("Unknown currency: %(code)s.") % {"code": code[:10]})
        if code != self.campaign.currency:
            raise forms.ValidationError(_("This campaign takes gifts in %(code)s.")
                                        % {"code": self.campaign.currency})
        return code

    def clean(self) -> dict:
        data = super().clean()
        amount = self._amount(data)
        if amount is not None:
            data["amount"] = amount
        perk = self._perk(data, amount)
        data["perk_object"] = perk
        data["choice_ids"] = self._choices(data, perk) if perk else []
        if perk and perk.ships:
            if not data.get("ship_to", "").strip():
                self.add_error("ship_to", _("This perk is posted to you: enter your postal address."))
            if not data.get("ship_country", "").strip():
                self.add_error("ship_country", _("Enter the country we post it to."))
        if data.get("is_public") and not data.get("display_name"):
            data["display_name"] = data.get("name", "")
        return data

    def _amount(self, data: dict) -> int | None:
        typed = (data.get("other_amount") or "").strip()
        preset = data.get("preset") or ""
        if "currency" not in data:
            return None
        if typed or preset == OTHER:
            try:
                return money.parse_amount(typed, self.campaign.currency)
            except money.AmountError as error:
                self.add_error("other_amount", str(error))
                return None
        if not preset:
            self.add_error("preset", _("Choose an amount or type another."))
            return None
        return int(preset)

    def _perk(self, data: dict, amount: int | None) -> Perk | None:
        chosen = data.get("perk") or ""
        if not chosen:
            return None
        perk = next((perk for perk in self.perks if str(perk.pk) == chosen), None)
        if perk is None:
            self.add_error("perk", _("Choose one of the perks shown."))
            return None
        if amount is not None and amount < perk.minimum:
            self.add_error("perk", _("“%(perk)s” is for gifts of %(minimum)s or more.")
                           % {"perk": perk.title, "minimum": self.campaign.format(perk.minimum)})
        return perk

    def _choices(self, data: dict, perk: Perk) -> list[int]:
        ids = []
        by_id = {str(choice.pk): choice for _question, choices in perk.questions() for choice in choices}
        for name in self.perk_fields.get(perk.pk, []):
            value = data.get(name) or ""
            choice = by_id.get(value)
            if choice is None:
                self.add_error(name, _("Choose one for “%(perk)s”.") % {"perk": perk.title})
            elif choice.left == 0:
                self.add_error(name, _("“%(choice)s” is sold out: choose another.")
                               % {"choice": choice.label})
            else:
                ids.append(choice.pk)
        return ids
