"""Volunteers (with the language pairs translators work in), contact messages, and their pages."""

from __future__ import annotations

from django import forms
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Page

from samizdat.core import spam
from samizdat.core.pages import FormPageMixin

SKILLS = [
    ("translation", _("Translation")),
    ("copy_editing", _("Copy editing")),
    ("design", _("Design")),
    ("video_editing", _("Video editing")),
    ("photography", _("Photography")),
    ("writing", _("Writing")),
    ("social_media", _("Social media")),
    ("web", _("Web development")),
]

LANGUAGES = [
    ("ar", _("Arabic")), ("bn", _("Bengali")), ("ca", _("Catalan")), ("zh", _("Chinese")),
    ("nl", _("Dutch")), ("en", _("English")), ("eu", _("Basque")), ("fa", _("Persian")),
    ("fr", _("French")), ("gl", _("Galician")), ("de", _("German")), ("el", _("Greek")),
    ("he", _("Hebrew")), ("hi", _("Hindi")), ("it", _("Italian")), ("ja", _("Japanese")),
    ("ko", _("Korean")), ("pl", _("Polish")), ("pt", _("Portuguese")), ("ro", _("Romanian")),
    ("ru", _("Russian")), ("es", _("Spanish")), ("sw", _("Swahili")), ("sv", _("Swedish")),
    ("tr", _("Turkish")), ("uk", _("Ukrainian")), ("ur", _("Urdu")),
]


class Skill(models.Model):
    """One of the fixed skills (rows made by a migration), so the roster can filter on them."""

    code = models.CharField(max_length=20, choices=SKILLS, unique=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("skill")

    def __str__(self) -> str:
        return str(self.get_code_display())


class Volunteer(ClusterableModel):
    """Someone who offered to help; the translation desk picks translators by language pair."""

    class Availability(models.TextChoices):
        MONTHLY = "month", _("A few hours a month")
        WEEKLY = "week", _("A few hours a week")
        MORE = "more", _("More than that")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONTACTED = "contacted", _("Contacted")
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")

    name = models.CharField(_("name"), max_length=200, validators=[spam.reject_control_characters])
    email = models.EmailField(_("email"))
    city = models.CharField(_("city"), max_length=100, blank=True,
                            validators=[spam.reject_control_characters])
    country = models.CharField(_("country"), max_length=100, blank=True,
                               validators=[spam.reject_control_characters])
    skills = models.ManyToManyField(Skill, related_name="volunteers", verbose_name=_("skills"))
    availability = models.CharField(_("availability"), max_length=10, choices=Availability.choices,
                                    default=Availability.MONTHLY)
    note = models.TextField(_("note"), blank=True, max_length=2000,
                            validators=[spam.reject_control_characters_multiline])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    language = models.CharField(_("site language"), max_length=10, blank=True,
                                help_text=_("The language of the site when they signed up."))
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)

    panels = [
        MultiFieldPanel([FieldPanel("name"), FieldPanel("email"), FieldPanel("city"), FieldPanel("country")],
                        heading=_("Who")),
        FieldPanel("skills", widget=forms.CheckboxSelectMultiple),
        InlinePanel("language_pairs", label=_("Language pair"), max_num=10),
        FieldPanel("availability"),
        FieldPanel("note"),
        FieldPanel("status"),
    ]

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("volunteer")

    def __str__(self) -> str:
        return self.name

    def skill_list(self) -> str:
        """Skills as one line (uses the prefetched skills when there are any)."""
        return ", ".join(str(skill) for skill in self.skills.all())

    skill_list.short_description = _("skills")

    def pair_list(self) -> str:
        """Language pairs as one line, e.g. "es → en (fluent)"."""
        return "; ".join(str(pair) for pair in self.language_pairs.all())

    pair_list.short_description = _("language pairs")


class LanguagePair(models.Model):
    """A translator's working direction and how well they know the source language."""

    class Level(models.TextChoices):
        NATIVE = "native", _("Native")
        FLUENT = "fluent", _("Fluent")
        WORKING = "working", _("Working knowledge")

    volunteer = ParentalKey(Volunteer, on_delete=models.CASCADE, related_name="language_pairs")
    from_language = models.CharField(_("from"), max_length=5, choices=LANGUAGES)
    to_language = models.CharField(_("to"), max_length=5, choices=LANGUAGES)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.FLUENT)

    panels = [FieldPanel("from_language"), FieldPanel("to_language"), FieldPanel("level")]

    class Meta:
        ordering = ["pk"]
        verbose_name = _("language pair")

    def __str__(self) -> str:
        return f"{self.from_language} → {self.to_language} ({self.get_level_display()})"


class ContactMessage(models.Model):
    """A message sent through the contact page; kept here and mailed to the newsroom."""

    name = models.CharField(_("name"), max_length=200, validators=[spam.reject_control_characters])
    email = models.EmailField(_("email"))
    subject = models.CharField(_("subject"), max_length=200, validators=[spam.reject_control_characters])
    message = models.TextField(_("message"), max_length=5000,
                               validators=[spam.reject_control_characters_multiline])
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    handled = models.BooleanField(_("handled"), default=False)

    panels = [FieldPanel("name"), FieldPanel("email"), FieldPanel("subject"), FieldPanel("message"),
              FieldPanel("handled")]

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("contact message")

    def __str__(self) -> str:
        return f"{self.subject} — {self.name}"


class OutletFormPage(FormPageMixin, Page):
    """A one-off form page under the home (intro above the form, thanks after), in the menus."""

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("thanks")]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    show_in_menus_default = True

    class Meta:
        abstract = True


class GetInvolvedPage(OutletFormPage):
    """The volunteer sign-up page."""

    intro = models.TextField(blank=True, help_text=_("What kind of help the outlet is looking for."))
    thanks = models.TextField(blank=True, help_text=_("Shown after someone signs up."))
    rate_scope = "volunteer"

    class Meta:
        verbose_name = _("get involved page")

    @property
    def form_class(self) -> type:
        from samizdat.volunteers.forms import VolunteerForm

        return VolunteerForm

    def accept(self, request: HttpRequest, form) -> None:
        from samizdat.core.templatetags.outlet_tags import request_site_name
        from samizdat.volunteers.services import register_volunteer

        register_volunteer(form.cleaned_data, site_name=request_site_name(request))


class ContactPage(OutletFormPage):
    """The contact form, with the outlet's public email and phone."""

    intro = models.TextField(blank=True)
    thanks = models.TextField(blank=True, help_text=_("Shown after a message is sent."))
    rate_scope = "contact"

    class Meta:
        verbose_name = _("contact page")

    @property
    def form_class(self) -> type:
        from samizdat.volunteers.forms import ContactForm

        return ContactForm

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        from samizdat.core.models import outlet_settings

        context = super().get_context(request, *args, **kwargs)
        context["outlet"] = outlet_settings(request)
        return context

    def accept(self, request: HttpRequest, form) -> None:
        from samizdat.core.models import outlet_settings
        from samizdat.volunteers.services import receive_contact_message

        receive_contact_message(form.cleaned_data, outlet_settings(request))
