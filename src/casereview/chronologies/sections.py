"""The chronologies section of the review page: each agency's version sent and its draft, and
the merged chronology's approval (reviews.sections)."""

from __future__ import annotations

from casereview.reviews.sections import section

from .models import ChronologyApproval, ChronologySubmission, SubmissionStatus


def chronology_versions(commissions) -> dict[int, dict]:
    """{commission pk: {"sent": submission, "draft": submission}} in one query."""
    found: dict[int, dict] = {c.pk: {} for c in commissions}
    if not found:
        return found
    for submission in ChronologySubmission.objects.filter(
        commission_id__in=list(found),
        status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.DRAFT],
    ).only("commission_id", "version", "status", "submitted_at"):
        key = "sent" if submission.status == SubmissionStatus.SUBMITTED else "draft"
        found[submission.commission_id][key] = submission
    return found


@section
def chronologies_section(request, review, context: dict) -> dict:
    return {
        "chronology_versions": chronology_versions(context["commissions"]),
        "chronology_approval": (
            ChronologyApproval.objects.filter(review=review).first()
            if context.get("can_see_merged")
            else None
        ),
    }
