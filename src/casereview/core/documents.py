"""Storing documents with a case: checksummed, under a random name, audited.

A stored document is served only by ``core.serving.serve_stored``, which asks its kind's
rule; ``attachment`` here sends bytes made for the request (an export built on the fly).
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from . import models as audit
from .models import Document
from .serving import is_stored_kind, protect
from .uploads import CONTENT_TYPES


def document_store(
    *,
    board,
    referral=None,
    kind: str,
    title: str,
    filename: str,
    content: bytes,
    content_type: str = CONTENT_TYPES[".docx"],
    by=None,
    data_version: str = "",
) -> Document:
    if not is_stored_kind(kind):
        # DL-1: a kind nobody may be served is never stored; give it a rule in core/serving.py.
        raise ValueError(f"No serving rule for documents of kind {kind!r}.")
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
        obj=document,
        detail={"kind": kind, "sha256": document.sha256},
    )
    return document


def attachment(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """Bytes made for this request as a download a browser will never run (SECURITY.md UP-3).

    ``Content-Disposition: attachment`` with the RFC 6266 ``filename*`` form for any
    character, nosniff, a sandboxing CSP and no caching. A stored file goes through
    ``core.serving.serve_stored`` instead, which asks its kind's rule (DL-1).
    """
    if isinstance(content, Document) or hasattr(content, "file"):
        raise TypeError("A stored file is served by core.serving.serve_stored, never directly.")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return protect(response)
