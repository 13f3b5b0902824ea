"""Who is told of a decision: by its outcome, the board's lists and the case (DOMAIN.md 2.4).

Pure: the service gathers the lists and the facts; nothing here queries.

The procedures tie their notifications to the outcome. 004 §5.1 informs the inspectorate of
"every case that becomes the subject of a serious case review"; 002 informs Ofsted, the DfE
and the national panel on "agreement to conduct a SCR"; 004 §4 discusses the reasons for no
further action with the referrer, and 003 §1.3 sends Ofsted the reasons a serious case review
was "considered but not required". So a board keeps one list for each occasion, and an
alternative review (a near-miss or inter-agency management review) sends only its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .lifecycle import Outcome


class Occasion(StrEnum):
    """What the decision was, as the notifications see it."""

    SERIOUS_CASE_REVIEW = "serious-case-review"
    OTHER_REVIEW = "other-review"
    NO_REVIEW = "no-review"


# A wholly independent review "will become the Serious Case Review" (004 §5.3); a local child
# safeguarding practice review is the serious case review's successor (Working Together 2018).
SERIOUS_CASE_REVIEWS = frozenset({Outcome.SCR, Outcome.WHOLLY_INDEPENDENT_REVIEW, Outcome.LCSPR})


def occasion_of(outcome: Outcome | None) -> Occasion:
    if outcome is None or not outcome.opens_review:
        return Occasion.NO_REVIEW
    if outcome in SERIOUS_CASE_REVIEWS:
        return Occasion.SERIOUS_CASE_REVIEW
    return Occasion.OTHER_REVIEW


@dataclass(frozen=True)
class CaseFacts:
    """What of the case decides whether the Coroner and the CPS are written to."""

    died: bool = False
    criminal_proceedings: bool = False
    inquest: bool = False


def involves_coroner_and_cps(facts: CaseFacts) -> bool:
    """Both are written to "where the case involves criminal proceedings or a death" (003
    §2.1, App. A): one letter each, whichever of the two it is."""
    return facts.died or facts.criminal_proceedings or facts.inquest


CORONER_AND_CPS = ("coroner", "cps")


def notification_plan(
    lists: Mapping[Occasion, Sequence[str]],
    outcome: Outcome | None,
    facts: CaseFacts,
    *,
    order: Sequence[str],
    family_invited: bool = True,
) -> list[str]:
    """The kinds of notification a decision sends, in ``order`` (immediate action first).

    ``lists`` is the board's list for each occasion; a kind not in ``order`` is ignored.
    The family is written to only where the board invites them after the decision
    (``family_invited``; 004 §5.3 leaves it to the panel).
    """
    wanted = set(lists.get(occasion_of(outcome), ()))
    if not involves_coroner_and_cps(facts):
        wanted -= set(CORONER_AND_CPS)
    if not family_invited:
        wanted.discard("family")
    return [kind for kind in order if kind in wanted]
