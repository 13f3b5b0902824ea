"""Background work for chronologies: exports of the merged chronology, with progress."""

from __future__ import annotations

import logging
import os
import tempfile

from django.utils import timezone
from django_tasks import task

from casereview.core import models as audit
from casereview.core.documents import document_store

from . import exports
from .models import ExportJob, ExportStatus

log = logging.getLogger(__name__)


def _progress(job: ExportJob, percent: int, **fields) -> None:
    ExportJob.objects.filter(pk=job.pk).update(progress=percent, **fields)


@task()
def export_merged(job_id: int) -> None:
    """Write the merged chronology in the asked format and keep it as a document."""
    from .services import CONTENT_TYPES, merged_for

    job = ExportJob.objects.select_related("review__referral__board", "requested_by").get(pk=job_id)
    if job.status != ExportStatus.QUEUED:
        return
    review = job.review
    referral = review.referral
    _progress(job, 10, status=ExportStatus.RUNNING)
    try:
        view = merged_for(review, with_marks=False)
        _progress(job, 40)
        extension = "." + job.format
        with tempfile.TemporaryDirectory(prefix="chronology-export-") as folder:
            path = os.path.join(folder, "merged" + extension)
            # EX-2: every page says which export this is and when it was made; the audit
            # trail ties the export's number to the person who asked for it.
            made = timezone.localtime().strftime("%d/%m/%Y %H:%M")
            heading = f"{referral.reference} \u2014 export {job.pk}, {made}"
            exports.write_merged(view.merged, path, heading, referral.board.marking)
            _progress(job, 80)
            with open(path, "rb") as handle:
                content = handle.read()
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        document = document_store(
            board=referral.board,
            referral=referral,
            kind="chronology-export",
            title=f"Merged chronology {referral.reference}",
            filename=f"merged-chronology-{referral.reference}-{stamp}{extension}",
            content=content,
            content_type=CONTENT_TYPES[extension],
            by=job.requested_by,
        )
    except Exception:
        log.exception("chronology export %s failed", job.pk)
        _progress(
            job,
            100,
            status=ExportStatus.FAILED,
            error="The export could not be made. Try again, or ask the administrator.",
            finished_at=timezone.now(),
        )
        return
    rows = len(view.merged.rows)
    _progress(
        job,
        100,
        status=ExportStatus.DONE,
        document=document,
        rows=rows,
        finished_at=timezone.now(),
    )
    audit.record(
        "CHRONOLOGY_EXPORTED",
        actor=job.requested_by,
        board_id=referral.board_id,
        referral_id=referral.pk,
        obj=job,
        detail={"format": job.format, "rows": rows, "document": document.pk},
    )
