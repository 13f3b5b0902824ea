from __future__ import annotations

from django import forms

from casereview.accounts.models import Person
from casereview.boards.forms import BoardPersonField
from casereview.boards.models import people_of
from casereview.core.forms import GovukDateField
from casereview.core.roles import Role

from .models import ReviewRole, rests_on


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
        # role (SECURITY.md AZ-4); a role ended on the board is not offered.
        self.fields["person"].queryset = people_of(board)
        self.fields["agency"].queryset = board.agencies.filter(is_active=True)
        self.fields["agency"].conditional = True

    def clean(self):
        data = super().clean()
        role, person, agency = data.get("role"), data.get("person"), data.get("agency")
        if role == ReviewRole.AGENCY_AUTHOR and not agency:
            self.add_error("agency", "Choose the agency the author writes for.")
        elif role and person:
            grants = [
                (Role(m.role), m.agency_id)
                for m in person.memberships.filter(board=self.board, is_active=True)
            ]
            if not rests_on(role, agency.pk if agency else None, grants):
                self.add_error(
                    "person",
                    f"{self.fields['person'].label_from_instance(person)} holds no role in "
                    f"{agency}: give them the agency's report "
                    "author role on the board's people page first.",
                )
        return data


class CommissionDatesForm(forms.Form):
    chronology_due_on = GovukDateField(label="Chronology due")
    report_due_on = GovukDateField(label="Report due")

    def clean(self):
        data = super().clean()
        chron, report = data.get("chronology_due_on"), data.get("report_due_on")
        if chron and report and report < chron:
            self.add_error("report_due_on", "The report is due after the chronology.")
        return data
