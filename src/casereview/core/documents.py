"""Storing documents with a case: checksummed, under a random name, audited."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

from . import models as audit
from .models import Document, DocumentStatus

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


def attachment(content, *, filename: str = "", content_type: str = "") -> HttpResponse:
    """A stored Document or bytes as a download a browser will never run (SECURITY.md UP-3).

    ``Content-Disposition: attachment`` with the RFC 6266 ``filename*`` form for any
    character, nosniff, a sandboxing CSP and no caching.
    """
    if isinstance(content, Document):
        if content.status == DocumentStatus.QUARANTINED:
            raise Http404  # it failed the upload gate: no route serves it (core.quarantine)
        try:
            handle = content.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response: HttpResponse = FileResponse(
            handle,
            as_attachment=True,
            filename=content.filename,
            content_type=content.content_type,
        )
    else:
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
