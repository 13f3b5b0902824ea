"""Forms for the referral journey: each field's message says what is wrong and where."""

from __future__ import annotations

from django import forms

from casereview.boards.forms import BoardPersonField
from casereview.boards.models import Agency, people_of
from casereview.core import timescales
from casereview.core.formats import long_date
from casereview.core.forms import GovukDateField, GovukDateTimeField
from casereview.referrals import criteria

from .lifecycle import Outcome
from .models import AgencyAnswer, HarmType, ParallelProcess, ReferrerKind


class ReferralForm(forms.Form):
    received_at = GovukDateTimeField(label="Date the referral was received")
    referrer_kind = forms.ChoiceField(
        label="Who made the referral", choices=ReferrerKind.choices, widget=forms.RadioSelect
    )
    referrer_name = forms.CharField(label="Referrer's name", max_length=200)
    referrer_organisation = forms.CharField(
        label="Referrer's organisation", max_length=200, required=False
    )
    referrer_email = forms.EmailField(label="Referrer's email address", required=False)
    child_name = forms.CharField(label="Child's full name", max_length=200)
    child_date_of_birth = GovukDateField(
        label="Child's date of birth", required=False, help_text="For example, 27 3 2019"
    )
    child_address = forms.CharField(
        label="Child's address", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    child_ethnicity = forms.CharField(label="Ethnicity", max_length=100, required=False)
    child_religion = forms.CharField(label="Religion", max_length=100, required=False)
    child_language = forms.CharField(label="First language", max_length=100, required=False)
    incident_on = GovukDateField(label="Date of the incident")
    harm_type = forms.ChoiceField(
        label="Harm to the child", choices=HarmType.choices, widget=forms.RadioSelect
    )
    incident_summary = forms.CharField(
        label="Summary of the incident",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The facts known so far.",
    )
    agencies_involved = forms.ModelMultipleChoiceField(
        label="Agencies believed to be involved",
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    parallel_processes = forms.MultipleChoiceField(
        label="Parallel processes known",
        choices=ParallelProcess.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    parallel_notes = forms.CharField(
        label="Notes on parallel processes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies_involved"].queryset = board.agencies.filter(is_active=True)

    def clean(self):
        data = super().clean()
        received, incident = data.get("received_at"), data.get("incident_on")
        if received and incident and incident > received.date():
            self.add_error(
                "incident_on",
                "The incident date must be on or before the date the referral was received.",
            )
        dob = data.get("child_date_of_birth")
        if dob and incident and dob > incident:
            self.add_error(
                "child_date_of_birth", "The child's date of birth must be before the incident."
            )
        return data


class AgencyAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label="Is the child or family known to the agency?",
        choices=AgencyAnswer.choices,
        widget=forms.RadioSelect,
    )
    information = forms.CharField(
        label="Information for the sub group",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Where known: a summary of the agency's involvement.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["information"].conditional = True

    def clean(self):
        data = super().clean()
        if data.get("answer") == AgencyAnswer.KNOWN and not data.get("information", "").strip():
            self.add_error(
                "information", "Summarise the agency's involvement with the child or family."
            )
        return data


YES_NO = [("yes", "Yes"), ("no", "No")]


class CriteriaFactsForm(forms.Form):
    abuse_or_neglect = forms.ChoiceField(
        label="Is abuse or neglect of the child known or suspected?",
        choices=[("known", "Known"), ("suspected", "Suspected"), ("none", "Neither")],
        widget=forms.RadioSelect,
    )
    child_died = forms.BooleanField(label="The child has died", required=False)
    death_by_suicide = forms.BooleanField(label="The death was by suicide", required=False)
    abuse_or_neglect_factor_in_death = forms.BooleanField(
        label="Abuse or neglect is known or suspected to be a factor in the death", required=False
    )
    seriously_harmed = forms.BooleanField(
        label="The child has been seriously harmed", required=False
    )
    life_threatening_injury = forms.BooleanField(
        label="Potentially life-threatening injury through abuse or neglect", required=False
    )
    serious_sexual_abuse = forms.BooleanField(label="Serious sexual abuse", required=False)
    particularly_serious_sexual_abuse = forms.BooleanField(
        label="Particularly serious sexual abuse", required=False
    )
    permanent_impairment = forms.BooleanField(
        label="Serious and permanent impairment of health or development through abuse or neglect",
        required=False,
    )
    interagency_concern = forms.BooleanField(
        label="There is concern about how agencies worked together", required=False
    )
    parent_murdered_homicide_review = forms.BooleanField(
        label="A parent has been murdered and a homicide review is being initiated", required=False
    )
    parent_killed_domestic_violence = forms.BooleanField(
        label="A parent has been killed in a domestic violence situation", required=False
    )
    indicators = forms.MultipleChoiceField(
        label="Guiding questions answered yes",
        required=False,
        choices=list(criteria.INDICATORS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    other_children_note = forms.CharField(
        label="Are other children (siblings, others in the setting) at risk, and are they safeguarded?",  # noqa: E501
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, test: criteria.CriteriaTest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other_children_note"].conditional = True
        self.fields[
            "other_children_note"
        ].help_text = "Needed when the child has died and abuse or neglect is known or suspected."
        # Only the facts the board's test reads: the others would change nothing.
        for name in [n for n in self.fields if n != "other_children_note"]:
            if name not in criteria.asked(test):
                del self.fields[name]

    GROUPS = [
        ("Death", ["child_died", "death_by_suicide", "abuse_or_neglect_factor_in_death"]),
        (
            "Harm",
            [
                "seriously_harmed",
                "life_threatening_injury",
                "serious_sexual_abuse",
                "particularly_serious_sexual_abuse",
                "permanent_impairment",
            ],
        ),
        (
            "Working together and other circumstances",
            [
                "interagency_concern",
                "parent_murdered_homicide_review",
                "parent_killed_domestic_violence",
            ],
        ),
    ]

    def groups(self):
        """The yes/no facts under their questions, for one fieldset each, and any errors."""
        groups = []
        for legend, names in self.GROUPS:
            fields = [self[name] for name in names if name in self.fields]
            groups.append((legend, fields, any(field.errors for field in fields)))
        return groups

    def facts(self) -> dict:
        """The cleaned answers as the criteria module's facts (everything but the note)."""
        facts = {k: v for k, v in self.cleaned_data.items() if k != "other_children_note"}
        if "indicators" in facts:
            facts["indicators"] = list(facts["indicators"])
        return facts

    def clean(self):
        data = super().clean()
        try:
            parsed = criteria.Facts.from_dict(self.facts())
        except criteria.FactsError as exc:
            raise forms.ValidationError(str(exc)) from exc
        for contradiction in criteria.contradictions(parsed):
            self.add_error(contradiction.field, contradiction.message)
        if (
            criteria.other_children_prompt(parsed)
            and not data.get("other_children_note", "").strip()
        ):
            self.add_error(
                "other_children_note",
                "The child died and abuse or neglect is suspected: say whether other children "
                "are at risk and safeguarded.",
            )
        return data


class RecommendationForm(forms.Form):
    outcome = forms.ChoiceField(
        label="The sub group recommends",
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the sub group recommends."},
    )
    reasons = forms.CharField(
        label="Reasons for the recommendation", widget=forms.Textarea(attrs={"rows": 5})
    )
    consulted_by = forms.ChoiceField(
        label="How the sub group took part",
        choices=[("meeting", "Meeting"), ("call", "Telephone call"), ("email", "Email exchange")],
        widget=forms.RadioSelect,
    )
    participants = forms.ModelMultipleChoiceField(
        label="Sub group members who took part",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    methodology = forms.CharField(
        label="Methodology",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when a review is recommended.",
    )
    imr_agencies = forms.ModelMultipleChoiceField(
        label="Agencies to be asked for reports",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    panel_agencies = forms.ModelMultipleChoiceField(
        label="Agencies to sit on the panel",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    specialist_advice = forms.CharField(
        label="Specialist advice needed", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    draft_terms_of_reference = forms.CharField(
        label="Draft terms of reference", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    extended_timescales = forms.CharField(
        label="Should extended timescales be negotiated? Why?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, board, members, term: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["methodology"].conditional = True
        self.fields["outcome"].choices = [
            (o, Outcome(o).label) for o in board.profile.decision_options
        ]
        self.fields["participants"].queryset = members
        self.fields[
            "participants"
        ].help_text = f"Those who count towards the quorum of {board.profile.quorum}."
        if list(board.profile.quorum_roles) != ["subgroup-member"]:
            self.fields[
                "participants"
            ].label = f"{board.profile.screening_body} members who took part"
        agencies = board.agencies.filter(is_active=True)
        self.fields["imr_agencies"].queryset = agencies
        self.fields["imr_agencies"].label = f"Agencies to be asked for an {term}"
        self.fields["panel_agencies"].queryset = agencies


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Your decision", widget=forms.RadioSelect)
    reasons = forms.CharField(
        label="Reasons",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Required where you disagree with the sub group or the decision departs "
        "from the criteria, and when asking the sub group to reconvene.",
    )

    REFER_BACK = "refer-back"

    def __init__(self, *args, board, counts_from_meeting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [
            (o, Outcome(o).label) for o in board.profile.decision_options
        ] + [(self.REFER_BACK, "Ask the sub group to reconvene with me")]
        self.fields[
            "reasons"
        ].help_text += (
            " Where you agree with the sub group and write none, its reasons stand as yours."
        )
        if counts_from_meeting:
            # The review's clock counts from the meeting that decided (004 §5.4).
            self.fields["panel_met_on"] = GovukDateField(
                label="Date of the panel meeting that decided",
                required=False,
                help_text="The review's completion date counts from this meeting. "
                "For example, 27 3 2026",
            )
            self.fields["panel_met_on"].conditional = True

    def clean(self):
        data = super().clean()
        choice = data.get("decision")
        opens = choice and choice != self.REFER_BACK and Outcome(choice).opens_review
        asks = "panel_met_on" in self.fields and "panel_met_on" not in self.errors
        if asks and opens and not data.get("panel_met_on"):
            self.add_error(
                "panel_met_on",
                "Enter the date of the panel meeting that decided: the review's "
                "completion date counts from it.",
            )
        return data


class ExtensionForm(forms.Form):
    new_due = GovukDateField(label="New due date")
    reasons = forms.CharField(
        label="Reasons for the extension", widget=forms.Textarea(attrs={"rows": 3})
    )
    non_working_day = forms.BooleanField(
        label="Request this date anyway", required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, nation: timescales.Nation, **kwargs):
        super().__init__(*args, **kwargs)
        self.nation = nation

    def clean(self):
        """Warn before asking for a day nobody works (a weekend, Christmas Day)."""
        data = super().clean()
        new_due = data.get("new_due")
        what = timescales.non_working_day(new_due, self.nation) if new_due else None
        if what and not data.get("non_working_day"):
            # Asked once: the field turns into a checkbox to confirm it on the next post.
            field = self.fields["non_working_day"]
            field.widget = forms.CheckboxInput()
            field.widget.is_required = False
            self.add_error(
                "new_due",
                f"{long_date(new_due)} is {what}, not a working day. Choose a working day, "
                "or tick 'Request this date anyway'.",
            )
        return data


class ChairConsultationForm(forms.Form):
    """The chair's consultation of panel members (004 §5.3), recorded on its own."""

    consulted = forms.CharField(
        label="Who the chair consulted",
        help_text="The panel members, by name and agency.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter who the chair consulted."},
    )
    how = forms.ChoiceField(
        label="How the chair consulted them",
        choices=[("meeting", "Meeting"), ("call", "Telephone call"), ("email", "Email exchange")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the chair consulted them."},
    )
    consulted_at = GovukDateTimeField(label="When the chair consulted them")
    note = forms.CharField(
        label="What was agreed", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ExclusionForm(forms.Form):
    """Declare a conflict of interest: the person then sees nothing of the case."""

    person = BoardPersonField(label="Who declared a conflict of interest", queryset=None)
    reasons = forms.CharField(
        label="The conflict of interest declared",
        help_text="Only the board chair and process staff read this.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        excluded = referral.exclusions.in_force().values("person_id")
        self.fields["person"].queryset = people_of(referral.board).exclude(pk__in=excluded)


class NotificationsSentForm(forms.Form):
    """Choose the letters of a decision that have gone, to record them as sent at once."""

    notifications = forms.ModelMultipleChoiceField(
        label="Which letters have you sent?",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={
            "required": "Select the letters you have sent",
            "invalid_choice": "Select only letters that have not been recorded as sent",
            "invalid_pk_value": "Select only letters that have not been recorded as sent",
        },
    )

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["notifications"]
        field.queryset = referral.notifications.filter(sent_at__isnull=True)
        field.label_from_instance = _notification_label

    def as_hidden_fields(self):
        return self["notifications"].as_hidden()


def _notification_label(notification) -> str:
    kind = notification.get_kind_display()
    return kind if notification.recipient == kind else f"{kind}: {notification.recipient}"
