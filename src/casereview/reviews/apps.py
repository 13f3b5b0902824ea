from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "casereview.reviews"
    label = "reviews"

    def ready(self) -> None:
        from casereview.referrals.hooks import register_review_opener

        # Each registers with core: the review rules with the gate, the originals' rule.
        from . import access, stored  # noqa: F401
        from .services import review_open

        # The chair's decision opens the review through this hook: referrals never
        # imports reviews (reviews build on referrals).
        register_review_opener(review_open)
