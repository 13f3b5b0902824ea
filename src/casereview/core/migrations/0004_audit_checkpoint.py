"""Signed checkpoints of the audit chain's head, append-only like the events (SECURITY.md LG-2)."""

import django.utils.timezone
from django.db import migrations, models

SQLITE = [
    """CREATE TRIGGER audit_checkpoint_no_update BEFORE UPDATE ON core_auditcheckpoint
       BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;""",
    """CREATE TRIGGER audit_checkpoint_no_delete BEFORE DELETE ON core_auditcheckpoint
       BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER audit_checkpoint_no_update;",
    "DROP TRIGGER audit_checkpoint_no_delete;",
]

# audit_refuse_change() is the function of 0003.
POSTGRES = [
    """CREATE TRIGGER audit_checkpoint_no_change BEFORE UPDATE OR DELETE ON core_auditcheckpoint
       FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();""",
    """CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON core_auditcheckpoint
       FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER audit_checkpoint_no_change ON core_auditcheckpoint;",
    "DROP TRIGGER audit_checkpoint_no_truncate ON core_auditcheckpoint;",
]


def forwards(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = (
        POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    )
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_append_only")]

    operations = [
        migrations.CreateModel(
            name="AuditCheckpoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("event_count", models.PositiveBigIntegerField()),
                ("head_pk", models.BigIntegerField(blank=True, null=True)),
                ("head_hash", models.CharField(max_length=64)),
                ("prev_signature", models.CharField(max_length=64)),
                ("signature", models.CharField(max_length=64, unique=True)),
            ],
            options={"ordering": ["pk"]},
        ),
        migrations.RunPython(forwards, backwards),
    ]
