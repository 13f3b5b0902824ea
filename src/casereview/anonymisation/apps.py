from django.apps import AppConfig


class AnonymisationConfig(AppConfig):
    name = "casereview.anonymisation"
    label = "anonymisation"
    verbose_name = "Anonymisation"

    def ready(self) -> None:
        from . import sections  # noqa: F401  (registers its section of the review page)
