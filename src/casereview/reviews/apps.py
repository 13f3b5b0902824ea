from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "casereview.reviews"
    label = "reviews"

    def ready(self) -> None:
        # Each registers with core: the review rules with the gate, the originals' rule.
        from . import access, stored  # noqa: F401
