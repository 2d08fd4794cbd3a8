from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "samizdat.federation"
    label = "federation"
    verbose_name = _("Fediverse")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from samizdat.federation import signals

        signals.connect_signals()
