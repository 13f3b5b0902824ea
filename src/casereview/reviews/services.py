"""Changes to a review: its members and its agencies' commissions; each one audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from casereview.boards.models import Membership, shown_name
from casereview.boards.roles import Role
from casereview.core import models as audit
from casereview.core.lifecycle import NotAllowedNow, Refusal
from casereview.core.permissions import require

from .models import AgencyCommission, Review, ReviewMember, ReviewRole, rests_on

# Guidance: chronologies first, reports within 4-6 weeks, dates confirmed at scoping (004 §6).
CHRONOLOGY_WEEKS = 4
REPORT_WEEKS = 6


def review_event(kind: str, *, review, by=None, obj=None, detail: dict | None = None, **extra):
    """One audit event about a review, filed under its board and case."""
    return audit.record(
        kind,
        actor=by,
        board_id=review.referral.board_id,
        referral_id=review.referral_id,
        obj=obj,
        detail=detail or {},
        **extra,
    )


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


def _member_refusals(*, review: Review, person, role: str, agency) -> list[Refusal]:
    """Why a person may not take a role on a review now; empty when they may.

    The roles of one review are consistent: nobody excluded from the case takes a role on
    it (SECURITY.md AZ-5); an agency's report author writes for an agency the review
    commissioned and in which they hold an agency role on the board; a role rests on a
    board role (AZ-4); and a role already held is not given twice.
    """
    board = review.referral.board
    name = shown_name(board, person)
    if review.referral.exclusions.in_force().filter(person=person).exists():
        return [
            Refusal(
                f"{name} is excluded from this case for a conflict of interest, so cannot "
                "be given a role on its review.",
                "person",
            )
        ]
    refusals = []
    grants = [
        (Role(m.role), m.agency_id)
        for m in Membership.objects.filter(person=person, board=board, is_active=True)
    ]
    if role == ReviewRole.AGENCY_AUTHOR:
        if agency is None:
            refusals.append(Refusal("Choose the agency the author writes for.", "agency"))
        elif not review.commissions.filter(agency=agency).exists():
            refusals.append(
                Refusal(
                    f"{agency} is not commissioned for this review: an agency report author "
                    "writes only for a commissioned agency.",
                    "agency",
                )
            )
        elif not rests_on(role, agency.pk, grants):
            refusals.append(
                Refusal(
                    f"{name} holds no role in {agency}: give them the agency's report "
                    "author role on the board's people page first.",
                    "person",
                )
            )
    elif not rests_on(role, None, grants):
        refusals.append(Refusal(f"{name} holds no role on {board.short_name}.", "person"))
    held = ReviewMember.objects.filter(review=review, person=person, role=role, is_active=True)
    if held.exists():
        refusals.append(
            Refusal(
                f"{name} already holds the role “{ReviewRole(role).label}” on this review.", "role"
            )
        )
    return refusals


@transaction.atomic
def review_member_add(*, review: Review, person, role: str, by, agency=None) -> ReviewMember:
    """Give a person a role on the review, or give back one they held before.

    A role given back takes the details given now (the agency, who added them), never those
    it had when it was removed. Refused with ``NotAllowedNow``, each refusal naming its field.
    """
    require(by, "review.manage", review)
    # Only an agency's report author writes for an agency: an agency on any other role would
    # let it read that agency's commission (reviews.access._agencies).
    agency = agency if role == ReviewRole.AGENCY_AUTHOR else None
    refusals = _member_refusals(review=review, person=person, role=role, agency=agency)
    if refusals:
        raise NotAllowedNow(refusals)
    member, created = ReviewMember.objects.select_for_update().get_or_create(
        review=review,
        person=person,
        role=role,
        defaults={"agency": agency, "added_by": by},
    )
    if not created:
        member.agency, member.added_by, member.is_active = agency, by, True
        member.added_at = timezone.now()
        member.save(update_fields=["agency", "added_by", "is_active", "added_at"])
    audit.record(
        "REVIEW_MEMBER_ADDED",
        actor=by,
        board_id=review.referral.board_id,
        referral_id=review.referral_id,
        obj=member,
        detail={
            "person": person.pk,
            "role": role,
            "agency": agency.pk if agency else None,
            "again": not created,
        },
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
        review_event(
            "REVIEW_MEMBER_ENDED",
            review=member.review,
            by=by,
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
