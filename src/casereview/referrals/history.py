"""The case history in a manager's words: what happened, and who caused it.

Each audit event of the case becomes one line; what Casereview did by itself (a letter
prepared, notifications due) names the person whose step caused it, and letters prepared
together are one line that lists them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .lifecycle import MACHINE, Outcome, Stage

# The case's own transitions, said as done (the machine's labels are what a button says).
DONE = {
    "ask_agencies": "Agencies asked whether they know the child",
    "begin_screening": "Sent to the sub group for screening",
    "recommend": "The sub group's recommendation recorded",
    "open_review": "The chair decided",
    "close_no_further_action": "The chair decided",
    "refer_back": "The chair asked the sub group to reconvene",
    "close_after_review": "The case closed after its review",
}

ANSWERS = {
    "known": "known to the agency",
    "not-known": "not known to the agency",
}

WORDS = {
    "REFERRAL_LOGGED": "Referral logged",
    "CRITERIA_FACTS_RECORDED": "Facts for the criteria check recorded",
    "NOTIFICATION_SENT": "Letter recorded as sent",
    "EXTENSION_REQUESTED": "Extension of a deadline requested",
    "EXTENSION_APPROVED": "Extension approved by the chair",
    "EXTENSION_AGREED_BY_INSPECTORATE": "The inspectorate's agreement to an extension recorded",
    "DEADLINE_MISSED": "A deadline was missed",
    "REVIEW_OPENED": "Review opened",
    "REVIEW_CONVERTED": "Review became a serious case review",
    "REVIEW_MEMBER_ADDED": "Someone given a role on the review",
    "REVIEW_MEMBER_REMOVED": "Someone removed from the review",
    "REVIEW_MEMBER_ENDED": "A review role ended with its board role",
    "REVIEW_ITEM_RECORDED": "A review checklist item recorded",
    "CASE_EXCLUSION_DECLARED": "A conflict of interest declared",
    "CASE_EXCLUSION_ENDED": "A conflict of interest ended",
    "COMMISSION_DATES_SET": "An agency's chronology and report dates set",
    "CHRONOLOGY_SUBMITTED": "An agency's chronology submitted",
    "CHRONOLOGY_APPROVED": "The merged chronology approved",
    "DOCUMENT_ANONYMISED": "A document's anonymised copy checked",
}


@dataclass
class Line:
    occurred_at: object
    who: str
    what: str
    reasons: str = ""
    cause: str = ""
    items: list[str] = field(default_factory=list)


def _what(event, titles: dict[str, str]) -> str:
    detail = event.detail or {}
    if event.kind == "STAGE_CHANGED":
        name = detail.get("transition", "")
        said = DONE.get(name) if detail.get("machine", MACHINE.name) == MACHINE.name else None
        if said is None:
            return (
                f"Review stage changed: {_stage(detail.get('from'))} to {_stage(detail.get('to'))}"
            )
        if name in ("recommend", "open_review", "close_no_further_action") and detail.get(
            "outcome"
        ):
            said += f": {_outcome(detail['outcome'])}"
            if "agrees" in detail:
                said += (
                    " (agrees with the sub group)"
                    if detail["agrees"]
                    else (" (does not agree with the sub group)")
                )
        return said
    if event.kind == "AGENCIES_ASKED":
        asked = detail.get("agencies", 0)
        return f"{asked} agenc{'y' if asked == 1 else 'ies'} asked whether they know the child"
    if event.kind == "AGENCY_ANSWERED":
        title = titles.get(_key(event)) or "An agency"
        return f"{title} answered: {ANSWERS.get(detail.get('answer'), detail.get('answer', ''))}"
    if event.kind == "NOTIFICATIONS_CREATED":
        count = detail.get("count", 0)
        return f"{count} notification{'' if count == 1 else 's'} due after the decision"
    if event.kind == "DOCUMENT_STORED":
        title = titles.get(_key(event), "")
        if str(detail.get("kind", "")).startswith("letter:"):
            return "Letter prepared" + (f": {title.removeprefix('Letter: ')}" if title else "")
        return "Document stored" + (f": {title}" if title else "")
    words = WORDS.get(event.kind)
    if words:
        return words
    return event.kind.replace("_", " ").capitalize()


def _key(event) -> str:
    return f"{event.object_type}:{event.object_id}"


def titles_for(referral) -> dict[str, str]:
    """What the history calls the case's documents and agency requests (two queries)."""
    titles = {f"core.Document:{pk}": t for pk, t in referral.documents.values_list("pk", "title")}
    titles |= {
        f"referrals.AgencyRequest:{pk}": name
        for pk, name in referral.agency_requests.values_list("pk", "agency__name")
    }
    return titles


def _stage(value) -> str:
    try:
        return Stage(value).label.lower()
    except ValueError:
        return str(value or "").replace("-", " ")


def _outcome(value) -> str:
    try:
        return Outcome(value).label.lower()
    except ValueError:
        return str(value)


def lines(events, titles: dict[str, str]) -> list[Line]:
    """The history's lines, oldest first; ``titles`` from ``titles_for``."""
    out: list[Line] = []
    cause = ""
    for event in events:
        what = _what(event, titles)
        if event.actor_label:
            cause = f"{event.actor_label}: {what}"
            out.append(Line(event.occurred_at, event.actor_label, what, event.reasons))
            continue
        previous = out[-1] if out else None
        is_letter = what.startswith("Letter prepared")
        if (
            is_letter
            and previous is not None
            and previous.who == "Casereview"
            and previous.cause == cause
            and previous.what.startswith("Letters prepared")
        ):
            previous.items.append(what.removeprefix("Letter prepared: "))
            previous.what = f"Letters prepared ({len(previous.items)})"
            continue
        line = Line(event.occurred_at, "Casereview", what, event.reasons, cause=cause)
        if is_letter:
            line.items = [what.removeprefix("Letter prepared: ")]
            line.what = "Letters prepared (1)"
        out.append(line)
    return out
