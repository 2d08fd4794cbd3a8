from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "samizdat.articles"
    label = "articles"

    def ready(self) -> None:
        from samizdat.articles import signals  # noqa: F401
