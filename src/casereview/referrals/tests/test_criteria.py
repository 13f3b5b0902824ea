"""The criteria tests of CONTRACTS "casereview criteria", as pure tables with no database."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casereview.referrals.criteria import (
    ASKED,
    INDICATORS,
    AbuseOrNeglect,
    CriteriaResult,
    CriteriaTest,
    Facts,
    FactsError,
    Limb,
    Outcome,
    contradictions,
    departs_from_criteria,
    evaluate,
    other_children_prompt,
    starting_facts,
)

KNOWN = {"abuse_or_neglect": "known"}
SUSPECTED = {"abuse_or_neglect": "suspected"}
NONE = {"abuse_or_neglect": "none"}
CONCERN = {"interagency_concern": True}
DIED = {"child_died": True}
SUICIDE = {"death_by_suicide": True}
FACTOR = {"abuse_or_neglect_factor_in_death": True}
HARM_KINDS = (
    "life_threatening_injury",
    "serious_sexual_abuse",
    "particularly_serious_sexual_abuse",
    "permanent_impairment",
)
BOOL_KEYS = tuple(key for key in Facts().to_dict() if key not in {"abuse_or_neglect", "indicators"})


def facts(*parts: dict[str, object], **more: object) -> Facts:
    merged: dict[str, object] = {}
    for part in parts:
        merged.update(part)
    merged.update(more)
    return Facts.from_dict(merged)


def limbs_met(result: CriteriaResult) -> dict[str, bool]:
    return {limb.id: limb.met for limb in result.limbs}


def expected_outcome(f: Facts, test: CriteriaTest) -> Outcome:
    """CONTRACTS' formulas, transcribed as literally as possible, as the oracle."""
    an = f.abuse_or_neglect in ("known", "suspected")
    died = f.child_died or f.death_by_suicide
    harm = (
        f.life_threatening_injury
        or f.serious_sexual_abuse
        or f.particularly_serious_sexual_abuse
        or f.permanent_impairment
    )
    if test == "reg5":
        met = an and (died or ((f.seriously_harmed or harm) and f.interagency_concern))
        return Outcome.MET if met else Outcome.NOT_MET
    if died and an and f.abuse_or_neglect_factor_in_death:
        return Outcome.MUST
    if test == "wt2010":
        consider = an and harm and f.interagency_concern
    else:
        consider = f.interagency_concern and (
            (an and (f.life_threatening_injury or f.serious_sexual_abuse or f.permanent_impairment))
            or f.particularly_serious_sexual_abuse
            or f.parent_murdered_homicide_review
            or f.parent_killed_domestic_violence
        )
    return Outcome.CONSIDER if consider else Outcome.NOT_MET


# --- Regulation 5 -----------------------------------------------------------------------------

REG5_CASES = [
    pytest.param({}, "not-met", {"a": False, "b(i)": False, "b(ii)": False}, id="nothing"),
    pytest.param(KNOWN, "not-met", {"a": True, "b(i)": False, "b(ii)": False}, id="an-only"),
    pytest.param({**KNOWN, **DIED}, "met", {"a": True, "b(i)": True}, id="known-died"),
    pytest.param({**SUSPECTED, **DIED}, "met", {"a": True, "b(i)": True}, id="suspected-died"),
    pytest.param({**SUSPECTED, **SUICIDE}, "met", {"b(i)": True}, id="suicide-is-death"),
    pytest.param({**NONE, **DIED}, "not-met", {"a": False, "b(i)": True}, id="died-no-an"),
    pytest.param(
        {**KNOWN, "seriously_harmed": True, **CONCERN}, "met", {"b(ii)": True}, id="harmed-concern"
    ),
    pytest.param(
        {**KNOWN, "seriously_harmed": True}, "not-met", {"b(ii)": False}, id="harmed-no-concern"
    ),
    pytest.param({**KNOWN, **CONCERN}, "not-met", {"b(ii)": False}, id="concern-no-harm"),
    pytest.param(
        {"seriously_harmed": True, **CONCERN}, "not-met", {"a": False, "b(ii)": True}, id="no-an"
    ),
    *(
        pytest.param({**SUSPECTED, kind: True, **CONCERN}, "met", {"b(ii)": True}, id=kind)
        for kind in HARM_KINDS
    ),
    pytest.param(
        {**KNOWN, "parent_killed_domestic_violence": True, **CONCERN},
        "not-met",
        {"b(ii)": False},
        id="parent-killed-is-not-reg5",
    ),
]


@pytest.mark.parametrize(("data", "outcome", "limbs"), REG5_CASES)
def test_regulation_5_limbs(data, outcome, limbs):
    result = evaluate(facts(data), CriteriaTest.REG5)
    assert result.outcome == outcome
    assert [limb.id for limb in result.limbs] == ["a", "b(i)", "b(ii)"]
    assert limbs.items() <= limbs_met(result).items()
    assert result.indicators_yes is None


# --- Working Together 2010 and 2006: "must" ---------------------------------------------------

MUST_CASES = [
    pytest.param({**KNOWN, **DIED, **FACTOR}, "must", id="known-died-factor"),
    pytest.param({**SUSPECTED, **DIED, **FACTOR}, "must", id="suspected-died-factor"),
    pytest.param({**SUSPECTED, **SUICIDE, **FACTOR}, "must", id="suicide-is-death"),
    pytest.param({**KNOWN, **DIED}, "not-met", id="died-without-factor"),
    pytest.param({**NONE, **DIED, **FACTOR}, "not-met", id="factor-without-an"),
    pytest.param({**KNOWN, **FACTOR}, "not-met", id="factor-without-death"),
    pytest.param(
        {**KNOWN, **DIED, "life_threatening_injury": True, **CONCERN},
        "consider",
        id="died-without-factor-falls-to-consider",
    ),
]


@pytest.mark.parametrize("test", [CriteriaTest.WT2010, CriteriaTest.WT2006])
@pytest.mark.parametrize(("data", "outcome"), MUST_CASES)
def test_working_together_must(test, data, outcome):
    result = evaluate(facts(data), test)
    assert result.outcome == outcome
    met = limbs_met(result)
    assert met["must.died"] == bool(data.get("child_died") or data.get("death_by_suicide"))
    assert met["must.factor"] == (
        data.get("abuse_or_neglect", "none") != "none"
        and "abuse_or_neglect_factor_in_death" in data
    )


# --- Working Together 2010: "consider" --------------------------------------------------------

WT2010_CASES = [
    *(
        pytest.param({**SUSPECTED, kind: True, **CONCERN}, "consider", id=f"{kind}-concern")
        for kind in HARM_KINDS
    ),
    *(
        pytest.param({**SUSPECTED, kind: True}, "not-met", id=f"{kind}-no-concern")
        for kind in HARM_KINDS
    ),
    *(pytest.param({kind: True, **CONCERN}, "not-met", id=f"{kind}-no-an") for kind in HARM_KINDS),
    pytest.param({**KNOWN, "seriously_harmed": True, **CONCERN}, "not-met", id="general-words"),
    pytest.param({**KNOWN, "parent_murdered_homicide_review": True, **CONCERN}, "not-met"),
    pytest.param({**KNOWN, "parent_killed_domestic_violence": True, **CONCERN}, "not-met"),
]


@pytest.mark.parametrize(("data", "outcome"), WT2010_CASES)
def test_working_together_2010_consider(data, outcome):
    result = evaluate(facts(data), CriteriaTest.WT2010)
    assert result.outcome == outcome
    assert [limb.id for limb in result.limbs] == [
        "must.died",
        "must.factor",
        "consider.harm",
        "consider.concern",
    ]
    assert limbs_met(result)["consider.concern"] == ("interagency_concern" in data)
    assert result.indicators_yes is None


# --- Working Together 2006: "consider" --------------------------------------------------------

WT2006_CASES = [
    pytest.param({**KNOWN, "life_threatening_injury": True, **CONCERN}, "consider", "harm"),
    pytest.param({**SUSPECTED, "serious_sexual_abuse": True, **CONCERN}, "consider", "harm"),
    pytest.param({**SUSPECTED, "permanent_impairment": True, **CONCERN}, "consider", "harm"),
    pytest.param({"life_threatening_injury": True, **CONCERN}, "not-met", None, id="lti-no-an"),
    pytest.param({"serious_sexual_abuse": True, **CONCERN}, "not-met", None, id="ssa-no-an"),
    pytest.param({"permanent_impairment": True, **CONCERN}, "not-met", None, id="pi-no-an"),
    pytest.param(
        {"particularly_serious_sexual_abuse": True, **CONCERN},
        "consider",
        "particularly_serious_sexual_abuse",
        id="particularly-serious-sexual-abuse-without-an",
    ),
    pytest.param(
        {"parent_murdered_homicide_review": True, **CONCERN},
        "consider",
        "parent_murdered",
        id="parent-murdered",
    ),
    pytest.param(
        {"parent_killed_domestic_violence": True, **CONCERN},
        "consider",
        "parent_killed",
        id="parent-killed-in-dv",
    ),
    pytest.param(
        {
            **KNOWN,
            "particularly_serious_sexual_abuse": True,
            "parent_murdered_homicide_review": True,
        },
        "not-met",
        None,
        id="no-concern",
    ),
    pytest.param({**KNOWN, **CONCERN}, "not-met", None, id="concern-alone"),
    pytest.param({**KNOWN, "seriously_harmed": True, **CONCERN}, "not-met", None, id="general"),
]


@pytest.mark.parametrize(("data", "outcome", "circumstance"), WT2006_CASES)
def test_working_together_2006_consider(data, outcome, circumstance):
    result = evaluate(facts(data), CriteriaTest.WT2006)
    assert result.outcome == outcome
    met = limbs_met(result)
    circumstances = [
        "harm",
        "particularly_serious_sexual_abuse",
        "parent_murdered",
        "parent_killed",
    ]
    assert list(met) == [
        "must.died",
        "must.factor",
        "consider.concern",
        *(f"consider.{name}" for name in circumstances),
    ]
    if circumstance:
        assert met[f"consider.{circumstance}"]
    assert met["consider.concern"] == ("interagency_concern" in data)


def test_particularly_serious_sexual_abuse_under_2010_still_needs_abuse_or_neglect():
    data = {"particularly_serious_sexual_abuse": True, **CONCERN}
    assert evaluate(facts(data), CriteriaTest.WT2010).outcome == "not-met"
    assert evaluate(facts(data), CriteriaTest.WT2006).outcome == "consider"
    assert evaluate(facts(data, **SUSPECTED), CriteriaTest.WT2010).outcome == "consider"


def test_indicators_are_counted_under_2006_and_change_nothing():
    plain = facts(KNOWN, CONCERN)
    answered = replace(plain, indicators=("looked_after", "range_of_agencies", "looked_after"))
    before, after = evaluate(plain, CriteriaTest.WT2006), evaluate(answered, CriteriaTest.WT2006)
    assert (before.indicators_yes, after.indicators_yes) == (0, 2)
    assert before.outcome == after.outcome == "not-met"
    assert before.limbs == after.limbs
    assert evaluate(answered, CriteriaTest.WT2010).indicators_yes is None


def test_all_nine_indicators_count_nine():
    every = Facts(indicators=tuple(INDICATORS))
    assert evaluate(every, CriteriaTest.WT2006).indicators_yes == 9


def test_the_nine_guiding_questions_are_those_of_contracts():
    assert list(INDICATORS) == [
        "risk_not_recognised_shared_or_acted_on",
        "institutional_setting",
        "custodial_setting",
        "looked_after",
        "concerns_not_taken_seriously",
        "wider_procedural_failings",
        "child_protection_plan",
        "range_of_agencies",
        "local_protocols_need_change",
    ]
    assert all(text.endswith("?") for text in INDICATORS.values())


# --- JSON shape -------------------------------------------------------------------------------


def test_result_json_has_the_contract_shape():
    result = evaluate(facts(SUSPECTED, CONCERN, life_threatening_injury=True), "wt2006")
    document = json.loads(result.to_json())
    assert list(document) == ["test", "result", "limbs", "indicators_yes"]
    assert document["test"] == "wt2006"
    assert document["result"] == "consider"
    assert document["indicators_yes"] == 0
    for limb in document["limbs"]:
        assert list(limb) == ["id", "met", "text"]
        assert isinstance(limb["met"], bool)
        assert limb["text"]


@pytest.mark.parametrize("test", ["reg5", "wt2010"])
def test_indicators_yes_only_for_2006(test):
    document = json.loads(evaluate(Facts(indicators=("looked_after",)), test).to_json())
    assert list(document) == ["test", "result", "limbs"]


def test_limb_texts_quote_the_guidance():
    reg5 = evaluate(Facts(), "reg5")
    assert reg5.limbs[0] == Limb(
        "a", False, "(a) abuse or neglect of a child is known or suspected"
    )
    wt2006 = {limb.id: limb.text for limb in evaluate(Facts(), "wt2006").limbs}
    assert "including death by suicide" in wt2006["must.died"]
    assert "homicide review" in wt2006["consider.parent_murdered"]


# --- Labels, prompts and departures -----------------------------------------------------------


def test_labels():
    assert CriteriaTest.REG5.label == "Regulation 5 (LSCB Regulations 2006)"
    assert CriteriaTest.WT2010.label == "Working Together 2010"
    assert CriteriaTest.WT2006.label == "Working Together 2006"
    assert Outcome.MET.label == "Criteria met"
    assert Outcome.MUST.label == "Review must be held"
    assert Outcome.CONSIDER.label == "Review should be considered"
    assert Outcome.NOT_MET.label == "Criteria not met"


@pytest.mark.parametrize(
    ("data", "prompt"),
    [
        ({**DIED, **KNOWN}, True),
        ({**DIED, **SUSPECTED}, True),
        ({**SUICIDE, **SUSPECTED}, True),
        ({**DIED, **NONE}, False),
        ({**KNOWN, "life_threatening_injury": True}, False),
        ({}, False),
    ],
)
def test_other_children_prompt_when_a_child_died_with_abuse_or_neglect(data, prompt):
    assert other_children_prompt(facts(data)) is prompt


@pytest.mark.parametrize(
    ("outcome", "recommends_review", "departs"),
    [
        (Outcome.MUST, True, False),
        (Outcome.MUST, False, True),
        (Outcome.MET, True, False),
        (Outcome.MET, False, True),
        (Outcome.NOT_MET, False, False),
        (Outcome.NOT_MET, True, True),
        (Outcome.CONSIDER, True, False),
        (Outcome.CONSIDER, False, False),
    ],
)
def test_a_recommendation_that_departs_from_the_criteria_is_flagged(
    outcome, recommends_review, departs
):
    assert departs_from_criteria(outcome, recommends_review) is departs


# --- Reading facts ----------------------------------------------------------------------------


def test_defaults_are_those_of_contracts():
    f = Facts.from_dict({})
    assert f == Facts()
    assert f.abuse_or_neglect is AbuseOrNeglect.NONE
    assert f.indicators == ()
    assert not any(getattr(f, key) for key in BOOL_KEYS)
    assert len(BOOL_KEYS) == 11


def test_to_dict_round_trips_and_keeps_indicators_in_question_order():
    f = Facts.from_dict(
        {
            "abuse_or_neglect": "suspected",
            "death_by_suicide": True,
            "indicators": ["range_of_agencies", "looked_after", "range_of_agencies"],
        }
    )
    data = f.to_dict()
    assert data["abuse_or_neglect"] == "suspected"
    assert data["indicators"] == ["looked_after", "range_of_agencies"]
    assert json.loads(json.dumps(data)) == data
    assert Facts.from_dict(data) == f


@pytest.mark.parametrize(
    ("data", "names"),
    [
        ({"child_dies": True}, "unknown key 'child_dies'; did you mean 'child_died'?"),
        ({"weather": "rain"}, "unknown key 'weather'"),
        ({"child_died": "yes"}, "'child_died' must be true or false"),
        ({"child_died": 1}, "'child_died' must be true or false, not the number 1"),
        ({"interagency_concern": None}, "'interagency_concern' must be true or false, not null"),
        ({"seriously_harmed": "true"}, "'seriously_harmed'"),
        ({"abuse_or_neglect": "maybe"}, "'abuse_or_neglect' must be one of"),
        ({"abuse_or_neglect": "Known"}, "'abuse_or_neglect'"),
        ({"abuse_or_neglect": True}, "'abuse_or_neglect'"),
        ({"abuse_or_neglect": None}, "'abuse_or_neglect'"),
        ({"indicators": "looked_after"}, "'indicators' must be a list"),
        ({"indicators": {"looked_after": True}}, "'indicators' must be a list"),
        ({"indicators": [1]}, "'indicators' must hold question ids"),
        ({"indicators": ["cared_for"]}, "'indicators' holds an unknown question id 'cared_for'"),
    ],
)
def test_from_dict_names_the_bad_key_in_one_line(data, names):
    with pytest.raises(FactsError) as caught:
        Facts.from_dict(data)
    message = str(caught.value)
    assert names in message
    assert "\n" not in message
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("data", [[], "facts", 3, None])
def test_from_dict_refuses_anything_but_an_object(data):
    with pytest.raises(FactsError, match="must be a JSON object"):
        Facts.from_dict(data)


def test_facts_built_in_python_are_checked_too():
    with pytest.raises(FactsError, match="unknown question id"):
        Facts(indicators=("cared_for",))
    assert Facts(abuse_or_neglect="known").abuse_or_neglect is AbuseOrNeglect.KNOWN


# --- Properties -------------------------------------------------------------------------------

random_facts = st.builds(
    Facts,
    abuse_or_neglect=st.sampled_from(AbuseOrNeglect),
    indicators=st.sets(st.sampled_from(list(INDICATORS))).map(tuple),
    **{key: st.booleans() for key in BOOL_KEYS},
)


@given(
    f=random_facts,
    test=st.sampled_from(CriteriaTest),
    other=st.sets(st.sampled_from(list(INDICATORS))),
)
def test_every_result_is_allowed_and_indicators_never_change_it(f, test, other):
    result = evaluate(f, test)
    assert result.outcome in test.outcomes
    assert result.outcome == expected_outcome(f, test)
    assert evaluate(replace(f, indicators=tuple(other)), test).outcome == result.outcome
    if test is CriteriaTest.WT2006:
        assert result.indicators_yes == len(f.indicators)
    else:
        assert result.indicators_yes is None


@given(f=random_facts)
def test_facts_round_trip_through_json(f):
    assert Facts.from_dict(json.loads(json.dumps(f.to_dict()))) == f


@given(f=random_facts)
def test_the_two_working_together_editions_agree_on_must(f):
    wt2010 = evaluate(f, CriteriaTest.WT2010).outcome
    wt2006 = evaluate(f, CriteriaTest.WT2006).outcome
    assert (wt2010 == Outcome.MUST) == (wt2006 == Outcome.MUST)


# --- Contradictory facts and the facts each test asks (issue 9, wrong 10) ----------------------


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        # "a factor in the death" with no abuse or neglect ("neither")
        ({**NONE, **DIED, **FACTOR}, {"abuse_or_neglect"}),
        # "a factor in the death" with no death
        ({**KNOWN, **FACTOR}, {"abuse_or_neglect_factor_in_death"}),
        # both at once
        ({**NONE, **FACTOR}, {"abuse_or_neglect", "abuse_or_neglect_factor_in_death"}),
        # suicide without a death
        ({**KNOWN, **SUICIDE}, {"death_by_suicide"}),
        (
            {**NONE, **SUICIDE, **FACTOR},
            {"abuse_or_neglect", "abuse_or_neglect_factor_in_death", "death_by_suicide"},
        ),
        # facts that agree
        ({**SUSPECTED, **DIED, **FACTOR, **CONCERN}, set()),
        ({**NONE, **DIED, **SUICIDE}, set()),
        ({**KNOWN, **DIED}, set()),
        ({}, set()),
    ],
)
def test_contradictory_facts_are_named_by_the_field_to_change(data, fields):
    found = contradictions(facts(data))
    assert {c.field for c in found} == fields
    assert all(c.message.endswith(".") and len(c.message) > 30 for c in found)


@given(f=random_facts, test=st.sampled_from(CriteriaTest), flipped=st.sampled_from(BOOL_KEYS))
def test_a_fact_the_form_does_not_ask_never_changes_the_result(f, test, flipped):
    if flipped in ASKED[test]:
        return
    other = replace(f, **{flipped: not getattr(f, flipped)})
    assert evaluate(other, test).outcome == evaluate(f, test).outcome


def test_seriously_harmed_is_asked_only_under_regulation_5():
    assert "seriously_harmed" in ASKED[CriteriaTest.REG5]
    assert "seriously_harmed" not in ASKED[CriteriaTest.WT2010]
    assert "seriously_harmed" not in ASKED[CriteriaTest.WT2006]
    assert "abuse_or_neglect_factor_in_death" not in ASKED[CriteriaTest.REG5]
    assert "indicators" in ASKED[CriteriaTest.WT2006]


@pytest.mark.parametrize(
    ("harm", "test", "start"),
    [
        ("death", CriteriaTest.WT2010, {"child_died": True}),
        ("serious-harm", CriteriaTest.REG5, {"seriously_harmed": True}),
        ("serious-harm", CriteriaTest.WT2006, {}),
        ("other", CriteriaTest.REG5, {}),
    ],
)
def test_the_facts_start_from_the_harm_the_referral_gives(harm, test, start):
    assert starting_facts(harm, test) == start
