"""Forms render as GOV.UK Design System components through one renderer."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"


class GovukDateInput(forms.MultiWidget):
    """The GOV.UK date input: day, month and year in three boxes."""

    template_name = "govuk/date_input.html"

    def __init__(self, attrs=None):
        widgets = [
            forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": "govuk-input govuk-date-input__input govuk-input--width-2",
                }
            ),
            forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": "govuk-input govuk-date-input__input govuk-input--width-2",
                }
            ),
            forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "class": "govuk-input govuk-date-input__input govuk-input--width-4",
                }
            ),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name, value, attrs):
        return _mark_errors(super().get_context(name, value, attrs))

    def id_for_label(self, id_):
        # The error summary links to the day box (GOV.UK date input pattern); Django's
        # MultiWidget gives no id, so the link would point at nothing.
        return f"{id_}_0" if id_ else ""


class GovukDateField(forms.MultiValueField):
    """A date from three boxes, with messages that say which part is wrong."""

    widget = GovukDateInput

    def __init__(self, **kwargs):
        fields = tuple(forms.CharField(required=False) for _ in range(3))
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or not any(data_list):
            if self.required:
                raise forms.ValidationError(f"Enter the {self.label.lower()}.")
            return None
        day, month, year = (str(x or "").strip() for x in data_list)
        missing = [name for name, v in (("day", day), ("month", month), ("year", year)) if not v]
        if missing:
            raise forms.ValidationError(f"{self.label} must include a {' and '.join(missing)}.")
        return real_date(day, month, year, label=self.label)


# ASCII digits only: int() also takes "+1", "1_0", " 1" and other scripts' digits, and a
# day of 99999999999999999999 overflows the C integer inside datetime.date (a 500, not ValueError).
_DAY_OR_MONTH = re.compile(r"[0-9]{1,2}")
_YEAR = re.compile(r"[0-9]{4}")


def real_date(day: str, month: str, year: str, *, label: str) -> dt.date:
    """The date the three boxes give, or the GOV.UK message "<label> must be a real date"."""
    if (
        _DAY_OR_MONTH.fullmatch(day)
        and _DAY_OR_MONTH.fullmatch(month)
        and _YEAR.fullmatch(year)
        and int(year) >= 1
    ):
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            pass
    raise forms.ValidationError(f"{label} must be a real date.")


class GovukDateTimeInput(forms.MultiWidget):
    """The GOV.UK date input followed by a time box (24-hour HH:MM)."""

    template_name = "govuk/datetime_input.html"

    def __init__(self, attrs=None):
        widgets = [
            GovukDateInput(),
            forms.TextInput(
                attrs={"class": "govuk-input govuk-input--width-5", "placeholder": "HH:MM"}
            ),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, dt.datetime):
            return [value.date(), value.strftime("%H:%M")]
        return [None, None]

    def get_context(self, name, value, attrs):
        return _mark_errors(super().get_context(name, value, attrs))


def _mark_errors(context: dict) -> dict:
    # The GOV.UK date input gives the boxes of a wrong date a red border; Django marks a field
    # with errors aria-invalid, which reaches every box of a MultiWidget.
    for sub in context["widget"]["subwidgets"]:
        attrs = sub["attrs"]
        if attrs.get("aria-invalid") == "true" and "govuk-input--error" not in attrs.get(
            "class", ""
        ):
            attrs["class"] = f"{attrs.get('class', '')} govuk-input--error".strip()
    return context


class GovukDateTimeField(forms.MultiValueField):
    """A date and a time (24-hour HH:MM), for when a referral was received."""

    def __init__(self, **kwargs):
        fields = (
            GovukDateField(label=kwargs.get("label", "Date"), required=False),
            forms.CharField(required=False),
        )
        widget = GovukDateTimeInput()
        super().__init__(fields=fields, widget=widget, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or data_list[0] is None:
            raise forms.ValidationError(f"Enter the {self.label.lower()}.")
        day, time_text = data_list
        time_text = (time_text or "").strip() or "09:00"
        match = _TIME.fullmatch(time_text)
        if match is None or int(match[1]) > 23 or int(match[2]) > 59:
            raise forms.ValidationError("Enter the time as hours and minutes, like 14:30.")
        return dt.datetime.combine(day, dt.time(int(match[1]), int(match[2])))


_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})")


def add_refusals(form, refused) -> None:
    """Put each "not allowed now" message beside the field its rule names (else at the top).

    A rule naming a field the form does not have is shown at the top, never lost."""
    for refusal in refused.refusals:
        field = refusal.field if refusal.field in form.fields else None
        form.add_error(field, refusal.message)
