"""Background work for chronologies: exports of the merged chronology, with progress."""

from __future__ import annotations

import logging
import os
import tempfile

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from casereview.core import jobs
from casereview.core import models as audit
from casereview.core.documents import document_store

from . import exports
from .models import ExportJob, ExportStatus

log = logging.getLogger(__name__)

LOST = (
    "The export stopped because the background worker stopped while making it. "
    "Make the export again from the merged chronology."
)


def _progress(job: ExportJob, percent: int, **fields) -> None:
    ExportJob.objects.filter(pk=job.pk).update(progress=percent, **fields)


@task()
def export_merged(job_id: int) -> None:
    """Write the merged chronology in the asked format and keep it as a document."""
    from casereview.core.uploads import CONTENT_TYPES

    from .services import merged_for

    job = ExportJob.objects.select_related("review__referral__board", "requested_by").get(pk=job_id)
    # Compare-and-set: a job another run has taken, or one that has ended, is left alone.
    if not ExportJob.objects.filter(pk=job.pk, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, progress=10
    ):
        return
    review = job.review
    referral = review.referral
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
        rows = len(view.merged.rows)
        # The document, the finished job and its audit event commit together: a worker killed
        # before the commit leaves no document, and a rerun makes the one export.
        with transaction.atomic():
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
            finished = ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).update(
                progress=100,
                status=ExportStatus.DONE,
                document=document,
                rows=rows,
                finished_at=timezone.now(),
            )
            if not finished:
                raise jobs.WorkerLost(f"export {job.pk} was ended while it ran")
            audit.record(
                "CHRONOLOGY_EXPORTED",
                actor=job.requested_by,
                obj=job,
                detail={"format": job.format, "rows": rows, "document": document.pk},
            )
    except jobs.WorkerLost:
        log.warning("chronology export %s was ended by the sweep while it ran", job.pk)
    except Exception:
        log.exception("chronology export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).update(
            progress=100,
            status=ExportStatus.FAILED,
            error="The export could not be made. Try again, or ask the administrator.",
            finished_at=timezone.now(),
        )


@jobs.when_lost(export_merged)
def _export_lost(job_id: int, *, requeued: bool) -> None:
    unfinished = ExportJob.objects.filter(
        pk=job_id, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]
    )
    if requeued:
        unfinished.update(status=ExportStatus.QUEUED, progress=0)
    else:
        unfinished.update(
            status=ExportStatus.FAILED, progress=100, error=LOST, finished_at=timezone.now()
        )
