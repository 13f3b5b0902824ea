"""After a decision: each notification of DOMAIN.md 2.4 becomes a task with a letter."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from casereview.boards.models import FamilyLetterDue
from casereview.core import jobs
from casereview.core import models as audit
from casereview.core.roles import Role

from .deadlines import compute_due, deadline_set
from .lifecycle import Outcome
from .models import DeadlineKind, Notification, NotificationKind, Referral, end_of_day
from .notification_plan import (
    CaseFacts,
    Occasion,
    notification_plan,
)

# Immediate action for other children first (004 §5.3); then the order of DOMAIN.md 2.4.
ORDER = [k.value for k in NotificationKind]


def notification_kinds(referral: Referral, outcome: str | None) -> list[str]:
    """The kinds of notification a decision of this outcome sends (``notification_plan``),
    from the board's list for its occasion and the facts of the case. The chair's "check
    your answers" page lists them before the decision is recorded."""
    profile = referral.board.profile
    lists = {
        Occasion.SERIOUS_CASE_REVIEW: profile.notifications,
        Occasion.OTHER_REVIEW: profile.notifications_other_review,
        Occasion.NO_REVIEW: profile.notifications_no_review,
    }
    return notification_plan(
        lists,
        Outcome(outcome) if outcome else None,
        case_facts(referral),
        order=ORDER,
        family_invited=profile.family_letter != "panel-decides",
    )


def case_facts(referral: Referral) -> CaseFacts:
    processes = set(referral.parallel_processes)
    return CaseFacts(
        died=referral.harm_type == "death",
        criminal_proceedings="criminal" in processes,
        inquest="inquest" in processes,
    )


def notifications_create(*, referral: Referral, decision, now: dt.datetime) -> list[Notification]:
    """Create the notification tasks the decision sends, with due times and letters."""
    profile = referral.board.profile
    notifications: list[Notification] = []
    for kind in notification_kinds(referral, decision.outcome):
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
        detail={"count": len(created), "kinds": sorted({n.kind for n in created})},
    )
    return created


def _for_kind(referral: Referral, kind: str, now: dt.datetime) -> list[Notification]:
    profile = referral.board.profile
    label = NotificationKind(kind).label
    order = ORDER.index(kind)
    notify_by = compute_due(now, profile.notify_chief_officers_within, referral.nation)[0]
    if kind == NotificationKind.CHIEF_OFFICERS:
        return [
            Notification(
                referral=referral,
                kind=kind,
                agency=agency,
                order=order,
                due_at=notify_by,
                recipient=f"{agency.named_officer}, {agency.name}",
                recipient_email=agency.named_officer.email,
            )
            for agency in referral.board.agencies.filter(
                is_active=True, named_officer__isnull=False
            ).select_related("named_officer")
        ]
    one = Notification(referral=referral, kind=kind, order=order, recipient=label, due_at=notify_by)
    if kind == NotificationKind.REFERRER:
        one.recipient = referral.referrer_name
        one.recipient_email = referral.referrer_email
        one.due_at = compute_due(now, "5 working days", referral.nation)[0]
    elif kind == NotificationKind.BOARD_MEMBERS:
        one.due_at = compute_due(now, "5 working days", referral.nation)[0]
    elif kind == NotificationKind.SAFEGUARD_OTHER_CHILDREN:
        one.recipient = "Children's social care (confirm other children are safeguarded)"
        # Immediate (004 §5.3): by the end of the day of the decision, not overdue at once.
        one.due_at = end_of_day(timezone.localdate(now))
    elif kind == NotificationKind.FAMILY and (
        profile.family_letter_due == FamilyLetterDue.PANEL_FIRST_MEETING
    ):
        # 003 §2.5: the plan for telling the family is agreed at the panel's first meeting,
        # whose date the review's meetings will hold; until then it has no date to miss.
        one.due_at = None
        one.due_when = "At the panel's first meeting"
    elif kind in INSPECTORATE and profile.inspectorate_via:
        # 003 §1.3: the reasons go to Ofsted "via the Head of Safeguarding".
        one.recipient = f"{label}, via {profile.inspectorate_via}"
    return [one]


INSPECTORATE = {NotificationKind.OFSTED, NotificationKind.CSCI}


def board_member_emails(referral: Referral) -> list[str]:
    return list(
        referral.board.memberships.filter(role=Role.BOARD_MEMBER, is_active=True).values_list(
            "person__email", flat=True
        )
    )
