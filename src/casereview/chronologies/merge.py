"""Merge the agencies' chronologies into one, and find its gaps and its discrepancies.

The administrator's integrated chronology (003 §3.1, DOMAIN.md 2.7) puts every agency's rows in
date order, each tagged with its agency, so the panel can see periods nobody was in contact and
places where agencies tell the same contact differently. Order, gaps and discrepancies follow
../shared/CONTRACTS.md exactly; this module adds only the measure of "similar words".

Similar words: the Jaccard index of the two rows' content-word stems, after dropping stop words
and every word that names an agency (those already decided the pairing). Tuned on the sample
chronologies and on the cases in tests/test_merge.py: the samples' school/social-care pair scores
0.33, unrelated contacts between the same agencies score under 0.15.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from casereview.chronologies.checks import Problem, check_chronology
from casereview.chronologies.dates import format_date, straighten, today_in_uk
from casereview.chronologies.proforma import COLUMNS, TEXT_COLUMNS, Chronology, Row

DEFAULT_GAP_DAYS = 90
DEFAULT_WINDOW_DAYS = 14
SIMILARITY_THRESHOLD = 0.25
MIN_SHARED_WORDS = 3

# The usual words for each agency type (CONTRACTS lists the first ones; "likewise" the rest).
# A police "officer" is not a probation, housing or education welfare officer.
AGENCY_WORDS: dict[str, tuple[str, ...]] = {
    "police": (
        r"police",
        r"(?<!probation )(?<!housing )(?<!welfare )(?<!attendance )(?<!support )officers?",
        r"ppns?",
        r"constabulary",
    ),
    "social care": (
        r"social\s+care",
        r"mash",
        r"front\s+door",
        r"edt",
        r"social\s+workers?",
        r"children'?s\s+services",
        r"social\s+services",
        r"csc",
    ),
    "health": (
        r"health\s+visit(?:or|ors|ing)",
        r"gps?",
        r"hospitals?",
        r"paediatric\w*",
        r"nurses?",
        r"nhs",
        r"midwi(?:fe|ves|fery)",
        r"a\s*&\s*e",
        r"doctors?",
    ),
    "education": (
        r"schools?",
        r"nurser(?:y|ies)",
        r"(?:head\s*)?teachers?",
        r"dsl",
        r"designated\s+safeguarding\s+lead",
        r"college",
    ),
    "probation": (r"probation", r"offender\s+manager"),
    "housing": (r"housing", r"landlord", r"tenancy"),
    "CAMHS": (r"camhs", r"child\s+and\s+adolescent\s+mental\s+health"),
}

# An agency's type from its name: the first pattern that matches, most specific first.
_TYPE_FROM_NAME: tuple[tuple[str, str], ...] = (
    ("CAMHS", r"camhs|child and adolescent mental health"),
    ("police", r"police|constabulary"),
    ("probation", r"probation|rehabilitation"),
    ("housing", r"housing|homes\b|tenancy"),
    ("health", r"school nurs|health visit"),
    (
        "social care",
        r"social care|children'?s services|social services|social work|\bmash\b"
        r"|early help|local authority|\bcsc\b",
    ),
    ("education", r"school|academy|college|nursery|education|\bprimary\b|secondary"),
    ("health", r"health|\bnhs\b|\bgp\b|hospital|surgery|medical|practice|clinic|midwi|ambulance"),
)

_STOP_WORDS = frozenset(
    {
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "s",
        "t",
        "re",
        "ve",
        "ll",
        "d",
        "m",
        "child",
        "children",
    }
)
_SYNONYMS = {
    "mum": "mother",
    "mummy": "mother",
    "mom": "mother",
    "dad": "father",
    "daddy": "father",
    "rang": "phone",
    "telephoned": "phone",
    "telephone": "phone",
    "phoned": "phone",
}
_TOKEN = re.compile(r"[a-z]+")
_SUFFIXES = ("ings", "ing", "edly", "ed", "es", "s", "ly", "e")


@dataclass(frozen=True, slots=True)
class MergedRow:
    """One row of the merged chronology: its agency, source file and row, and its problems."""

    date: date | None
    agency: str
    file: str
    file_index: int
    row: Row
    problems: tuple[Problem, ...]

    @property
    def number(self) -> int:
        """The row's number in its agency's file."""
        return self.row.number

    @property
    def codes(self) -> list[str]:
        """The codes of the row's problems, in order."""
        return [problem.code for problem in self.problems]


@dataclass(frozen=True, slots=True)
class Gap:
    """Consecutive dated rows more than the gap apart: nobody recorded contact in between."""

    start: date
    end: date
    days: int


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """Two agencies' rows that describe the same contact but give different dates."""

    a: MergedRow
    b: MergedRow
    days_apart: int
    reason: str
    similarity: float


@dataclass(frozen=True, slots=True)
class Merged:
    """The merged chronology: rows in order, gaps and discrepancies."""

    rows: tuple[MergedRow, ...]
    gaps: tuple[Gap, ...]
    discrepancies: tuple[Discrepancy, ...]
    gap_days: int = DEFAULT_GAP_DAYS
    window_days: int = DEFAULT_WINDOW_DAYS


def merge(
    chronologies: Sequence[Chronology],
    gap_days: int = DEFAULT_GAP_DAYS,
    window_days: int = DEFAULT_WINDOW_DAYS,
    *,
    today: date | None = None,
    problems: Sequence[Sequence[Problem]] | None = None,
) -> Merged:
    """Merge chronologies given in command-line order into one ordered, checked chronology.

    ``problems`` are the per-file results of check_chronology when the caller already has them;
    otherwise they are found here against ``today`` (default: today in the UK).
    """
    if problems is None:
        on = today or today_in_uk()
        problems = [check_chronology(chron, on) for chron in chronologies]
    rows = order_rows(_merged_rows(chronologies, problems))
    dated = [row for row in rows if row.date is not None]
    return Merged(
        rows=tuple(rows),
        gaps=tuple(find_gaps(dated, gap_days)),
        discrepancies=tuple(find_discrepancies(dated, chronologies, window_days)),
        gap_days=gap_days,
        window_days=window_days,
    )


def _merged_rows(
    chronologies: Sequence[Chronology], problems: Sequence[Sequence[Problem]]
) -> Iterable[MergedRow]:
    """Every row of every file, tagged with its agency and carrying its own problems."""
    for index, (chron, found) in enumerate(zip(chronologies, problems, strict=True)):
        by_row: dict[int, list[Problem]] = {}
        for problem in found:
            by_row.setdefault(problem.row, []).append(problem)
        for row in chron.rows:
            yield MergedRow(
                row.date.value,
                chron.agency,
                chron.file,
                index,
                row,
                tuple(by_row.get(row.number, ())),
            )


def order_rows(rows: Iterable[MergedRow]) -> list[MergedRow]:
    """Dated rows by date, then file order, then row; then undated rows in file order.

    A row's date is its readable single date: a time of day's date, a range's first date, an
    estimate's date (CONTRACTS).
    """
    dated: list[MergedRow] = []
    undated: list[MergedRow] = []
    for row in rows:
        (dated if row.date is not None else undated).append(row)
    dated.sort(key=lambda r: (r.date, r.file_index, r.row.number))
    undated.sort(key=lambda r: (r.file_index, r.row.number))
    return dated + undated


def find_gaps(dated: Sequence[MergedRow], gap_days: int) -> list[Gap]:
    """Consecutive dated rows (any agency) more than ``gap_days`` apart."""
    gaps: list[Gap] = []
    for before, after in itertools.pairwise(dated):
        days = (after.date - before.date).days  # type: ignore[operator]
        if days > gap_days:
            gaps.append(Gap(before.date, after.date, days))
    return gaps


# -- discrepancies ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Mentions:
    """What one row says about other agencies: the agencies it names and the words it used."""

    agencies: frozenset[int]
    words: dict[int, list[str]]


class _AgencyIndex:
    """Recognises mentions of the merged agencies in a row's text, with one regex pass."""

    def __init__(self, chronologies: Sequence[Chronology]) -> None:
        names = list(dict.fromkeys(chron.agency for chron in chronologies))
        self.names = names
        self.agency_of_file = [names.index(chron.agency) for chron in chronologies]
        self.types = [agency_type(name) for name in names]
        alternatives: list[str] = []
        self._targets: list[frozenset[int]] = []
        for name_index, name in enumerate(names):
            pattern = r"\s+".join(re.escape(part) for part in straighten(name).casefold().split())
            if pattern:
                alternatives.append(pattern)
                self._targets.append(frozenset({name_index}))
        for kind, words in AGENCY_WORDS.items():
            of_kind = frozenset(i for i, t in enumerate(self.types) if t == kind)
            for word in words:
                alternatives.append(word)
                self._targets.append(of_kind)
        groups = "|".join(f"(?P<g{i}>{alt})" for i, alt in enumerate(alternatives))
        self._pattern = re.compile(rf"(?<![\w&])(?:{groups})(?![\w&])")
        self._stripper = self._pattern

    def mentions(self, text: str, own: int) -> _Mentions | None:
        """The other agencies a row's text mentions (by name or type words), or None."""
        found: set[int] = set()
        words: dict[int, list[str]] = {}
        for match in self._pattern.finditer(text):
            targets = self._targets[int(match.lastgroup[1:])]  # type: ignore[index]
            for target in targets:
                if target != own:
                    found.add(target)
                    said = words.setdefault(target, [])
                    if match.group(0) not in said:
                        said.append(match.group(0))
        if not found:
            return None
        return _Mentions(frozenset(found), words)

    def strip(self, text: str) -> str:
        """The text without its agency names and type words (they decided the pairing)."""
        return self._stripper.sub(" ", text)


def agency_type(name: str) -> str | None:
    """The agency's type (police, social care, health, ...) inferred from its name."""
    lowered = straighten(name).casefold()
    for kind, pattern in _TYPE_FROM_NAME:
        if re.search(pattern, lowered):
            return kind
    return None


def find_discrepancies(
    dated: Sequence[MergedRow], chronologies: Sequence[Chronology], window_days: int
) -> list[Discrepancy]:
    """Pairs of rows of different agencies that each mention the other and describe the same
    contact in similar words, 1 to ``window_days`` days apart; each row in at most one pair, the
    closest."""
    index = _AgencyIndex(chronologies)
    mentioning: list[tuple[MergedRow, int, _Mentions, str]] = []
    for row in dated:
        own = index.agency_of_file[row.file_index]
        text = _lower_text(row.row, COLUMNS[1:])
        found = index.mentions(text, own)
        if found is not None:
            mentioning.append((row, own, found, text))
    # Bucket by (agency, agency it mentions): a row only meets rows that mention it back.
    buckets: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for position, (row, own, found, _) in enumerate(mentioning):
        for other in found.agencies:
            buckets.setdefault((own, other), []).append((row.date.toordinal(), position))  # type: ignore[union-attr]
    for bucket in buckets.values():
        bucket.sort()
    stems: dict[int, frozenset[str]] = {}
    candidates: list[tuple[int, float, int, int, frozenset[str]]] = []
    for position, (row, own, found, _) in enumerate(mentioning):
        for other in found.agencies:
            if other < own:
                continue  # each pair of agencies is looked at once, from the lower index
            partners = buckets.get((other, own))
            if not partners:
                continue
            mine = stems.get(position)
            if mine is None:
                mine = stems[position] = _stems(index, row.row)
            kept = 0
            for days, partner in _nearest(partners, row.date.toordinal(), window_days):  # type: ignore[union-attr]
                theirs = stems.get(partner)
                if theirs is None:
                    theirs = stems[partner] = _stems(index, mentioning[partner][0].row)
                shared = mine & theirs
                if len(shared) < MIN_SHARED_WORDS:
                    continue
                score = len(shared) / len(mine | theirs)
                if score >= SIMILARITY_THRESHOLD:
                    candidates.append((days, -score, position, partner, shared))
                    kept += 1
                    if kept >= _NEAREST_KEPT:
                        break
    return _closest_pairs(candidates, mentioning, index)


# Each row keeps its nearest few similar partners: the closest pair is among them unless every
# one is claimed by a closer pair, which only happens in pathologically dense chronologies.
_NEAREST_KEPT = 16


def _nearest(
    partners: list[tuple[int, int]], day: int, window_days: int
) -> Iterable[tuple[int, int]]:
    """Bucket entries 1 to ``window_days`` days from ``day``, nearest first (same day skipped:
    agreement, not discrepancy)."""
    right = bisect.bisect_right(partners, (day, 1 << 62))
    left = bisect.bisect_left(partners, (day, -1)) - 1
    size = len(partners)
    while True:
        right_days = partners[right][0] - day if right < size else window_days + 1
        left_days = day - partners[left][0] if left >= 0 else window_days + 1
        if right_days <= left_days:
            if right_days > window_days:
                return
            yield right_days, partners[right][1]
            right += 1
        else:
            if left_days > window_days:
                return
            yield left_days, partners[left][1]
            left -= 1


def _closest_pairs(
    candidates: list[tuple[int, float, int, int, frozenset[str]]],
    mentioning: list[tuple[MergedRow, int, _Mentions, str]],
    index: _AgencyIndex,
) -> list[Discrepancy]:
    """Greedy pairing, closest in days first (then most similar): each row in one pair at most."""
    candidates.sort(key=lambda c: (c[0], c[1], min(c[2], c[3]), max(c[2], c[3])))
    used: set[int] = set()
    pairs: list[Discrepancy] = []
    for days, negative_score, first, second, shared in candidates:
        if first in used or second in used:
            continue
        used.update((first, second))
        a, b = sorted((first, second), key=lambda p: _merged_position(mentioning[p][0]))
        pairs.append(
            Discrepancy(
                mentioning[a][0],
                mentioning[b][0],
                days,
                _reason(mentioning[a], mentioning[b], shared, -negative_score, index),
                round(-negative_score, 3),
            )
        )
    pairs.sort(key=lambda d: (d.a.date, d.a.file_index, d.a.number))
    return pairs


def _merged_position(row: MergedRow) -> tuple[object, ...]:
    """Sort key of a row in the merged order (the earlier row is ``a``)."""
    return (row.date, row.file_index, row.row.number)


def _reason(
    a: tuple[MergedRow, int, _Mentions, str],
    b: tuple[MergedRow, int, _Mentions, str],
    shared: frozenset[str],
    score: float,
    index: _AgencyIndex,
) -> str:
    """Why the two rows were paired, in a sentence the panel can check."""
    row_a, own_a, mentions_a, _ = a
    row_b, own_b, mentions_b, _ = b
    said_a = ", ".join(f'"{w}"' for w in mentions_a.words.get(own_b, [])[:3])
    said_b = ", ".join(f'"{w}"' for w in mentions_b.words.get(own_a, [])[:3])
    words = ", ".join(_shown_words(row_a.row, shared)[:8])
    days = abs((row_b.date - row_a.date).days)  # type: ignore[operator]
    return (
        f"{row_a.agency} row {row_a.number} ({format_date(row_a.date)}) mentions {row_b.agency}"  # type: ignore[arg-type]
        f" ({said_a}) and {row_b.agency} row {row_b.number} ({format_date(row_b.date)})"  # type: ignore[arg-type]
        f" mentions {row_a.agency} ({said_b}). Both describe a contact in similar words"
        f" ({words}; {round(score * 100)}% of their words in common) but their dates are"
        f" {days} day{'s' if days != 1 else ''} apart: check which date is right."
    )


def _lower_text(row: Row, keys: Iterable[str]) -> str:
    """The row's cells joined, in plain quotes and lower case, for matching."""
    parts = [row.cells.get(key, "") for key in keys]
    parts.extend(row.extra.values())
    return straighten(" \n ".join(part for part in parts if part)).casefold()


def _stems(index: _AgencyIndex, row: Row) -> frozenset[str]:
    """The row's narrative content words, stemmed, without stop words or agency words."""
    text = index.strip(_lower_text(row, TEXT_COLUMNS)).replace("'s", " ")
    return frozenset(
        stem(word) for word in _TOKEN.findall(text) if word not in _STOP_WORDS and len(word) > 1
    )


def stem(word: str) -> str:
    """A light English stemmer: enough to match "shouted", "shouts" and "shouting"."""
    word = _SYNONYMS.get(word, word)
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith("ss"):
                continue
            word = word[: -len(suffix)]
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return _SYNONYMS.get(word, word)


def _shown_words(row: Row, shared: frozenset[str]) -> list[str]:
    """The shared stems as the first row wrote them, in the order it wrote them."""
    shown: list[str] = []
    seen: set[str] = set()
    text = _lower_text(row, TEXT_COLUMNS).replace("'s", " ")
    for word in _TOKEN.findall(text):
        key = stem(word)
        if key in shared and key not in seen:
            seen.add(key)
            shown.append(f'"{word}"')
    return shown


def merged_as_json(merged: Merged) -> dict[str, object]:
    """The merged chronology in the shape of ``casereview chronology merge --json``."""
    return {
        "rows": [
            {
                "date": row.date.isoformat() if row.date else None,
                "agency": row.agency,
                "file": row.file,
                "row": row.number,
                "date_text": row.row.date_text,
                **{key: row.row.cells.get(key, "") for key in COLUMNS[1:]},
                "problems": row.codes,
            }
            for row in merged.rows
        ],
        "gaps": [
            {"from": gap.start.isoformat(), "to": gap.end.isoformat(), "days": gap.days}
            for gap in merged.gaps
        ],
        "discrepancies": [
            {
                "a": _row_reference(pair.a),
                "b": _row_reference(pair.b),
                "days_apart": pair.days_apart,
                "reason": pair.reason,
            }
            for pair in merged.discrepancies
        ],
    }


def _row_reference(row: MergedRow) -> dict[str, object]:
    return {
        "file": row.file,
        "row": row.number,
        "date": row.date.isoformat() if row.date else None,
    }
