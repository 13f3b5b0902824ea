"""Whether a referral's facts meet a serious case review criteria test.

Pure rules over a frozen ``Facts`` record, shared by the referral pages and
``casereview criteria``. The three tests and the exact rules are those of
../shared/CONTRACTS.md ("casereview criteria"); their wording comes from the seed procedures:
Regulation 5 of the LSCB Regulations 2006 (002), Working Together 2010 as quoted in 003's
Introduction, and Working Together 2006 as quoted in 004 §3.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any


class FactsError(ValueError):
    """Facts that cannot be read: an unknown key, a wrong type or a bad value."""


class CriteriaTest(StrEnum):
    """Which criteria test a board's procedure profile applies."""

    REG5 = "reg5"
    WT2010 = "wt2010"
    WT2006 = "wt2006"

    @property
    def label(self) -> str:
        """The name of the test as a person reads it."""
        return _TEST_LABELS[self]

    @property
    def outcomes(self) -> tuple[Outcome, ...]:
        """The results this test can give, the strongest first."""
        if self is CriteriaTest.REG5:
            return (Outcome.MET, Outcome.NOT_MET)
        return (Outcome.MUST, Outcome.CONSIDER, Outcome.NOT_MET)


class Outcome(StrEnum):
    """The result of a criteria test."""

    MET = "met"
    NOT_MET = "not-met"
    MUST = "must"
    CONSIDER = "consider"

    @property
    def label(self) -> str:
        """The result as a person reads it."""
        return _OUTCOME_LABELS[self]


class AbuseOrNeglect(StrEnum):
    """Whether abuse or neglect of the child is known or suspected."""

    KNOWN = "known"
    SUSPECTED = "suspected"
    NONE = "none"


_TEST_LABELS = {
    CriteriaTest.REG5: "Regulation 5 (LSCB Regulations 2006)",
    CriteriaTest.WT2010: "Working Together 2010",
    CriteriaTest.WT2006: "Working Together 2006",
}

_OUTCOME_LABELS = {
    Outcome.MET: "Criteria met",
    Outcome.MUST: "Review must be held",
    Outcome.CONSIDER: "Review should be considered",
    Outcome.NOT_MET: "Criteria not met",
}

# The nine guiding questions of 004 §3, in the seed's order; the ids are CONTRACTS'.
INDICATORS: dict[str, str] = {
    "risk_not_recognised_shared_or_acted_on": (
        "Was there clear evidence of a risk of significant harm to a child, which was not "
        "recognised by agencies or professionals in contact with the child or perpetrator, "
        "or not shared with others, or not acted upon appropriately?"
    ),
    "institutional_setting": (
        "Was the child abused in an institutional setting (e.g. school, nursery, family centre, "
        "children's home, young offenders institution, secure training centre or armed services "
        "training establishment)?"
    ),
    "custodial_setting": (
        "Was the child abused in a custodial (prison, young offenders institution or secure "
        "training centre) setting?"
    ),
    "looked_after": "Was the child abused while being looked after by the local authority?",
    "concerns_not_taken_seriously": (
        "Does one or more agency or professional consider that its concerns were not taken "
        "sufficiently seriously, or acted upon appropriately, by another?"
    ),
    "wider_procedural_failings": (
        "Does the case indicate that there may be failings in one or more aspects of the local "
        "operation of the formal child protection procedures, which go beyond the handling of "
        "this case?"
    ),
    "child_protection_plan": (
        "Was the child subject to a child protection plan, or had the child previously been on "
        "the child protection register?"
    ),
    "range_of_agencies": (
        "Does the case appear to have implications for a range of agencies and/or professionals?"
    ),
    "local_protocols_need_change": (
        "Does the case suggest that the LSCB may need to change its local protocols or "
        "procedures, or that protocols and procedures were not adequately understood or acted "
        "upon?"
    ),
}


@dataclass(frozen=True)
class Facts:
    """What is recorded about a referred case, as the criteria tests read it.

    Every field has the default of CONTRACTS, so ``Facts()`` is a case with nothing known.
    ``indicators`` holds the ids of the guiding questions answered yes; it is kept without
    duplicates in the order of ``INDICATORS``, so equal answers give equal facts.
    """

    abuse_or_neglect: AbuseOrNeglect = AbuseOrNeglect.NONE
    child_died: bool = False
    death_by_suicide: bool = False
    abuse_or_neglect_factor_in_death: bool = False
    seriously_harmed: bool = False
    life_threatening_injury: bool = False
    serious_sexual_abuse: bool = False
    particularly_serious_sexual_abuse: bool = False
    permanent_impairment: bool = False
    interagency_concern: bool = False
    parent_murdered_homicide_review: bool = False
    parent_killed_domestic_violence: bool = False
    indicators: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "abuse_or_neglect", AbuseOrNeglect(self.abuse_or_neglect))
        object.__setattr__(self, "indicators", _canonical_indicators(self.indicators))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Facts:
        """Read facts from a JSON object; raise ``FactsError`` naming the first bad key."""
        if not isinstance(data, Mapping):
            raise FactsError(f"facts must be a JSON object, not {_json_type(data)}")
        values: dict[str, Any] = {}
        for key, value in data.items():
            values[key] = _read_value(key, value)
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """Every fact as JSON-ready data; ``Facts.from_dict`` reads it back unchanged."""
        data: dict[str, Any] = {field.name: getattr(self, field.name) for field in fields(self)}
        data["abuse_or_neglect"] = self.abuse_or_neglect.value
        data["indicators"] = list(self.indicators)
        return data


_BOOL_KEYS = frozenset(
    field.name for field in fields(Facts) if field.name not in {"abuse_or_neglect", "indicators"}
)
_KEYS = tuple(field.name for field in fields(Facts))


def _read_value(key: object, value: object) -> Any:
    """Check one key and value of a facts object and return the value to store."""
    if key in _BOOL_KEYS:
        # A real JSON bool only: "yes", 1 or null would hide a mistake in the referral.
        if type(value) is not bool:
            raise FactsError(f"{key!r} must be true or false, not {_json_type(value)}")
        return value
    if key == "abuse_or_neglect":
        return _read_abuse_or_neglect(value)
    if key == "indicators":
        return _read_indicators(value)
    raise FactsError(_unknown_key_message(key))


def _read_abuse_or_neglect(value: object) -> AbuseOrNeglect:
    """Read ``abuse_or_neglect``: one of the three words, exactly."""
    allowed = ", ".join(f'"{choice.value}"' for choice in AbuseOrNeglect)
    if not isinstance(value, str):
        raise FactsError(f"'abuse_or_neglect' must be one of {allowed}, not {_json_type(value)}")
    try:
        return AbuseOrNeglect(value)
    except ValueError:
        raise FactsError(f"'abuse_or_neglect' must be one of {allowed}, not {value!r}") from None


def _read_indicators(value: object) -> tuple[str, ...]:
    """Read ``indicators``: a list of the ids of ``INDICATORS``."""
    if not isinstance(value, list | tuple):
        raise FactsError(f"'indicators' must be a list of question ids, not {_json_type(value)}")
    for item in value:
        if not isinstance(item, str):
            raise FactsError(f"'indicators' must hold question ids, not {_json_type(item)}")
        if item not in INDICATORS:
            raise FactsError(f"'indicators' holds an unknown question id {item!r}")
    return tuple(value)


def _canonical_indicators(ids: Iterable[str]) -> tuple[str, ...]:
    """Known question ids once each, in the order of ``INDICATORS``."""
    chosen = set(ids)
    unknown = sorted(chosen - INDICATORS.keys())
    if unknown:
        raise FactsError(f"'indicators' holds an unknown question id {unknown[0]!r}")
    return tuple(question for question in INDICATORS if question in chosen)


def _unknown_key_message(key: object) -> str:
    """Name an unknown key, and the known key it most resembles, if any."""
    message = f"unknown key {key!r}"
    close = difflib.get_close_matches(str(key), _KEYS, n=1)
    return f"{message}; did you mean {close[0]!r}?" if close else message


def _json_type(value: object) -> str:
    """Name a value's type the way a JSON author knows it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


@dataclass(frozen=True)
class Limb:
    """One condition of a test, as the sub group reads it, and whether the facts meet it."""

    id: str
    met: bool
    text: str


@dataclass(frozen=True)
class CriteriaResult:
    """The result of one criteria test, with the conditions that led to it."""

    test: CriteriaTest
    outcome: Outcome
    limbs: tuple[Limb, ...]
    indicators_yes: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The result in the JSON shape of CONTRACTS (``indicators_yes`` only for wt2006)."""
        data: dict[str, Any] = {
            "test": self.test.value,
            "result": self.outcome.value,
            "limbs": [{"id": limb.id, "met": limb.met, "text": limb.text} for limb in self.limbs],
        }
        if self.indicators_yes is not None:
            data["indicators_yes"] = self.indicators_yes
        return data

    def to_json(self) -> str:
        """The result as one JSON document in the shape of CONTRACTS."""
        return json.dumps(self.to_dict(), ensure_ascii=False)


def _abuse_or_neglect(facts: Facts) -> bool:
    """AN of CONTRACTS: abuse or neglect of the child is known or suspected."""
    return facts.abuse_or_neglect is not AbuseOrNeglect.NONE


def _died(facts: Facts) -> bool:
    """DIED of CONTRACTS: a death by suicide is a death (004 §3 "including death by suicide")."""
    return facts.child_died or facts.death_by_suicide


def _harm(facts: Facts) -> bool:
    """HARM of CONTRACTS: any of the serious harms the guidance names."""
    return (
        facts.life_threatening_injury
        or facts.serious_sexual_abuse
        or facts.particularly_serious_sexual_abuse
        or facts.permanent_impairment
    )


def _must_limbs(facts: Facts, died_text: str, factor_text: str) -> tuple[Limb, Limb]:
    """The two conditions of "must" in both editions of Working Together."""
    return (
        Limb("must.died", _died(facts), died_text),
        Limb(
            "must.factor",
            _abuse_or_neglect(facts) and facts.abuse_or_neglect_factor_in_death,
            factor_text,
        ),
    )


def _reg5(facts: Facts) -> tuple[Outcome, tuple[Limb, ...]]:
    """Regulation 5: met, or not met."""
    # 002: Regulation 5(2) of the LSCB Regulations 2006, limb by limb.
    a, b_i, b_ii = (
        Limb(
            "a", _abuse_or_neglect(facts), "(a) abuse or neglect of a child is known or suspected"
        ),
        Limb("b(i)", _died(facts), "(b)(i) the child has died"),
        Limb(
            "b(ii)",
            (facts.seriously_harmed or _harm(facts)) and facts.interagency_concern,
            "(b)(ii) the child has been seriously harmed and there is cause for concern as to "
            "the way in which the authority, their Board partners or other relevant persons "
            "have worked together to safeguard the child",
        ),
    )
    met = a.met and (b_i.met or b_ii.met)
    return (Outcome.MET if met else Outcome.NOT_MET), (a, b_i, b_ii)


def _wt2010(facts: Facts) -> tuple[Outcome, tuple[Limb, ...]]:
    """Working Together 2010: must, consider, or not met."""
    # 003 Introduction, quoting Working Together 2010 para 8.9.
    must = _must_limbs(
        facts,
        "a child dies",
        "abuse or neglect is known or suspected to be a factor in the death",
    )
    consider = (
        Limb(
            "consider.harm",
            _abuse_or_neglect(facts) and _harm(facts),
            "the child has sustained a potentially life threatening injury through abuse or "
            "neglect, serious sexual abuse, or sustained and permanent impairment of health or "
            "development through abuse or neglect",
        ),
        Limb(
            "consider.concern",
            facts.interagency_concern,
            "the case gives rise to concerns about the way in which local professionals and "
            "services work together to safeguard and promote the welfare of children",
        ),
    )
    return _must_or_consider(all(limb.met for limb in consider), must), must + consider


def _wt2006(facts: Facts) -> tuple[Outcome, tuple[Limb, ...]]:
    """Working Together 2006: must, consider, or not met."""
    # 004 §3, quoting Working Together 2006: "concerns about inter-agency working" AND one or
    # more of four circumstances; only the first of them needs abuse or neglect.
    must = _must_limbs(
        facts,
        "a child dies (including death by suicide)",
        "abuse or neglect is known or suspected to be a factor in the child's death",
    )
    concern = Limb(
        "consider.concern",
        facts.interagency_concern,
        "the case gives rise to concerns about inter-agency working to protect children from harm",
    )
    circumstances = (
        Limb(
            "consider.harm",
            _abuse_or_neglect(facts)
            and (
                facts.life_threatening_injury
                or facts.serious_sexual_abuse
                or facts.permanent_impairment
            ),
            "the child has sustained a potentially life-threatening injury through abuse or "
            "neglect, serious sexual abuse, or sustained serious and permanent impairment of "
            "health or development through abuse or neglect",
        ),
        Limb(
            "consider.particularly_serious_sexual_abuse",
            facts.particularly_serious_sexual_abuse,
            "the child has been subjected to particularly serious sexual abuse",
        ),
        Limb(
            "consider.parent_murdered",
            facts.parent_murdered_homicide_review,
            "the child's parent has been murdered and a homicide review is being initiated",
        ),
        Limb(
            "consider.parent_killed",
            facts.parent_killed_domestic_violence,
            "a parent has been killed in a domestic violence situation",
        ),
    )
    consider = concern.met and any(limb.met for limb in circumstances)
    return _must_or_consider(consider, must), (*must, concern, *circumstances)


def _must_or_consider(consider: bool, must: Iterable[Limb]) -> Outcome:
    """Give must when every must limb is met, else consider when it holds, else not met."""
    if all(limb.met for limb in must):
        return Outcome.MUST
    return Outcome.CONSIDER if consider else Outcome.NOT_MET


_RULES = {
    CriteriaTest.REG5: _reg5,
    CriteriaTest.WT2010: _wt2010,
    CriteriaTest.WT2006: _wt2006,
}


def evaluate(facts: Facts, test: CriteriaTest) -> CriteriaResult:
    """Apply one criteria test to the facts of a referral."""
    test = CriteriaTest(test)
    outcome, limbs = _RULES[test](facts)
    # 004 §3: the guiding questions are counted to help the decision; they decide nothing.
    indicators_yes = len(facts.indicators) if test is CriteriaTest.WT2006 else None
    return CriteriaResult(test, outcome, limbs, indicators_yes)


def other_children_prompt(facts: Facts) -> bool:
    """Whether to ask: are other children (siblings, others in an institution) at risk?

    004 §3 asks it when abuse or neglect is a known or suspected factor in the death; DOMAIN 2.2
    and this function ask it whenever the child died and abuse or neglect is known or
    suspected, because a prompt shown too often costs less than a child left unsafeguarded.
    """
    return _died(facts) and _abuse_or_neglect(facts)


# The facts each test reads, in the form's order: the facts page asks these and no others, so
# nobody records a fact that changes nothing (a test checks that flipping any other fact never
# changes the result). "Seriously harmed" is Regulation 5's own word; the editions of Working
# Together name the harms instead. Regulation 5 does not ask whether abuse or neglect was a
# factor in the death, and only Working Together 2006 lists the parents' deaths and the nine
# guiding questions.
_DEATH = ("child_died", "death_by_suicide")
_HARMS = (
    "life_threatening_injury",
    "serious_sexual_abuse",
    "particularly_serious_sexual_abuse",
    "permanent_impairment",
)
ASKED: dict[CriteriaTest, tuple[str, ...]] = {
    CriteriaTest.REG5: (
        "abuse_or_neglect",
        *_DEATH,
        "seriously_harmed",
        *_HARMS,
        "interagency_concern",
    ),
    CriteriaTest.WT2010: (
        "abuse_or_neglect",
        *_DEATH,
        "abuse_or_neglect_factor_in_death",
        *_HARMS,
        "interagency_concern",
    ),
    CriteriaTest.WT2006: (
        "abuse_or_neglect",
        *_DEATH,
        "abuse_or_neglect_factor_in_death",
        *_HARMS,
        "interagency_concern",
        "parent_murdered_homicide_review",
        "parent_killed_domestic_violence",
        "indicators",
    ),
}


def asked(test: CriteriaTest) -> tuple[str, ...]:
    """The facts a test reads, which are the facts its form asks."""
    return ASKED[CriteriaTest(test)]


def starting_facts(harm_type: str, test: CriteriaTest) -> dict[str, Any]:
    """The facts the referral already gives, to start the form from.

    A referral says whether the child died or was seriously harmed (its harm type: ``death``,
    ``serious-harm`` or ``other``); whatever the test asks of that is ticked, and nothing else.
    """
    start = {"child_died": harm_type == "death", "seriously_harmed": harm_type == "serious-harm"}
    return {key: value for key, value in start.items() if value and key in asked(test)}


@dataclass(frozen=True)
class Contradiction:
    """Two facts that cannot both be true, with the message a person reads beside ``field``."""

    field: str
    message: str


def contradictions(facts: Facts) -> tuple[Contradiction, ...]:
    """The facts that contradict each other; empty when they agree.

    - "a factor in the death" needs a death: a child who has not died has no death for abuse
      or neglect to be a factor in;
    - "a factor in the death" needs abuse or neglect known or suspected ("neither" with "a
      factor in the death" says both that there is none and that it caused the death);
    - a death by suicide is a death: tick "the child has died" too.
    """
    found = []
    if facts.abuse_or_neglect_factor_in_death and not facts.child_died:
        found.append(
            Contradiction(
                "abuse_or_neglect_factor_in_death",
                "Abuse or neglect can be a factor in the death only if the child has died: "
                "tick 'The child has died', or untick the factor in the death.",
            )
        )
    if facts.abuse_or_neglect_factor_in_death and not _abuse_or_neglect(facts):
        found.append(
            Contradiction(
                "abuse_or_neglect",
                "You chose 'Neither' but also said abuse or neglect was a factor in the death: "
                "choose 'Known' or 'Suspected', or untick the factor in the death.",
            )
        )
    if facts.death_by_suicide and not facts.child_died:
        found.append(
            Contradiction(
                "death_by_suicide",
                "A death by suicide is a death: tick 'The child has died' too, or untick suicide.",
            )
        )
    return tuple(found)


def departs_from_criteria(outcome: Outcome, recommends_review: bool) -> bool:
    """Whether a recommendation departs from the criteria result, so reasons are required.

    ``recommends_review`` is True when a serious case review is recommended (an alternative
    review or no further action is False). A "must" or "met" with no review departs, and so
    does a review where the criteria are not met: 004 §12 holds a full review then only as an
    exception (significant new learning, high public interest) that needs its reasons. A
    "consider" leaves the choice to the board, so neither answer departs from it.
    """
    outcome = Outcome(outcome)
    if outcome in (Outcome.MUST, Outcome.MET):
        return not recommends_review
    if outcome is Outcome.NOT_MET:
        return recommends_review
    return False
