"""The review a decision opens: who is on it, which agencies are commissioned, and when."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from casereview.boards.models import Agency
from casereview.core.roles import AGENCY_ROLES, CASE_STAFF_ROLES, Role
from casereview.referrals.lifecycle import Outcome
from casereview.referrals.models import CaseExclusion, Deadline, Referral

from . import lifecycle
from .lifecycle import Item, Stage, Track


class ReviewRole(models.TextChoices):
    """Roles held on one review only (DOMAIN.md section 1: some roles are per review)."""

    PANEL_CHAIR = "panel-chair", "Review panel chair"
    PANEL_MEMBER = "panel-member", "Panel member"
    AGENCY_AUTHOR = "agency-author", "Agency report author"
    OVERVIEW_AUTHOR = "overview-author", "Overview author"


PANEL_ROLES = frozenset({ReviewRole.PANEL_CHAIR, ReviewRole.PANEL_MEMBER})


def rests_on(role: str, agency_id: int | None, grants: Iterable[tuple[Role, int | None]]) -> bool:
    """A role on a review counts only while a board role it rests on is held (SECURITY.md AZ-4).

    ``grants`` are the person's active roles on the review's board, as (role, agency). An
    agency's report author writes for the agency while they hold a role in it (named officer
    or author); a panel member, panel chair or overview author sits for the board while they
    hold any role on it. Ending that board role, or the account, ends the review role with it.
    """
    grants = list(grants)
    if role == ReviewRole.AGENCY_AUTHOR:
        return any(r in AGENCY_ROLES and agency_id in (None, a) for r, a in grants)
    return bool(grants)


def live_review_roles(person) -> list[ReviewMember]:
    """The person's active review roles that still rest on a board role they hold (AZ-4)."""
    from casereview.core.permissions import access_for

    access = access_for(person)
    if access.person_id is None:
        return []
    members = ReviewMember.objects.filter(person_id=access.person_id, is_active=True)
    return [
        m
        for m in members.select_related("review__referral")
        if rests_on(m.role, m.agency_id, access.grants_on(m.review.referral.board_id))
    ]


class ReviewQuerySet(models.QuerySet["Review"]):
    def visible_to(self, person) -> ReviewQuerySet:
        """Reviews a person may open: their board's staff, the review's members, and
        the authors and officers of agencies commissioned for it; never someone excluded.

        A review role counts only while the board role it rests on is held (AZ-4)."""
        if not person.is_authenticated or not person.is_active:
            return self.none()
        memberships = person.memberships.filter(is_active=True)
        staff_boards = memberships.filter(role__in=[r.value for r in CASE_STAFF_ROLES]).values(
            "board_id"
        )
        agency_ids = memberships.filter(role__in=[r.value for r in AGENCY_ROLES]).values(
            "agency_id"
        )
        visible = self.filter(
            Q(referral__board_id__in=staff_boards)
            | Q(pk__in=[m.review_id for m in live_review_roles(person)])
            | Q(commissions__agency_id__in=agency_ids)
        )
        return visible.exclude(referral_id__in=CaseExclusion.objects.cases_of(person)).distinct()


class Review(models.Model):
    """The review opened by a decision."""

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="review")
    kind = models.CharField(max_length=40, choices=[(o.value, o.label) for o in Outcome])
    stage = models.CharField(
        max_length=30, choices=[(s.value, s.label) for s in Stage], default=Stage.SCOPING.value
    )
    monitoring = models.CharField(
        max_length=20, choices=[(t.value, t.label) for t in Track], default=Track.NOT_STARTED.value
    )
    opened_at = models.DateTimeField()
    chronology_shared_at = models.DateTimeField(
        null=True, blank=True, help_text="When the merged chronology was shared with the panel."
    )

    objects = ReviewQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__in=[s.value for s in Stage]), name="review_stage_valid"
            ),
            models.CheckConstraint(
                condition=Q(monitoring__in=[t.value for t in Track]),
                name="review_monitoring_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{Outcome(self.kind).label} {self.referral.reference}"

    @property
    def stage_enum(self) -> Stage:
        return Stage(self.stage)

    @property
    def monitoring_enum(self) -> Track:
        return Track(self.monitoring)

    @property
    def path(self) -> lifecycle.Path:
        """The stages this kind of review walks on its board (the profile's, else the default)."""
        return lifecycle.path_for(self.kind, self.referral.board.profile.review_paths)

    @property
    def kind_label(self) -> str:
        return Outcome(self.kind).label

    @property
    def board_id(self) -> int:
        return self.referral.board_id

    @property
    def board(self):
        return self.referral.board


class ReviewMember(models.Model):
    """A person's role on one review (panel, author, overview author).

    An exclusion for a conflict of interest is not a role: it is a ``CaseExclusion``."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_roles"
    )
    role = models.CharField(max_length=20, choices=ReviewRole.choices)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT)
    is_active = models.BooleanField(default=True)
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["role", "person__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "person", "role"], name="review_member_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()} on {self.review}"


class AgencyCommission(models.Model):
    """An agency asked for its chronology and report on one review, with their deadlines.

    Each due date is one of the case's tracked ``Deadline`` rows (computed from the board's
    profile, extendable, watched by the sweep); ``chronology_due_on`` and ``report_due_on``
    read the date that applies.
    """

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="commissions")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="commissions")
    chronology_deadline = models.OneToOneField(
        Deadline, on_delete=models.RESTRICT, related_name="chronology_commission"
    )
    report_deadline = models.OneToOneField(
        Deadline, on_delete=models.RESTRICT, related_name="report_commission"
    )
    chronology_received_at = models.DateTimeField(null=True, blank=True)
    report_received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["review", "agency"], name="one_commission_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.agency} on {self.review}"

    @property
    def board_id(self) -> int:
        return self.review.referral.board_id

    @property
    def chronology_due_on(self) -> dt.date:
        return self.chronology_deadline.due_on

    @property
    def report_due_on(self) -> dt.date:
        return self.report_deadline.due_on


def commission_key(agency) -> str:
    """The key of a commissioned agency's deadlines: one review a case, one commission an agency."""
    return f"agency-{agency.pk}"


class Milestone(models.Model):
    """A checklist item of a review, recorded by a person with when and a note (DOMAIN.md 2)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="milestones")
    item = models.CharField(max_length=40, choices=[(i.value, i.label) for i in Item])
    happened_on = models.DateField(null=True, blank=True, help_text="e.g. the board's meeting.")
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["recorded_at"]
        constraints = [
            models.UniqueConstraint(fields=["review", "item"], name="one_milestone_per_item")
        ]

    def __str__(self) -> str:
        return f"{Item(self.item).label} on {self.review}"

    @property
    def item_enum(self) -> Item:
        return Item(self.item)


class ReviewDocument(models.Model):
    """A document uploaded to a review (an IMR, a version of one): the original, kept apart.

    The original ``core.Document`` is stored without a referral so the general download
    cannot serve it: only ``document.read_original`` may, through the anonymisation view.
    Agency reports, overview drafts and their versions are all review documents; the
    anonymisation app refers to them. (The table keeps its first name: it moved here from
    the anonymisation app without moving its rows.)
    """

    review = models.ForeignKey("Review", on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    original = models.OneToOneField(
        "core.Document", on_delete=models.PROTECT, related_name="review_document"
    )
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_version"
    )
    version = models.PositiveIntegerField(default=1)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "anonymisation_reviewdocument"
        ordering = ["title", "-version"]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    @property
    def suffix(self) -> str:
        name = self.original.filename.lower()
        return name[name.rfind(".") :] if "." in name else ""
