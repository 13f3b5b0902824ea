"""Small template helpers for GOV.UK markup."""

from __future__ import annotations

from django import template

from casereview.core import timescales

register = template.Library()


@register.filter
def add_class(field, css: str):
    existing = field.field.widget.attrs.get("class", "")
    error = ""
    if field.errors:
        error = {
            "govuk-input": " govuk-input--error",
            "govuk-textarea": " govuk-textarea--error",
            "govuk-select": " govuk-select--error",
            "govuk-file-upload": " govuk-file-upload--error",
        }.get(css, "")
    return field.as_widget(attrs={"class": f"{css} {existing}{error}".strip()})


@register.filter
def described_by(widget_html, field):
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    if not ids:
        return widget_html
    from django.utils.safestring import mark_safe

    # The widget HTML is Django's own escaped output; we only add one attribute to it.
    return mark_safe(  # noqa: S308
        str(widget_html).replace(" name=", f' aria-describedby="{" ".join(ids)}" name=', 1)
    )


STATE_TAGS = {
    timescales.DeadlineState.DUE: "govuk-tag--blue",
    timescales.DeadlineState.DUE_SOON: "govuk-tag--orange",
    timescales.DeadlineState.OVERDUE: "govuk-tag--red",
    timescales.DeadlineState.MET: "govuk-tag--green",
    timescales.DeadlineState.NOT_NEEDED: "govuk-tag--grey",
}


@register.inclusion_tag("govuk/deadline_tag.html")
def deadline_tag(state):
    state = timescales.DeadlineState(state)
    return {"state": state, "css": STATE_TAGS[state]}


@register.simple_tag
def due_text(value) -> str:
    """A due date or time as people write it: 3 March 2025, or 3 March 2025 at 14:30."""
    from casereview.core.formats import long_date

    return "" if value is None else long_date(value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def humanise(code: str) -> str:
    return str(code).replace("_", " ").replace("-", " ").capitalize()
