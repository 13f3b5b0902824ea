"""The chronologies section of the review page: each agency's version sent and its draft."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag
def chronology_versions(commissions) -> dict:
    """{commission pk: {"sent": submission, "draft": submission}} in one query."""
    from casereview.chronologies.models import ChronologySubmission, SubmissionStatus

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


@register.simple_tag
def chronology_approval(review):
    from casereview.chronologies.models import ChronologyApproval

    return ChronologyApproval.objects.filter(review=review).first()


@register.filter
def severity_tag(severity: str) -> str:
    return {"error": "govuk-tag--red", "warning": "govuk-tag--yellow"}.get(
        severity, "govuk-tag--grey"
    )


@register.filter
def severity_word(severity: str) -> str:
    return {"error": "Error", "warning": "Check"}.get(severity, "Note")
