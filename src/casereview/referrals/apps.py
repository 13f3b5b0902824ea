from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "casereview.referrals"
    label = "referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        from casereview.core.permissions import provide_exclusions

        from . import stored  # noqa: F401  (registers the letters' rule with core.serving)
        from .models import CaseExclusion

        def excluded_cases(person_id: int):
            return (
                CaseExclusion.objects.in_force()
                .filter(person_id=person_id)
                .values_list("referral_id", flat=True)
            )

        provide_exclusions(excluded_cases)
