"""The genogram: generations, a readable layout, standard symbols, labels only."""

from __future__ import annotations

import itertools

import pytest
from lxml import etree

from casereview.anonymisation.genogram import (
    SYMBOL,
    GenogramError,
    Relation,
    layout,
    parse_relations_csv,
    render_svg,
)
from casereview.anonymisation.keyref import KeyEntry, KeyReference, parse_key_csv

SVG = "{http://www.w3.org/2000/svg}"

KEY = parse_key_csv(
    """\
name,label,category,aliases,dob,sex,deceased,subject,household
Tobias Quenby,Child A,family,,,m,no,yes,yes
Marnie Quenby,Mother,family,,,f,no,no,yes
Dean Quenby,Father,family,,,m,no,no,no
Harlan Vexley,Mother's partner,family,,,m,no,no,yes
Edna Fairweather,Maternal grandmother,family,,,f,yes,no,no
Sky Quenby,Sibling 1,family,,,u,no,no,yes
Ruth Stone,Social Worker 1,professional,,,f,no,no,no
"""
)
RELATIONS_CSV = """\
person,relation,other
Mother,parent-of,Child A
Father,parent-of,Child A
Mother,parent-of,Sibling 1
Father,parent-of,Sibling 1
Mother,separated-from,Father
Marnie Quenby,partner-of,Harlan Vexley
Maternal grandmother,parent-of,Mother
Child A,sibling-of,Sibling 1
"""


def relations():
    return parse_relations_csv(RELATIONS_CSV, KEY)


def people(svg: str) -> dict[str, etree._Element]:
    root = etree.fromstring(svg.encode())
    return {g.get("data-label"): g for g in root.iter(f"{SVG}g") if g.get("data-label")}


def test_relations_are_read_by_label_or_name():
    assert Relation("Mother", "partner-of", "Mother's partner") in relations()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("person,relation\nA,parent-of\n", "missing column other"),
        ("person,relation,other\nMother,cousin-of,Father\n", "row 2, column relation"),
        (
            "person,relation,other\nMother,parent-of,Child A\nNobody,parent-of,Father\n",
            "row 3, column person: unknown person 'Nobody'",
        ),
        ("person,relation,other\nMother,parent-of,Mother\n", "row 2, column other"),
    ],
)
def test_bad_relations_are_refused_with_the_row(text, message):
    with pytest.raises(GenogramError, match=message):
        parse_relations_csv(text, KEY)


def test_a_circle_of_parents_is_refused():
    rels = parse_relations_csv(
        "person,relation,other\nMother,parent-of,Father\nFather,parent-of,Mother\n", KEY
    )
    with pytest.raises(GenogramError, match="circle"):
        layout(KEY, rels)


def test_generations_come_from_parent_of_and_couples_stand_together():
    placed = layout(KEY, relations())
    generation = {label: p.generation for label, p in placed.placements.items()}
    assert generation == {
        "Maternal grandmother": 0,
        "Mother": 1,
        "Father": 1,
        "Mother's partner": 1,
        "Child A": 2,
        "Sibling 1": 2,
    }
    row = placed.rows[1]
    assert abs(row.index("Mother") - row.index("Father")) == 1
    assert abs(row.index("Mother") - row.index("Mother's partner")) == 1


def test_the_svg_parses_is_accessible_and_uses_labels_only():
    svg = render_svg(KEY, relations())
    root = etree.fromstring(svg.encode())
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text
    assert "Child A: male, the subject child" in root.find(f"{SVG}desc").text
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert {"Child A", "Mother", "Father", "Sibling 1", "Maternal grandmother"} <= texts
    for name in ("Tobias", "Quenby", "Marnie", "Dean", "Harlan", "Edna", "Fairweather", "Stone"):
        assert name not in svg
    assert "Social Worker 1" not in svg  # professionals are not family


def test_symbols_follow_sex_deceased_and_subject():
    drawn = people(render_svg(KEY, relations()))
    assert drawn["Father"].find(f"{SVG}rect") is not None
    assert drawn["Mother"].find(f"{SVG}circle") is not None
    assert drawn["Sibling 1"].find(f"{SVG}polygon") is not None
    assert len(drawn["Maternal grandmother"].findall(f"{SVG}line")) == 2  # a cross
    assert not drawn["Mother"].findall(f"{SVG}line")
    assert len(drawn["Child A"].findall(f"{SVG}rect")) == 2  # a double outline
    assert "subject" in drawn["Child A"].get("class")


def test_households_partners_and_separations_are_drawn():
    root = etree.fromstring(render_svg(KEY, relations()).encode())
    classes = [e.get("class") for e in root.iter()]
    assert "household" in classes
    assert "partner-of" in classes
    assert "separated-from" in classes
    assert classes.count("separation") == 2  # the double slash
    assert "sibship" in classes
    household = [e for e in root.iter(f"{SVG}rect") if e.get("class") == "household"]
    assert all(e.get("stroke-dasharray") for e in household)


def big_family() -> tuple[KeyReference, list[Relation]]:
    """Thirty people over four generations: 2 grandparents' couples, 6 parents, 22 children."""
    entries, relations = [], []

    def person(label, sex):
        entries.append(KeyEntry(f"Invented {label}", label, "family", sex=sex))
        return label

    grandparents = [person(f"Grandparent {i}", "mf"[i % 2]) for i in range(1, 5)]
    relations += [Relation(grandparents[0], "partner-of", grandparents[1])]
    relations += [Relation(grandparents[2], "separated-from", grandparents[3])]
    parents = [person(f"Parent {i}", "mf"[i % 2]) for i in range(1, 7)]
    for index, parent in enumerate(parents):
        for grandparent in grandparents[(index % 2) * 2 : (index % 2) * 2 + 2]:
            relations.append(Relation(grandparent, "parent-of", parent))
    for a, b in ((0, 3), (1, 2), (4, 5)):
        relations.append(Relation(parents[a], "partner-of", parents[b]))
    children = [person(f"Child {i}", "mfu"[i % 3]) for i in range(1, 15)]
    for index, child in enumerate(children):
        a, b = ((0, 3), (1, 2), (4, 5))[index % 3]
        relations += [
            Relation(parents[a], "parent-of", child),
            Relation(parents[b], "parent-of", child),
        ]
    grandchildren = [person(f"Grandchild {i}", "fm"[i % 2]) for i in range(1, 7)]
    for index, grandchild in enumerate(grandchildren):
        relations.append(Relation(children[index % 3], "parent-of", grandchild))
    assert len(entries) == 30
    return KeyReference(tuple(entries)), relations


def test_thirty_people_over_four_generations_never_overlap():
    key, rels = big_family()
    placed = layout(key, rels)
    assert len(placed.rows) == 4
    boxes = [p.box for p in placed.placements.values()]
    assert len(boxes) == 30
    for (l1, t1, r1, b1), (l2, t2, r2, b2) in itertools.combinations(boxes, 2):
        assert r1 <= l2 or r2 <= l1 or b1 <= t2 or b2 <= t1
    for p in placed.placements.values():
        left, top, right, bottom = p.box
        assert left >= 0
        assert top >= 0
        assert right <= placed.width
        assert bottom <= placed.height
    svg = render_svg(key, rels)
    etree.fromstring(svg.encode())
    assert "Invented" not in svg


def test_labels_in_a_row_never_overlap():
    key, rels = big_family()
    placed = layout(key, rels)
    for row in placed.rows:
        spans = sorted(
            (
                placed.placements[label].x - max(SYMBOL, len(label) * 7) / 2,
                placed.placements[label].x + max(SYMBOL, len(label) * 7) / 2,
            )
            for label in row
        )
        for (_, right), (left, _) in itertools.pairwise(spans):
            assert right <= left


def test_children_stand_under_their_parents():
    placed = layout(KEY, relations())
    mother, father = placed.placements["Mother"], placed.placements["Father"]
    child = placed.placements["Child A"]
    assert min(mother.x, father.x) - 120 <= child.x <= max(mother.x, father.x) + 120
