from django.apps import AppConfig


class SyndicationConfig(AppConfig):
    name = "samizdat.syndication"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from samizdat.syndication import feeds, purge

        feeds.connect_signals()
        purge.connect()
