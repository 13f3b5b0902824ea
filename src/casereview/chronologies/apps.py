from django.apps import AppConfig


class ChronologiesConfig(AppConfig):
    name = "casereview.chronologies"
    label = "chronologies"
    verbose_name = "Chronologies"

    def ready(self) -> None:
        # Each registers with core: the export rules, its review-page section, its files' rules.
        from . import access, sections, stored  # noqa: F401
