from django.apps import AppConfig


class BoardsConfig(AppConfig):
    name = "casereview.boards"
    label = "boards"
    verbose_name = "Boards"

    def ready(self) -> None:
        from . import stored  # noqa: F401  (registers the letter templates' rule)
