"""The lifecycle table and every guard, with no database."""

import re
from pathlib import Path

import pytest

from casereview.referrals import lifecycle
from casereview.referrals.lifecycle import Facts, Outcome, Stage

ALL = frozenset(Outcome)
DOCS = Path(__file__).resolve().parents[4] / "docs" / "lifecycle.md"


def ok_facts(**changes) -> Facts:
    base = dict(
        agencies_to_ask=3,
        facts_recorded=True,
        outcome=Outcome.SCR,
        allowed_outcomes=ALL,
        reasons="Because.",
        participants=4,
        quorum=4,
        methodology="Systems",
        imr_agencies=2,
        panel_agencies=3,
        recommended=Outcome.SCR,
        review_closed=True,
    )
    base.update(changes)
    return Facts(**base)


def test_the_docs_table_matches_the_transitions():
    rows = [
        [c.strip() for c in line.strip("|").split("|")]
        for line in DOCS.read_text().splitlines()
        if re.match(r"^\| [a-z_]+ \|", line) and not line.startswith("| transition ")
    ]
    expected = [
        [
            t.name,
            t.source.value,
            t.target.value,
            t.action,
            ", ".join(g.__name__ for g in t.guards),
        ]
        for t in lifecycle.TRANSITIONS.values()
    ]
    assert rows[: len(expected)] == expected


@pytest.mark.parametrize("name", list(lifecycle.TRANSITIONS))
def test_each_transition_is_allowed_when_its_guards_pass(name):
    transition = lifecycle.TRANSITIONS[name]
    outcome = {
        "close_no_further_action": Outcome.NO_FURTHER_ACTION,
    }.get(name, Outcome.SCR)
    facts = ok_facts(outcome=outcome, recommended=outcome)
    assert lifecycle.refusals(name, transition.source, facts) == []


@pytest.mark.parametrize("name", list(lifecycle.TRANSITIONS))
def test_each_transition_is_refused_from_any_other_stage(name):
    transition = lifecycle.TRANSITIONS[name]
    for stage in Stage:
        if stage is transition.source:
            continue
        [refusal] = lifecycle.refusals(name, stage, ok_facts())
        assert "possible only at" in refusal.message and stage.label in refusal.message


@pytest.mark.parametrize(
    ("name", "changes", "message"),
    [
        ("ask_agencies", {"agencies_to_ask": 0}, "no active agency"),
        ("begin_screening", {"facts_recorded": False}, "Record the facts"),
        ("recommend", {"facts_recorded": False}, "Record the facts"),
        ("recommend", {"other_children_considered": False}, "other children"),
        ("recommend", {"outcome": None}, "Choose an outcome"),
        (
            "recommend",
            {"allowed_outcomes": frozenset({Outcome.NO_FURTHER_ACTION})},
            "Choose an outcome",
        ),
        ("recommend", {"reasons": "  "}, "reasons in writing"),
        ("recommend", {"participants": 3}, "quorum"),
        ("recommend", {"methodology": ""}, "methodology"),
        ("recommend", {"imr_agencies": 0}, "methodology"),
        ("recommend", {"panel_agencies": 0}, "methodology"),
        ("open_review", {"outcome": Outcome.NO_FURTHER_ACTION}, "does not open a review"),
        (
            "open_review",
            {"recommended": Outcome.NEAR_MISS_REVIEW, "reasons": ""},
            "differs from the sub group",
        ),
        (
            "open_review",
            {"departs_from_criteria": True, "reasons": ""},
            "departs from the criteria",
        ),
        ("close_no_further_action", {"outcome": Outcome.SCR}, "not 'no further action'"),
        (
            "close_no_further_action",
            {"outcome": Outcome.NO_FURTHER_ACTION, "recommended": Outcome.SCR, "reasons": ""},
            "differs from the sub group",
        ),
        ("refer_back", {"reasons": ""}, "reasons in writing"),
        ("close_after_review", {"review_closed": False}, "when its review has closed"),
    ],
)
def test_each_guard_refuses_with_its_message(name, changes, message):
    source = lifecycle.TRANSITIONS[name].source
    defaults = {
        "close_no_further_action": {
            "outcome": Outcome.NO_FURTHER_ACTION,
            "recommended": Outcome.NO_FURTHER_ACTION,
        }
    }
    facts = ok_facts(**(defaults.get(name, {}) | changes))
    problems = [r.message for r in lifecycle.refusals(name, source, facts)]
    assert any(message in p for p in problems), problems


def test_a_nfa_recommendation_needs_no_review_items():
    facts = ok_facts(
        outcome=Outcome.NO_FURTHER_ACTION, methodology="", imr_agencies=0, panel_agencies=0
    )
    assert lifecycle.refusals("recommend", Stage.SCREENING, facts) == []


def test_the_chair_may_agree_without_reasons():
    assert lifecycle.refusals("open_review", Stage.AWAITING_DECISION, ok_facts(reasons="")) == []
