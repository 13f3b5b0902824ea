"""Check every stored letter template again by the rules of core.templating (SECURITY.md TP-1).

Templates stored before the sandbox could run code. A migration is the one step every install
runs (``script/server`` and each deployment migrate before serving), so no board keeps using an
unchecked template; the worker's render refuses one anyway. Those that fail are withdrawn, the
board is told, and its letters use the default. On a new database there is nothing to check.

It calls the service rather than historical models because withdrawing writes a hash-chained
audit event, which only ``core.models.record`` can write; the service uses the models of this
point in the history, named in the dependencies. A database with no stored template (every
new install) is asked through the historical model first and never reaches today's models, so
later changes to those models cannot break a fresh migrate.
"""

from django.db import migrations


def recheck(apps, schema_editor):
    if not apps.get_model("boards", "LetterTemplate").objects.exists():
        return
    from casereview.boards.services import letter_templates_recheck

    letter_templates_recheck()


class Migration(migrations.Migration):
    dependencies = [
        ("boards", "0004_letter_template_status"),
        ("core", "0006_worker_heartbeats_and_side_effects"),
        ("accounts", "0003_kept_form"),
        ("referrals", "0002_case_exclusions"),
        ("reviews", "0003_exclusions_become_case_facts"),
    ]

    operations = [migrations.RunPython(recheck, migrations.RunPython.noop)]
