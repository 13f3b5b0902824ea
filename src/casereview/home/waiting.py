"""What is waiting for a person, across their cases and boards: one list of work items.

Each provider answers one kind of work for whoever holds the roles it concerns, in a fixed
number of queries whatever the number of cases (the home page asserts it), and returns
``WorkItem`` rows: what to do, on which case, by when, how that deadline stands and the page
to do it on. Adding a kind of work is one function and one line in ``PROVIDERS``.

Scope is the providers' own business, as it is a view's: each filters by the person's roles
(``Viewer``), leaves out the cases they are excluded from for a conflict of interest (AZ-5),
and links only to pages whose gate lets them in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from casereview.core.permissions import Access, access_for
from casereview.core.roles import AGENCY_ROLES, Role
from casereview.core.timescales import DeadlineState
from casereview.referrals.lifecycle import Stage
from casereview.referrals.models import (
    AgencyRequest,
    Deadline,
    DeadlineKind,
    Notification,
    Referral,
    deadline_state,
    due_value,
)
from casereview.reviews import lifecycle as review_lifecycle
from casereview.reviews.lifecycle import Stage as ReviewStage
from casereview.reviews.lifecycle import Track
from casereview.reviews.models import (
    AgencyCommission,
    Review,
    ReviewMember,
    ReviewRole,
    rests_on,
)
from casereview.reviews.stage_views import ROUTES

# Overdue first, then due soon, due, and work without a deadline last.
STATE_ORDER = {
    DeadlineState.OVERDUE: 0,
    DeadlineState.DUE_SOON: 1,
    DeadlineState.DUE: 2,
    DeadlineState.MET: 3,
    None: 4,
}


@dataclass(frozen=True)
class WorkItem:
    """One thing a person has to do: on which case, by when, and where to do it."""

    kind: str
    what: str
    reference: str
    url: str
    due_at: dt.datetime | None = None
    all_day: bool = True
    state: DeadlineState | None = None
    about: str = ""

    @property
    def due(self) -> dt.date | dt.datetime | None:
        return due_value(self.due_at, self.all_day) if self.due_at else None

    def sort_key(self) -> tuple:
        far = dt.datetime.max.replace(tzinfo=dt.UTC)
        return (STATE_ORDER[self.state], self.due_at or far, self.reference)


@dataclass
class Group:
    """The items of one kind, overdue first, with how many stand in each state."""

    kind: str
    items: list[WorkItem] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {s.value: sum(1 for i in self.items if i.state == s) for s in DeadlineState}

    def sort_key(self) -> tuple:
        return self.items[0].sort_key()[:1] if self.items else (len(STATE_ORDER),)


@dataclass
class Viewer:
    """Whose work is asked for, with their roles read once (the gate's own ``Access``)."""

    person: object
    access: Access
    now: dt.datetime
    _review_roles: list[ReviewMember] | None = field(default=None, repr=False)

    def boards_where(self, *roles: Role) -> set[int]:
        return {g.board_id for g in self.access.grants if g.role in roles}

    def agencies_where(self, *roles: Role) -> set[int]:
        return {g.agency_id for g in self.access.grants if g.role in roles and g.agency_id}

    def cases(self) -> QuerySet[Referral]:
        """The cases this person is not excluded from (a subquery, not a query)."""
        return Referral.objects.excluding_conflicts_of(self.person)

    def review_roles(self) -> list[ReviewMember]:
        """The person's roles on open reviews that rest on a board role they hold (AZ-4),
        each with its case's next deadline: one query, shared by the providers."""
        if self._review_roles is None:
            rows = (
                ReviewMember.objects.filter(
                    person_id=self.access.person_id,
                    is_active=True,
                    review__referral__stage=Stage.REVIEW_OPEN,
                    review__referral__in=self.cases(),
                )
                .select_related("review__referral__board__profile")
                .annotate(**_next_deadline())
                if self.access.person_id
                else []
            )
            self._review_roles = [
                m
                for m in rows
                if rests_on(m.role, m.agency_id, self.access.grants_on(m.review.referral.board_id))
            ]
        return self._review_roles


def _state(
    viewer: Viewer, due_at: dt.datetime | None, all_day: bool, board
) -> DeadlineState | None:
    if due_at is None:
        return None
    return deadline_state(due_at, all_day, viewer.now, profile=board.profile)


def _next_deadline() -> dict:
    """The case's next unmet deadline, as annotations (one subquery whatever the size)."""
    pending = Deadline.objects.filter(
        referral=OuterRef("review__referral"), met_at__isnull=True
    ).order_by("effective_due_at")
    return {
        "next_due_at": Subquery(pending.values("effective_due_at")[:1]),
        "next_all_day": Subquery(pending.values("all_day")[:1]),
        "next_label": Subquery(pending.values("label")[:1]),
    }


# --- Providers: (viewer) -> items. One query or two each, whatever the data. ---


def _cases_awaiting(
    viewer: Viewer,
    boards: set[int],
    stage: Stage,
    clock: DeadlineKind,
    kind: str,
    what: str,
    page: str,
) -> list[WorkItem]:
    """The cases of these boards at a stage, each with the unmet deadline of that stage."""
    if not boards:
        return []
    due = Deadline.objects.filter(referral=OuterRef("pk"), kind=clock, met_at__isnull=True)
    cases = (
        viewer.cases()
        .filter(board_id__in=boards, stage=stage)
        .select_related("board__profile")
        .annotate(
            due_at=Subquery(due.values("effective_due_at")[:1]),
            all_day=Subquery(due.values("all_day")[:1]),
        )
    )
    return [
        WorkItem(
            kind=kind,
            what=what,
            reference=case.reference,
            url=reverse(page, kwargs={"pk": case.pk}),
            due_at=case.due_at,
            all_day=case.all_day if case.all_day is not None else True,
            state=_state(viewer, case.due_at, bool(case.all_day), case.board),
            about=case.board.short_name,
        )
        for case in cases
    ]


def decisions_awaiting(viewer: Viewer) -> list[WorkItem]:
    """The chair's decisions on the sub group's recommendations."""
    return _cases_awaiting(
        viewer,
        viewer.boards_where(Role.CHAIR),
        Stage.AWAITING_DECISION,
        DeadlineKind.DECISION,
        "Decisions awaiting",
        "Decide on the sub group's recommendation",
        "referrals:decide",
    )


def extensions_awaiting(viewer: Viewer) -> list[WorkItem]:
    """Extensions the chair is asked to approve; for process staff, the inspectorate's
    agreement still to record where the profile asks for it (003 §3.1)."""
    chair_boards = viewer.boards_where(Role.CHAIR)
    staff_boards = viewer.boards_where(Role.BUSINESS_MANAGER, Role.ADMINISTRATOR)
    if not (chair_boards or staff_boards):
        return []
    deadlines = (
        Deadline.objects.pending()
        .filter(referral__in=viewer.cases(), extension_to__isnull=False)
        .filter(
            Q(referral__board_id__in=chair_boards, extension_approved_at__isnull=True)
            | Q(
                referral__board_id__in=staff_boards,
                extension_approved_at__isnull=False,
                extension_agreed_with_inspectorate_at__isnull=True,
                referral__board__profile__extension_two_step=True,
            )
        )
        .select_related("referral__board__profile")
    )
    items = []
    for d in deadlines:
        case = d.referral
        approving = d.extension_approved_at is None
        if not approving and d.effective_due_at == d.extension_to:
            continue  # already applied
        items.append(
            WorkItem(
                kind="Extensions awaiting approval"
                if approving
                else "Extensions awaiting the inspectorate",
                what=(
                    f"Approve the extension of “{d.label}” to "
                    f"{timezone.localtime(d.extension_to).date():%-d %B %Y}"
                    if approving
                    else f"Record the inspectorate's agreement to extend “{d.label}”"
                ),
                reference=case.reference,
                url=reverse("referrals:detail", kwargs={"pk": case.pk}) + "#deadlines",
                due_at=d.effective_due_at,
                all_day=d.all_day,
                state=_state(viewer, d.effective_due_at, d.all_day, case.board),
                about=case.board.short_name,
            )
        )
    return items


def cases_by_next_deadline(viewer: Viewer) -> list[WorkItem]:
    """The business manager's and administrator's open cases, by their next deadline."""
    boards = viewer.boards_where(Role.BUSINESS_MANAGER, Role.ADMINISTRATOR)
    if not boards:
        return []
    cases = (
        viewer.cases()
        .filter(board_id__in=boards)
        .open()
        .select_related("board__profile")
        .with_next_deadline()
        .only(
            "reference",
            "stage",
            "board__short_name",
            "board__profile__due_soon_working_days",
            "board__profile__nation",
        )
    )
    return [
        WorkItem(
            kind="Cases by next deadline",
            what=f"{case.next_deadline_label or 'No deadline'} ({case.get_stage_display()})",
            reference=case.reference,
            url=reverse("referrals:detail", kwargs={"pk": case.pk}),
            due_at=case.next_deadline_due_at,
            all_day=case.next_deadline_all_day if case.next_deadline_all_day is not None else True,
            state=_state(
                viewer, case.next_deadline_due_at, bool(case.next_deadline_all_day), case.board
            ),
            about=case.board.short_name,
        )
        for case in cases
    ]


def notifications_to_send(viewer: Viewer) -> list[WorkItem]:
    """Notifications and letters after a decision that nobody has recorded as sent."""
    boards = viewer.boards_where(Role.BUSINESS_MANAGER, Role.ADMINISTRATOR)
    if not boards:
        return []
    notifications = Notification.objects.filter(
        referral__board_id__in=boards, referral__in=viewer.cases(), sent_at__isnull=True
    ).select_related("referral__board__profile")
    return [
        WorkItem(
            kind="Notifications to send",
            what=f"Send to {n.recipient}",
            reference=n.referral.reference,
            url=reverse("referrals:detail", kwargs={"pk": n.referral_id}) + "#decision",
            due_at=n.due_at,
            all_day=False,
            state=_state(viewer, n.due_at, False, n.referral.board),
            about=n.get_kind_display(),
        )
        for n in notifications
    ]


def cases_at_screening(viewer: Viewer) -> list[WorkItem]:
    """Sub group members' cases waiting for their recommendation."""
    return _cases_awaiting(
        viewer,
        viewer.boards_where(Role.SUBGROUP_MEMBER),
        Stage.SCREENING,
        DeadlineKind.RECOMMENDATION,
        "Cases at screening",
        "Recommend whether a review is held",
        "referrals:recommend",
    )


def agency_requests_to_answer(viewer: Viewer) -> list[WorkItem]:
    """What is asked of the person's agency: is the child or family known to you?"""
    agencies = viewer.agencies_where(*AGENCY_ROLES)
    if not agencies:
        return []
    asks = (
        AgencyRequest.objects.filter(
            agency_id__in=agencies,
            answered_at__isnull=True,
            referral__stage__in=[Stage.INFORMATION_GATHERING, Stage.SCREENING],
            referral__in=viewer.cases(),
        )
        .select_related("agency", "referral__board__profile")
        .order_by("due_at")
    )
    return [
        WorkItem(
            kind="Asked of your agency",
            what="Is the child or family known to you?",
            reference=ask.referral.reference,
            url=reverse("referrals:answer", kwargs={"pk": ask.pk}),
            due_at=ask.due_at,
            all_day=True,
            state=_state(viewer, ask.due_at, True, ask.referral.board),
            about=ask.agency.name,
        )
        for ask in asks
    ]


def chronologies_and_reports_due(viewer: Viewer) -> list[WorkItem]:
    """An agency author's chronologies and reports that the review still waits for."""
    authored = viewer.agencies_where(Role.AGENCY_AUTHOR)
    members = [m for m in viewer.review_roles() if m.role == ReviewRole.AGENCY_AUTHOR]
    by_member = {(m.review_id, m.agency_id) for m in members if m.agency_id}
    reviews = {review_id for review_id, _ in by_member}
    if not (authored or by_member):
        return []
    commissions = (
        AgencyCommission.objects.filter(
            Q(agency_id__in=authored) | Q(review_id__in=reviews),
            Q(chronology_received_at__isnull=True) | Q(report_received_at__isnull=True),
            review__referral__stage=Stage.REVIEW_OPEN,
            review__referral__in=viewer.cases(),
        )
        .select_related(
            "agency",
            "review__referral__board__profile",
            "chronology_deadline",
            "report_deadline",
        )
        .order_by("chronology_deadline__effective_due_at")
    )
    items = []
    for c in commissions:
        if c.agency_id not in authored and (c.review_id, c.agency_id) not in by_member:
            continue
        case = c.review.referral
        keys = {"pk": c.review_id, "commission_pk": c.pk}
        for deadline, received, what, url in (
            (
                c.chronology_deadline,
                c.chronology_received_at,
                "Send the agency's chronology",
                reverse("chronologies:upload", kwargs=keys),
            ),
            (
                c.report_deadline,
                c.report_received_at,
                "Send the agency's report",
                reverse("chronologies:commission", kwargs=keys),
            ),
        ):
            if received is None:
                due_at = deadline.effective_due_at
                items.append(
                    WorkItem(
                        kind="Chronologies and reports due",
                        what=what,
                        reference=case.reference,
                        url=url,
                        due_at=due_at,
                        all_day=deadline.all_day,
                        state=_state(viewer, due_at, deadline.all_day, case.board),
                        about=c.agency.name,
                    )
                )
    return items


REVIEW_WORK = {
    ReviewRole.PANEL_CHAIR: ("Reviews you sit on", "Chair the review panel"),
    ReviewRole.PANEL_MEMBER: ("Reviews you sit on", "Sit on the review panel"),
    ReviewRole.OVERVIEW_AUTHOR: ("Reviews you write", "Write the overview report"),
}


def reviews_to_work_on(viewer: Viewer) -> list[WorkItem]:
    """The panel's and the overview author's reviews, by the case's next deadline."""
    items = []
    for m in viewer.review_roles():
        if m.role not in REVIEW_WORK:
            continue
        case = m.review.referral
        kind, what = REVIEW_WORK[ReviewRole(m.role)]
        shared = m.review.chronology_shared_at is not None and m.role in (
            ReviewRole.PANEL_CHAIR,
            ReviewRole.PANEL_MEMBER,
        )
        url = reverse(
            "chronologies:merged" if shared else "reviews:detail", kwargs={"pk": m.review_id}
        )
        items.append(
            WorkItem(
                kind=kind,
                what=f"{what}: {m.next_label}" if m.next_label else what,
                reference=case.reference,
                url=url,
                due_at=m.next_due_at,
                all_day=m.next_all_day if m.next_all_day is not None else True,
                state=_state(viewer, m.next_due_at, bool(m.next_all_day), case.board),
                about=m.review.kind_label,
            )
        )
    return items


def _reviews(viewer: Viewer, boards: set[int], **filters) -> QuerySet[Review]:
    """Open reviews of these boards with the case's review clock (one query with subqueries)."""
    clock = Deadline.objects.filter(
        referral=OuterRef("referral"), kind=DeadlineKind.COMPLETE_REVIEW, met_at__isnull=True
    )
    return (
        Review.objects.filter(referral__board_id__in=boards, referral__in=viewer.cases())
        .exclude(stage=ReviewStage.CLOSED)
        .filter(**filters)
        .select_related("referral__board__profile")
        .annotate(
            clock_due_at=Subquery(clock.values("effective_due_at")[:1]),
            clock_all_day=Subquery(clock.values("all_day")[:1]),
        )
        .order_by("referral__reference")
    )


def _review_item(viewer: Viewer, review: Review, kind: str, what: str, url: str) -> WorkItem:
    case = review.referral
    return WorkItem(
        kind=kind,
        what=what,
        reference=case.reference,
        url=url,
        due_at=review.clock_due_at,
        all_day=review.clock_all_day if review.clock_all_day is not None else True,
        state=_state(viewer, review.clock_due_at, bool(review.clock_all_day), case.board),
        about=review.kind_label,
    )


def reviews_to_move_on(viewer: Viewer) -> list[WorkItem]:
    """The business manager's and administrator's reviews: each stage's work, to the next."""
    boards = viewer.boards_where(Role.BUSINESS_MANAGER, Role.ADMINISTRATOR)
    if not boards:
        return []
    items = []
    for review in _reviews(viewer, boards):
        after = review.path.after(review.stage_enum)
        step = review_lifecycle.NEXT_LABELS[after] if after else ""
        items.append(
            _review_item(
                viewer,
                review,
                "Reviews in progress",
                f"{review.stage_enum.label}: then {step.lower()}",
                reverse("reviews:stage", kwargs={"pk": review.pk}),
            )
        )
    return items


# Items waiting at a stage for someone other than process staff (the review's own table of
# items and their permissions), and the route that records each (the review pages' table).
STAGE_ITEMS = {
    item: (spec.action, ROUTES[spec.action])
    for item, spec in review_lifecycle.ITEMS.items()
    if spec.action != "review.advance"
}


def review_items_to_record(viewer: Viewer) -> list[WorkItem]:
    """The panel's decisions (the board chair or the panel chair) and the sub group's quality
    assurance, where the review's stage waits for them."""
    chair = viewer.boards_where(Role.CHAIR)
    subgroup = viewer.boards_where(Role.SUBGROUP_MEMBER)
    chaired = {m.review_id for m in viewer.review_roles() if m.role == ReviewRole.PANEL_CHAIR}
    if not (chair or subgroup or chaired):
        return []
    stages = {review_lifecycle.ITEMS[i].stage for i in STAGE_ITEMS}
    reviews = (
        _reviews(viewer, viewer.access.boards())
        .filter(Q(referral__board_id__in=chair | subgroup) | Q(pk__in=chaired))
        .filter(stage__in=stages)
        .prefetch_related("milestones")
    )
    items = []
    for review in reviews:
        done = {m.item for m in review.milestones.all()}
        facts = review_lifecycle.Facts(path=review.path)
        for item in review_lifecycle.items_at(review.stage_enum, facts):
            if item not in STAGE_ITEMS or item.value in done:
                continue
            action, route = STAGE_ITEMS[item]
            board_id = review.referral.board_id
            allowed = (
                board_id in chair or review.pk in chaired
                if action == "review.panel_decide"
                else board_id in subgroup
            )
            if allowed:
                url = reverse(route, kwargs={"pk": review.pk, "item": item.value})
                items.append(
                    _review_item(viewer, review, "Review decisions to record", item.label, url)
                )
    return items


def action_plans_monitored(viewer: Viewer) -> list[WorkItem]:
    """The chair's action plans under monitoring, to sign off when every action is done."""
    boards = viewer.boards_where(Role.CHAIR)
    if not boards:
        return []
    return [
        _review_item(
            viewer,
            review,
            "Action plans being monitored",
            "Sign off the final master document once every action is complete",
            reverse("reviews:sign-off", kwargs={"pk": review.pk}),
        )
        for review in _reviews(viewer, boards, monitoring=Track.MONITORING)
    ]


Provider = Callable[[Viewer], list[WorkItem]]

PROVIDERS: list[Provider] = [
    decisions_awaiting,
    extensions_awaiting,
    cases_at_screening,
    agency_requests_to_answer,
    chronologies_and_reports_due,
    review_items_to_record,
    reviews_to_work_on,
    action_plans_monitored,
    notifications_to_send,
    reviews_to_move_on,
    cases_by_next_deadline,
]


def waiting_for(person, *, now: dt.datetime | None = None) -> list[Group]:
    """Everything waiting for a person, grouped by kind: the most urgent group first."""
    viewer = Viewer(person=person, access=access_for(person), now=now or timezone.now())
    groups: dict[str, Group] = {}
    for provider in PROVIDERS:
        for item in provider(viewer):
            groups.setdefault(item.kind, Group(item.kind)).items.append(item)
    for group in groups.values():
        group.items.sort(key=WorkItem.sort_key)
    # A stable sort: groups in the same worst state keep the order of PROVIDERS.
    return sorted(groups.values(), key=Group.sort_key)
