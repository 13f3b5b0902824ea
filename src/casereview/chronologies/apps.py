from django.apps import AppConfig


class ChronologiesConfig(AppConfig):
    name = "casereview.chronologies"
    label = "chronologies"
    verbose_name = "Chronologies"

    def ready(self) -> None:
        from . import (
            access,  # noqa: F401  (registers the export rules with the gate)
            sections,  # noqa: F401  (registers its section of the review page)
        )
