from __future__ import annotations

from django import forms

from casereview.core.roles import CASE_STAFF_ROLES, Role
from casereview.core.uploads import UploadField

from . import vocabulary
from .models import AgencyKind, LetterKind, ProcedureProfile, people_of


class BoardPersonField(forms.ModelChoiceField):
    """A person of the board, named as the board knows them (see ``people_of``)."""

    def label_from_instance(self, obj) -> str:
        return getattr(obj, "name_on_board", None) or obj.email


class ProfileForm(forms.ModelForm):
    decision_options = forms.MultipleChoiceField(
        label="Decisions the chair can make",
        choices=lambda: vocabulary.choices("decision_options"),
        widget=forms.CheckboxSelectMultiple,
    )
    notifications = forms.MultipleChoiceField(
        label="Who is notified of a decision to hold a serious case review",
        choices=lambda: vocabulary.choices("notifications"),
        widget=forms.CheckboxSelectMultiple,
    )
    notifications_other_review = forms.MultipleChoiceField(
        label="Who is notified of a decision to hold another kind of review",
        choices=lambda: vocabulary.choices("notifications"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    notifications_no_review = forms.MultipleChoiceField(
        label="Who is notified of a decision of no further action",
        choices=lambda: vocabulary.choices("notifications"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    publication_gates = forms.MultipleChoiceField(
        label="What must be recorded before the executive summary is published",
        choices=lambda: vocabulary.choices("publication_gates"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    quorum_roles = forms.MultipleChoiceField(
        label="Who counts towards the quorum",
        choices=[(r.value, r.label) for r in Role if r in CASE_STAFF_ROLES],
        widget=forms.CheckboxSelectMultiple,
    )
    panel_required_members = forms.CharField(
        label="Panel members required (one a line)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    class Meta:
        model = ProcedureProfile
        fields = [
            "criteria_test",
            "nation",
            "referral_received_by",
            "screening_body",
            "meeting_cadence",
            "meeting_cadence_days",
            "first_meeting_on",
            "quorum",
            "quorum_roles",
            "recommendation_within",
            "decision_within",
            "chair_consults_within",
            "agency_answer_rule",
            "agency_answer_within",
            "meeting_notice_hours",
            "reminder_working_days",
            "notify_chief_officers_within",
            "complete_review_within",
            "complete_review_counts_from",
            "chronology_within",
            "agency_report_within",
            "panel_minimum",
            "panel_required_members",
            "imr_author_on_panel",
            "terms_change",
            "minutes_draft_within",
            "minutes_approval_within",
            "monitored",
            "follow_up",
            "agency_report_term",
            "decision_options",
            "notifications",
            "notifications_other_review",
            "notifications_no_review",
            "family_letter",
            "family_letter_due",
            "inspectorate_via",
            "letters_signed_by",
            "extension_two_step",
            "due_soon_working_days",
            "publication_gates",
            "read_only_see_case_content",
        ]
        widgets = {
            "criteria_test": forms.RadioSelect,
            "nation": forms.RadioSelect,
            "imr_author_on_panel": forms.RadioSelect,
            "terms_change": forms.RadioSelect,
            "agency_answer_rule": forms.RadioSelect,
            "family_letter": forms.RadioSelect,
            "family_letter_due": forms.RadioSelect,
            "letters_signed_by": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["panel_required_members"] = "\n".join(self.instance.panel_required_members)
        from casereview.core.forms import GovukDateField

        self.fields["first_meeting_on"] = GovukDateField(
            label="A date the regular meetings fall on", required=False
        )
        from .profile_page import LABELS

        for name, field in self.fields.items():
            field.label = LABELS.get(name, field.label)
            if isinstance(field, forms.ChoiceField):  # a setting always has a value
                field.choices = [(k, v) for k, v in field.choices if k != ""]

    def clean_panel_required_members(self) -> list[str]:
        text = self.cleaned_data["panel_required_members"]
        return [line.strip() for line in text.splitlines() if line.strip()]

    def clean(self):
        data = super().clean()
        if data.get("agency_answer_rule") == "next-meeting" and not (
            data.get("meeting_cadence_days") and data.get("first_meeting_on")
        ):
            self.add_error(
                "agency_answer_rule",
                "Answers due by the next meeting need the days between meetings and a meeting date.",  # noqa: E501
            )
        return data


class LetterTemplateForm(forms.Form):
    """A board's own Word template for one letter, checked before it is stored (TP-1)."""

    kind = forms.ChoiceField(
        label="Which letter",
        choices=LetterKind.choices,
        error_messages={
            "required": "Choose which letter the template is for.",
            "invalid_choice": "Choose which letter the template is for.",
        },
    )
    file = UploadField(kind="letter-template", label="Word template (.docx)")

    def clean_file(self) -> bytes:

        return self.cleaned_data["file"].content  # passed the upload gate

    def clean(self):
        from casereview.core import templating

        data = super().clean()
        if data.get("kind") and data.get("file") is not None:
            try:
                templating.check(data["kind"], data["file"])
            except templating.TemplateRefused as exc:
                self.add_error("file", exc.messages)
        return data


class MemberForm(forms.Form):
    """Give someone a role on the board; a new address gets an account and a set-up email."""

    email = forms.EmailField(label="Email address")
    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        help_text="The name this board will know them by.",
        error_messages={"required": "Enter the person's full name."},
    )
    role = forms.ChoiceField(label="Role", widget=forms.RadioSelect)
    agency = forms.ModelChoiceField(
        label="Agency (for agency roles)", queryset=None, required=False
    )

    def __init__(self, *args, board, **kwargs):
        from casereview.core.roles import Role

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in Role]
        self.fields["agency"].queryset = board.agencies.filter(is_active=True)
        self.fields["agency"].conditional = True

    def clean(self):
        from casereview.core.roles import Role

        data = super().clean()
        role = data.get("role")
        if role and Role(role).is_agency_role and not data.get("agency"):
            self.add_error("agency", "Choose the agency this role is held for.")
        return data


class AgencyForm(forms.Form):
    name = forms.CharField(label="Agency name", max_length=200)
    kind = forms.ChoiceField(label="Kind of agency", choices=AgencyKind.choices)
    named_officer = BoardPersonField(
        label="Named officer (designated senior manager)", queryset=None, required=False
    )

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.board = board
        self.fields["named_officer"].queryset = people_of(board)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if self.board.agencies.filter(name__iexact=name).exists():
            raise forms.ValidationError("This board already has an agency with this name.")
        return name


class AgencyChangeForm(forms.Form):
    named_officer = BoardPersonField(
        label="Named officer (designated senior manager)", queryset=None, required=False
    )
    kind = forms.ChoiceField(label="Kind of agency", choices=AgencyKind.choices)
    is_active = forms.BooleanField(
        label="A member agency (untick when it leaves the board)", required=False
    )

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["named_officer"].queryset = people_of(board)
