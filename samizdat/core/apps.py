from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "samizdat.core"
    label = "core"
    verbose_name = "Samizdat core"

    def ready(self) -> None:
        from samizdat.core import invalidation, signals  # noqa: F401
