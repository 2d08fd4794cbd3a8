"""Full-text search over articles: the index, its background updates and the search page."""
from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "samizdat.search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from samizdat.search import signals

        signals.connect()
