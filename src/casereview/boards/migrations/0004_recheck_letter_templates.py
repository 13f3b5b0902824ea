"""Check every stored letter template again by the rules of core.templating (SECURITY.md TP-1).

Templates stored before the sandbox could run code. A migration is the one step every install
runs (``script/server`` and each deployment migrate before serving), so no board keeps using an
unchecked template; the worker's render refuses one anyway. Those that fail are withdrawn, the
board is told, and its letters use the default. On a new database there is nothing to check.

It calls the service rather than historical models because withdrawing writes a hash-chained
audit event, which only ``core.models.record`` can write; the service uses the models of this
point in the history (boards 0003, core 0003), named in the dependencies.
"""

from django.db import migrations


def recheck(apps, schema_editor):
    from casereview.boards.services import letter_templates_recheck

    letter_templates_recheck()


class Migration(migrations.Migration):
    dependencies = [
        ("boards", "0003_letter_template_status"),
        ("core", "0003_audit_append_only"),
        ("accounts", "0002_session_epoch"),
    ]

    operations = [migrations.RunPython(recheck, migrations.RunPython.noop)]
