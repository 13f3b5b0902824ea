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
