"""After a decision: each notification of DOMAIN.md 2.4 becomes a task with a letter."""

from __future__ import annotations

import datetime as dt

from casereview.core import jobs
from casereview.core import models as audit
from casereview.core.roles import Role

from .deadlines import compute_due, deadline_set
from .models import DeadlineKind, Notification, NotificationKind, Referral

# Immediate action for other children first (004 §5.3); then the order of DOMAIN.md 2.4.
ORDER = [k.value for k in NotificationKind]


def notification_kinds(profile, outcome: str | None) -> list[str]:
    """The kinds of notification a decision of this outcome creates, in their order.

    The chair's "check your answers" page lists them before the decision is recorded."""
    kinds = [k for k in profile.notifications if k in ORDER]
    if not outcome or outcome == "no-further-action":
        # A case closed without a review: the referrer is told, with the reasons (004 §4);
        # Ofsted is told a review was considered and not held (003 §1.3).
        kinds = [
            k for k in kinds if k in ("referrer", "ofsted", "inspectorate-csci", "board-members")
        ]
    return sorted(kinds, key=ORDER.index)


def notifications_create(*, referral: Referral, decision, now: dt.datetime) -> list[Notification]:
    """Create the notification tasks the board's profile lists, with due times and letters."""
    profile = referral.board.profile
    notifications: list[Notification] = []
    for kind in notification_kinds(profile, decision.outcome):
        notifications += _for_kind(referral, kind, now)
    created = Notification.objects.bulk_create(notifications)
    if any(n.kind == NotificationKind.CHIEF_OFFICERS for n in created):
        deadline_set(
            referral,
            DeadlineKind.NOTIFY_CHIEF_OFFICERS,
            span=profile.notify_chief_officers_within,
            starts_at=now,
            counts_from="the chair's decision",
        )
    from . import tasks

    ids = [n.pk for n in Notification.objects.filter(referral=referral, sent_at__isnull=True)]
    jobs.enqueue(tasks.prepare_notifications, referral.pk, ids)
    audit.record(
        "NOTIFICATIONS_CREATED",
        obj=referral,
        detail={"count": len(created)},
    )
    return created


def _for_kind(referral: Referral, kind: str, now: dt.datetime) -> list[Notification]:
    profile = referral.board.profile
    label = NotificationKind(kind).label
    order = ORDER.index(kind)
    if kind == NotificationKind.CHIEF_OFFICERS:
        due_at, _ = compute_due(now, profile.notify_chief_officers_within, referral.nation)
        return [
            Notification(
                referral=referral,
                kind=kind,
                agency=agency,
                order=order,
                due_at=due_at,
                recipient=f"{agency.named_officer}, {agency.name}",
                recipient_email=agency.named_officer.email,
            )
            for agency in referral.board.agencies.filter(
                is_active=True, named_officer__isnull=False
            ).select_related("named_officer")
        ]
    if kind == NotificationKind.REFERRER:
        return [
            Notification(
                referral=referral,
                kind=kind,
                order=order,
                recipient=referral.referrer_name,
                recipient_email=referral.referrer_email,
                due_at=compute_due(now, "5 working days", referral.nation)[0],
            )
        ]
    if kind == NotificationKind.BOARD_MEMBERS:
        return [
            Notification(
                referral=referral,
                kind=kind,
                order=order,
                recipient="Board members",
                due_at=compute_due(now, "5 working days", referral.nation)[0],
            )
        ]
    if kind == NotificationKind.SAFEGUARD_OTHER_CHILDREN:
        return [
            Notification(
                referral=referral,
                kind=kind,
                order=order,
                recipient="Children's social care (confirm other children are safeguarded)",
                due_at=now,
            )
        ]
    if kind == NotificationKind.FAMILY and profile.family_letter == "panel-decides":
        return []
    if not applies(referral, kind):
        return []
    return [
        Notification(
            referral=referral,
            kind=kind,
            order=order,
            recipient=label,
            due_at=compute_due(now, profile.notify_chief_officers_within, referral.nation)[0],
        )
    ]


def applies(referral: Referral, kind: str) -> bool:
    """The Coroner where there was a death or an inquest; the CPS where there are criminal
    proceedings (003 §2.1)."""
    processes = set(referral.parallel_processes)
    if kind == NotificationKind.CORONER:
        return referral.harm_type == "death" or "inquest" in processes
    if kind == NotificationKind.CPS:
        return "criminal" in processes
    return True


def board_member_emails(referral: Referral) -> list[str]:
    return list(
        referral.board.memberships.filter(role=Role.BOARD_MEMBER, is_active=True).values_list(
            "person__email", flat=True
        )
    )
