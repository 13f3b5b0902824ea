"""Boards, their member agencies, the roles people hold, and each board's procedure profile."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Subquery

from casereview.core.roles import Role
from casereview.core.timescales import Nation, parse_span

from . import vocabulary


class Board(models.Model):
    """A safeguarding children board (partnership): everything it holds is its own."""

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40)
    slug = models.SlugField(unique=True)
    marking = models.CharField(
        max_length=60, default="OFFICIAL-SENSITIVE", help_text="Protective marking on documents."
    )
    reference_prefix = models.CharField(
        max_length=12, help_text="Case references start with this, e.g. MSCB."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgencyKind(models.TextChoices):
    POLICE = "police", "Police"
    SOCIAL_CARE = "social-care", "Children's social care"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    CAMHS = "camhs", "Child and adolescent mental health (CAMHS)"
    ADULT_SERVICES = "adult-services", "Adult services"
    VOLUNTARY = "voluntary", "Voluntary sector"
    LEGAL = "legal", "Legal"
    OTHER = "other", "Other"


class Agency(models.Model):
    """A member agency of a board, with its named officer (designated senior manager)."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="agencies")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=AgencyKind.choices)
    named_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Receives 'is this child known to you?' and secures records.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(fields=["board", "name"], name="agency_name_unique_per_board")
        ]

    def __str__(self) -> str:
        return self.name


def context_names() -> list[str]:
    """Every board's name and short name and every agency's name: a password may not be
    made of them (accounts.validators, SECURITY.md AU-3)."""
    names = list(Board.objects.values_list("name", flat=True))
    names += list(Board.objects.values_list("short_name", flat=True))
    names += list(Agency.objects.values_list("name", flat=True))
    return names


class Membership(models.Model):
    """A role a person holds on one board (agency roles name their agency)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=[(r.value, r.label) for r in Role])
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    # Another board's record of the person is not this board's to see: its pages name them
    # as its own manager did when giving the role (the name of an existing account is not
    # shown to a board that only typed their email address).
    name = models.CharField(
        max_length=200, blank=True, help_text="The name this board knows the person by."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "board", "role", "agency"], name="membership_unique"
            )
        ]

    def __str__(self) -> str:
        suffix = f" ({self.agency})" if self.agency_id else ""
        return f"{self.person} — {Role(self.role).label}{suffix}, {self.board.short_name}"

    @property
    def shown_name(self) -> str:
        """How this board's pages name the person: as the board gave it, else their address."""
        return self.name or self.person.email

    def clean(self) -> None:
        if Role(self.role).is_agency_role and not self.agency_id:
            raise ValidationError({"agency": "Choose the agency this role is held for."})
        if self.agency_id and self.agency.board_id != self.board_id:
            raise ValidationError({"agency": "The agency must belong to the same board."})


class ImrAuthorOnPanel(models.TextChoices):
    WARN = "warn", "Warn (the author stays off the panel where possible)"
    REFUSE = "refuse", "Refuse (the author withdraws from the panel)"


class TermsChange(models.TextChoices):
    EXCEPTIONAL = "exceptional", "Changed only with an exceptional reason"
    REVISIT = "revisit", "May be revisited as the review progresses"


class FamilyLetterDue(models.TextChoices):
    WITH_NOTIFICATIONS = "with-notifications", "With the other notifications after the decision"
    # 003 §2.5: "a plan is agreed at the initial meeting of the Serious Case Review Panel".
    PANEL_FIRST_MEETING = "panel-first-meeting", "At the panel's first meeting"


class LettersSignedBy(models.TextChoices):
    CHAIR = "chair", "The board chair"
    BUSINESS_MANAGER = "business-manager", "The business manager"


class AgencyAnswerRule(models.TextChoices):
    NEXT_MEETING = "next-meeting", "In time for the next sub group meeting"
    SPAN = "span", "Within a fixed time of the request"


def validate_span(value: str) -> None:
    try:
        parse_span(value)
    except ValueError as exc:
        raise ValidationError(str(exc), code="span") from exc


def default_quorum_roles() -> list[str]:
    return [Role.SUBGROUP_MEMBER.value]


SPAN_HELP = "For example '1 month', '28 days', '2 working days' or '24 hours'."


class ProcedureProfile(models.Model):
    """The settings in which boards' procedures differ (DOMAIN.md section 3)."""

    board = models.OneToOneField(Board, on_delete=models.CASCADE, related_name="profile")
    preset = models.CharField(max_length=40, help_text="The preset it started from.")
    # The words are referrals' (boards.vocabulary): the callable is read when used.
    criteria_test = models.CharField(max_length=10, choices=vocabulary.criteria_tests)
    nation = models.CharField(
        max_length=20,
        choices=[
            (Nation.ENGLAND_AND_WALES.value, "England and Wales"),
            (Nation.SCOTLAND.value, "Scotland"),
            (Nation.NORTHERN_IRELAND.value, "Northern Ireland"),
        ],
        default=Nation.ENGLAND_AND_WALES.value,
    )
    referral_received_by = models.CharField(max_length=100)
    screening_body = models.CharField(max_length=100, help_text="e.g. SCR sub group")
    meeting_cadence = models.CharField(max_length=100, help_text="In words, e.g. fortnightly.")
    meeting_cadence_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Days between sub group meetings, if regular."
    )
    first_meeting_on = models.DateField(
        null=True, blank=True, help_text="A date the regular meetings fall on."
    )
    quorum = models.PositiveIntegerField(default=4)
    quorum_roles = models.JSONField(
        default=default_quorum_roles,
        help_text="The board roles whose holders count towards the quorum and may be named as "
        "taking part in a recommendation.",
    )
    recommendation_within = models.CharField(
        max_length=40, blank=True, validators=[validate_span], help_text=SPAN_HELP
    )
    decision_within = models.CharField(
        max_length=40, validators=[validate_span], help_text=SPAN_HELP
    )
    chair_consults_within = models.CharField(
        max_length=40, blank=True, validators=[validate_span], help_text=SPAN_HELP
    )
    agency_answer_rule = models.CharField(
        max_length=20, choices=AgencyAnswerRule.choices, default=AgencyAnswerRule.SPAN
    )
    agency_answer_within = models.CharField(
        max_length=40, default="5 working days", validators=[validate_span], help_text=SPAN_HELP
    )
    meeting_notice_hours = models.PositiveIntegerField(default=48)
    reminder_working_days = models.PositiveIntegerField(
        default=2, help_text="Remind agencies this many working days before their answer is due."
    )
    notify_chief_officers_within = models.CharField(
        max_length=40, validators=[validate_span], help_text=SPAN_HELP
    )
    complete_review_within = models.CharField(
        max_length=40, validators=[validate_span], help_text=SPAN_HELP
    )
    complete_review_counts_from = models.CharField(max_length=100)
    # Both count from the agency's commissioning (the review opening), not one from the
    # other: 004 §6 sets the report "within the timescale set at the scoping meeting (between
    # 4 and 6 weeks)" of the work starting, and an extended chronology does not move the
    # report silently. Chronology first: the report's span is the longer (see clean).
    chronology_within = models.CharField(
        "An agency's chronology is due within",
        max_length=40,
        default="4 weeks",
        validators=[validate_span],
        help_text="Counted from the agency's commissioning. " + SPAN_HELP,
    )
    agency_report_within = models.CharField(
        "An agency's report is due within",
        max_length=40,
        default="6 weeks",
        validators=[validate_span],
        help_text="Counted from the agency's commissioning, not from its chronology. " + SPAN_HELP,
    )
    panel_minimum = models.PositiveIntegerField(default=6)
    panel_required_members = models.JSONField(default=list, blank=True)
    imr_author_on_panel = models.CharField(max_length=10, choices=ImrAuthorOnPanel.choices)
    terms_change = models.CharField(max_length=12, choices=TermsChange.choices)
    minutes_draft_within = models.CharField(
        max_length=40, default="7 working days", validators=[validate_span]
    )
    minutes_approval_within = models.CharField(
        max_length=40, default="5 working days", validators=[validate_span]
    )
    monitored = models.CharField(max_length=200)
    follow_up = models.CharField(max_length=200)
    agency_report_term = models.CharField(max_length=40, default="IMR")
    decision_options = models.JSONField(default=list)
    # Which notifications go depends on the decision (referrals/notification_plan.py).
    notifications = models.JSONField(
        "Who is notified of a decision to hold a serious case review", default=list
    )
    notifications_other_review = models.JSONField(
        "Who is notified of a decision to hold another kind of review", default=list, blank=True
    )
    notifications_no_review = models.JSONField(
        "Who is notified of a decision of no further action", default=list, blank=True
    )
    family_letter = models.CharField(
        max_length=20,
        choices=[("always", "Always invite the family"), ("panel-decides", "The panel decides")],
        default="always",
    )
    family_letter_due = models.CharField(
        "When the letter inviting the family is due",
        max_length=20,
        choices=FamilyLetterDue.choices,
        default=FamilyLetterDue.WITH_NOTIFICATIONS,
    )
    inspectorate_via = models.CharField(
        "Letters to the inspectorate go via",
        max_length=100,
        blank=True,
        help_text="Who passes on letters to Ofsted or the inspectorate, for example 'the "
        "Head of Safeguarding'. Leave blank where the board writes to them directly.",
    )
    letters_signed_by = models.CharField(
        "Who signs the letters after a decision",
        max_length=20,
        choices=LettersSignedBy.choices,
        default=LettersSignedBy.BUSINESS_MANAGER,
        help_text="Named on each letter as the board names them on its people page.",
    )
    extension_two_step = models.BooleanField(
        default=True,
        help_text="Extensions approved by the board chair, then agreed with the inspectorate.",
    )
    due_soon_working_days = models.PositiveIntegerField(default=5)
    review_paths = models.JSONField(
        default=dict,
        blank=True,
        help_text="The stages each kind of review walks, where this board's differ from the "
        "defaults (reviews.lifecycle.DEFAULT_PATHS).",
    )
    publication_gates = models.JSONField(
        default=list,
        blank=True,
        help_text="What must be recorded before the executive summary is published (DOMAIN.md 7).",
    )
    read_only_see_case_content = models.BooleanField(
        "Board members and observers see case content",
        default=False,
        help_text="The child's name and what happened, beside each case's decisions and "
        "deadlines; otherwise they see its reference only.",
    )

    def __str__(self) -> str:
        return f"Procedure profile of {self.board}"

    def clean(self) -> None:
        from datetime import date, datetime

        from casereview.core.timescales import due

        def day(value):
            return value.date() if isinstance(value, datetime) else value

        try:
            # Compared from one fixed start: a span of months and one of weeks have no order
            # of their own.
            start, nation = date(2030, 1, 7), Nation(self.nation)
            chronology = day(due(start, parse_span(self.chronology_within), nation))
            report = day(due(start, parse_span(self.agency_report_within), nation))
        except ValueError:
            return  # the field's own validator says what is wrong
        if report < chronology:
            raise ValidationError(
                {"agency_report_within": "The report is due after the chronology: give it longer."}
            )


class LetterKind(models.TextChoices):
    """One letter for each kind of recipient, each a template the board may replace."""

    AGENCY_REQUEST = "agency-request", "Request to agencies: is the child known?"
    # To the agencies' chief officers: secure the records, appoint an author (003 §2.1).
    DECISION_NOTICE = "decision-notice", "To chief officers: the chair's decision"
    SAFEGUARDING_ACTION = (
        "safeguarding-action",
        "To children's social care: safeguard other children",
    )
    INFORMATION_NOTICE = (
        "information-notice",
        "For information: board members, directors, communications and legal",
    )
    INSPECTORATE_NOTICE = (
        "inspectorate-notice",
        "To the inspectorate and government: Ofsted, the DfE, the national panel",
    )
    CORONER_CPS_NOTICE = "coroner-cps-notice", "To the Coroner and the Crown Prosecution Service"
    REFERRER_OUTCOME = "referrer-outcome", "Letter to the referrer"
    FAMILY_INVITATION = "family-invitation", "Invitation to the family to contribute"


def letter_template_path(instance: LetterTemplate, filename: str) -> str:
    import uuid

    return f"letter-templates/{instance.board_id}/{uuid.uuid4().hex}.docx"


class LetterTemplateStatus(models.TextChoices):
    IN_USE = "in-use", "In use"
    # It failed the checks of core.templating (SECURITY.md TP-1): letters use the default.
    WITHDRAWN = "withdrawn", "Withdrawn"


class LetterTemplate(models.Model):
    """A board's own Word template for a letter; filled from the case with docxtpl tags.

    Only one ``IN_USE`` is used; a withdrawn one stays, with the reasons, until replaced.
    """

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="letter_templates")
    kind = models.CharField(max_length=30, choices=LetterKind.choices)
    file = models.FileField(upload_to=letter_template_path)
    status = models.CharField(
        max_length=12, choices=LetterTemplateStatus.choices, default=LetterTemplateStatus.IN_USE
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reasons = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["board", "kind"], name="one_template_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.board.short_name})"


def people_of(board):
    """People with an active role on the board, each named as this board named them.

    ``name_on_board`` is the name its manager gave; a person of several boards is never
    named here by another board's record (their account's own name).
    """
    from casereview.accounts.models import Person

    return (
        Person.objects.filter(memberships__board=board, memberships__is_active=True, is_active=True)
        .distinct()
        .annotate(name_on_board=name_on(board, "pk"))
        .order_by("name_on_board", "email")
    )


def name_on(board, person: str = "person_id") -> Subquery:
    """The name a board gave a person, for ``annotate(name_on_board=...)`` on rows naming them."""
    return Subquery(
        Membership.objects.filter(board=board, person=OuterRef(person))
        .exclude(name="")
        .order_by("-is_active", "pk")
        .values("name")[:1]
    )


def shown_name(board, person) -> str:
    """How a board's pages name one person: as the board named them, else their address."""
    given = getattr(person, "name_on_board", None)
    if given is None:
        given = (
            Membership.objects.filter(board=board, person=person)
            .exclude(name="")
            .order_by("-is_active", "pk")
            .values_list("name", flat=True)
            .first()
        )
    return given or person.email


def quorum_people(board):
    """Who counts towards the board's quorum: the holders of the roles its profile names.

    The recommendation form offers exactly these people and the service counts only them."""
    return people_of(board).filter(
        memberships__board=board,
        memberships__is_active=True,
        memberships__role__in=board.profile.quorum_roles,
    )
