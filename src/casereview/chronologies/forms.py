"""Forms for chronologies: an upload, a row typed in, sending, the panel's marks and filters."""

from __future__ import annotations

from django import forms

from casereview.core.uploads import KINDS, UploadField

from .access import EXPORT_FORMATS
from .checks import CODES
from .models import MarkKind
from .proforma import HEADINGS

PROBLEM_LABELS = {
    "date-missing": "Date missing",
    "ditto": "Ditto mark",
    "date-partial": "Date not complete",
    "date-range": "Date is a period",
    "date-has-time": "Time in the date",
    "date-invalid": "Date cannot be read",
    "merged-cell": "Merged cell",
    "too-brief": "Too brief",
    "date-two-digit-year": "Two-digit year",
    "date-future": "Date after today",
    "outside-period": "Outside the period",
    "duplicate": "Duplicate",
    "date-estimated": "Date estimated",
}


class UploadForm(forms.Form):
    file = UploadField(
        kind="chronology",
        label="Chronology file",
        help_text=(
            "A .csv, .xlsx or .docx copy of the pro forma, with the columns "
            + "; ".join(HEADINGS.values())
            + f". Up to {KINDS['chronology'].max_bytes // (1024 * 1024)} MB."
        ),
        error_messages={"required": "Choose the chronology file to upload."},
    )


def _text(label: str, rows: int = 2, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


class RowForm(forms.Form):
    date_text = forms.CharField(
        label="DATE",
        required=False,
        max_length=200,
        help_text=(
            "The day the agency knew or acted, as day, month and year, for example 12/03/2024."
            ' If the exact date is not known, give your best estimate and write "exact date not'
            ' known" in the text.'
        ),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    child = _text("CONTACT WITH CHILD")
    family = _text("CONTACT WITH PARENTS/CARERS and other family members")
    communication = _text("INTER/INTRA-AGENCY COMMUNICATION")
    source = forms.CharField(label="SOURCE OF RECORD", required=False)
    staff = forms.CharField(
        label="STAFF INVOLVED",
        required=False,
        help_text="Initials only; give each person's ID in the agency's staff ID list.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    comment = _text("COMMENT")

    def clean(self):
        data = super().clean()
        if not any((data.get(key) or "").strip() for key in self.fields):
            raise forms.ValidationError("Enter the row's date and what happened.")
        return data


class SubmitForm(forms.Form):
    staff_ids = forms.CharField(
        label="Staff ID list",
        required=False,
        help_text=(
            "One line for each person in STAFF INVOLVED: their initials, then their staff ID or"
            " role, for example: AB, HV 1234. Kept with your agency's chronology; the panel sees"
            " initials only."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class MarkForm(forms.Form):
    kind = forms.ChoiceField(
        label="Mark this row as", choices=MarkKind.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Note for the panel",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter a note saying why the row is marked."},
    )


class ApproveForm(forms.Form):
    confirm = forms.BooleanField(
        label="The panel approves the merged chronology as it stands",
        error_messages={"required": "Confirm the panel approves the merged chronology."},
    )
    note = forms.CharField(
        label="Note of the decision",
        required=False,
        help_text="For example, the meeting at which the panel agreed it.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label="Format",
        choices=[
            ("xlsx", "Excel (.xlsx)"),
            ("csv", "CSV (.csv)"),
            ("docx", "Word (.docx)"),
            ("pdf", "PDF (.pdf)"),
        ],
        widget=forms.RadioSelect,
    )

    def clean_format(self):
        value = self.cleaned_data["format"]
        if value not in EXPORT_FORMATS:  # pragma: no cover - the choices already say so
            raise forms.ValidationError("Choose a format.")
        return value


DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]


class FilterForm(forms.Form):
    agency = forms.ChoiceField(label="Agency", required=False)
    date_from = forms.DateField(
        label="From",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="For example, 01/03/2024",
        error_messages={"invalid": "Enter the From date as day/month/year, like 01/03/2024."},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="For example, 31/03/2024",
        error_messages={"invalid": "Enter the To date as day/month/year, like 31/03/2024."},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    problem = forms.ChoiceField(
        label="Problem",
        required=False,
        choices=[
            ("", "Any"),
            ("any-error", "Any error"),
            ("any", "Any problem"),
            *((code, PROBLEM_LABELS.get(code, code)) for code in CODES),
        ],
    )
    flag = forms.ChoiceField(
        label="Flag",
        required=False,
        choices=[
            ("", "Any"),
            ("marked", "Marked by the panel"),
            (MarkKind.KEY_DECISION, "Key decision point"),
            (MarkKind.GOOD_PRACTICE, "Good practice"),
            ("discrepancy", "Possible discrepancy"),
            ("gap", "After a gap"),
        ],
    )

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "All agencies"), *((a, a) for a in agencies)]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The To date must be the same as or after the From date.")
        return data
