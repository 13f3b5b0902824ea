"""Storing documents with a case: checksummed, under a random name, audited."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile

from . import models as audit
from .models import Document

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def document_store(
    *,
    board,
    referral=None,
    kind: str,
    title: str,
    filename: str,
    content: bytes,
    content_type: str = DOCX,
    by=None,
    data_version: str = "",
) -> Document:
    document = Document(
        board=board,
        referral=referral,
        kind=kind,
        title=title,
        filename=filename,
        content_type=content_type,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        data_version=data_version,
        created_by=by,
    )
    document.file.save("upload", ContentFile(content), save=False)
    document.save()
    audit.record(
        "DOCUMENT_STORED",
        actor=by,
        board_id=board.pk,
        referral_id=referral.pk if referral else None,
        obj=document,
        detail={"kind": kind, "sha256": document.sha256},
    )
    return document
