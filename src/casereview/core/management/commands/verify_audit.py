"""Verify the audit trail against its chain and latest checkpoint, then sign a new checkpoint."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from casereview.core.models import audit_verify, checkpoint_write


class Command(BaseCommand):
    help = (
        "Check the audit events' hash chain and the signed checkpoints; write a new checkpoint "
        "when they are intact. Exits non-zero when they are not."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-checkpoint",
            action="store_true",
            help="Only check; do not write a new checkpoint.",
        )

    def handle(self, *args, no_checkpoint: bool = False, **options):
        result = audit_verify()
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(problem)
            raise CommandError(
                "The audit trail does not verify. Keep the database as it is and compare it "
                "with the checkpoints in the log (casereview.audit.checkpoint)."
            )
        latest = result.checkpoint
        since = f" and its checkpoint of {latest.created_at:%Y-%m-%d %H:%M} UTC" if latest else ""
        self.stdout.write(f"The audit trail is intact: {result.events} events{since}.")
        if not no_checkpoint:
            checkpoint = checkpoint_write()
            self.stdout.write(
                f"Checkpoint {checkpoint.pk} written: {checkpoint.event_count} events, "
                f"head event {checkpoint.head_pk}."
            )
