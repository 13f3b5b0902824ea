"""The key reference: each person and place of a review with its stable label (DOMAIN.md 2.8).

Reads and writes the key reference CSV of CONTRACTS.md ("Key reference CSV") and suggests labels
such as "Social Worker 1" or "Sibling 2" that stay stable as people are added.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

REQUIRED_COLUMNS = ("name", "label", "category", "aliases")
OPTIONAL_COLUMNS = ("dob", "sex", "deceased", "subject", "household", "agency", "role")
CATEGORIES = ("family", "professional", "place", "other")
# People have first names and surnames to match alone; places are matched only as a whole.
PEOPLE_CATEGORIES = frozenset({"family", "professional", "other"})
SEXES = ("m", "f", "u")
_YES_NO = {"yes": True, "no": False, "": False}
# ISSUE 7: 20,000 rows made the genogram page take 6.5 s and weigh 10 MB. A family, its
# professionals and places run to tens or a few hundred; 2,000 leaves room for the largest
# reviews while the pages and the genogram stay quick (benchmarks/chronology_limits.py).
MAX_ENTRIES = 2_000


def too_many_entries(where: str = "") -> str:
    """The message for a key reference beyond MAX_ENTRIES (``where``: the row that crossed it)."""
    at = f" ({where} would be entry {MAX_ENTRIES + 1:,})" if where else ""
    return (
        f"a key reference can have at most {MAX_ENTRIES:,} people and places{at}; split the"
        " people who are not part of this review into a key of their own"
    )


class KeyReferenceError(ValueError):
    """The key reference cannot be used: the message names the row and the column."""


@dataclass(frozen=True)
class KeyEntry:
    """One person or place of the review and the label that stands for it."""

    name: str
    label: str
    category: str
    aliases: tuple[str, ...] = ()
    dob: str = ""
    sex: str = "u"
    deceased: bool = False
    subject: bool = False
    household: bool = False
    agency: str = ""
    role: str = ""

    @property
    def is_person(self) -> bool:
        """Whether the entry is a person (whose name parts are matched alone)."""
        return self.category in PEOPLE_CATEGORIES


@dataclass(frozen=True)
class KeyReference:
    """The entries of a key reference, with look-ups by label and by name."""

    entries: tuple[KeyEntry, ...] = ()
    _by_label: dict[str, KeyEntry] = field(init=False, repr=False, compare=False)
    _by_name: dict[str, KeyEntry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_label = {entry.label.casefold(): entry for entry in self.entries}
        by_name: dict[str, KeyEntry] = {}
        for entry in self.entries:
            for name in (entry.name, *entry.aliases):
                by_name.setdefault(_fold(name), entry)
        object.__setattr__(self, "_by_label", by_label)
        object.__setattr__(self, "_by_name", by_name)

    def __iter__(self) -> Iterator[KeyEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def labels(self) -> tuple[str, ...]:
        """Every label, in key order."""
        return tuple(entry.label for entry in self.entries)

    def by_label(self, label: str) -> KeyEntry | None:
        """The entry with this label (case-insensitive), if any."""
        return self._by_label.get(label.strip().casefold())

    def by_name(self, name: str) -> KeyEntry | None:
        """The entry with this full name or alias (case- and space-insensitive), if any."""
        return self._by_name.get(_fold(name))

    def find(self, text: str) -> KeyEntry | None:
        """The entry a label, a name or an alias refers to, label first."""
        return self.by_label(text) or self.by_name(text)

    def of_categories(self, categories: Iterable[str]) -> KeyReference:
        """A key reference holding only the entries of these categories."""
        wanted = set(categories)
        return KeyReference(tuple(e for e in self.entries if e.category in wanted))


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def read_key_csv(path: str | Path) -> KeyReference:
    """Read and validate a key reference CSV file."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise KeyReferenceError(f"cannot read the key reference: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise KeyReferenceError("cannot read the key reference: it is not UTF-8 text") from exc
    return parse_key_csv(text)


def parse_key_csv(text: str) -> KeyReference:
    """Parse and validate the text of a key reference CSV."""
    reader = csv.DictReader(io.StringIO(text))
    columns = [(c or "").strip() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise KeyReferenceError(f"key reference: missing column {', '.join(missing)}")
    reader.fieldnames = columns
    entries: list[KeyEntry] = []
    seen_labels: dict[str, int] = {}
    try:
        for row_number, row in enumerate(reader, start=2):
            if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
                continue
            if len(entries) == MAX_ENTRIES:  # stop reading at the bound
                raise KeyReferenceError(
                    "key reference: " + too_many_entries(f"row {row_number:,} of the file")
                )
            entry = _entry_from_row(row, row_number)
            earlier = seen_labels.setdefault(entry.label.casefold(), row_number)
            if earlier != row_number:
                raise KeyReferenceError(
                    f"key reference row {row_number}, column label: "
                    f"{entry.label!r} is already the label of row {earlier}"
                )
            entries.append(entry)
    except csv.Error as exc:
        raise KeyReferenceError(f"key reference: not a readable CSV file ({exc})") from exc
    return KeyReference(tuple(entries))


def _entry_from_row(row: dict[str, str | None], row_number: int) -> KeyEntry:
    def value(column: str) -> str:
        raw = row.get(column)
        return " ".join(raw.split()) if isinstance(raw, str) else ""

    def fail(column: str, message: str) -> KeyReferenceError:
        return KeyReferenceError(f"key reference row {row_number}, column {column}: {message}")

    for column in ("name", "label"):
        if not value(column):
            raise fail(column, "is empty")
    category = value("category").lower()
    if category not in CATEGORIES:
        raise fail("category", f"{value('category')!r} is not one of {', '.join(CATEGORIES)}")
    sex = value("sex").lower() or "u"
    if sex not in SEXES:
        raise fail("sex", f"{value('sex')!r} is not one of m, f, u")
    flags = {}
    for column in ("deceased", "subject", "household"):
        flag = value(column).lower()
        if flag not in _YES_NO:
            raise fail(column, f"{value(column)!r} is not yes or no")
        flags[column] = _YES_NO[flag]
    aliases = tuple(a for a in (" ".join(p.split()) for p in value("aliases").split(";")) if a)
    return KeyEntry(
        name=value("name"),
        label=value("label"),
        category=category,
        aliases=aliases,
        dob=value("dob"),
        sex=sex,
        agency=value("agency"),
        role=value("role"),
        **flags,
    )


def write_key_csv(key: KeyReference, path: str | Path) -> None:
    """Write a key reference CSV with every column, readable by read_key_csv."""
    Path(path).write_text(format_key_csv(key), encoding="utf-8", newline="")


def format_key_csv(key: KeyReference) -> str:
    """The text of a key reference CSV with every column."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
    for e in key:
        yes_no = ["yes" if flag else "no" for flag in (e.deceased, e.subject, e.household)]
        aliases = ";".join(e.aliases)
        writer.writerow(
            [e.name, e.label, e.category, aliases, e.dob, e.sex, *yes_no, e.agency, e.role]
        )
    return out.getvalue()


_DEFAULT_STEM = {"family": "Family member", "professional": "Professional", "place": "Place"}
_CHILD_WORDS = frozenset({"child", "subject", "subject child"})
_UNNUMBERED_ROLES = frozenset(
    {"mother", "father", "stepfather", "step-father", "stepmother", "step-mother"}
)


def suggest_label(
    category: str,
    existing_labels: Iterable[str],
    role: str | None = None,
    relationship: str | None = None,
) -> str:
    """A new label not among the existing ones: "Child A", "Mother", "Sibling 2", "School 1".

    Children take letters (as in published reviews); mother and father stand alone while free;
    everything else is the role or relationship with the first free number.
    """
    taken = {label.strip().casefold() for label in existing_labels}
    stem = " ".join((relationship or role or "").split())
    if not stem:
        stem = _DEFAULT_STEM.get(category, "Person")
    stem = stem.title() if stem.islower() else stem[0].upper() + stem[1:]
    if stem.casefold() in _CHILD_WORDS:
        for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
            if f"child {letter}".casefold() not in taken:
                return f"Child {letter}"
    number = 1
    if stem.casefold() in _UNNUMBERED_ROLES:
        if stem.casefold() not in taken:
            return stem
        number = 2
    while f"{stem} {number}".casefold() in taken:
        number += 1
    return f"{stem} {number}"
