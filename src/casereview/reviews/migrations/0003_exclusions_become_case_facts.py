"""Exclusions were a review role; they become a fact about the case (SECURITY.md AZ-5)."""

from django.db import migrations, models
from django.utils import timezone

EXCLUDED = "excluded"


def exclusions_to_cases(apps, schema_editor):
    ReviewMember = apps.get_model("reviews", "ReviewMember")
    CaseExclusion = apps.get_model("referrals", "CaseExclusion")
    now = timezone.now()
    rows = ReviewMember.objects.filter(role=EXCLUDED).select_related("review")
    for row in rows.order_by("pk"):
        CaseExclusion.objects.create(
            referral_id=row.review.referral_id,
            person_id=row.person_id,
            reasons=row.reason or "Declared before exclusions were kept on the case.",
            declared_at=row.added_at,
            declared_by_id=row.added_by_id,
            ended_at=None if row.is_active else now,
        )
    rows.delete()


def cases_to_exclusions(apps, schema_editor):
    ReviewMember = apps.get_model("reviews", "ReviewMember")
    CaseExclusion = apps.get_model("referrals", "CaseExclusion")
    Review = apps.get_model("reviews", "Review")
    for exclusion in CaseExclusion.objects.order_by("pk"):
        review = Review.objects.filter(referral_id=exclusion.referral_id).first()
        if review is not None:
            ReviewMember.objects.update_or_create(
                review=review,
                person_id=exclusion.person_id,
                role=EXCLUDED,
                defaults={
                    "reason": exclusion.reasons,
                    "is_active": exclusion.ended_at is None,
                    "added_by_id": exclusion.declared_by_id,
                },
            )


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_members_and_commissions"),
        ("referrals", "0002_case_exclusions"),
    ]

    operations = [
        migrations.RunPython(exclusions_to_cases, cases_to_exclusions),
        migrations.RemoveField(
            model_name="reviewmember",
            name="reason",
        ),
        migrations.AlterField(
            model_name="reviewmember",
            name="role",
            field=models.CharField(
                choices=[
                    ("panel-chair", "Review panel chair"),
                    ("panel-member", "Panel member"),
                    ("agency-author", "Agency report author"),
                    ("overview-author", "Overview author"),
                ],
                max_length=20,
            ),
        ),
    ]
