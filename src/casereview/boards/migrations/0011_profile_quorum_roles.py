"""Who counts towards the quorum is a profile setting (issue 9): the sub group's members, and
on Bedfordshire's chair-led panel (004 §5.3) the chair too."""

from django.db import migrations, models

import casereview.boards.models


def chair_led_panels(apps, schema_editor):
    profiles = apps.get_model("boards", "ProcedureProfile")
    profiles.objects.filter(preset="bedfordshire").update(quorum_roles=["chair", "subgroup-member"])


class Migration(migrations.Migration):
    dependencies = [
        ("boards", "0010_criteria_test_words_from_referrals"),
    ]

    operations = [
        migrations.AddField(
            model_name="procedureprofile",
            name="quorum_roles",
            field=models.JSONField(
                default=casereview.boards.models.default_quorum_roles,
                help_text="The board roles whose holders count towards the quorum and may be "
                "named as taking part in a recommendation.",
            ),
        ),
        migrations.RunPython(chair_led_panels, migrations.RunPython.noop),
    ]
