from django.apps import AppConfig


class SyndicationConfig(AppConfig):
    name = "samizdat.syndication"
    default_auto_field = "django.db.models.BigAutoField"
