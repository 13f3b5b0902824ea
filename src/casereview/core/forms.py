"""Forms render as GOV.UK Design System components through one renderer."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting


def _lower_first(label: str) -> str:
    """A label inside a sentence: "Referrer's name" -> "referrer's name"; "IMR due" stays."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def _defaults(field: forms.Field) -> dict:
    """Django's own messages for a field's class (the ones that name nothing)."""
    messages: dict = {}
    for cls in reversed(type(field).__mro__):
        messages.update(getattr(cls, "default_error_messages", {}))
    return messages


_OPENING = ("the", "a", "an", "who", "whose", "which", "how", "what", "when", "whether", "your")


def _the(phrase: str) -> str:
    """A label as the object of "Enter" or "Select": "the" before a bare noun phrase."""
    first = phrase.split(" ", 1)[0].lower()
    return phrase if first in _OPENING else f"the {phrase}"


def _choosing(field: forms.Field) -> bool:
    return isinstance(field, forms.ChoiceField | forms.ModelChoiceField) or isinstance(
        field.widget, forms.CheckboxInput
    )


def govuk_message(field: BoundField, error: forms.ValidationError) -> str:
    """The GOV.UK message for one error: it names the field and says what to do.

    A message a form wrote itself is kept; only Django's defaults ("This field is
    required.", "Select a valid choice.") are replaced, here, for every form."""
    text = " ".join(error)
    code, django_field = error.code, field.field
    own = django_field.error_messages.get(code) != _defaults(django_field).get(code)
    if code is None or (own and code != "span"):
        return text
    label = str(field.label or field.name).rstrip(":?")
    thing = _the(_lower_first(label))
    if code == "required":
        if str(field.label or "").endswith("?"):
            return f"Select an answer to: {field.label}"
        if thing.endswith(" within"):
            return f"Enter the time {thing}, for example '5 working days' or '1 month'."
        return f"{'Select' if _choosing(django_field) else 'Enter'} {thing}."
    if code in ("invalid_choice", "invalid_list", "invalid_pk_value"):
        return f"Choose {thing} from the options shown."
    if code == "span":
        from casereview.core.timescales import Unit

        *rest, last = [u.value for u in Unit]
        what = f"the time {thing}" if thing.endswith(" within") else thing
        return (
            f"Enter {what} as a whole number of {', '.join(rest)} or {last}, "
            "for example '5 working days', '28 days', '6 weeks', '1 month' or '24 hours'."
        )
    params = error.params or {}
    if code == "invalid" and isinstance(django_field, forms.EmailField):
        return f"Enter {thing} in the correct format, like name@example.com."
    if code == "invalid" and isinstance(django_field, forms.IntegerField):
        return f"{label} must be a whole number."
    if code == "min_value":
        return f"{label} must be {params.get('limit_value')} or more."
    if code == "max_value":
        return f"{label} must be {params.get('limit_value')} or less."
    if code == "max_length":
        return f"{label} must be {params.get('limit_value')} characters or fewer."
    return text


class GovukBoundField(BoundField):
    """A field whose errors are said in GOV.UK words (the summary and the field alike)."""

    @property
    def errors(self):
        errors = super().errors
        return self.form.error_class(
            [govuk_message(self, e) for e in errors.as_data()],
            renderer=self.form.renderer,
        )


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"
    bound_field_class = GovukBoundField


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
