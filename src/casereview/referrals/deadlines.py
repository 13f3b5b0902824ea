"""Deadlines from the board's profile: computed by the pure timescale module, kept as rows.

Every deadline of a case and of its review is a ``Deadline`` row: its span and the event it
counts from, its original date and, after an approved extension, the date that applies. A
deadline that runs out unmet is claimed once as missed (``deadline_mark_missed``): one
``DEADLINE_MISSED`` event in the claim's own transaction, then reminders sent once each by
``referrals.tasks.remind_missed_deadlines`` from the periodic sweep.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from casereview.core import models as audit
from casereview.core import timescales

from .models import LONDON, Deadline, DeadlineKind, Referral, end_of_day


def compute_due(start: dt.datetime, span_text: str, nation: timescales.Nation):
    """(due_at, all_day): hours are clock hours from the recorded time; other spans give a day."""
    span = timescales.parse_span(span_text)
    local = timezone.localtime(start, LONDON)
    if span.unit is timescales.Unit.HOURS:
        return timescales.due(local, span, nation), False
    return end_of_day(timescales.due(local.date(), span, nation)), True


def deadline_set(
    referral: Referral,
    kind: DeadlineKind,
    *,
    span: str,
    starts_at: dt.datetime,
    counts_from: str,
    label: str | None = None,
    key: str = "",
    agency=None,
) -> Deadline | None:
    """Create or recompute one of a case's deadlines; a blank span means the board has none.

    Counted in the working days of the case's board. A deadline already met or extended is
    left as it is: its dates are on record.
    """
    if not span:
        return None
    due_at, all_day = compute_due(starts_at, span, referral.nation)
    deadline, created = Deadline.objects.get_or_create(
        referral=referral,
        kind=kind,
        key=key,
        defaults=dict(
            label=label or DeadlineKind(kind).label,
            agency=agency,
            span=span,
            counts_from=counts_from,
            starts_at=starts_at,
            due_at=due_at,
            effective_due_at=due_at,
            all_day=all_day,
        ),
    )
    if not created and deadline.met_at is None and not deadline.extension_approved_at:
        deadline.span, deadline.counts_from, deadline.starts_at = span, counts_from, starts_at
        deadline.all_day = all_day
        deadline_move(deadline, due_at)
        deadline.save()
    return deadline


# A deadline whose work feeds another's is never due after it (issue 9): the sub group's
# recommendation feeds the chair's decision.
FEEDS = {DeadlineKind.RECOMMENDATION: DeadlineKind.DECISION}


def deadline_not_after(deadline: Deadline | None, limit: Deadline | None) -> None:
    """Bring a deadline forward to the one it feeds where its span would end after it.

    Both dates stay honest: the deadline's note says what the span alone would give and why
    it is earlier.
    """
    if deadline is None or limit is None or deadline.due_at <= limit.due_at:
        return
    from casereview.core.formats import long_date

    counted = long_date(deadline.original_due)
    deadline.note = (
        f"Brought forward to the date of the {limit.label.lower()}, which it feeds: "
        f"{deadline.span} from {deadline.counts_from} would be {counted}."
    )
    deadline.all_day = limit.all_day
    deadline_move(deadline, limit.due_at)
    deadline.save()


def deadline_move(deadline: Deadline, due_at: dt.datetime, *, original: bool = True) -> None:
    """Set the date that applies (and the original too, unless it is an extension).

    A deadline moved to a new date is watched again: a miss of the old date does not stand
    for the new one (the old miss stays in the audit trail).
    """
    if original:
        deadline.due_at = due_at
    if deadline.effective_due_at != due_at:
        deadline.missed_at = deadline.missed_reminded_at = None
    deadline.effective_due_at = due_at


def deadline_meet(
    referral: Referral, kind: DeadlineKind, at: dt.datetime, *, key: str = ""
) -> None:
    pending = Deadline.objects.filter(referral=referral, kind=kind, key=key, met_at__isnull=True)
    pending.update(met_at=at)


def deadline_mark_missed(deadline: Deadline, *, now: dt.datetime) -> bool:
    """Claim a deadline that ran out unmet as missed, with its one event; False if not now.

    The compare-and-set and the event share one transaction: a sweep run twice, or two
    workers at once, claim it once, and a crash leaves either both or neither.
    """
    with transaction.atomic():
        claimed = (
            Deadline.objects.newly_missed(now)
            .filter(pk=deadline.pk, effective_due_at=deadline.effective_due_at)
            .update(missed_at=now)
        )
        if not claimed:
            return False
        audit.record(
            "DEADLINE_MISSED",
            obj=deadline,
            detail={
                "kind": deadline.kind,
                "key": deadline.key,
                "due": deadline.effective_due_at.isoformat(),
                "extended": deadline.extended,
            },
        )
    deadline.missed_at = now
    return True
