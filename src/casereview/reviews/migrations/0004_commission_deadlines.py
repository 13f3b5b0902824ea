"""A commission's due dates become tracked deadlines of the case (issue 8, "one set of clocks")."""

import datetime as dt
from zoneinfo import ZoneInfo

import django.db.models.deletion
from django.db import migrations, models

LONDON = ZoneInfo("Europe/London")


def dates_to_deadlines(apps, schema_editor):
    AgencyCommission = apps.get_model("reviews", "AgencyCommission")
    Deadline = apps.get_model("referrals", "Deadline")
    commissions = AgencyCommission.objects.select_related("review", "agency")
    for commission in commissions.order_by("pk"):
        review, agency = commission.review, commission.agency
        made = {}
        for kind, day, received_at, label in (
            (
                "chronology",
                commission.chronology_due_on,
                commission.chronology_received_at,
                "chronology",
            ),
            ("agency-report", commission.report_due_on, commission.report_received_at, "report"),
        ):
            due_at = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=LONDON)
            made[kind] = Deadline.objects.create(
                referral_id=review.referral_id,
                kind=kind,
                key=f"agency-{agency.pk}",
                agency=agency,
                label=f"{agency.name}: {label}",
                span="date on record",
                counts_from="the agency was commissioned",
                starts_at=review.opened_at,
                all_day=True,
                due_at=due_at,
                effective_due_at=due_at,
                met_at=received_at,
            )
        AgencyCommission.objects.filter(pk=commission.pk).update(
            chronology_deadline=made["chronology"], report_deadline=made["agency-report"]
        )


def deadlines_to_dates(apps, schema_editor):
    AgencyCommission = apps.get_model("reviews", "AgencyCommission")
    Deadline = apps.get_model("referrals", "Deadline")
    ids = []
    commissions = AgencyCommission.objects.select_related("chronology_deadline", "report_deadline")
    for commission in commissions:
        chronology, report = commission.chronology_deadline, commission.report_deadline
        AgencyCommission.objects.filter(pk=commission.pk).update(
            chronology_due_on=chronology.effective_due_at.astimezone(LONDON).date(),
            report_due_on=report.effective_due_at.astimezone(LONDON).date(),
            chronology_deadline=None,
            report_deadline=None,
        )
        ids += [chronology.pk, report.pk]
    Deadline.objects.filter(pk__in=ids).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0003_deadline_key_and_missed"),
        ("reviews", "0003_exclusions_become_case_facts"),
    ]

    operations = [
        migrations.AddField(
            model_name="agencycommission",
            name="chronology_deadline",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="chronology_commission",
                to="referrals.deadline",
            ),
        ),
        migrations.AddField(
            model_name="agencycommission",
            name="report_deadline",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="report_commission",
                to="referrals.deadline",
            ),
        ),
        # Nullable first, so that going back can fill them before they are required again.
        migrations.AlterField(
            model_name="agencycommission",
            name="chronology_due_on",
            field=models.DateField(null=True),
        ),
        migrations.AlterField(
            model_name="agencycommission",
            name="report_due_on",
            field=models.DateField(null=True),
        ),
        migrations.RunPython(dates_to_deadlines, deadlines_to_dates),
        migrations.RemoveField(model_name="agencycommission", name="chronology_due_on"),
        migrations.RemoveField(model_name="agencycommission", name="report_due_on"),
        migrations.AlterField(
            model_name="agencycommission",
            name="chronology_deadline",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="chronology_commission",
                to="referrals.deadline",
            ),
        ),
        migrations.AlterField(
            model_name="agencycommission",
            name="report_deadline",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="report_commission",
                to="referrals.deadline",
            ),
        ),
    ]
