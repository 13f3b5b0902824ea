"""The review a decision opens: who is on it, which agencies are commissioned, and when."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from casereview.boards.models import Agency
from casereview.boards.roles import AGENCY_ROLES, CASE_STAFF_ROLES
from casereview.referrals.lifecycle import Outcome
from casereview.referrals.models import Referral


class ReviewRole(models.TextChoices):
    """Roles held on one review only (DOMAIN.md section 1: some roles are per review)."""

    PANEL_CHAIR = "panel-chair", "Review panel chair"
    PANEL_MEMBER = "panel-member", "Panel member"
    AGENCY_AUTHOR = "agency-author", "Agency report author"
    OVERVIEW_AUTHOR = "overview-author", "Overview author"
    EXCLUDED = "excluded", "Excluded (conflict of interest)"


PANEL_ROLES = frozenset({ReviewRole.PANEL_CHAIR, ReviewRole.PANEL_MEMBER})


class ReviewQuerySet(models.QuerySet["Review"]):
    def visible_to(self, person) -> ReviewQuerySet:
        """Reviews a person may open: their board's staff, the review's members, and
        the authors and officers of agencies commissioned for it; never someone excluded."""
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
            | Q(members__person=person, members__is_active=True)
            | Q(commissions__agency_id__in=agency_ids)
        )
        excluded = ReviewMember.objects.filter(
            person=person, role=ReviewRole.EXCLUDED, is_active=True
        ).values("review_id")
        return visible.exclude(pk__in=excluded).distinct()


class Review(models.Model):
    """The review opened by a decision."""

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="review")
    kind = models.CharField(max_length=40, choices=[(o.value, o.label) for o in Outcome])
    opened_at = models.DateTimeField()
    chronology_shared_at = models.DateTimeField(
        null=True, blank=True, help_text="When the merged chronology was shared with the panel."
    )

    objects = ReviewQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{Outcome(self.kind).label} {self.referral.reference}"

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
    """A person's role on one review (panel, author, overview author), or their exclusion."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_roles"
    )
    role = models.CharField(max_length=20, choices=ReviewRole.choices)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT)
    reason = models.TextField(blank=True, help_text="For an exclusion: the declared conflict.")
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
    """An agency asked for its chronology and report on one review, with their due dates."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="commissions")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="commissions")
    chronology_due_on = models.DateField()
    report_due_on = models.DateField()
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
