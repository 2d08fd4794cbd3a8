from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "samizdat.campaigns"
    verbose_name = "Reader support"
