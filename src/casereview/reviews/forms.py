from __future__ import annotations

from django import forms

from casereview.accounts.models import Person
from casereview.boards.forms import BoardPersonField
from casereview.boards.models import people_of
from casereview.core.forms import GovukDateField

from .models import ReviewRole


class MemberForm(forms.Form):
    person = BoardPersonField(label="Person", queryset=Person.objects.none())
    role = forms.ChoiceField(
        label="Role on this review", choices=ReviewRole.choices, widget=forms.RadioSelect
    )
    agency = forms.ModelChoiceField(
        label="Agency (for an agency report author)", queryset=None, required=False
    )

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.board = board
        # Only people a review role could rest on: an active account with an active board
        # role (SECURITY.md AZ-4); a role ended on the board is not offered. Whether this
        # person may take this role is the service's rule (services._member_refusals).
        self.fields["person"].queryset = people_of(board)
        self.fields["agency"].queryset = board.agencies.filter(is_active=True)
        self.fields["agency"].conditional = True


class CommissionDatesForm(forms.Form):
    chronology_due_on = GovukDateField(label="Chronology due")
    report_due_on = GovukDateField(label="Report due")

    def clean(self):
        data = super().clean()
        chron, report = data.get("chronology_due_on"), data.get("report_due_on")
        if chron and report and report < chron:
            self.add_error("report_due_on", "The report is due after the chronology.")
        return data


class MilestoneForm(forms.Form):
    """Record one checklist item: when it happened (where the item asks) and a note."""

    happened_on = GovukDateField(label="Date it happened", required=False)
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example the meeting it was agreed at, or where the evidence is kept.",
    )
    confirmed = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, dated: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if dated:
            self.fields["happened_on"].required = True
            self.fields["happened_on"].error_messages["required"] = "Enter the date it happened."
        else:
            del self.fields["happened_on"]


class ConversionForm(forms.Form):
    reasons = forms.CharField(
        label="Why it becomes a serious case review",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="004 §12.1: significant new learning, or a high public interest.",
        error_messages={"required": "Enter why it becomes a serious case review."},
    )
    confirmed = forms.CharField(required=False, widget=forms.HiddenInput)
