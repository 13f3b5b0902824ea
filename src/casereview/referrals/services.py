"""Every change to a case, one service each: guard, compare-and-set, audit, then side effects.

Only ``_advance`` writes ``Referral.stage``. Emails and letters are queued with
``transaction.on_commit`` so nothing goes out for a change that was rolled back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from casereview.boards.models import Agency, AgencyAnswerRule, Board, quorum_people
from casereview.core import jobs, timescales
from casereview.core import models as audit
from casereview.core.formats import long_date
from casereview.core.lifecycle import NotAllowedNow, Refusal
from casereview.core.permissions import require
from casereview.core.stages import advance
from casereview.referrals import criteria, hooks

from . import lifecycle
from .deadlines import (
    FEEDS,
    compute_due,
    deadline_meet,
    deadline_move,
    deadline_not_after,
    deadline_set,
)
from .lifecycle import Outcome, Stage
from .models import (
    LONDON,
    AgencyRequest,
    CaseExclusion,
    ChairConsultation,
    Deadline,
    DeadlineKind,
    Decision,
    Notification,
    Recommendation,
    Referral,
    end_of_day,
)

# --- helpers ---------------------------------------------------------------------------


def criteria_result(referral: Referral) -> criteria.CriteriaResult | None:
    if referral.criteria_facts is None:
        return None
    test = criteria.CriteriaTest(referral.board.profile.criteria_test)
    return criteria.evaluate(criteria.Facts.from_dict(referral.criteria_facts), test)


def recommends_scr(outcome: Outcome) -> bool:
    return outcome in (Outcome.SCR, Outcome.WHOLLY_INDEPENDENT_REVIEW, Outcome.LCSPR)


def _departs(referral: Referral, outcome: Outcome | None) -> bool:
    result = criteria_result(referral)
    if result is None or outcome is None:
        return False
    return criteria.departs_from_criteria(result.outcome, recommends_scr(outcome))


def _facts(referral: Referral, **extra) -> lifecycle.Facts:
    profile = referral.board.profile
    facts = referral.criteria_facts
    other_children_ok = True
    if facts is not None and criteria.other_children_prompt(criteria.Facts.from_dict(facts)):
        other_children_ok = bool(referral.other_children_note.strip())
    return lifecycle.Facts(
        agencies_to_ask=referral.board.agencies.filter(
            is_active=True, named_officer__isnull=False
        ).count(),
        facts_recorded=facts is not None,
        allowed_outcomes=frozenset(Outcome(o) for o in profile.decision_options),
        quorum=profile.quorum,
        other_children_considered=other_children_ok,
        **extra,
    )


def _advance(
    referral: Referral, name: str, *, by, facts: lifecycle.Facts, reasons: str = "", detail=None
) -> None:
    """Move the case by one transition of its machine (core.stages.advance does the work)."""
    advance(referral, lifecycle.MACHINE, name, by=by, facts=facts, reasons=reasons, detail=detail)


def next_reference(board: Board, year: int) -> str:
    """The next free reference of the year, e.g. MSCB-2026-004 (never reused)."""
    prefix = f"{board.reference_prefix}-{year}-"
    taken = Referral.objects.filter(reference__startswith=prefix).values_list(
        "reference", flat=True
    )
    numbers = [int(r.removeprefix(prefix)) for r in taken if r.removeprefix(prefix).isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


# --- services --------------------------------------------------------------------------


RECEIVED = "the referral was received"


@transaction.atomic
def referral_log(*, board: Board, by, agencies_involved=(), **fields) -> Referral:
    """Log a referral (DOMAIN.md 2.1) and start its clocks."""
    require(by, "referral.create", board)
    received_at: dt.datetime = fields["received_at"]
    referral = Referral.objects.create(
        board=board,
        reference=next_reference(board, timezone.localtime(received_at).year),
        logged_by=by,
        stage=Stage.RECEIVED,
        **fields,
    )
    referral.agencies_involved.set(agencies_involved)
    profile = board.profile
    clocks = {
        kind: deadline_set(referral, kind, span=span, starts_at=received_at, counts_from=RECEIVED)
        for kind, span in (
            (DeadlineKind.CHAIR_CONSULTS, profile.chair_consults_within),
            (DeadlineKind.RECOMMENDATION, profile.recommendation_within),
            (DeadlineKind.DECISION, profile.decision_within),
        )
    }
    for kind, fed in FEEDS.items():
        deadline_not_after(clocks[kind], clocks[fed])
    audit.record("REFERRAL_LOGGED", actor=by, obj=referral)
    return referral


@dataclass(frozen=True)
class AnswerDue:
    """When agencies' answers are due, with the rule in words that match the date."""

    due_at: dt.datetime
    span: str
    note: str = ""


def agency_answer_due(board: Board, at: dt.datetime) -> AnswerDue:
    """When an agency's answer is due: in time for the next meeting, or the profile's span.

    The next-meeting rule (003 §1.1) needs the board's meeting dates. A preset cannot know
    them, so until the profile has a first meeting date and a cadence the fixed span applies,
    and the deadline says so rather than promising a meeting it cannot count to.
    """
    profile = board.profile
    nation = timescales.Nation(profile.nation)
    if profile.agency_answer_rule == AgencyAnswerRule.NEXT_MEETING:
        if profile.meeting_cadence_days and profile.first_meeting_on:
            meeting = timescales.next_meeting(
                profile.first_meeting_on,
                profile.meeting_cadence_days,
                timezone.localtime(at),
                min_notice_hours=profile.meeting_notice_hours,
            )
            # Information is due the working day before the meeting, so it can be circulated.
            day = meeting - dt.timedelta(days=1)
            while not timescales.is_working_day(day, nation):
                day -= dt.timedelta(days=1)
            return AnswerDue(
                end_of_day(day),
                "in time for the next sub group meeting",
                f"The meeting of {long_date(meeting)}: answers are due the working day "
                "before, so they can be circulated.",
            )
        due_at, _ = compute_due(at, profile.agency_answer_within, nation)
        return AnswerDue(
            due_at,
            profile.agency_answer_within,
            "The procedure asks for answers in time for the next sub group meeting, but the "
            "board's profile has no meeting dates yet, so the fixed span applies. Set the "
            "first meeting date and the days between meetings on the profile to count to "
            "the meetings.",
        )
    due_at, _ = compute_due(at, profile.agency_answer_within, nation)
    return AnswerDue(due_at, profile.agency_answer_within)


@transaction.atomic
def referral_ask_agencies(
    *, referral: Referral, by, now: dt.datetime | None = None
) -> list[AgencyRequest]:
    """Ask every member agency's named officer whether the child or family is known (003 §1.1)."""
    now = now or timezone.now()
    _advance(referral, "ask_agencies", by=by, facts=_facts(referral))
    answer_due = agency_answer_due(referral.board, now)
    due_at = answer_due.due_at
    agencies = referral.board.agencies.filter(is_active=True, named_officer__isnull=False)
    requests = AgencyRequest.objects.bulk_create(
        [
            AgencyRequest(referral=referral, agency=a, requested_at=now, due_at=due_at)
            for a in agencies
        ]
    )
    Deadline.objects.create(
        referral=referral,
        kind=DeadlineKind.AGENCY_ANSWERS,
        label="Agencies answer",
        span=answer_due.span,
        counts_from="the agencies were asked",
        starts_at=now,
        all_day=True,
        due_at=due_at,
        effective_due_at=due_at,
        note=answer_due.note,
    )
    audit.record(
        "AGENCIES_ASKED",
        actor=by,
        obj=referral,
        detail={"agencies": len(requests)},
    )
    from . import tasks

    ids = [r.pk for r in AgencyRequest.objects.filter(referral=referral)]
    for request_id in ids:
        jobs.enqueue(tasks.email_agency_request, request_id)
    return requests


# Agencies answer while the sub group gathers information and screens; once it has
# recommended, the question is closed (and opens again if the chair asks it to reconvene).
ANSWERABLE = (Stage.INFORMATION_GATHERING, Stage.SCREENING)


def agency_request_refusal(request: AgencyRequest) -> NotAllowedNow | None:
    """Why an agency's request can no longer be answered, or None while it can."""
    referral = request.referral
    if referral.stage_enum in ANSWERABLE:
        return None
    if referral.stage_enum is Stage.AWAITING_DECISION:
        moved_on = "the sub group has made its recommendation to the chair"
    elif referral.stage_enum is Stage.REVIEW_OPEN:
        moved_on = "the review has opened"
    else:
        moved_on = "the case is closed"
    return NotAllowedNow(
        Refusal(
            f"This request can no longer be answered: {moved_on}. If your agency holds "
            "information the board should know, tell the board's business manager.",
            "answer",
        )
    )


@transaction.atomic
def agency_request_answer(*, request: AgencyRequest, by, answer: str, information: str) -> None:
    """Record an agency's answer with its date; the case's clock stops when all have answered."""
    require(by, "agency_request.answer", request)
    now = timezone.now()
    updated = AgencyRequest.objects.filter(pk=request.pk, referral__stage__in=ANSWERABLE).update(
        answer=answer, information=information, answered_at=now, answered_by=by
    )
    if not updated:
        request.referral.refresh_from_db(fields=["stage"])
        raise agency_request_refusal(request) or NotAllowedNow(
            Refusal("This request can no longer be answered.", "answer")
        )
    audit.record(
        "AGENCY_ANSWERED",
        actor=by,
        obj=request,
        detail={"answer": answer},
    )
    if not request.referral.agency_requests.filter(answered_at__isnull=True).exists():
        deadline_meet(request.referral, DeadlineKind.AGENCY_ANSWERS, now)


@transaction.atomic
def referral_record_facts(
    *, referral: Referral, by, facts: dict, other_children_note: str = ""
) -> criteria.CriteriaResult:
    """Record the facts the criteria check is computed from."""
    require(by, "referral.record_facts", referral)
    if referral.stage_enum not in (Stage.RECEIVED, Stage.INFORMATION_GATHERING, Stage.SCREENING):
        raise NotAllowedNow(["The facts can change only before the sub group recommends."])
    parsed = criteria.Facts.from_dict(facts)
    contradictions = criteria.contradictions(parsed)
    if contradictions:
        raise NotAllowedNow([Refusal(c.message, c.field) for c in contradictions])
    referral.criteria_facts = parsed.to_dict()
    referral.other_children_note = other_children_note
    Referral.objects.filter(pk=referral.pk).update(
        criteria_facts=referral.criteria_facts, other_children_note=other_children_note
    )
    result = criteria_result(referral)
    audit.record(
        "CRITERIA_FACTS_RECORDED",
        actor=by,
        obj=referral,
        detail={"result": result.outcome.value},
    )
    return result


@transaction.atomic
def referral_begin_screening(*, referral: Referral, by) -> None:
    _advance(referral, "begin_screening", by=by, facts=_facts(referral))


@transaction.atomic
def referral_recommend(
    *,
    referral: Referral,
    by,
    outcome: Outcome,
    reasons: str,
    participants,
    consulted_by: str,
    methodology: str = "",
    imr_agencies=(),
    panel_agencies=(),
    specialist_advice: str = "",
    draft_terms_of_reference: str = "",
    extended_timescales: str = "",
) -> Recommendation:
    """Record the sub group's recommendation with its quorum and reasons (DOMAIN.md 2.3)."""
    participants = list(participants)
    counted = set(quorum_people(referral.board).values_list("pk", flat=True))
    facts = _facts(
        referral,
        outcome=outcome,
        reasons=reasons,
        participants=sum(1 for p in participants if p.pk in counted),
        methodology=methodology,
        imr_agencies=len(imr_agencies),
        panel_agencies=len(panel_agencies),
    )
    result = criteria_result(referral)
    departs = _departs(referral, outcome)
    _advance(
        referral,
        "recommend",
        by=by,
        facts=facts,
        reasons=reasons,
        detail={"outcome": outcome.value, "departs_from_criteria": departs},
    )
    now = timezone.now()
    recommendation = Recommendation.objects.create(
        referral=referral,
        outcome=outcome,
        reasons=reasons,
        criteria_result=result.outcome.value if result else "",
        departs_from_criteria=departs,
        consulted_by=consulted_by,
        methodology=methodology,
        specialist_advice=specialist_advice,
        draft_terms_of_reference=draft_terms_of_reference,
        extended_timescales=extended_timescales,
        recorded_by=by,
        recorded_at=now,
    )
    recommendation.participants.set(participants)
    recommendation.imr_agencies.set(imr_agencies)
    recommendation.panel_agencies.set(panel_agencies)
    deadline_meet(referral, DeadlineKind.RECOMMENDATION, now)
    deadline_meet(referral, DeadlineKind.CHAIR_CONSULTS, now)
    _close_agency_answers(referral, now)
    return recommendation


def _close_agency_answers(referral: Referral, now: dt.datetime) -> None:
    """The sub group has recommended: answers still owed are no longer needed (nor taken)."""
    waiting = referral.agency_requests.filter(answered_at__isnull=True).count()
    if not waiting:
        return  # met when the last agency answered
    asked = referral.agency_requests.count()
    Deadline.objects.filter(
        referral=referral, kind=DeadlineKind.AGENCY_ANSWERS, key="", met_at__isnull=True
    ).update(
        met_at=now,
        not_needed=f"The sub group recommended before {waiting} of the {asked} agencies "
        "asked had answered; answers are no longer taken.",
    )


def _reopen_agency_answers(referral: Referral) -> None:
    """The sub group reconvenes: agencies that had not answered may answer again."""
    Deadline.objects.filter(referral=referral, kind=DeadlineKind.AGENCY_ANSWERS, key="").exclude(
        not_needed=""
    ).update(met_at=None, not_needed="")


def _decision(
    referral: Referral, outcome: Outcome | None, reasons: str, refer_back: bool
) -> tuple[str, lifecycle.Facts]:
    """The transition a decision makes, and the facts its guards read."""
    facts = _facts(
        referral,
        outcome=outcome,
        reasons=reasons,
        recommended=referral.recommendations.latest().outcome_enum,
        departs_from_criteria=_departs(referral, outcome),
    )
    if refer_back:
        return "refer_back", facts
    if outcome is not None and outcome.opens_review:
        return "open_review", facts
    return "close_no_further_action", facts


def referral_decide_refusals(
    *,
    referral: Referral,
    outcome: Outcome | None,
    reasons: str,
    refer_back: bool = False,
    panel_met_on: dt.date | None = None,
) -> list[Refusal]:
    """Why this decision could not be recorded now (empty when it could): asked before the
    chair's "check your answers" page, so that page never offers what would be refused."""
    reasons, _ = _adopted_reasons(referral, outcome, reasons, refer_back)
    name, facts = _decision(referral, outcome, reasons, refer_back)
    refusals = lifecycle.MACHINE.refusals(name, referral.stage_enum, facts)
    if panel_met_on is not None:
        try:
            _check_meeting_date(referral, panel_met_on, timezone.now())
        except NotAllowedNow as refused:
            refusals += refused.refusals
    return refusals


def _adopted_reasons(
    referral: Referral, outcome: Outcome | None, reasons: str, refer_back: bool
) -> tuple[str, bool]:
    """The decision's reasons: the chair's, or the sub group's where the chair agrees and
    writes none (then recorded as the sub group's)."""
    recommendation = referral.recommendations.latest()
    adopt = (
        not refer_back
        and outcome == recommendation.outcome_enum
        and not reasons.strip()
        and bool(recommendation.reasons.strip())
    )
    return (recommendation.reasons, True) if adopt else (reasons, False)


@transaction.atomic
def referral_decide(
    *,
    referral: Referral,
    by,
    outcome: Outcome | None,
    reasons: str,
    refer_back: bool = False,
    panel_met_on: dt.date | None = None,
) -> Decision:
    """The chair agrees, disagrees with reasons, or asks the sub group to reconvene.

    A chair who agrees and writes no reasons of their own adopts the sub group's: they are
    the decision's reasons, recorded as the sub group's (``reasons_from_sub_group``), so a
    decision that departs from the criteria as the sub group did need not be typed again.
    ``panel_met_on`` is the date of the panel meeting that decided, where the board's review
    clock counts from that meeting (``counts_from_meeting``).
    """
    recommendation = referral.recommendations.latest()
    recommended = recommendation.outcome_enum
    reasons, from_sub_group = _adopted_reasons(referral, outcome, reasons, refer_back)
    now = timezone.now()
    if panel_met_on is not None:
        _check_meeting_date(referral, panel_met_on, now)
    departs = _departs(referral, outcome)
    name, facts = _decision(referral, outcome, reasons, refer_back)
    agrees = (not refer_back) and outcome == recommended
    _advance(
        referral,
        name,
        by=by,
        facts=facts,
        reasons=reasons,
        detail={"outcome": outcome.value if outcome else None, "agrees": agrees},
    )
    decision = Decision.objects.create(
        referral=referral,
        recommendation=recommendation,
        outcome=outcome.value if outcome and not refer_back else "",
        agrees=agrees,
        refers_back=refer_back,
        reasons=reasons,
        reasons_from_sub_group=from_sub_group,
        departs_from_criteria=departs and not refer_back,
        panel_met_on=None if refer_back else panel_met_on,
        decided_by=by,
        decided_at=now,
    )
    if refer_back:
        _reopen_agency_answers(referral)
        return decision
    deadline_meet(referral, DeadlineKind.DECISION, now)
    if outcome.opens_review:
        _open_review(referral, outcome, now, panel_met_on=panel_met_on)
    from .notifications import notifications_create

    notifications_create(referral=referral, decision=decision, now=now)
    return decision


def counts_from_meeting(profile) -> bool:
    """Whether the board's review clock counts from the meeting that decided, not the decision.

    Bedfordshire's does (004 §5.4: "from the panel meeting that decided"); the profile says so
    in words, so the word is what is read.
    """
    return "meeting" in profile.complete_review_counts_from.lower()


def _check_meeting_date(referral: Referral, met_on: dt.date, now: dt.datetime) -> None:
    today = timezone.localtime(now).date()
    received = timezone.localtime(referral.received_at).date()
    if met_on > today:
        message = "The date of the meeting that decided must be today or in the past."
    elif met_on < received:
        message = (
            "The meeting that decided must be on or after the day the referral was received "
            f"({long_date(received)})."
        )
    else:
        return
    raise NotAllowedNow(Refusal(message, "panel_met_on"))


def _open_review(
    referral: Referral, outcome: Outcome, now: dt.datetime, *, panel_met_on: dt.date | None
) -> None:
    review = hooks.open_review(referral=referral, kind=outcome.value, at=now)
    profile = referral.board.profile
    if not review.path.clock:  # a near-miss review has no review clock (DOMAIN.md 8)
        return
    starts_at, note = now, ""
    if counts_from_meeting(profile):
        if panel_met_on is not None:
            starts_at = dt.datetime.combine(panel_met_on, dt.time(0, 0), tzinfo=LONDON)
            note = f"The meeting that decided was on {long_date(panel_met_on)}."
        else:
            note = (
                "No date was recorded for the meeting that decided, so this counts from the "
                "chair's decision."
            )
    deadline = deadline_set(
        referral,
        DeadlineKind.COMPLETE_REVIEW,
        span=profile.complete_review_within,
        starts_at=starts_at,
        counts_from=profile.complete_review_counts_from,
    )
    if deadline is not None and note:
        Deadline.objects.filter(pk=deadline.pk).update(note=note)


@transaction.atomic
def chair_consultation_record(
    *,
    referral: Referral,
    by,
    consulted: str,
    how: str,
    consulted_at: dt.datetime,
    note: str = "",
) -> ChairConsultation:
    """Record that the chair consulted panel members (004 §5.3: within 2 working days).

    It meets the case's "chair consults" deadline when it happened, not when it was typed,
    so a consultation recorded late but held in time counts as in time.
    """
    require(by, "referral.record_chair_consultation", referral)
    if referral.stage_enum in (Stage.REVIEW_OPEN, Stage.CLOSED):
        raise NotAllowedNow(
            Refusal("The chair's consultation is recorded before the decision.", "consulted")
        )
    now = timezone.now()
    refusals = []
    if not consulted.strip():
        refusals.append(Refusal("Enter who the chair consulted.", "consulted"))
    if consulted_at > now:
        refusals.append(Refusal("The consultation must be today or in the past.", "consulted_at"))
    elif consulted_at < referral.received_at:
        refusals.append(
            Refusal(
                "The consultation must be after the referral was received "
                f"({long_date(timezone.localtime(referral.received_at))}).",
                "consulted_at",
            )
        )
    if refusals:
        raise NotAllowedNow(refusals)
    consultation = ChairConsultation.objects.create(
        referral=referral,
        consulted=consulted.strip(),
        how=how,
        consulted_at=consulted_at,
        note=note,
        recorded_by=by,
        recorded_at=now,
    )
    deadline_meet(referral, DeadlineKind.CHAIR_CONSULTS, consulted_at)
    audit.record(
        "CHAIR_CONSULTED",
        actor=by,
        obj=consultation,
        detail={"how": how, "consulted_at": consulted_at.isoformat()},
    )
    return consultation


@transaction.atomic
def referral_close_after_review(*, referral: Referral, by, review_closed: bool) -> None:
    """Close the case once its review has closed (the review's service calls this)."""
    _advance(
        referral, "close_after_review", by=by, facts=_facts(referral, review_closed=review_closed)
    )


@transaction.atomic
def notification_mark_sent(*, notification: Notification, by) -> None:
    notifications_mark_sent(referral=notification.referral, notifications=[notification], by=by)


@transaction.atomic
def notifications_mark_sent(*, referral: Referral, notifications, by) -> list[Notification]:
    """Record several of a case's notifications as sent now, one event each.

    Each is claimed with a compare-and-set, so one recorded twice (two pages, a double
    click) keeps its first time and writes no second event; returns those recorded now.
    """
    require(by, "referral.notify", referral)
    now = timezone.now()
    recorded = []
    for notification in notifications:
        if notification.referral_id != referral.pk:
            raise ValueError("A notification of another case.")
        claimed = Notification.objects.filter(pk=notification.pk, sent_at__isnull=True).update(
            sent_at=now, sent_by=by
        )
        if not claimed:
            continue
        recorded.append(notification)
        audit.record(
            "NOTIFICATION_SENT",
            actor=by,
            obj=notification,
            detail={"kind": notification.kind},
        )
    if not referral.notifications.filter(kind="chief-officers", sent_at__isnull=True).exists():
        deadline_meet(referral, DeadlineKind.NOTIFY_CHIEF_OFFICERS, now)
    return recorded


@transaction.atomic
def deadline_request_extension(*, deadline, by, new_due: dt.date, reasons: str) -> None:
    """Ask to extend a deadline: the original date is kept (DOMAIN.md section 3)."""
    require(by, "deadline.extend", deadline.referral)
    if not reasons.strip():
        raise NotAllowedNow(Refusal("Give the reasons for the extension.", "reasons"))
    new_due_at = end_of_day(new_due)
    if new_due_at <= deadline.effective_due_at:
        raise NotAllowedNow(
            Refusal("The new date must be later than the date it replaces.", "new_due")
        )
    fed = FEEDS.get(deadline.kind)
    limit = deadline.referral.deadlines.filter(kind=fed, key="").first() if fed else None
    if limit is not None and limit.met_at is None and new_due_at > limit.effective_due_at:
        raise NotAllowedNow(
            Refusal(
                f"The {deadline.label.lower()} feeds the {limit.label.lower()}, due "
                f"{long_date(limit.due)}: choose a date no later, or extend the "
                f"{limit.label.lower()} first.",
                "new_due",
            )
        )
    deadline.extension_requested_at = timezone.now()
    deadline.extension_requested_by = by
    deadline.extension_to = new_due_at
    deadline.extension_reasons = reasons
    deadline.extension_approved_at = None
    deadline.save()
    audit.record(
        "EXTENSION_REQUESTED",
        actor=by,
        board_id=deadline.referral.board_id,
        referral_id=deadline.referral_id,
        obj=deadline,
        reasons=reasons,
        detail={"new_due": new_due.isoformat()},
    )


@transaction.atomic
def deadline_approve_extension(*, deadline, by) -> None:
    require(by, "deadline.approve_extension", deadline.referral)
    if deadline.extension_to is None or deadline.extension_approved_at:
        raise NotAllowedNow(["There is no extension waiting for approval."])
    deadline.extension_approved_at = timezone.now()
    deadline.extension_approved_by = by
    two_step = deadline.referral.board.profile.extension_two_step
    if not two_step:
        _extend(deadline)
    deadline.save()
    audit.record(
        "EXTENSION_APPROVED",
        actor=by,
        board_id=deadline.referral.board_id,
        referral_id=deadline.referral_id,
        obj=deadline,
        detail={"awaiting_inspectorate": two_step},
    )


@transaction.atomic
def deadline_record_inspectorate_agreement(*, deadline, by) -> None:
    """The second step where the profile asks for it: the inspectorate agreed (003 §3.1)."""
    require(by, "deadline.extend", deadline.referral)
    waiting = (
        deadline.extension_approved_at is not None
        and deadline.extension_agreed_with_inspectorate_at is None
        and deadline.effective_due_at != deadline.extension_to
    )
    if not waiting:
        raise NotAllowedNow(
            ["There is no extension approved by the chair waiting for the inspectorate."]
        )
    deadline.extension_agreed_with_inspectorate_at = timezone.now()
    _extend(deadline)
    deadline.save()
    audit.record(
        "EXTENSION_AGREED_BY_INSPECTORATE",
        actor=by,
        board_id=deadline.referral.board_id,
        referral_id=deadline.referral_id,
        obj=deadline,
    )


def _extend(deadline) -> None:
    # The original due_at stays on record; only the effective date moves.
    deadline_move(deadline, deadline.extension_to, original=False)
    deadline.all_day = True


def agencies_not_answered(referral: Referral) -> list[Agency]:
    return [r.agency for r in referral.agency_requests.filter(answered_at__isnull=True)]


# --- conflicts of interest -------------------------------------------------------------


@transaction.atomic
def case_exclusion_declare(*, referral: Referral, person, reasons: str, by) -> CaseExclusion:
    """Exclude a person from a case for a declared conflict of interest (SECURITY.md AZ-5).

    It holds at once on every object of the case, whatever their roles. The event names the
    person but not the reasons: case histories are read by all case staff, the reasons only
    by the chair and process staff, on the case's exclusions page.
    """
    require(by, "case_exclusion.manage", referral)
    exclusion = CaseExclusion.objects.in_force().filter(referral=referral, person=person).first()
    if exclusion is not None:
        return exclusion
    exclusion = CaseExclusion.objects.create(
        referral=referral,
        person=person,
        reasons=reasons.strip(),
        declared_at=timezone.now(),
        declared_by=by,
    )
    audit.record(
        "CASE_EXCLUSION_DECLARED",
        actor=by,
        obj=exclusion,
        detail={"person": person.pk},
    )
    return exclusion


@transaction.atomic
def case_exclusion_end(*, exclusion: CaseExclusion, by) -> None:
    """End an exclusion: the person's roles on the case count again from their next request."""
    require(by, "case_exclusion.manage", exclusion.referral)
    CaseExclusion.objects.filter(pk=exclusion.pk, ended_at__isnull=True).update(
        ended_at=timezone.now(), ended_by=by
    )
    audit.record(
        "CASE_EXCLUSION_ENDED",
        actor=by,
        obj=exclusion,
        detail={"person": exclusion.person_id},
    )
