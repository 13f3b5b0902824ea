"""The family's genogram as an accessible SVG, from the key reference and relations (003 §3.2).

Standard symbols: a square for a male, a circle for a female, a diamond when sex is unknown; a
cross through the deceased; a double outline for the subject child; a dashed line around the
household. Partners are joined by a line (with a double slash when separated), children hang from
their parents' line, siblings without a shared parent are joined above. Generations come from the
parent-of relations. Only labels are written, never names, unless a caller asks otherwise.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from casereview.anonymisation.keyref import KeyEntry, KeyReference

RELATIONS = ("parent-of", "partner-of", "separated-from", "sibling-of")
_PARTNERS = frozenset({"partner-of", "separated-from"})

SYMBOL = 40  # the side of a symbol's box, in SVG units
ROW_HEIGHT = 130  # from one generation's symbols to the next: room for labels and connectors
MARGIN = 30
GAP = 24  # the least space between two labels side by side
UNIT_GAP = 36  # between families in a row
CHAR_WIDTH = 7  # a generous estimate for 12px Arial, so labels never overlap
SVG_NS = "http://www.w3.org/2000/svg"


class GenogramError(ValueError):
    """The relations cannot be drawn: the message names the row and the column."""


@dataclass(frozen=True)
class Relation:
    """``person`` (a label) is ``relation`` of ``other`` (a label)."""

    person: str
    relation: str
    other: str


@dataclass(frozen=True)
class Placement:
    """Where a person's symbol is drawn: the centre of its box, and its generation."""

    label: str
    x: float
    y: float
    generation: int

    @property
    def box(self) -> tuple[float, float, float, float]:
        """The symbol's box: left, top, right, bottom."""
        half = SYMBOL / 2
        return (self.x - half, self.y - half, self.x + half, self.y + half)


@dataclass(frozen=True)
class Layout:
    """The placements of everyone in the genogram and the size of the drawing."""

    placements: dict[str, Placement]
    width: float
    height: float
    rows: tuple[tuple[str, ...], ...]


def read_relations_csv(path: str | Path, key: KeyReference) -> list[Relation]:
    """Read a relations CSV (person,relation,other); people by label or name from the key."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise GenogramError(f"cannot read the relations: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise GenogramError("cannot read the relations: it is not UTF-8 text") from exc
    return parse_relations_csv(text, key)


def parse_relations_csv(text: str, key: KeyReference) -> list[Relation]:
    """Parse and check the text of a relations CSV against the key."""
    reader = csv.DictReader(io.StringIO(text))
    columns = [(c or "").strip() for c in reader.fieldnames or []]
    missing = [c for c in ("person", "relation", "other") if c not in columns]
    if missing:
        raise GenogramError(f"relations: missing column {', '.join(missing)}")
    reader.fieldnames = columns
    relations: list[Relation] = []
    try:
        for row_number, row in enumerate(reader, start=2):
            values = {
                c: " ".join((row.get(c) or "").split()) for c in ("person", "relation", "other")
            }
            if not any(values.values()):
                continue
            relations.append(_relation_from_row(values, row_number, key))
    except csv.Error as exc:
        raise GenogramError(f"relations: not a readable CSV file ({exc})") from exc
    return list(dict.fromkeys(relations))


def _relation_from_row(values: dict[str, str], row_number: int, key: KeyReference) -> Relation:
    def fail(column: str, message: str) -> GenogramError:
        return GenogramError(f"relations row {row_number}, column {column}: {message}")

    relation = values["relation"].lower()
    if relation not in RELATIONS:
        raise fail("relation", f"{values['relation']!r} is not one of {', '.join(RELATIONS)}")
    labels = {}
    for column in ("person", "other"):
        entry = key.find(values[column]) if values[column] else None
        if entry is None:
            raise fail(
                column, f"unknown person {values[column]!r} (not a label or name in the key)"
            )
        labels[column] = entry.label
    if labels["person"] == labels["other"]:
        raise fail("other", "a person cannot be related to themselves")
    return Relation(labels["person"], relation, labels["other"])


def _people(key: KeyReference, relations: Sequence[Relation]) -> list[KeyEntry]:
    """The family members and anyone named in a relation, in key order."""
    named = {r.person for r in relations} | {r.other for r in relations}
    return [e for e in key if e.category == "family" or e.label in named]


def generations(people: Sequence[str], relations: Sequence[Relation]) -> dict[str, int]:
    """Each person's generation: below their parents, level with partners and siblings."""
    generation = dict.fromkeys(people, 0)
    for _ in range(len(people) * 2 + 2):
        changed = False
        for r in relations:
            if r.relation == "parent-of":
                if generation[r.other] < generation[r.person] + 1:
                    generation[r.other] = generation[r.person] + 1
                    changed = True
            elif generation[r.person] != generation[r.other]:
                level = max(generation[r.person], generation[r.other])
                generation[r.person] = generation[r.other] = level
                changed = True
        if not changed:
            return generation
        if max(generation.values(), default=0) > len(people):
            break
    raise GenogramError("relations: the parent-of relations go round in a circle")


def _label_width(label: str) -> float:
    return max(SYMBOL, len(label) * CHAR_WIDTH)


def _partner_units(row: list[str], relations: Sequence[Relation]) -> list[list[str]]:
    """The row split into units of partners (a chain, so each couple stands side by side)."""
    in_row = set(row)
    links: dict[str, list[str]] = defaultdict(list)
    for r in relations:
        if r.relation in _PARTNERS and r.person in in_row and r.other in in_row:
            links[r.person].append(r.other)
            links[r.other].append(r.person)
    units, seen = [], set()
    for person in row:
        if person in seen:
            continue
        component, stack = [], [person]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            component.append(current)
            stack.extend(reversed(links[current]))
        # Start the chain at someone with one partner, so the chain runs end to end.
        ends = [p for p in component if len(links[p]) <= 1]
        start = ends[0] if ends else component[0]
        chain, visited, stack = [], set(), [start]
        while stack:
            current = stack.pop()
            if current in visited:
                continue
            visited.add(current)
            chain.append(current)
            stack.extend(p for p in reversed(links[current]) if p not in visited)
        units.append(chain)
    return units


def layout(key: KeyReference, relations: Sequence[Relation], labels_only: bool = True) -> Layout:
    """Place everyone: a row per generation, couples side by side, children under their parents."""
    people = _people(key, relations)
    text_of = {e.label: (e.label if labels_only else e.name) for e in people}
    order = {e.label: index for index, e in enumerate(people)}
    generation = generations([e.label for e in people], relations)
    parents: dict[str, list[str]] = defaultdict(list)
    for r in relations:
        if r.relation == "parent-of":
            parents[r.other].append(r.person)
    x_of: dict[str, float] = {}
    rows: list[tuple[str, ...]] = []
    depth = max(generation.values(), default=-1) + 1
    for level in range(depth):
        row = sorted((p for p in generation if generation[p] == level), key=order.__getitem__)
        units = _partner_units(row, relations)

        def anchor(unit: list[str]) -> tuple[float, int]:
            placed = [x_of[p] for member in unit for p in parents[member] if p in x_of]
            wanted = sum(placed) / len(placed) if placed else float("inf")
            return wanted, min(order[m] for m in unit)

        units.sort(key=anchor)
        cursor: float = MARGIN
        for unit in units:
            widths = [_label_width(text_of[m]) + GAP for m in unit]
            total = sum(widths)
            wanted, _ = anchor(unit)
            left = max(cursor, wanted - total / 2) if wanted != float("inf") else cursor
            for member, width in zip(unit, widths, strict=True):
                x_of[member] = left + width / 2
                left += width
            cursor = left + UNIT_GAP
        rows.append(tuple(m for unit in units for m in unit))
    _centre_parents_over_children(rows, x_of, parents, text_of)
    placements = {
        p: Placement(p, x_of[p], MARGIN + SYMBOL / 2 + generation[p] * ROW_HEIGHT, generation[p])
        for p in x_of
    }
    width = max((x_of[p] + _label_width(text_of[p]) / 2 for p in x_of), default=0) + MARGIN
    height = MARGIN * 2 + SYMBOL + max(depth - 1, 0) * ROW_HEIGHT + 30
    return Layout(placements, width, height, tuple(rows))


def _centre_parents_over_children(
    rows: list[tuple[str, ...]],
    x_of: dict[str, float],
    parents: dict[str, list[str]],
    text_of: dict[str, str],
) -> None:
    """Move parents right, never past their neighbours, towards the middle of their children."""
    children: dict[str, list[str]] = defaultdict(list)
    for child, its_parents in parents.items():
        for parent in its_parents:
            children[parent].append(child)
    for row in reversed(rows[:-1]):
        for index in range(len(row) - 1, -1, -1):
            person = row[index]
            if not children[person]:
                continue
            wanted = sum(x_of[c] for c in children[person]) / len(children[person])
            if wanted <= x_of[person]:
                continue
            limit = float("inf")
            if index + 1 < len(row):
                neighbour = row[index + 1]
                limit = (
                    x_of[neighbour]
                    - (_label_width(text_of[neighbour]) + _label_width(text_of[person])) / 2
                    - GAP
                )
            x_of[person] = min(wanted, max(limit, x_of[person]))


def render_svg(key: KeyReference, relations: Sequence[Relation], labels_only: bool = True) -> str:
    """The genogram as an SVG document with a title, a description and a text label per symbol."""
    people = {e.label: e for e in _people(key, relations)}
    placed = layout(key, relations, labels_only)
    text_of = {label: (label if labels_only else e.name) for label, e in people.items()}
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "role": "img",
            "aria-labelledby": "genogram-title genogram-desc",
            "width": _n(placed.width),
            "height": _n(placed.height),
            "viewBox": f"0 0 {_n(placed.width)} {_n(placed.height)}",
            "font-family": "Arial, sans-serif",
            "font-size": "12",
        },
    )
    ET.SubElement(svg, "title", {"id": "genogram-title"}).text = "Genogram of the family"
    ET.SubElement(svg, "desc", {"id": "genogram-desc"}).text = describe(
        people.values(), relations, placed, text_of
    )
    _draw_households(ET.SubElement(svg, "g", {"class": "households"}), people, placed, text_of)
    lines = ET.SubElement(svg, "g", {"class": "relationships", "stroke": "black", "fill": "none"})
    _draw_partners(lines, relations, placed)
    _draw_children(lines, relations, placed)
    _draw_siblings(lines, relations, placed)
    group = ET.SubElement(svg, "g", {"class": "people"})
    for label, placement in placed.placements.items():
        _draw_person(group, people[label], placement, text_of[label])
    ET.indent(svg)
    return ET.tostring(svg, encoding="unicode", xml_declaration=True) + "\n"


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _sex_words(entry: KeyEntry) -> str:
    return {"m": "male", "f": "female"}.get(entry.sex, "sex unknown")


def describe(
    people: Iterable[KeyEntry],
    relations: Sequence[Relation],
    placed: Layout,
    text_of: dict[str, str],
) -> str:
    """The genogram in words, for people who cannot see it."""
    people = list(people)
    sentences = [f"Genogram of {len(people)} people over {len(placed.rows)} generations."]
    for entry in people:
        facts = [_sex_words(entry)]
        if entry.subject:
            facts.append("the subject child")
        if entry.deceased:
            facts.append("deceased")
        if entry.household:
            facts.append("in the household")
        sentences.append(f"{text_of[entry.label]}: {', '.join(facts)}.")
    words = {
        "parent-of": "is a parent of",
        "partner-of": "is the partner of",
        "separated-from": "is separated from",
        "sibling-of": "is a sibling of",
    }
    for r in relations:
        sentences.append(f"{text_of[r.person]} {words[r.relation]} {text_of[r.other]}.")
    return " ".join(sentences)


def _shape(
    group: ET.Element, sex: str, x: float, y: float, half: float, attrs: dict[str, str]
) -> None:
    if sex == "m":
        box = {"x": _n(x - half), "y": _n(y - half), "width": _n(2 * half), "height": _n(2 * half)}
        ET.SubElement(group, "rect", {**box, **attrs})
    elif sex == "f":
        ET.SubElement(group, "circle", {"cx": _n(x), "cy": _n(y), "r": _n(half), **attrs})
    else:
        corners = ((x, y - half), (x + half, y), (x, y + half), (x - half, y))
        points = " ".join(f"{_n(cx)},{_n(cy)}" for cx, cy in corners)
        ET.SubElement(group, "polygon", {"points": points, **attrs})


def _draw_person(parent: ET.Element, entry: KeyEntry, at: Placement, text: str) -> None:
    classes = ["person", {"m": "male", "f": "female"}.get(entry.sex, "unknown")]
    classes += [c for c, on in (("subject", entry.subject), ("deceased", entry.deceased)) if on]
    group = ET.SubElement(parent, "g", {"class": " ".join(classes), "data-label": entry.label})
    ET.SubElement(group, "title").text = text
    half = SYMBOL / 2
    style = {"fill": "white", "stroke": "black", "stroke-width": "2"}
    if entry.subject:
        _shape(group, entry.sex, at.x, at.y, half + 5, {**style, "class": "outer-outline"})
    _shape(group, entry.sex, at.x, at.y, half, style)
    if entry.deceased:
        left, top, right, bottom = at.box
        for x1, y1, x2, y2 in ((left, top, right, bottom), (left, bottom, right, top)):
            ET.SubElement(
                group,
                "line",
                {
                    "class": "deceased-cross",
                    "x1": _n(x1),
                    "y1": _n(y1),
                    "x2": _n(x2),
                    "y2": _n(y2),
                    "stroke": "black",
                    "stroke-width": "2",
                },
            )
    label = ET.SubElement(
        group,
        "text",
        {"x": _n(at.x), "y": _n(at.y + half + 20), "text-anchor": "middle"},
    )
    label.text = text


def _draw_households(
    parent: ET.Element, people: dict[str, KeyEntry], placed: Layout, text_of: dict[str, str]
) -> None:
    """A dashed line around each run of household members standing side by side in a row."""
    for row in placed.rows:
        runs: list[list[str]] = []
        for label in row:
            if people[label].household:
                if runs and runs[-1][-1] == row[row.index(label) - 1]:
                    runs[-1].append(label)
                else:
                    runs.append([label])
        for run in runs:
            first, last = placed.placements[run[0]], placed.placements[run[-1]]
            left = first.x - _label_width(text_of[run[0]]) / 2 - 8
            right = last.x + _label_width(text_of[run[-1]]) / 2 + 8
            top = first.y - SYMBOL / 2 - 12
            ET.SubElement(
                parent,
                "rect",
                {
                    "class": "household",
                    "x": _n(left),
                    "y": _n(top),
                    "width": _n(right - left),
                    "height": _n(SYMBOL + 12 + 34),
                    "rx": "10",
                    "fill": "none",
                    "stroke": "black",
                    "stroke-dasharray": "6 4",
                },
            )


def _line(parent: ET.Element, x1: float, y1: float, x2: float, y2: float, cls: str) -> None:
    ET.SubElement(
        parent,
        "line",
        {"class": cls, "x1": _n(x1), "y1": _n(y1), "x2": _n(x2), "y2": _n(y2)},
    )


def _draw_partners(parent: ET.Element, relations: Sequence[Relation], placed: Layout) -> None:
    for r in relations:
        if r.relation not in _PARTNERS:
            continue
        a, b = sorted((placed.placements[r.person], placed.placements[r.other]), key=lambda p: p.x)
        y = a.y if a.y == b.y else max(a.y, b.y)
        _line(parent, a.x + SYMBOL / 2, y, b.x - SYMBOL / 2, y, r.relation)
        if r.relation == "separated-from":
            middle = (a.x + b.x) / 2
            for offset in (-4, 4):
                _line(parent, middle + offset - 5, y + 9, middle + offset + 5, y - 9, "separation")


def _draw_children(parent: ET.Element, relations: Sequence[Relation], placed: Layout) -> None:
    """Children hang from a line below their parents (from the middle of a couple's line)."""
    by_child: dict[str, list[str]] = defaultdict(list)
    for r in relations:
        if r.relation == "parent-of":
            by_child[r.other].append(r.person)
    families: dict[frozenset[str], list[str]] = defaultdict(list)
    for child, its_parents in by_child.items():
        families[frozenset(its_parents)].append(child)
    drawn: list[tuple[float, float, list[Placement]]] = []
    for couple, children in families.items():
        spots = [placed.placements[p] for p in sorted(couple)]
        origin_x = sum(p.x for p in spots) / len(spots)
        # From the middle of a couple's line; from below the label of a parent alone.
        origin_y = spots[0].y if len(spots) > 1 else spots[0].y + SYMBOL / 2 + 28
        drawn.append((origin_x, origin_y, [placed.placements[c] for c in children]))
    level: dict[float, int] = defaultdict(int)
    for origin_x, origin_y, kids in sorted(drawn, key=lambda family: family[0]):
        top = min(k.y for k in kids)
        # Families side by side hang at different heights, so their lines never merge.
        bar_y = top - SYMBOL / 2 - 22 - 10 * (level[top] % 4)
        level[top] += 1
        _line(parent, origin_x, origin_y, origin_x, bar_y, "descent")
        xs = [k.x for k in kids] + [origin_x]
        _line(parent, min(xs), bar_y, max(xs), bar_y, "sibship")
        for kid in kids:
            _line(parent, kid.x, bar_y, kid.x, kid.y - SYMBOL / 2, "child")


def _draw_siblings(parent: ET.Element, relations: Sequence[Relation], placed: Layout) -> None:
    """Siblings with no parent in the genogram are joined by a line above them."""
    parents: dict[str, set[str]] = defaultdict(set)
    for r in relations:
        if r.relation == "parent-of":
            parents[r.other].add(r.person)
    for r in relations:
        if r.relation != "sibling-of" or parents[r.person] & parents[r.other]:
            continue
        a, b = placed.placements[r.person], placed.placements[r.other]
        top = min(a.y, b.y) - SYMBOL / 2 - 14
        _line(parent, a.x, a.y - SYMBOL / 2, a.x, top, "sibling-of")
        _line(parent, a.x, top, b.x, top, "sibling-of")
        _line(parent, b.x, top, b.x, b.y - SYMBOL / 2, "sibling-of")
