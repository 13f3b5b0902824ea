"""Forms for the key reference, glossary, genogram and documents (GOV.UK components)."""

from __future__ import annotations

from django import forms
from django.db.models.functions import Lower

from casereview.core.uploads import KINDS, UploadField, decode_text
from casereview.reviews.models import ReviewDocument

from .detectors import parse_date
from .models import Category, KeyEntry, RelationKind, Sex, fold

FILE_ERRORS = {
    "required": "Choose a file to upload.",
    "invalid": "The file could not be read. Choose it again.",
}


class KeyEntryForm(forms.Form):
    category = forms.ChoiceField(
        label="What is this entry", choices=Category.choices, widget=forms.RadioSelect
    )
    name = forms.CharField(label="Full name (or the place's name)", max_length=200)
    label = forms.CharField(
        label="Label",
        max_length=100,
        required=False,
        help_text=(
            "How every document will refer to them, for example Child A, Mother, "
            "Social Worker 1, School 1. Leave empty to be given the next free label."
        ),
    )
    aliases = forms.CharField(
        label="Other names and nicknames",
        required=False,
        help_text="Separate them with semicolons, for example Mimi; Mia T.",
    )
    relationship = forms.CharField(
        label="Relationship to the child",
        max_length=100,
        required=False,
        help_text="For family members and significant people, for example Mother, Sibling.",
    )
    dob = forms.CharField(
        label="Date of birth",
        max_length=20,
        required=False,
        help_text="For example 03/05/2017.",
    )
    # No choice is made for the person (GOV.UK: no radio pre-selected); "Not known" is one.
    sex = forms.ChoiceField(
        label="Sex",
        choices=Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the person's sex, or “Not known”."},
    )
    deceased = forms.BooleanField(label="Deceased", required=False)
    subject = forms.BooleanField(label="The subject child of the review", required=False)
    household = forms.BooleanField(label="Lives in the child's household", required=False)
    agency = forms.CharField(
        label="Agency", max_length=200, required=False, help_text="For professionals."
    )
    role = forms.CharField(
        label="Role or kind of place",
        max_length=100,
        required=False,
        help_text=(
            "For professionals, for example Social worker; for places, the kind of place, "
            "for example School, GP practice."
        ),
    )

    def __init__(self, *args, review, entry: KeyEntry | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review
        self.entry = entry

    def clean_label(self) -> str:
        label = " ".join(self.cleaned_data["label"].split())
        if not label:
            if self.entry is not None:
                raise forms.ValidationError("Enter a label.")
            return label
        taken = (
            self.review.key_entries.annotate(folded=Lower("label"))
            .filter(folded=label.casefold())
            .exclude(pk=getattr(self.entry, "pk", None))
            .first()
        )
        if taken is not None:
            raise forms.ValidationError(
                f"The label {label} is already used for another entry. Choose another label."
            )
        return label

    def clean_dob(self) -> str:
        dob = " ".join(self.cleaned_data["dob"].split())
        if dob and parse_date(dob) is None:
            raise forms.ValidationError(
                "Date of birth must be a real date, for example 03/05/2017."
            )
        return dob

    def clean(self):
        data = super().clean()
        names = [data.get("name") or "", *(data.get("aliases") or "").split(";")]
        wanted = {fold(n) for n in names if n.strip()}
        if wanted:
            for other in self.review.key_entries.exclude(pk=getattr(self.entry, "pk", None)):
                if wanted & {fold(n) for n in (other.name, *other.alias_list)}:
                    raise forms.ValidationError(
                        f"That name is already in the key as {other.label}. "
                        "Change that entry instead, or give another name."
                    )
        return data


class KeyImportForm(forms.Form):
    file = UploadField(
        kind="key-reference",
        label="Key reference CSV",
        error_messages=FILE_ERRORS,
        help_text=(
            "Columns name, label, category, aliases; optionally dob, sex, deceased, subject, "
            "household, agency, role. Entries already kept are never removed. Up to"
            f" {KINDS['key-reference'].max_bytes // (1024 * 1024)} MB."
        ),
    )

    def clean_file(self) -> str:
        return decode_text(self.cleaned_data["file"].content)


class GlossaryEntryForm(forms.Form):
    term = forms.CharField(label="Acronym", max_length=40)
    meaning = forms.CharField(label="What it stands for", max_length=300)


class RelationForm(forms.Form):
    person = forms.ModelChoiceField(label="Person", queryset=KeyEntry.objects.none())
    relation = forms.ChoiceField(label="Relationship", choices=RelationKind.choices)
    other = forms.ModelChoiceField(label="Other person", queryset=KeyEntry.objects.none())

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("person", "other"):
            self.fields[name].queryset = people
            self.fields[name].empty_label = "Choose a person"
            self.fields[name].label_from_instance = lambda e: e.label

    def clean(self):
        data = super().clean()
        if data.get("person") and data.get("person") == data.get("other"):
            self.add_error(
                "other", "Choose someone else: a person cannot be related to themselves."
            )
        return data


class DocumentUploadForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, help_text="For example Police IMR. Do not use names."
    )
    file = UploadField(
        kind="document",
        label="Document",
        help_text=(
            "A Word document (.docx), .txt or .md, up to"
            f" {KINDS['document'].max_bytes // (1024 * 1024)} MB."
        ),
        error_messages=FILE_ERRORS,
    )
    previous = forms.ModelChoiceField(
        label="This is a new version of",
        queryset=ReviewDocument.objects.none(),
        required=False,
        empty_label="None: a new document",
    )

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["previous"].queryset = review.documents.filter(next_version__isnull=True)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            data["content"] = upload.content
        return data


class DismissForm(forms.Form):
    reason = forms.CharField(
        label="Why is this not an identifier?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="For example: the name of a law, a building or a service, not a person.",
    )
