"""What the procedure profile page says of each setting: its name in words, its value as a
person reads it, where the value comes from, and whether Casereview uses it yet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .presets import presets, profile_fields

# Each setting in words, as the profile page and its form name it.
LABELS = {
    "criteria_test": "The test of whether a review must be held",
    "nation": "Whose bank holidays working days skip",
    "referral_received_by": "Who receives a referral",
    "screening_body": "Who screens a referral",
    "meeting_cadence": "How often the screening group meets",
    "meeting_cadence_days": "Days between the screening group's meetings",
    "first_meeting_on": "A date the regular meetings fall on",
    "quorum": "How many must take part for a recommendation to be valid (quorum)",
    "quorum_roles": "Who counts towards the quorum",
    "recommendation_within": "The recommendation is due within",
    "decision_within": "The chair's decision is due within",
    "chair_consults_within": "The chair consults the panel within",
    "agency_answer_rule": "When agencies must say whether they know the child",
    "agency_answer_within": "Agencies answer within",
    "meeting_notice_hours": "Hours of notice of a meeting",
    "reminder_working_days": "Working days before an agency's answer is due that it is reminded",
    "notify_chief_officers_within": "Chief officers are told of the decision within",
    "complete_review_within": "The review is complete within",
    "complete_review_counts_from": "What the review's time counts from",
    "chronology_within": "An agency's chronology is due within",
    "agency_report_within": "An agency's report is due within",
    "panel_minimum": "Fewest people on a review panel",
    "panel_required_members": "Panel members required (one a line)",
    "imr_author_on_panel": "What happens when an agency report's author also sits on the panel",
    "terms_change": "When the terms of reference may change once approved",
    "minutes_draft_within": "Draft minutes are due within",
    "minutes_approval_within": "The chair approves the minutes within",
    "monitored": "What is monitored",
    "follow_up": "Follow-up reports",
    "agency_report_term": "What this board calls an agency's report",
    "decision_options": "Decisions the chair can make",
    "notifications": "Who is notified after a decision",
    "family_letter": "Whether the family is invited to contribute",
    "extension_two_step": "Extensions are approved by the chair, then agreed with the inspectorate",
    "due_soon_working_days": "Working days before a deadline that it shows as due soon",
    "publication_gates": "What must be recorded before the executive summary is published",
    "read_only_see_case_content": "Board members and observers see case content",
}

# Settings kept now that change nothing yet: each issue that makes one work removes it here.
USED_FROM_A_LATER_STAGE = frozenset(
    {
        "imr_author_on_panel",
        "terms_change",
        "minutes_draft_within",
        "minutes_approval_within",
        "monitored",
        "follow_up",
        "panel_minimum",
        "panel_required_members",
    }
)
LATER_STAGE_NOTE = "Used from a later stage"


@dataclass(frozen=True)
class Row:
    name: str
    label: str
    value: str
    source: str
    later: bool


def source_of(profile, name: str) -> str:
    """Where a setting's value comes from: the seed procedure, Casereview, or the board."""
    preset = presets().get(profile.preset)
    if preset is None:
        return "Set by the board"
    if name in profile_fields(profile.preset) and getattr(profile, name) != profile_fields(
        profile.preset
    ).get(name):
        return "Changed by the board"
    if name in preset.get("stated", ()):
        return f"Stated by the procedure ({preset['seed'][:3]})"
    if name == "first_meeting_on":
        return "Set by the board"
    return "Casereview's default"


def rows(profile, form) -> list[Row]:
    return [
        Row(
            name=name,
            label=str(form[name].label),
            value=display(profile, name, form),
            source=source_of(profile, name),
            later=name in USED_FROM_A_LATER_STAGE,
        )
        for name in form.fields
    ]


def display(profile, name: str, form) -> str:
    """A setting's value as a person reads it: labels, not codes; UK dates."""
    value = getattr(profile, name)
    show = getattr(profile, f"get_{name}_display", None)
    if show is not None:
        return show()
    if isinstance(value, dt.date):
        return value.strftime("%-d %B %Y")
    if isinstance(value, list):
        choices = dict(getattr(form.fields[name], "choices", ()) or ())
        return ", ".join(str(choices.get(v, v)) for v in value) or "None"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return "" if value is None else str(value)
