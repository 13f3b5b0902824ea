"""Uploads stored before the upload gate, checked again by it; those that fail are quarantined.

A quarantined document keeps its record (the audit trail and the rows read from it stay) but no
route serves its file (``core.documents.attachment`` refuses it) and the anonymiser does not
open it; its page says why, in the gate's own words.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from . import models as audit
from .models import Document, DocumentStatus
from .uploads import UploadRefused, check_upload, extension_of

# The stored kinds that are a person's upload, and the gate's kind that checks each.
UPLOADED_KINDS = {"chronology-source": "chronology", "review-original": "document"}


@dataclass(frozen=True)
class Rechecked:
    checked: int
    quarantined: list[Document]


def quarantine_reason(document: Document) -> str | None:
    """Why the stored upload fails the gate now, or None when it passes."""
    kind = UPLOADED_KINDS[document.kind]
    try:
        with document.file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        return None  # a missing file is served by no route already
    try:
        # The name is only ever displayed: the check sees the stored name's extension.
        check_upload("stored" + extension_of(document.filename), content, kind)
    except UploadRefused as refusal:
        return str(refusal)
    return None


def recheck_stored_uploads() -> Rechecked:
    """Check every stored upload again (safe to re-run: quarantined ones are left as they are)."""
    checked, quarantined = 0, []
    candidates = Document.objects.filter(kind__in=UPLOADED_KINDS).exclude(
        status=DocumentStatus.QUARANTINED
    )
    for document in candidates.iterator():
        checked += 1
        reason = quarantine_reason(document)
        if reason is not None and document_quarantine(document=document, reason=reason):
            quarantined.append(document)
    return Rechecked(checked, quarantined)


@transaction.atomic
def document_quarantine(*, document: Document, reason: str, by=None) -> bool:
    """Quarantine one document with the reason (compare-and-set: once), and record it."""
    changed = (
        Document.objects.filter(pk=document.pk)
        .exclude(status=DocumentStatus.QUARANTINED)
        .update(status=DocumentStatus.QUARANTINED, quarantine_reason=reason)
    )
    if not changed:
        return False
    document.status, document.quarantine_reason = DocumentStatus.QUARANTINED, reason
    audit.record(
        "DOCUMENT_QUARANTINED",
        actor=by,
        obj=document,
        detail={"kind": document.kind, "reason": reason},
    )
    return True
