"""Check every stored upload again with the upload gate; quarantine those that fail."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from casereview.core.quarantine import recheck_stored_uploads


class Command(BaseCommand):
    help = (
        "Check documents uploaded before the upload gate against it again, and quarantine any"
        " that fail (no route serves them; their page says why). Safe to run again."
    )

    def handle(self, *args, **options):
        result = recheck_stored_uploads()
        for document in result.quarantined:
            self.stdout.write(
                f"Quarantined document {document.pk} ({document.kind}):"
                f" {document.quarantine_reason}"
            )
        self.stdout.write(
            f"{result.checked} stored upload{'s' if result.checked != 1 else ''} checked,"
            f" {len(result.quarantined)} quarantined."
        )
