"""Filters for the chronology pages: how a problem's severity is shown (no queries here)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def severity_tag(severity: str) -> str:
    return {"error": "govuk-tag--red", "warning": "govuk-tag--yellow"}.get(
        severity, "govuk-tag--grey"
    )


@register.filter
def severity_word(severity: str) -> str:
    return {"error": "Error", "warning": "Check"}.get(severity, "Note")
