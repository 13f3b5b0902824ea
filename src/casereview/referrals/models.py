"""A case from referral to the chair's decision, with agencies' answers and deadlines."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from casereview.boards.models import Agency, Board
from casereview.core import timescales
from casereview.core.roles import CASE_STAFF_ROLES, Role

from .lifecycle import Outcome, Stage

LONDON = ZoneInfo("Europe/London")


class ReferrerKind(models.TextChoices):
    AGENCY = "agency", "An agency or professional"
    CORONER = "coroner", "The Coroner"
    RAPID_RESPONSE = "rapid-response", "The Rapid Response Team"
    CDOP = "cdop", "The Child Death Overview Panel (CDOP)"
    OTHER = "other", "Someone else"


class HarmType(models.TextChoices):
    DEATH = "death", "The child has died"
    SERIOUS_HARM = "serious-harm", "The child has been seriously harmed"
    OTHER = "other", "Other concern"


class ParallelProcess(models.TextChoices):
    CRIMINAL = "criminal", "Criminal investigation"
    INQUEST = "inquest", "Inquest"
    HOMICIDE_REVIEW = "homicide-review", "Domestic homicide review"
    DISCIPLINARY = "disciplinary", "Disciplinary process"


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_to(self, person) -> ReferralQuerySet:
        """Cases a person may open: all of their board's for its staff, else where their agency is asked."""  # noqa: E501
        if not person.is_authenticated or not person.is_active:
            return self.none()
        memberships = person.memberships.filter(is_active=True, board__isnull=False)
        staff_boards = memberships.filter(role__in=[r.value for r in CASE_STAFF_ROLES]).values(
            "board_id"
        )
        agency_ids = memberships.filter(
            role__in=[Role.NAMED_OFFICER.value, Role.AGENCY_AUTHOR.value]
        ).values("agency_id")
        return (
            self.filter(Q(board_id__in=staff_boards) | Q(agency_requests__agency_id__in=agency_ids))
            .excluding_conflicts_of(person)
            .distinct()
        )

    def excluding_conflicts_of(self, person) -> ReferralQuerySet:
        """Leave out the cases the person is excluded from for a conflict of interest (AZ-5)."""
        return self.exclude(pk__in=CaseExclusion.objects.cases_of(person))

    def open(self) -> ReferralQuerySet:
        return self.exclude(stage=Stage.CLOSED)

    def with_next_deadline(self) -> ReferralQuerySet:
        """Annotate the next unmet deadline (one subquery, whatever the number of cases)."""
        pending = Deadline.objects.filter(referral=OuterRef("pk"), met_at__isnull=True).order_by(
            "effective_due_at"
        )
        return self.annotate(
            next_deadline_label=Subquery(pending.values("label")[:1]),
            next_deadline_due_at=Subquery(pending.values("effective_due_at")[:1]),
            next_deadline_all_day=Subquery(pending.values("all_day")[:1]),
            next_deadline_starts_at=Subquery(pending.values("starts_at")[:1]),
        )


class Referral(models.Model):
    """A case: the referral and everything up to the chair's decision (DOMAIN.md 2.1-2.3)."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="referrals")
    reference = models.CharField(max_length=40, unique=True)
    stage = models.CharField(
        max_length=30, choices=[(s.value, s.label) for s in Stage], default=Stage.RECEIVED
    )
    received_at = models.DateTimeField()
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    logged_at = models.DateTimeField(auto_now_add=True)

    referrer_kind = models.CharField(max_length=20, choices=ReferrerKind.choices)
    referrer_name = models.CharField(max_length=200)
    referrer_organisation = models.CharField(max_length=200, blank=True)
    referrer_email = models.EmailField(blank=True)

    child_name = models.CharField(max_length=200)
    child_date_of_birth = models.DateField(null=True, blank=True)
    child_address = models.TextField(blank=True)
    child_ethnicity = models.CharField(max_length=100, blank=True)
    child_religion = models.CharField(max_length=100, blank=True)
    child_language = models.CharField(max_length=100, blank=True)

    incident_on = models.DateField()
    harm_type = models.CharField(max_length=20, choices=HarmType.choices)
    incident_summary = models.TextField()
    agencies_involved = models.ManyToManyField(Agency, blank=True, related_name="+")
    parallel_processes = models.JSONField(default=list, blank=True)
    parallel_notes = models.TextField(blank=True)

    criteria_facts = models.JSONField(null=True, blank=True)
    other_children_note = models.TextField(
        blank=True, help_text="Are other children at risk, and are they safeguarded?"
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__in=[s.value for s in Stage]), name="referral_stage_valid"
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def parallel_process_labels(self) -> list[str]:
        labels = dict(ParallelProcess.choices)
        return [labels.get(p, p) for p in self.parallel_processes]

    @property
    def stage_enum(self) -> Stage:
        return Stage(self.stage)

    @property
    def nation(self) -> timescales.Nation:
        return timescales.Nation(self.board.profile.nation)


class AgencyAnswer(models.TextChoices):
    KNOWN = "known", "Known to the agency"
    NOT_KNOWN = "not-known", "Not known to the agency"


class AgencyRequest(models.Model):
    """The question to one agency's named officer: is the child or family known to you?"""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="agency_requests")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="requests")
    requested_at = models.DateTimeField()
    due_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(max_length=20, choices=AgencyAnswer.choices, blank=True)
    information = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "agency"], name="one_request_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.agency} on {self.referral}"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


class Recommendation(models.Model):
    """The sub group's recommendation (DOMAIN.md 2.3); earlier ones stay when it reconvenes."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="recommendations")
    outcome = models.CharField(max_length=40, choices=[(o.value, o.label) for o in Outcome])
    reasons = models.TextField()
    criteria_result = models.CharField(max_length=20)
    departs_from_criteria = models.BooleanField(default=False)
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    consulted_by = models.CharField(
        max_length=20,
        choices=[("meeting", "Meeting"), ("call", "Telephone call"), ("email", "Email exchange")],
    )
    methodology = models.TextField(blank=True)
    imr_agencies = models.ManyToManyField(Agency, blank=True, related_name="+")
    panel_agencies = models.ManyToManyField(Agency, blank=True, related_name="+")
    specialist_advice = models.TextField(blank=True)
    draft_terms_of_reference = models.TextField(blank=True)
    extended_timescales = models.TextField(
        blank=True, help_text="Whether extended timescales should be negotiated, and why."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-recorded_at"]
        get_latest_by = "recorded_at"

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} recommended for {self.referral}"

    @property
    def outcome_enum(self) -> Outcome:
        return Outcome(self.outcome)


class Decision(models.Model):
    """The board chair's decision, agreeing or disagreeing with written reasons."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="decisions")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(
        max_length=40, choices=[(o.value, o.label) for o in Outcome], blank=True
    )
    agrees = models.BooleanField()
    refers_back = models.BooleanField(default=False)
    reasons = models.TextField(blank=True)
    reasons_from_sub_group = models.BooleanField(
        default=False,
        help_text="The chair agreed and gave no reasons of their own: the sub group's stand.",
    )
    departs_from_criteria = models.BooleanField(default=False)
    panel_met_on = models.DateField(
        null=True,
        blank=True,
        help_text="The date of the panel meeting that decided, where the review's clock "
        "counts from it (004 §5.4).",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at"]
        get_latest_by = "decided_at"

    def __str__(self) -> str:
        return f"Decision on {self.referral}"


class DeadlineKind(models.TextChoices):
    CHAIR_CONSULTS = "chair-consults", "Chair consults panel members"
    AGENCY_ANSWERS = "agency-answers", "Agencies answer"
    RECOMMENDATION = "recommendation", "Sub group recommendation"
    DECISION = "decision", "Chair's decision"
    NOTIFY_CHIEF_OFFICERS = "notify-chief-officers", "Notify chief officers"
    COMPLETE_REVIEW = "complete-review", "Complete the review"
    # One of each per commissioned agency, told apart by their key (DOMAIN.md 2.7).
    CHRONOLOGY = "chronology", "An agency's chronology"
    AGENCY_REPORT = "agency-report", "An agency's report"


class DeadlineQuerySet(models.QuerySet["Deadline"]):
    def pending(self) -> DeadlineQuerySet:
        return self.filter(met_at__isnull=True)

    def newly_missed(self, now: dt.datetime) -> DeadlineQuerySet:
        """Unmet deadlines of open cases whose time ran out and whose miss is not yet claimed."""
        return (
            self.pending()
            .filter(effective_due_at__lt=now, missed_at__isnull=True)
            .exclude(referral__stage=Stage.CLOSED)
        )


class Deadline(models.Model):
    """A due date computed from the board's profile; an extension keeps the original.

    A case has one deadline of each kind for each ``key``: blank for the case's own, and a
    key naming the subject where a kind recurs (``agency-<pk>`` for each commissioned
    agency's chronology and report). ``agency`` is who owes it, if an agency does.
    """

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(max_length=30, choices=DeadlineKind.choices)
    key = models.CharField(max_length=40, blank=True, default="")
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="deadlines"
    )
    label = models.CharField(max_length=200)
    span = models.CharField(max_length=40)
    counts_from = models.CharField(max_length=200, help_text="The event it counts from.")
    starts_at = models.DateTimeField()
    all_day = models.BooleanField(default=True, help_text="Due by the end of a day.")
    due_at = models.DateTimeField(help_text="The original due time.")
    effective_due_at = models.DateTimeField(help_text="The extended due time, else the original.")
    met_at = models.DateTimeField(null=True, blank=True)
    extension_requested_at = models.DateTimeField(null=True, blank=True)
    extension_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    extension_to = models.DateTimeField(null=True, blank=True)
    extension_reasons = models.TextField(blank=True)
    extension_approved_at = models.DateTimeField(null=True, blank=True)
    extension_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    extension_agreed_with_inspectorate_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(
        max_length=300, blank=True, help_text="Why the date is not the span's plain count."
    )
    # Closed without being met: the case moved on and nothing is owed any more. It carries a
    # met_at too (when it closed), so every "pending" query leaves it out.
    not_needed = models.CharField(
        max_length=300, blank=True, help_text="Why it is no longer needed, if it is not."
    )
    # Claimed by compare-and-set with its DEADLINE_MISSED event, so a miss is told once
    # however often the sweep runs; cleared when the date moves, so the new date is watched.
    missed_at = models.DateTimeField(null=True, blank=True)
    missed_reminded_at = models.DateTimeField(
        null=True, blank=True, help_text="When the reminders of the miss were sent."
    )

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        ordering = ["effective_due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "kind", "key"], name="one_deadline_per_kind_and_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.referral})"

    @property
    def due(self) -> dt.date | dt.datetime:
        return due_value(self.effective_due_at, self.all_day)

    @property
    def due_on(self) -> dt.date:
        """The London day it is due by, whether it is due by a day or by a time."""
        return timezone.localtime(self.effective_due_at, LONDON).date()

    @property
    def original_due(self) -> dt.date | dt.datetime:
        return due_value(self.due_at, self.all_day)

    @property
    def extended(self) -> bool:
        return self.effective_due_at != self.due_at

    def state(self, now: dt.datetime | None = None) -> timescales.DeadlineState:
        """The state seen at now, "due soon" counted in the working days of the case's board."""
        if self.not_needed:
            return timescales.DeadlineState.NOT_NEEDED
        profile = self.referral.board.profile
        return deadline_state(
            self.effective_due_at, self.all_day, now, self.met_at, profile=profile
        )

    @property
    def rule(self) -> str:
        """The rule in words: "1 month from the referral was received", or a rule of its own."""
        try:
            timescales.parse_span(self.span)
        except ValueError:  # "in time for the next sub group meeting"
            return self.span[:1].upper() + self.span[1:]
        return f"{self.span} from {self.counts_from}"

    @property
    def falls_on(self) -> str:
        """What the due day is if not a working day ("a Saturday", "Christmas Day"), else ""."""
        return timescales.non_working_day(self.due_on, self.referral.nation) or ""


def due_value(due_at: dt.datetime, all_day: bool) -> dt.date | dt.datetime:
    local = timezone.localtime(due_at, LONDON)
    return local.date() if all_day else local


def elapsed_percent(start, due, moment) -> int:
    """How much of a deadline's time has gone, for its bar (0 to 100)."""
    total = (due - start).total_seconds()
    if total <= 0:
        return 100
    return max(0, min(100, round((moment - start).total_seconds() * 100 / total)))


def end_of_day(day: dt.date) -> dt.datetime:
    """An all-day deadline is stored as the last second of its day, London time."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=LONDON)


def deadline_state(
    due_at: dt.datetime,
    all_day: bool,
    now: dt.datetime | None = None,
    met_at: dt.datetime | None = None,
    *,
    profile,
) -> timescales.DeadlineState:
    """A deadline's state under its board's profile: its "due soon" and its nation's holidays.

    The profile is required: a state counted without it would count England and Wales's
    bank holidays for every board.
    """
    now = timezone.localtime(now or timezone.now(), LONDON)
    return timescales.deadline_state(
        due_value(due_at, all_day),
        now,
        met_at=met_at,
        soon_working_days=profile.due_soon_working_days,
        nation=timescales.Nation(profile.nation),
    )


class ChairConsultation(models.Model):
    """The chair's consultation of panel members after a referral (004 §5.3), on its own.

    Recorded when it happened, by whoever records it: it meets the case's "chair consults"
    deadline, whether or not the sub group has recommended yet.
    """

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="chair_consultations"
    )
    consulted = models.TextField(help_text="Who the chair consulted.")
    how = models.CharField(
        max_length=20,
        choices=[("meeting", "Meeting"), ("call", "Telephone call"), ("email", "Email exchange")],
    )
    consulted_at = models.DateTimeField(help_text="When the chair consulted them.")
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-consulted_at"]

    def __str__(self) -> str:
        return f"Chair's consultation on {self.referral}"


class NotificationKind(models.TextChoices):
    SAFEGUARD_OTHER_CHILDREN = (
        "safeguard-other-children",
        "Immediate action to safeguard other children",
    )
    CHIEF_OFFICERS = "chief-officers", "Chief officers / designated senior managers"
    REFERRER = "referrer", "The referrer"
    BOARD_MEMBERS = "board-members", "Board members"
    DIRECTOR = "director-childrens-services", "Director of Children's Services"
    # 003 App. A: the chair informs the CSC Head of Safeguarding of the decision.
    HEAD_OF_SAFEGUARDING = "head-of-safeguarding", "Children's social care Head of Safeguarding"
    OFSTED = "ofsted", "Ofsted"
    DFE = "dfe", "Department for Education"
    NATIONAL_PANEL = "national-panel", "National panel of independent experts"
    CSCI = "inspectorate-csci", "The inspectorate (CSCI)"
    DFES = "dfes", "Department for Education and Skills"
    SHA = "strategic-health-authority", "Strategic Health Authority"
    COMMUNICATIONS = "communications-lead", "Council communications lead"
    LEGAL = "legal-advisor", "The board's legal advisor"
    CORONER = "coroner", "The Coroner"
    CPS = "cps", "Crown Prosecution Service"
    FAMILY = "family", "The family (invitation to contribute)"


class Notification(models.Model):
    """One notification after a decision: a task with a recipient, a due time and when it was sent."""  # noqa: E501

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40, choices=NotificationKind.choices)
    recipient = models.CharField(max_length=200)
    recipient_email = models.EmailField(blank=True)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT)
    order = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField(null=True, blank=True)
    # When it is due, in words, where no date is known yet ("at the panel's first meeting").
    due_when = models.CharField(max_length=100, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    emailed_at = models.DateTimeField(null=True, blank=True)
    letter = models.ForeignKey(
        "core.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.recipient}"


class CaseExclusionQuerySet(models.QuerySet["CaseExclusion"]):
    def in_force(self) -> CaseExclusionQuerySet:
        return self.filter(ended_at__isnull=True)

    def cases_of(self, person) -> models.QuerySet:
        """The cases a person is excluded from, as a subquery of referral ids."""
        return self.in_force().filter(person_id=person.pk).values("referral_id")


class CaseExclusion(models.Model):
    """A declared conflict of interest: the person sees nothing of the case (SECURITY.md AZ-5).

    A fact about the case, not a role on its review: it can be declared from the referral on,
    before any review exists, and the permission gate applies it to every object of the case
    whatever roles the person holds. The reasons are read only by the chair and process staff.
    """

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="exclusions")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_exclusions"
    )
    reasons = models.TextField(help_text="The conflict of interest that was declared.")
    declared_at = models.DateTimeField()
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CaseExclusionQuerySet.as_manager()

    class Meta:
        ordering = ["-declared_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "person"],
                condition=Q(ended_at__isnull=True),
                name="one_exclusion_in_force_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} excluded from {self.referral}"

    @property
    def in_force(self) -> bool:
        return self.ended_at is None
