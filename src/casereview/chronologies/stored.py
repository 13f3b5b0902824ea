"""The chronology files the app keeps, each with its one rule (core.serving's registry)."""

from __future__ import annotations

from django.utils import timezone

from casereview.core.permissions import RULES, Access
from casereview.core.serving import EXPORT_LIFETIME, StoredKind, register
from casereview.reviews.access import _agencies

from .models import ChronologySubmission, ExportJob, ExportStatus


def chronology_source_rule(access: Access, document) -> bool:
    """An agency's uploaded chronology: only that agency's people until it is sent; once
    sent, whoever may open the agency's commission page (the agency and process staff)."""
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
    job = ExportJob.objects.select_related("review__referral").filter(document=document).first()
    if job is None or job.status != ExportStatus.DONE or job.finished_at is None:
        return False
    if job.requested_by_id != access.person_id:
        return False
    if timezone.now() - job.finished_at > EXPORT_LIFETIME:
        return False
    return RULES[f"chronology.export_{job.format}"](access, job.review)


register(
    StoredKind("chronology-source", chronology_source_rule, "CHRONOLOGY_SOURCE_DOWNLOADED"),
    StoredKind("chronology-export", chronology_export_rule, "CHRONOLOGY_EXPORT_DOWNLOADED"),
)
