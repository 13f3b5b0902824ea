from __future__ import annotations

from django import forms

from casereview.accounts.models import Person
from casereview.core.forms import GovukDateField

from .models import ReviewRole


class MemberForm(forms.Form):
    person = forms.ModelChoiceField(label="Person", queryset=Person.objects.none())
    role = forms.ChoiceField(
        label="Role on this review", choices=ReviewRole.choices, widget=forms.RadioSelect
    )
    agency = forms.ModelChoiceField(
        label="Agency (for an agency report author)", queryset=None, required=False
    )
    reason = forms.CharField(
        label="Declared conflict of interest (for an exclusion)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(
            memberships__board=board, is_active=True
        ).distinct()
        self.fields["agency"].queryset = board.agencies.filter(is_active=True)
        self.fields["agency"].conditional = True
        self.fields["reason"].conditional = True

    def clean(self):
        data = super().clean()
        if data.get("role") == ReviewRole.AGENCY_AUTHOR and not data.get("agency"):
            self.add_error("agency", "Choose the agency the author writes for.")
        if data.get("role") == ReviewRole.EXCLUDED and not data.get("reason", "").strip():
            self.add_error("reason", "Record the conflict of interest that was declared.")
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
