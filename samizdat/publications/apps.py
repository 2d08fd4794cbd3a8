from django.apps import AppConfig


class PublicationsConfig(AppConfig):
    name = "samizdat.publications"
    default_auto_field = "django.db.models.BigAutoField"
