"""Agencies' chronologies on a review: each version they send, its rows, the panel's marks,
the panel's approval and the exports made of the merged chronology.

The rules (reading, checking, merging, exporting) are the pure modules beside this one; these
models only keep what was sent, who did what, and when.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from casereview.reviews.models import AgencyCommission, Review


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Sent to the board"
    SUPERSEDED = "superseded", "Replaced by a later version"


class ChronologySubmission(models.Model):
    """One version of an agency's chronology for a review: a draft, the one sent, or an
    earlier one kept when the agency sent it again."""

    commission = models.ForeignKey(
        AgencyCommission, on_delete=models.PROTECT, related_name="chronologies"
    )
    version = models.PositiveIntegerField()
    status = models.CharField(
        max_length=12, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    source = models.ForeignKey(
        "core.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_name = models.CharField(max_length=255, blank=True)
    staff_ids = models.TextField(
        blank=True, help_text="The agency's list of staff initials with their IDs or roles."
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["commission", "version"], name="one_chronology_version_number"
            ),
            models.UniqueConstraint(
                fields=["commission"],
                condition=models.Q(status="submitted"),
                name="one_current_chronology_per_agency",
            ),
            models.UniqueConstraint(
                fields=["commission"],
                condition=models.Q(status="draft"),
                name="one_draft_chronology_per_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commission.agency} chronology v{self.version}"

    @property
    def is_draft(self) -> bool:
        return self.status == SubmissionStatus.DRAFT


class ChronologyEntry(models.Model):
    """One row of an agency's chronology as the author wrote it, with its problems."""

    submission = models.ForeignKey(
        ChronologySubmission, on_delete=models.CASCADE, related_name="entries"
    )
    number = models.PositiveIntegerField(help_text="The row's number as the author sees it.")
    date = models.DateField(null=True, blank=True, help_text="The date read, to order by.")
    date_text = models.CharField(max_length=200, blank=True)
    child = models.TextField(blank=True)
    family = models.TextField(blank=True)
    communication = models.TextField(blank=True)
    source = models.TextField(blank=True)
    staff = models.TextField(blank=True)
    comment = models.TextField(blank=True)
    extra = models.JSONField(default=dict, blank=True)
    merged = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="one_row_per_number")
        ]
        verbose_name_plural = "chronology entries"

    def __str__(self) -> str:
        return f"Row {self.number}"

    @property
    def errors(self) -> list[dict]:
        return [p for p in self.problems if p.get("severity") == "error"]


class MarkKind(models.TextChoices):
    KEY_DECISION = "key-decision", "Key decision point"
    GOOD_PRACTICE = "good-practice", "Good practice"


class PanelMark(models.Model):
    """The panel's mark on a row of the merged chronology, with its note."""

    entry = models.ForeignKey(ChronologyEntry, on_delete=models.CASCADE, related_name="marks")
    kind = models.CharField(max_length=20, choices=MarkKind.choices)
    note = models.TextField()
    marked_at = models.DateTimeField(default=timezone.now)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["marked_at"]

    def __str__(self) -> str:
        return self.get_kind_display()


class ChronologyApproval(models.Model):
    """The panel's recorded decision approving the merged chronology as it stood then."""

    review = models.ForeignKey(
        Review, on_delete=models.PROTECT, related_name="chronology_approvals"
    )
    versions = models.JSONField(help_text="The agencies' versions approved: {agency: version}.")
    data_version = models.CharField(max_length=64)
    note = models.TextField(blank=True)
    approved_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-approved_at"]

    def __str__(self) -> str:
        return f"Approved {self.approved_at:%Y-%m-%d}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being made"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class ExportJob(models.Model):
    """An export of the merged chronology made in the background, with its progress."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="chronology_exports")
    format = models.CharField(max_length=8)
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    document = models.ForeignKey(
        "core.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    error = models.TextField(blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.format} export of {self.review}"

    @property
    def finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)
