"""Finding the key's names: forms, possessives, sharing, ordinary words, and properties."""

from __future__ import annotations

import io
import re

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casereview.anonymisation.anonymise import Anonymiser
from casereview.anonymisation.edits import apply_edits
from casereview.anonymisation.keyref import parse_key_csv
from casereview.anonymisation.matching import NameMatcher
from casereview.anonymisation.tests.fixtures import KEY_CSV

KEY = parse_key_csv(KEY_CSV)
MATCHER = NameMatcher(KEY)


def replace(text: str, matcher: NameMatcher = MATCHER) -> str:
    return apply_edits(text, matcher.find(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tobias Quenby was seen.", "Child A was seen."),
        ("TOBIAS QUENBY was seen.", "Child A was seen."),
        ("tobias quenby was seen.", "Child A was seen."),
        ("Tobias's coat; Tobias' coat", "Child A's coat; Child A's coat"),
        ("Tobias\u2019s coat", "Child A\u2019s coat"),
        ("Marnie spoke to Toby Q and Tobes.", "Mother spoke to Child A and Child A."),
        ("Marnie Quenby's flat", "Mother's flat"),
        ("Ms Quenby and Mr Quenby", "Ms [family name] and Mr [family name]"),
        ("the Quenbys agreed", "the [family name]s agreed"),
        ("Harlan  Vexley\nand Vexley", "Lodger\nand Lodger"),
        ("Tobias\u00a0Quenby", "Child A"),
        (
            "Ruth Stone and Ms Stone and STONE",
            "Social Worker 1 and Ms Social Worker 1 and Social Worker 1",
        ),
        ("a stone wall and Dean's brother", "a stone wall and Father's brother"),
        ("the dean of the college", "the dean of the college"),
        ("Larkfield Children's Centre and Larkfield Centre", "Centre 1 and Centre 1"),
        ("Tobiasson and Quenbyville", "Tobiasson and Quenbyville"),
        ("Children's Centre staff", "Children's Centre staff"),
    ],
)
def test_names_are_replaced_by_labels_in_every_form(text, expected):
    assert replace(text) == expected


def test_the_longest_match_wins():
    edits = MATCHER.find("Tobias Quenby")
    assert [(e.source, e.label) for e in edits] == [("Tobias Quenby", "Child A")]


def test_a_shared_surname_alone_becomes_family_name_and_reports_the_surname():
    edits = MATCHER.find("Mrs Quenby")
    assert [(e.source, e.label) for e in edits] == [("Quenby", "[family name]")]


def test_only_the_chosen_categories_are_replaced():
    family_only = NameMatcher(KEY, ["family"])
    assert replace("Ruth Stone met Marnie.", family_only) == "Ruth Stone met Mother."


def test_a_surname_shared_with_another_category_still_becomes_family_name():
    key = parse_key_csv(
        "name,label,category,aliases\n"
        "Amos Pellow,Child A,family,\n"
        "Joan Pellow,Nurse 1,professional,\n"
    )
    assert replace("Ms Pellow", NameMatcher(key, ["family"])) == "Ms [family name]"


# Names made of words that are not ordinary English words: never left, whatever their case.
UNORDINARY = ["Tobias Quenby", "Marnie Quenby", "Harlan Vexley", "Priya Halloway", "Tobes"]
NAMES = [*UNORDINARY, "Tobias", "Quenby", "Vexley", "Halloway", "Marnie", "Priya", "Harlan"]


@st.composite
def name_in_text(draw):
    name = draw(st.sampled_from(NAMES))
    cases = draw(st.lists(st.booleans(), min_size=len(name), max_size=len(name)))
    cased = "".join(c.upper() if up else c.lower() for c, up in zip(name, cases, strict=True))
    possessive = draw(st.sampled_from(["", "'s", "\u2019s", "'"]))
    before = draw(st.sampled_from([" ", "(", '"', "\u201c", "-", "\n", "\u2014", "[", "/"]))
    after = draw(st.sampled_from([" ", ".", ",", ")", "!", "?", ";", ":", "\u201d", "-", "\n"]))
    return name, f"Seen by{before}{cased}{possessive}{after}today."


def survivors(name: str, text: str) -> list[str]:
    found = []
    for word in name.split():
        if re.search(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", text, re.IGNORECASE):
            found.append(word)
    return found


@given(name_in_text())
def test_a_key_name_never_survives_in_text(case):
    name, text = case
    assert survivors(name, replace(text)) == []


@st.composite
def split_into_runs(draw):
    name, text = draw(name_in_text())
    cuts = sorted(draw(st.sets(st.integers(1, len(text) - 1), max_size=4)))
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    return name, pieces


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(split_into_runs())
def test_a_key_name_split_across_runs_never_survives(case):
    name, pieces = case
    document = docx.Document()
    paragraph = document.add_paragraph()
    for index, piece in enumerate(pieces):
        run = paragraph.add_run(piece)
        run.bold = index % 2 == 0
    buffer = io.BytesIO()
    document.save(buffer)
    out, _ = Anonymiser(KEY).anonymise_docx(buffer.getvalue())
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(out)).paragraphs)
    assert survivors(name, text) == []
    assert "Seen by" in text


def test_each_half_of_a_double_barrelled_surname_is_replaced():
    key = parse_key_csv(
        "name,label,category,aliases\nSorrel Ainsworth-Pike,Nurse 1,professional,\n"
    )
    matcher = NameMatcher(key)
    assert replace("Ms Ainsworth-Pike, Ms Pike and AINSWORTH", matcher) == (
        "Ms Nurse 1, Ms Nurse 1 and Nurse 1"
    )
    assert replace("a pike in the river", matcher) == "a pike in the river"
