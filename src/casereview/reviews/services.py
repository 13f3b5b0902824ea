"""Changes to a review: its members and its agencies' commissions; each one audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from casereview.core import models as audit
from casereview.core.permissions import require

from .models import AgencyCommission, Review, ReviewMember, rests_on

# Guidance: chronologies first, reports within 4-6 weeks, dates confirmed at scoping (004 §6).
CHRONOLOGY_WEEKS = 4
REPORT_WEEKS = 6


def review_open(*, referral, kind: str, at: dt.datetime) -> Review:
    """Open the review a decision asks for, commissioning the agencies the sub group named."""
    review = Review.objects.create(referral=referral, kind=kind, opened_at=at)
    recommendation = referral.recommendations.first()
    agencies = list(recommendation.imr_agencies.all()) if recommendation else []
    day = timezone.localtime(at).date()
    AgencyCommission.objects.bulk_create(
        [
            AgencyCommission(
                review=review,
                agency=agency,
                chronology_due_on=day + dt.timedelta(weeks=CHRONOLOGY_WEEKS),
                report_due_on=day + dt.timedelta(weeks=REPORT_WEEKS),
            )
            for agency in agencies
        ]
    )
    audit.record(
        "REVIEW_OPENED",
        board_id=referral.board_id,
        referral_id=referral.pk,
        obj=review,
        detail={"kind": kind, "agencies": len(agencies)},
    )
    return review


@transaction.atomic
def review_member_add(*, review: Review, person, role: str, by, agency=None):
    require(by, "review.manage", review)
    member, created = ReviewMember.objects.get_or_create(
        review=review,
        person=person,
        role=role,
        defaults={"agency": agency, "added_by": by},
    )
    if not created and not member.is_active:
        ReviewMember.objects.filter(pk=member.pk).update(is_active=True, agency=agency)
    audit.record(
        "REVIEW_MEMBER_ADDED",
        actor=by,
        board_id=review.referral.board_id,
        referral_id=review.referral_id,
        obj=member,
        detail={"person": person.pk, "role": role},
    )
    return member


@transaction.atomic
def review_member_remove(*, member: ReviewMember, by) -> None:
    """Take a person off a review; their next request is refused (SECURITY.md AZ-4)."""
    require(by, "review.manage", member.review)
    ReviewMember.objects.filter(pk=member.pk).update(is_active=False)
    audit.record(
        "REVIEW_MEMBER_REMOVED",
        actor=by,
        board_id=member.review.referral.board_id,
        referral_id=member.review.referral_id,
        obj=member,
        detail={"person": member.person_id, "role": member.role},
    )


@transaction.atomic
def review_roles_end_unsupported(*, person, by=None, because: str) -> int:
    """End the person's review roles that no longer rest on a board role (SECURITY.md AZ-4).

    Called when a board role ends or an account is deactivated; each role ended is one
    event. The gate already ignores such a role; this ends the row too, so the review's
    people page shows who is really on it. Returns how many were ended.
    """
    from casereview.boards.models import Membership

    grants: dict[int, list] = {}
    if person.is_active:
        for m in Membership.objects.filter(person=person, is_active=True):
            grants.setdefault(m.board_id, []).append((m.role, m.agency_id))
    ended = 0
    live = ReviewMember.objects.filter(person=person, is_active=True).select_related(
        "review__referral"
    )
    for member in live:
        if rests_on(member.role, member.agency_id, grants.get(member.review.referral.board_id, [])):
            continue
        ReviewMember.objects.filter(pk=member.pk).update(is_active=False)
        audit.record(
            "REVIEW_MEMBER_ENDED",
            actor=by,
            obj=member,
            detail={"person": person.pk, "role": member.role, "because": because},
        )
        ended += 1
    return ended


@transaction.atomic
def commission_set_dates(*, commission: AgencyCommission, by, chronology_due_on, report_due_on):
    require(by, "review.manage", commission.review)
    AgencyCommission.objects.filter(pk=commission.pk).update(
        chronology_due_on=chronology_due_on, report_due_on=report_due_on
    )
    audit.record(
        "COMMISSION_DATES_SET",
        actor=by,
        board_id=commission.review.referral.board_id,
        referral_id=commission.review.referral_id,
        obj=commission,
        detail={"chronology": str(chronology_due_on), "report": str(report_due_on)},
    )
