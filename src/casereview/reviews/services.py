"""Changes to a review: its members and its agencies' commissions; each one audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from casereview.boards.models import Membership, shown_name
from casereview.core import models as audit
from casereview.core.lifecycle import NotAllowedNow, Refusal
from casereview.core.permissions import require
from casereview.core.roles import Role
from casereview.core.stages import advance
from casereview.referrals.deadlines import deadline_move, deadline_set
from casereview.referrals.models import Deadline, DeadlineKind, end_of_day
from casereview.referrals.services import referral_close_after_review

from . import lifecycle
from .lifecycle import Item, Stage, Track
from .models import (
    PANEL_ROLES,
    AgencyCommission,
    Milestone,
    Review,
    ReviewMember,
    ReviewRole,
    commission_key,
    rests_on,
)


def review_open(*, referral, kind: str, at: dt.datetime) -> Review:
    """Open the review a decision asks for, commissioning the agencies the sub group named."""
    path = lifecycle.path_for(kind, referral.board.profile.review_paths)
    review = Review.objects.create(referral=referral, kind=kind, opened_at=at, stage=path.stages[0])
    recommendation = referral.recommendations.first()
    agencies = list(recommendation.imr_agencies.all()) if recommendation else []
    for agency in agencies:
        commission_open(review=review, agency=agency, at=at)
    audit.record(
        "REVIEW_OPENED",
        board_id=referral.board_id,
        referral_id=referral.pk,
        obj=review,
        detail={"kind": kind, "agencies": len(agencies)},
    )
    return review


def commission_open(*, review: Review, agency, at: dt.datetime) -> AgencyCommission:
    """Commission an agency's chronology and report, each a deadline from the profile's span.

    Chronology first, then the report (DOMAIN.md 2.7, 004 §6); both count from the
    commissioning, in the working days of the board's nation, until scoping sets other
    dates (``commission_set_dates``).
    """
    referral, profile = review.referral, review.referral.board.profile
    key = commission_key(agency)
    common = dict(starts_at=at, counts_from="the agency was commissioned", key=key, agency=agency)
    chronology = deadline_set(
        referral,
        DeadlineKind.CHRONOLOGY,
        span=profile.chronology_within,
        label=f"{agency.name}: chronology",
        **common,
    )
    report = deadline_set(
        referral,
        DeadlineKind.AGENCY_REPORT,
        span=profile.agency_report_within,
        label=f"{agency.name}: {profile.agency_report_term}",
        **common,
    )
    return AgencyCommission.objects.create(
        review=review, agency=agency, chronology_deadline=chronology, report_deadline=report
    )


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
    """Set an agency's due dates at scoping (004 §5.5): each becomes its deadline's date.

    A date under an extension is not set here: it moves only by the extension's approvals,
    so its original stays on record.
    """
    require(by, "review.manage", commission.review)
    changes = [
        (deadline, day, field)
        for deadline, day, field in (
            (commission.chronology_deadline, chronology_due_on, "chronology_due_on"),
            (commission.report_deadline, report_due_on, "report_due_on"),
        )
        if deadline.due_on != day
    ]
    refusals = [
        Refusal(
            f"{deadline.label} has an extension on record: ask for a further extension instead.",
            field,
        )
        for deadline, _, field in changes
        if deadline.extension_requested_at is not None
    ]
    if refusals:
        raise NotAllowedNow(refusals)
    for deadline, day, _ in changes:
        deadline.span, deadline.counts_from = "date set at scoping", "the scoping meeting"
        deadline.all_day = True
        deadline_move(deadline, end_of_day(day))
        deadline.save()
    audit.record(
        "COMMISSION_DATES_SET",
        actor=by,
        board_id=commission.review.referral.board_id,
        referral_id=commission.review.referral_id,
        obj=commission,
        detail={"chronology": str(chronology_due_on), "report": str(report_due_on)},
    )


def commission_mark_received(*, commission: AgencyCommission, part: str, at: dt.datetime) -> bool:
    """Record the first arrival of an agency's chronology or report; its deadline is met.

    ``part`` is ``DeadlineKind.CHRONOLOGY`` or ``DeadlineKind.AGENCY_REPORT``. Later
    versions leave the first date as it is (compliance is audited per agency, 003 §2.1).
    """
    field, deadline_id = {
        DeadlineKind.CHRONOLOGY: ("chronology_received_at", commission.chronology_deadline_id),
        DeadlineKind.AGENCY_REPORT: ("report_received_at", commission.report_deadline_id),
    }[DeadlineKind(part)]
    first = AgencyCommission.objects.filter(pk=commission.pk, **{f"{field}__isnull": True}).update(
        **{field: at}
    )
    Deadline.objects.filter(pk=deadline_id, met_at__isnull=True).update(met_at=at)
    return bool(first)


# --- the review's stages -----------------------------------------------------------------


def review_facts(review: Review, **extra) -> lifecycle.Facts:
    """What the review's guards look at, gathered in a fixed number of queries."""
    profile = review.referral.board.profile
    path = review.path
    members = list(
        review.members.filter(is_active=True, role__in=[r.value for r in PANEL_ROLES]).values_list(
            "role", flat=True
        )
    )
    commissions = list(
        review.commissions.values_list("chronology_received_at", "report_received_at")
    )
    return lifecycle.Facts(
        path=path,
        kind=review.kind,
        recorded=frozenset(Item(i) for i in review.milestones.values_list("item", flat=True)),
        panel_size=len(members),
        panel_minimum=profile.panel_minimum,
        has_panel_chair=ReviewRole.PANEL_CHAIR in members,
        commissions=len(commissions),
        chronologies_outstanding=sum(1 for c, _ in commissions if c is None),
        reports_outstanding=sum(1 for _, r in commissions if r is None),
        # Agency reports returned for revision arrive with the running-a-review issue.
        reports_returned=0,
        merged_approved=review.chronology_approvals.exists(),
        monitoring=review.monitoring_enum,
        publication_gates=frozenset(Item(g) for g in profile.publication_gates),
        **extra,
    )


def next_transition(review: Review) -> lifecycle.Transition | None:
    """The transition to the next stage of the review's path, or None when it is closed."""
    found = lifecycle.machine_for(review.path).available(review.stage_enum)
    return found[0] if found else None


@transaction.atomic
def review_advance(*, review: Review, by, reasons: str = "") -> Stage:
    """Move the review to the next stage of its path; NotAllowedNow says what is missing."""
    transition = next_transition(review)
    if transition is None:
        raise NotAllowedNow("This review is closed.")
    advance(
        review,
        lifecycle.machine_for(review.path),
        transition.name,
        by=by,
        facts=review_facts(review),
        reasons=reasons,
    )
    if review.stage_enum is Stage.CLOSED:
        referral_close_after_review(referral=review.referral, by=by, review_closed=True)
    return review.stage_enum


@transaction.atomic
def review_record(
    *, review: Review, item: Item, by, happened_on: dt.date | None = None, note: str = ""
) -> Milestone:
    """Record one checklist item of the review, with who and when (DOMAIN.md 2)."""
    spec = lifecycle.ITEMS[item]
    require(by, spec.action, review)
    problems = lifecycle.item_refusals(item, review.stage_enum, review_facts(review))
    if problems:
        raise NotAllowedNow(problems)
    if spec.dated and happened_on is None:
        raise NotAllowedNow(lifecycle.machine.Refusal("Enter the date it happened.", "happened_on"))
    if happened_on is not None and happened_on > timezone.localdate():
        raise NotAllowedNow(
            lifecycle.machine.Refusal("The date must be today or in the past.", "happened_on")
        )
    milestone = Milestone.objects.create(
        review=review,
        item=item,
        happened_on=happened_on,
        note=note.strip(),
        recorded_at=timezone.now(),
        recorded_by=by,
    )
    audit.record(
        "REVIEW_ITEM_RECORDED",
        actor=by,
        obj=review,
        detail={"item": item.value, "on": happened_on.isoformat() if happened_on else None},
    )
    if item is Item.BOARD_APPROVED and review.path.monitors:
        # The action plan's monitoring starts at board approval and runs beside submission
        # and publication (004: updates within six months of the plan being taken).
        review_monitoring(review=review, by=by, name="start_monitoring")
    return milestone


@transaction.atomic
def review_monitoring(*, review: Review, by, name: str) -> Track:
    """Move the review's monitoring track: start it, or sign off the final master document."""
    advance(
        review,
        lifecycle.MONITORING,
        name,
        by=by,
        facts=review_facts(review),
        field="monitoring",
    )
    return review.monitoring_enum


@transaction.atomic
def review_convert_to_scr(*, review: Review, by, reasons: str) -> Review:
    """Turn an inter-agency management review into a serious case review (004 §12.1).

    The same review goes on: its members, commissions, chronologies, documents and checklist
    are kept; it walks the serious case review's path from where it stands, on that clock."""
    require(by, "review.convert", review)
    facts = review_facts(review, reasons=reasons)
    problems = lifecycle.conversion_refusals(facts)
    if problems:
        raise NotAllowedNow(problems)
    old = review.path
    new = lifecycle.path_for("scr", review.referral.board.profile.review_paths)
    stage = lifecycle.stage_on(new, review.stage_enum, old)
    moved = Review.objects.filter(pk=review.pk, kind=review.kind, stage=review.stage).update(
        kind="scr", stage=stage
    )
    if not moved:
        raise lifecycle.machine.Stale()
    audit.record(
        "REVIEW_CONVERTED",
        actor=by,
        obj=review,
        reasons=reasons,
        detail={"from": review.kind, "to": "scr", "stage": stage.value},
    )
    review.kind, review.stage = "scr", stage
    return review
