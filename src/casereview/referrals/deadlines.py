"""Deadlines from the board's profile: computed by the pure timescale module, kept as rows."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

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
) -> Deadline | None:
    """Create or recompute one of a case's deadlines; a blank span means the board has none."""
    if not span:
        return None
    due_at, all_day = compute_due(starts_at, span, referral.nation)
    deadline, created = Deadline.objects.get_or_create(
        referral=referral,
        kind=kind,
        defaults=dict(
            label=label or DeadlineKind(kind).label,
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
        deadline.due_at = deadline.effective_due_at = due_at
        deadline.all_day = all_day
        deadline.save()
    return deadline


def deadline_meet(referral: Referral, kind: DeadlineKind, at: dt.datetime) -> None:
    Deadline.objects.filter(referral=referral, kind=kind, met_at__isnull=True).update(met_at=at)
