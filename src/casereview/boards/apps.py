from django.apps import AppConfig


class BoardsConfig(AppConfig):
    name = "casereview.boards"
    label = "boards"
    verbose_name = "Boards"

    def ready(self) -> None:
        from casereview.accounts.validators import provide_context_names

        from . import stored  # noqa: F401  (registers the letter templates' rule)
        from .models import context_names

        # A password may not be made of a board's or an agency's name (SECURITY.md AU-3).
        provide_context_names("boards", context_names)
