"""The lifecycle of a case from referral to the chair's decision, as data.

Pure: no database. ``MACHINE`` is the one table of what may follow what, and the permission
each transition asks the gate for (who may ask is the gate's question alone); each guard is a
small function over frozen facts whose docstring's first paragraph is the message a person
sees when it refuses, beside the field ``@rule`` names. The mechanism is ``core.lifecycle``'s,
shared with the review. ``docs/lifecycle.md`` is kept in step by a test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from casereview.core import lifecycle as machine
from casereview.core.lifecycle import NotAllowedNow, Transition, rule

__all__ = ["MACHINE", "TRANSITIONS", "Facts", "NotAllowedNow", "Outcome", "Stage"]


class Stage(machine.Stage):
    RECEIVED = "received"
    INFORMATION_GATHERING = "information-gathering"
    SCREENING = "screening"
    AWAITING_DECISION = "awaiting-decision"
    REVIEW_OPEN = "review-open"
    CLOSED = "closed"


Stage.LABELS = {
    Stage.RECEIVED: "Referral received",
    Stage.INFORMATION_GATHERING: "Information gathering",
    Stage.SCREENING: "Screening by sub group",
    Stage.AWAITING_DECISION: "Awaiting chair's decision",
    Stage.REVIEW_OPEN: "Review open",
    Stage.CLOSED: "Closed",
}


class Outcome(StrEnum):
    """What the sub group recommends and the chair decides (DOMAIN.md 2.3, 004 §5.3, §12)."""

    SCR = "scr"
    INTERAGENCY_MANAGEMENT_REVIEW = "interagency-management-review"
    NEAR_MISS_REVIEW = "near-miss-review"
    CRITICAL_INCIDENT_REVIEW = "critical-incident-review"
    OTHER_LEARNING_REVIEW = "other-learning-review"
    WHOLLY_INDEPENDENT_REVIEW = "wholly-independent-review"
    # Working Together 2018/2023: a local child safeguarding practice review.
    LCSPR = "lcspr"
    NO_FURTHER_ACTION = "no-further-action"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]

    @property
    def opens_review(self) -> bool:
        return self is not Outcome.NO_FURTHER_ACTION


OUTCOME_LABELS = {
    Outcome.SCR: "Serious case review",
    # Never the bare abbreviation "IMR" for this one (DOMAIN.md section 8).
    Outcome.INTERAGENCY_MANAGEMENT_REVIEW: "Inter-agency management review",
    Outcome.NEAR_MISS_REVIEW: "Near-miss review",
    Outcome.CRITICAL_INCIDENT_REVIEW: "Critical incident review",
    Outcome.OTHER_LEARNING_REVIEW: "Other learning review",
    Outcome.WHOLLY_INDEPENDENT_REVIEW: "Wholly independent review",
    Outcome.LCSPR: "Local child safeguarding practice review",
    Outcome.NO_FURTHER_ACTION: "No further action",
}


@dataclass(frozen=True)
class Facts:
    """What the guards may look at: gathered by the service, never queried by a guard."""

    agencies_to_ask: int = 0
    facts_recorded: bool = False
    outcome: Outcome | None = None
    allowed_outcomes: frozenset[Outcome] = frozenset()
    reasons: str = ""
    participants: int = 0
    quorum: int = 0
    methodology: str = ""
    imr_agencies: int = 0
    panel_agencies: int = 0
    recommended: Outcome | None = None
    departs_from_criteria: bool = False
    other_children_considered: bool = True
    review_closed: bool = False


Guard = Callable[[Facts], bool]


def has_agencies_to_ask(f: Facts) -> bool:
    """The board has no active agency with a named officer to ask."""
    return f.agencies_to_ask > 0


def facts_recorded(f: Facts) -> bool:
    """Record the facts for the criteria check before screening."""
    return f.facts_recorded


@rule(field="other_children_note")
def other_children_considered(f: Facts) -> bool:
    """Say whether other children are at risk and safeguarded (the child died; abuse or neglect is suspected)."""  # noqa: E501
    return f.other_children_considered


@rule(field="outcome")
def outcome_chosen(f: Facts) -> bool:
    """Choose an outcome this board's procedure allows."""
    return f.outcome is not None and f.outcome in f.allowed_outcomes


@rule(field="reasons")
def reasons_given(f: Facts) -> bool:
    """Give the reasons in writing."""
    return bool(f.reasons.strip())


@rule(field="participants")
def quorum_met(f: Facts) -> bool:
    """Not enough sub group members took part for the recommendation to be valid (quorum)."""
    return f.participants >= f.quorum


@rule(field="methodology")
def review_items_complete(f: Facts) -> bool:
    """A recommended review needs its methodology, the agencies asked for reports and the panel agencies."""  # noqa: E501
    if f.outcome is None or not f.outcome.opens_review:
        return True
    return bool(f.methodology.strip()) and f.imr_agencies > 0 and f.panel_agencies > 0


@rule(field="outcome")
def opens_a_review(f: Facts) -> bool:
    """This outcome does not open a review."""
    return f.outcome is not None and f.outcome.opens_review


@rule(field="outcome")
def is_no_further_action(f: Facts) -> bool:
    """This outcome is not 'no further action'."""
    return f.outcome is Outcome.NO_FURTHER_ACTION


@rule(field="reasons")
def reasons_where_chair_disagrees(f: Facts) -> bool:
    """The decision differs from the sub group's recommendation: give the reasons in writing."""
    return f.outcome == f.recommended or reasons_given(f)


@rule(field="reasons")
def reasons_where_criteria_departed_from(f: Facts) -> bool:
    """The decision departs from the criteria result: give the reasons in writing."""
    return not f.departs_from_criteria or reasons_given(f)


@rule(field="")
def its_review_is_closed(f: Facts) -> bool:
    """The case closes when its review has closed."""
    return f.review_closed


MACHINE = machine.Machine.of(
    "case",
    [
        Transition(
            "ask_agencies",
            "Ask agencies whether they know the child",
            Stage.RECEIVED,
            Stage.INFORMATION_GATHERING,
            "referral.ask_agencies",
            (has_agencies_to_ask,),
        ),
        Transition(
            "begin_screening",
            "Send to the sub group for screening",
            Stage.INFORMATION_GATHERING,
            Stage.SCREENING,
            "referral.begin_screening",
            (facts_recorded,),
        ),
        Transition(
            "recommend",
            "Record the sub group's recommendation",
            Stage.SCREENING,
            Stage.AWAITING_DECISION,
            "referral.recommend",
            (
                facts_recorded,
                other_children_considered,
                outcome_chosen,
                reasons_given,
                quorum_met,
                review_items_complete,
            ),
        ),
        Transition(
            "open_review",
            "Decide to hold a review",
            Stage.AWAITING_DECISION,
            Stage.REVIEW_OPEN,
            "referral.decide",
            (
                outcome_chosen,
                opens_a_review,
                reasons_where_chair_disagrees,
                reasons_where_criteria_departed_from,
            ),
        ),
        Transition(
            "close_no_further_action",
            "Decide no further action",
            Stage.AWAITING_DECISION,
            Stage.CLOSED,
            "referral.decide",
            (
                outcome_chosen,
                is_no_further_action,
                reasons_where_chair_disagrees,
                reasons_where_criteria_departed_from,
            ),
        ),
        Transition(
            "refer_back",
            "Ask the sub group to reconvene",
            Stage.AWAITING_DECISION,
            Stage.SCREENING,
            "referral.decide",
            (reasons_given,),
        ),
        Transition(
            "close_after_review",
            "Close the case",
            Stage.REVIEW_OPEN,
            Stage.CLOSED,
            "referral.close",
            (its_review_is_closed,),
        ),
    ],
)
TRANSITIONS = MACHINE.transitions


def refusals(name: str, stage: Stage, facts: Facts) -> list[machine.Refusal]:
    """Every reason the transition may not happen now; empty when it may."""
    return MACHINE.refusals(name, stage, facts)


def available(stage: Stage) -> list[Transition]:
    """Transitions that start from this stage."""
    return MACHINE.available(stage)
