"""The review's stages as data: each stage's guards, each path, the monitoring track and the
conversion of an inter-agency management review, with no database."""

import re
from dataclasses import replace
from pathlib import Path as FilePath

import pytest

from casereview.core.lifecycle import message_of
from casereview.reviews import lifecycle as L
from casereview.reviews.lifecycle import Item, Stage, Track

DOCS = FilePath(__file__).resolve().parents[4] / "docs" / "lifecycle.md"
GATES = frozenset(L.PUBLICATION_GATES)


def done(path=L.SCR_PATH, **changes) -> L.Facts:
    """Facts of a review whose every stage's work is done."""
    base = dict(
        path=path,
        recorded=frozenset(Item),
        panel_size=7,
        panel_minimum=6,
        has_panel_chair=True,
        commissions=3,
        merged_approved=True,
        monitoring=Track.SIGNED_OFF,
        publication_gates=GATES,
    )
    return L.Facts(**(base | changes))


def without(*items: Item) -> frozenset[Item]:
    return frozenset(Item) - set(items)


@pytest.mark.parametrize("kind", list(L.DEFAULT_PATHS))
def test_every_path_walks_to_closed_when_its_work_is_done(kind):
    path = L.DEFAULT_PATHS[kind]
    machine = L.machine_for(path)
    stage = path.stages[0]
    while stage is not Stage.CLOSED:
        [transition] = machine.available(stage)
        assert machine.refusals(transition.name, stage, done(path)) == []
        stage = transition.target
    assert len(machine.transitions) == len(path.stages) - 1


@pytest.mark.parametrize(
    ("source", "changes", "field", "words"),
    [
        (Stage.RAPID_REVIEW, {"recorded": without(Item.RAPID_REVIEW_SENT)}, "rapid-review-sent",
         "national panel"),
        (Stage.SCOPING, {"recorded": without(Item.TERMS_CONFIRMED)}, "terms-confirmed",
         "terms of reference"),
        (Stage.PANEL, {"has_panel_chair": False}, "panel", "panel's chair"),
        (Stage.PANEL, {"panel_size": 5}, "panel", "fewer members"),
        (Stage.PANEL, {"commissions": 0}, "commissions", "Commission at least one agency"),
        (Stage.INFORMATION, {"chronologies_outstanding": 1}, "commissions", "chronology"),
        (Stage.INFORMATION, {"reports_outstanding": 2}, "commissions", "report must be received"),
        (Stage.ANALYSIS, {"merged_approved": False}, "merged", "merged chronology"),
        (Stage.ANALYSIS, {"recorded": without(Item.REPORTS_ACCEPTED)}, "reports-accepted",
         "accept the agency reports"),
        (Stage.ANALYSIS, {"reports_returned": 1}, "commissions", "returned for revision"),
        (Stage.OVERVIEW_REPORT, {"recorded": without(Item.OVERVIEW_AGREED)}, "overview-agreed",
         "agree the report"),
        (Stage.QUALITY_ASSURANCE, {"recorded": without(Item.QA_DONE)}, "qa-done",
         "Two sub group members"),
        (Stage.QUALITY_ASSURANCE, {"recorded": without(Item.AGENCIES_CONFIRMED)},
         "agencies-confirmed", "fairly represented"),
        (Stage.QUALITY_ASSURANCE, {"reports_returned": 1}, "commissions", "returned for revision"),
        (Stage.BOARD_APPROVAL, {"reports_returned": 1}, "commissions", "returned for revision"),
        (Stage.BOARD_APPROVAL, {"recorded": without(Item.BOARD_APPROVED)}, "board-approved",
         "board's approval"),
        (Stage.SUBMISSION, {"recorded": without(Item.SUBMITTED)}, "submitted", "inspectorate"),
        (Stage.PUBLICATION, {"recorded": without(Item.PUBLISHED)}, "published", "publication"),
        (Stage.PUBLICATION, {"monitoring": Track.MONITORING}, "monitoring",
         "final master document"),
    ],
)  # fmt: skip
def test_each_stage_refuses_with_its_rule_beside_its_field(source, changes, field, words):
    path = L.DEFAULT_PATHS["lcspr"] if source is Stage.RAPID_REVIEW else L.SCR_PATH
    machine = L.machine_for(path)
    [transition] = machine.available(source)
    refusals = machine.refusals(transition.name, source, done(path, **changes))
    assert [r.field for r in refusals] == [field]
    assert words in refusals[0].message


def test_a_transition_from_another_stage_says_where_the_review_is():
    machine = L.machine_for(L.SCR_PATH)
    [refusal] = machine.refusals("quality_assurance_to_board_approval", Stage.SCOPING, done())
    assert "possible only at 'Quality assurance'" in refusal.message
    assert "this review is at 'Scoping and terms of reference'" in refusal.message


def test_a_guard_message_is_its_whole_first_paragraph():
    def guard(f):
        """The first line
        and its second line.

        Not this paragraph."""

    assert message_of(guard) == "The first line and its second line."


def test_the_panel_minimum_is_the_profiles_but_a_near_miss_review_needs_a_facilitator():
    scr = L.machine_for(L.SCR_PATH)
    near_miss = L.DEFAULT_PATHS["near-miss-review"]
    assert scr.refusals("panel_to_information", Stage.PANEL, done(panel_size=3, panel_minimum=4))
    facilitated = done(near_miss, panel_size=1, panel_minimum=6, commissions=0)
    assert L.machine_for(near_miss).refusals("panel_to_analysis", Stage.PANEL, facilitated) == []


def test_a_near_miss_review_takes_the_lighter_path():
    path = L.DEFAULT_PATHS["near-miss-review"]
    assert Stage.INFORMATION not in path.stages and Stage.QUALITY_ASSURANCE not in path.stages
    assert not path.commissions and not path.clock and path.brief_report
    assert not path.publishes and path.monitors
    # No commissioned chronologies: nothing about them is asked for or offered.
    facts = done(path, merged_approved=False, recorded=without(Item.REPORTS_ACCEPTED))
    assert L.machine_for(path).refusals("analysis_to_overview_report", Stage.ANALYSIS, facts) == []
    assert Item.REPORTS_ACCEPTED not in L.items_at(Stage.ANALYSIS, facts)


def test_an_interagency_management_review_has_terms_local_managers_and_a_brief_report():
    path = L.DEFAULT_PATHS["interagency-management-review"]
    assert Stage.SCOPING in path.stages and path.commissions and path.brief_report
    assert not path.publishes


def test_the_english_process_is_a_path_not_a_branch():
    path = L.DEFAULT_PATHS["lcspr"]
    assert path.stages[0] is Stage.RAPID_REVIEW and path.publishes
    assert Stage.SUBMISSION not in path.stages  # published, not submitted to an inspectorate


def test_a_board_can_set_its_own_path():
    own = {"near-miss-review": {"stages": ["scoping", "analysis", "closed"], "clock": True}}
    path = L.path_for("near-miss-review", own)
    assert path.stages == (Stage.SCOPING, Stage.ANALYSIS, Stage.CLOSED) and path.clock
    assert L.path_for("scr", own) is L.SCR_PATH
    with pytest.raises(ValueError, match="ends at 'closed'"):
        L.Path.from_setting(["scoping", "panel"])


def test_closing_a_path_without_publication_still_waits_for_the_action_plan():
    path = L.DEFAULT_PATHS["near-miss-review"]
    machine = L.machine_for(path)
    refusals = machine.refusals(
        "board_approval_to_closed", Stage.BOARD_APPROVAL, done(path, monitoring=Track.MONITORING)
    )
    assert [r.field for r in refusals] == ["monitoring"]


def test_publication_waits_for_each_of_the_boards_gates():
    facts = done(
        publication_gates=frozenset({Item.FAMILY_SEEN, Item.PROCEEDINGS_CONCLUDED}),
        recorded=without(Item.PUBLISHED, Item.FAMILY_SEEN, Item.PROCEEDINGS_CONCLUDED),
    )
    refusals = L.item_refusals(Item.PUBLISHED, Stage.PUBLICATION, facts)
    assert [r.field for r in refusals] == ["family-seen", "proceedings-concluded"]
    assert all(r.message.startswith("Publication waits for this gate") for r in refusals)
    # A gate the board does not ask for is neither listed nor waited for.
    assert Item.EVALUATION_RECEIVED not in L.items_at(Stage.PUBLICATION, facts)
    ready = replace(facts, recorded=without(Item.PUBLISHED))
    assert L.item_refusals(Item.PUBLISHED, Stage.PUBLICATION, ready) == []


def test_an_item_is_recorded_once_and_only_at_its_stage():
    facts = done(recorded=frozenset())
    [refusal] = L.item_refusals(Item.BOARD_APPROVED, Stage.SCOPING, facts)
    assert "recorded at 'Board approval'" in refusal.message
    [again] = L.item_refusals(Item.TERMS_CONFIRMED, Stage.SCOPING, done())
    assert "already recorded" in again.message


def test_board_approval_is_refused_while_a_report_is_returned_for_revision():
    facts = done(recorded=without(Item.BOARD_APPROVED), reports_returned=1)
    [refusal] = L.item_refusals(Item.BOARD_APPROVED, Stage.BOARD_APPROVAL, facts)
    assert "returned for revision" in refusal.message


def test_monitoring_starts_at_board_approval_and_is_signed_off_when_actions_are_done():
    m = L.MONITORING
    assert m.refusals("start_monitoring", Track.NOT_STARTED, done(recorded=frozenset()))
    assert m.refusals("start_monitoring", Track.NOT_STARTED, done()) == []
    [refusal] = m.refusals("sign_off", Track.MONITORING, done(actions_open=2))
    assert "Every action" in refusal.message
    assert m["sign_off"].action == "review.sign_off"


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"kind": "scr"}, "Only an inter-agency management review"),
        ({"reasons": " "}, "reasons in writing"),
        ({"recorded": frozenset({Item.BOARD_APPROVED})}, "no longer change its kind"),
    ],
)
def test_turning_a_review_into_an_scr_is_refused_with_its_rule(changes, words):
    facts = done(
        kind="interagency-management-review", reasons="New learning.", recorded=frozenset()
    )
    refusals = L.conversion_refusals(replace(facts, **changes))
    assert any(words in r.message for r in refusals)


def test_a_converted_review_keeps_its_stage_or_the_last_one_it_had_done():
    managed = L.DEFAULT_PATHS["interagency-management-review"]
    assert L.stage_on(L.SCR_PATH, Stage.ANALYSIS, managed) is Stage.ANALYSIS
    near_miss = L.DEFAULT_PATHS["near-miss-review"]
    custom = L.Path((Stage.SCOPING, Stage.QUALITY_ASSURANCE, Stage.CLOSED))
    assert L.stage_on(custom, Stage.ANALYSIS, near_miss) is Stage.SCOPING


def _docs_rows(heading: str) -> list[list[str]]:
    text = DOCS.read_text().split(heading, 1)[1].split("\n## ", 1)[0]
    return [
        [c.strip() for c in line.strip("|").split("|")]
        for line in text.splitlines()
        if re.match(r"^\| [a-z_-]+ \|", line)
        and not line.startswith("| transition ")
        and not line.startswith("| kind ")
    ]


def test_the_docs_show_the_reviews_machine():
    machine = L.machine_for(L.SCR_PATH)
    expected = [
        [t.name, t.source.value, t.target.value, t.action, ", ".join(g.__name__ for g in t.guards)]
        for t in [*machine.transitions.values(), *L.MONITORING.transitions.values()]
    ]
    assert _docs_rows("## The review") == expected


def test_the_docs_list_each_kinds_path():
    expected = [
        [kind, " → ".join(s.value for s in path.stages)] for kind, path in L.DEFAULT_PATHS.items()
    ]
    assert _docs_rows("## Paths") == expected
