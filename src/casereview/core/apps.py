from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "casereview.core"
    label = "core"
    verbose_name = "Casereview core"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
