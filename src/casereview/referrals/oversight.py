"""What the board's read-only roles are for: its decisions and deadlines, case by case.

A board member or observer (DOMAIN.md section 1) holds the board to account; they do no
work on a case and see none of its content (no child's name, no narrative, no reasons)
unless the board's profile grants it. Published summaries join this list when reports are
published. The home page calls ``oversight_boards`` and ``decisions_and_deadlines``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from casereview.boards.models import Board
from casereview.core import timescales
from casereview.core.permissions import access_for
from casereview.core.roles import READ_ONLY_ROLES

from .lifecycle import Outcome, Stage
from .models import Deadline, Decision, Referral, deadline_state


@dataclass(frozen=True)
class DeadlineRow:
    label: str
    due: dt.date | dt.datetime
    original_due: dt.date | dt.datetime
    extended: bool
    state: timescales.DeadlineState


@dataclass(frozen=True)
class CaseRow:
    """One case as a read-only role sees it: its reference, stage, decision and deadlines."""

    reference: str
    stage: str
    received_on: dt.date
    decision: str  # the outcome decided, "" while none is
    decided_on: dt.date | None
    chair_agreed: bool | None
    deadlines: tuple[DeadlineRow, ...]
    # Only where the profile grants case content (``read_only_see_case_content``).
    child_name: str = ""
    summary: str = ""
    reasons: str = ""


def oversight_boards(person) -> list[Board]:
    """The boards on which a person holds a read-only role (board member, observer)."""
    access = access_for(person)
    ids = {g.board_id for g in access.grants if g.role in READ_ONLY_ROLES}
    return list(Board.objects.filter(pk__in=ids).select_related("profile")) if ids else []


def decisions_and_deadlines(board: Board, *, person, now: dt.datetime | None = None):
    """The board's cases with their decision and deadlines, newest first, without case
    content unless the profile grants it; never a case the person is excluded from."""
    now = now or timezone.now()
    profile = board.profile
    content = profile.read_only_see_case_content
    cases = (
        Referral.objects.filter(board=board)
        .excluding_conflicts_of(person)
        .prefetch_related(
            Prefetch("decisions", queryset=Decision.objects.filter(refers_back=False)),
            Prefetch("deadlines", queryset=Deadline.objects.order_by("effective_due_at")),
        )
    )
    if not content:
        cases = cases.only("reference", "stage", "received_at", "board_id")
    rows = []
    for case in cases:
        decision = next(iter(case.decisions.all()), None)
        rows.append(
            CaseRow(
                reference=case.reference,
                stage=Stage(case.stage).label,
                received_on=timezone.localdate(case.received_at),
                decision=Outcome(decision.outcome).label if decision and decision.outcome else "",
                decided_on=timezone.localdate(decision.decided_at) if decision else None,
                chair_agreed=decision.agrees if decision else None,
                deadlines=tuple(
                    DeadlineRow(
                        label=d.label,
                        due=d.due,
                        original_due=d.original_due,
                        extended=d.extended,
                        state=deadline_state(
                            d.effective_due_at, d.all_day, now, d.met_at, profile=profile
                        ),
                    )
                    for d in case.deadlines.all()
                ),
                child_name=case.child_name if content else "",
                summary=case.incident_summary if content else "",
                reasons=decision.reasons if content and decision else "",
            )
        )
    return rows
