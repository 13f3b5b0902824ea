"""One rule per kind of stored file: who may have it, and when (SECURITY.md DL-1, UP-3).

Every stored file has a kind: a ``Document``'s ``kind`` (what ``document_store`` was given),
or, for another model with a file field, that model's label (``boards.lettertemplate``). Each
kind has one entry below: a rule over (a person's access, the stored object) that honours the
object's state, the audit event a download writes, and the case it belongs to.

``serve_stored`` is the only way a stored file leaves the app: it asks the kind's rule,
writes the audit event, then streams the file as an attachment. So every route that can send
a stored file (the generic download and each kind's own page) gives the same answer for the
same person and file. A kind with no entry is served by no route (404), and
``document_store`` refuses to store it: add its rule here first.

Each app registers the kinds it keeps (``register``, from its ``AppConfig.ready``): the rules
read the state of the objects that own the file (the submission a chronology came from, the
export job, the review document), which core knows nothing of. Core imports no app above it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.http import FileResponse, Http404, HttpRequest, HttpResponse

from . import models as audit
from .models import Document, DocumentStatus
from .permissions import Access, access_for, record_refusal
from .uploads import content_type_of

log = logging.getLogger(__name__)

# SECURITY.md EX-2: an export may be downloaded for a day after it was made, then never.
EXPORT_LIFETIME = dt.timedelta(hours=24)


@dataclass(frozen=True)
class StoredKind:
    """A kind of stored file: who may have it, what a download records, whose case it is."""

    name: str
    rule: Callable[[Access, object], bool]
    event: str
    case: Callable[[object], int | None] = lambda stored: stored.referral_id
    # A file in any other status (withdrawn, quarantined, a draft) is served to nobody.
    statuses: frozenset[str] = frozenset({DocumentStatus.ISSUED})


def kind_of(stored) -> str:
    """The kind a stored object is served as: a Document's own, else its model's label."""
    return stored.kind if isinstance(stored, Document) else stored._meta.label_lower


# --- the registry: each app registers the kinds of file it keeps, with their rules --------

_KINDS: dict[str, StoredKind] = {}


def register(*found: StoredKind) -> None:
    """Register kinds of stored file (an app's ``AppConfig.ready``); a name registered again
    is replaced, so a module loaded twice registers once."""
    for kind in found:
        _KINDS[kind.name] = kind


def kinds() -> dict[str, StoredKind]:
    """Every kind of stored file the app keeps, with its one rule."""
    return _KINDS


def is_stored_kind(name: str) -> bool:
    return name in kinds()


def may_have(access: Access, stored) -> bool:
    """Whether a person may have a stored file now: its kind's rule, in a servable status.

    An unknown kind, a status other than those the kind serves, or an error inside a rule
    all refuse (fail closed, SECURITY.md HD-3).
    """
    kind = kinds().get(kind_of(stored))
    if kind is None:
        return False
    status = getattr(stored, "status", None)  # a model with no status has no withdrawn state
    if status is not None and status not in kind.statuses:
        return False
    try:
        return bool(kind.rule(access, stored))
    except Exception:
        log.exception("serving rule for %s failed; refusing", kind.name)
        return False


def protect(response: HttpResponse) -> HttpResponse:
    """Headers that keep a browser from running a download (SECURITY.md UP-3)."""
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def serve_stored(
    request: HttpRequest, stored, *, event: str = "", filename: str = "", **detail
) -> HttpResponse:
    """Send a stored file to the person asking, if its kind's rule lets them have it now.

    Refused: 404 (whether it exists is not theirs to know) and one denied event. Allowed: the
    kind's audit event is written before a byte is sent, so a failed audit serves nothing
    (LG-3), then the file streams as an attachment with ``filename*`` (RFC 6266).
    """
    name = kind_of(stored)
    if not may_have(access_for(request.user), stored):
        refusal = Http404()
        record_refusal(request, f"serve:{name}", refusal)
        raise refusal
    kind = kinds()[name]
    request.casereview_board = stored.board
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    try:
        audit.record(
            event or kind.event,
            actor=request.user,
            board_id=stored.board_id,
            referral_id=kind.case(stored),
            obj=stored,
            detail={"kind": name, **detail},
        )
    except Exception:
        handle.close()
        raise
    filename = filename or getattr(stored, "filename", "") or f"{name}-{stored.pk}"
    content_type = getattr(stored, "content_type", "") or content_type_of(filename)
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    return protect(response)


def serve_bundle(request: HttpRequest, stored: list, *, filename: str) -> HttpResponse:
    """Several stored files as one zip, each asked of its kind's rule first (DL-1).

    All or nothing: if the person may not have any one of them now, nothing is sent (404,
    one denied event). The zip is made for the request, never stored; its audit is the read
    event of the route's gate (``@gate(reads=…)``), told here which files it held, and is
    written before the response leaves (LG-3). Entries keep each file's own name, made
    unique, and carry a fixed date, so the same files make the same bytes.
    """
    import io
    import zipfile

    from .documents import attachment
    from .permissions import reading

    access = access_for(request.user)
    refused = [s for s in stored if not may_have(access, s)]
    if not stored or refused:
        refusal = Http404()
        record_refusal(request, "serve:bundle", refusal)
        raise refusal
    request.casereview_board = stored[0].board
    out, names = io.BytesIO(), set()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in stored:
            name = getattr(item, "filename", "") or f"{kind_of(item)}-{item.pk}"
            if name in names:
                name = f"{item.pk}-{name}"
            names.add(name)
            try:
                with item.file.open("rb") as handle:
                    content = handle.read()
            except FileNotFoundError:
                raise Http404 from None
            archive.writestr(zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0)), content)
    reading(
        request,
        files=[{"kind": kind_of(s), "pk": s.pk} for s in stored],
        filename=filename,
    )
    return attachment(out.getvalue(), filename=filename, content_type=content_type_of(filename))
