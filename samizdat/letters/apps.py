from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "samizdat.letters"
    verbose_name = _("Open letters")
    default_auto_field = "django.db.models.BigAutoField"
