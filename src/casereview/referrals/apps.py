from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "casereview.referrals"
    label = "referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        from casereview.boards import vocabulary
        from casereview.core.permissions import provide_exclusions

        from . import stored  # noqa: F401  (registers the letters' rule with core.serving)
        from .criteria import CriteriaTest
        from .lifecycle import Outcome
        from .models import CaseExclusion, NotificationKind

        # The words of the board's profile settings that referrals act on (boards names none).
        vocabulary.register("criteria_test", [(t.value, t.label) for t in CriteriaTest])
        vocabulary.register("decision_options", [(o.value, o.label) for o in Outcome])
        vocabulary.register("notifications", NotificationKind.choices)

        def excluded_cases(person_id: int):
            return (
                CaseExclusion.objects.in_force()
                .filter(person_id=person_id)
                .values_list("referral_id", flat=True)
            )

        provide_exclusions(excluded_cases)
