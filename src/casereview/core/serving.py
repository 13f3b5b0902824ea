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

The rules read the state of the objects that own the file (the submission a chronology came
from, the export job, the review document), so they import lazily: core knows no app's models
at import time.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils import timezone

from . import models as audit
from .models import Document, DocumentStatus
from .permissions import RULES, Access, access_for, record_refusal
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


# --- the rules: (access, stored object) -> bool. The docstring says who, and when. ----------


def letter_rule(access: Access, document) -> bool:
    """A case's letter: the case staff who may open the case, whose page lists its letters."""
    if document.referral_id is None or access.is_excluded_from(document):
        return False
    return RULES["referral.view"](access, document.referral)


def chronology_source_rule(access: Access, document) -> bool:
    """An agency's uploaded chronology: only that agency's people until it is sent; once
    sent, whoever may open the agency's commission page (the agency and process staff)."""
    from casereview.chronologies.models import ChronologySubmission
    from casereview.reviews.access import _agencies

    submission = (
        ChronologySubmission.objects.select_related("commission__review__referral")
        .filter(source=document)
        .first()
    )
    if submission is None:
        return False
    commission = submission.commission
    if submission.submitted_at is None:
        review = commission.review
        return not access.is_excluded_from(review) and commission.agency_id in _agencies(
            access, review
        )
    return RULES["commission.view"](access, commission)


def chronology_export_rule(access: Access, document) -> bool:
    """A merged chronology export: only the person who asked for it, in a format they may
    still export, for 24 hours after it was made."""
    from casereview.chronologies.models import ExportJob, ExportStatus

    job = ExportJob.objects.select_related("review__referral").filter(document=document).first()
    if job is None or job.status != ExportStatus.DONE or job.finished_at is None:
        return False
    if job.requested_by_id != access.person_id:
        return False
    if timezone.now() - job.finished_at > EXPORT_LIFETIME:
        return False
    return RULES[f"chronology.export_{job.format}"](access, job.review)


def _review_document_of(document):
    from casereview.reviews.models import ReviewDocument

    return (
        ReviewDocument.objects.select_related("review__referral").filter(original=document).first()
    )


def _run_of(document):
    from casereview.anonymisation.models import AnonymisationRun

    return (
        AnonymisationRun.objects.select_related("document__review__referral")
        .filter(output=document)
        .first()
    )


def review_original_rule(access: Access, document) -> bool:
    """A document as uploaded to a review, names and all: the process staff who may read
    originals, unless excluded from the review."""
    owner = _review_document_of(document)
    return owner is not None and RULES["document.read_original"](access, owner.review)


def review_anonymised_rule(access: Access, document) -> bool:
    """An anonymised document of a review: the process staff who anonymise, unless excluded."""
    run = _run_of(document)
    return run is not None and RULES["document.anonymise"](access, run.document.review)


def letter_template_rule(access: Access, template) -> bool:
    """A board's own letter template: the business manager and administrator who keep them."""
    return RULES["letter_template.edit"](access, template)


def _letter_kinds() -> list[str]:
    from casereview.boards.models import LetterKind

    # referrals.letters stores each letter as "letter:<the letter's kind>".
    return [f"letter:{kind}" for kind in LetterKind.values]


@functools.cache
def kinds() -> dict[str, StoredKind]:
    """Every kind of stored file the app keeps, with its one rule."""
    from casereview.boards.models import LetterTemplateStatus

    found = [
        *(StoredKind(name, letter_rule, "DOCUMENT_DOWNLOADED") for name in _letter_kinds()),
        StoredKind("chronology-source", chronology_source_rule, "CHRONOLOGY_SOURCE_DOWNLOADED"),
        StoredKind("chronology-export", chronology_export_rule, "CHRONOLOGY_EXPORT_DOWNLOADED"),
        StoredKind(
            "review-original",
            review_original_rule,
            "ORIGINAL_DOCUMENT_READ",
            case=lambda d: _review_document_of(d).review.referral_id,
        ),
        StoredKind(
            "review-anonymised",
            review_anonymised_rule,
            "ANONYMISED_DOCUMENT_DOWNLOADED",
            case=lambda d: _run_of(d).document.review.referral_id,
        ),
        StoredKind(
            "boards.lettertemplate",
            letter_template_rule,
            "LETTER_TEMPLATE_DOWNLOADED",
            case=lambda template: None,
            # A withdrawn template failed core.templating's checks: nobody is sent it (TP-1).
            statuses=frozenset({LetterTemplateStatus.IN_USE}),
        ),
    ]
    return {kind.name: kind for kind in found}


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
