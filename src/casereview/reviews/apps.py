from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "casereview.reviews"
    label = "reviews"

    def ready(self) -> None:
        from casereview.accounts.hooks import register_roles_ender
        from casereview.boards import vocabulary
        from casereview.referrals.hooks import register_review_opener

        # Each registers with core: the review rules with the gate, the originals' rule.
        from . import access, stored  # noqa: F401
        from .lifecycle import PUBLICATION_GATES
        from .services import review_open, review_roles_end_unsupported

        # The chair's decision opens the review through this hook: referrals never
        # imports reviews (reviews build on referrals).
        register_review_opener(review_open)
        # A review role rests on a board role: it ends with it, or with the account
        # (SECURITY.md AZ-4); boards and accounts call through this hook.
        register_roles_ender("reviews", review_roles_end_unsupported)
        # What a board may ask to be recorded before publication (its profile's setting).
        vocabulary.register("publication_gates", [(g.value, g.label) for g in PUBLICATION_GATES])
