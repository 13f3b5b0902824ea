from django.apps import AppConfig


class AnonymisationConfig(AppConfig):
    name = "casereview.anonymisation"
    label = "anonymisation"
    verbose_name = "Anonymisation"

    def ready(self) -> None:
        # Each registers with core: its review-page section, its files' rules.
        from . import sections, stored  # noqa: F401
