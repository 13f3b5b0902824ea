"""Merge the agencies' chronologies into one, and find its gaps and its discrepancies.

The administrator's integrated chronology (003 §3.1, DOMAIN.md 2.7) puts every agency's rows in
date order, each tagged with its agency, so the panel can see periods nobody was in contact and
places where agencies tell the same contact differently. Order, gaps and discrepancies follow
../shared/CONTRACTS.md exactly; this module adds only the measure of "similar words".

Similar words: the Jaccard index of the two rows' narrative content-word stems (a light suffix
stemmer, "mum"/"mummy" as "mother"), after dropping stop words and every word that names an
agency (those already decided the pairing); at least 0.25 and at least three shared stems.
Tuned on the samples and on the cases in tests/test_merge.py: the samples' school/social-care
pair scores 0.30 and a police report retold by social care 0.82, while different contacts
between the same agencies score under 0.1.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from casereview.chronologies.checks import Problem, check_chronology
from casereview.chronologies.dates import format_date, straighten, today_in_uk
from casereview.chronologies.proforma import COLUMNS, Chronology, Row

DEFAULT_GAP_DAYS = 90
DEFAULT_WINDOW_DAYS = 14
SIMILARITY_THRESHOLD = 0.25
MIN_SHARED_WORDS = 3

# The usual words for each agency type (CONTRACTS lists the first ones; "likewise" the rest),
# as lower-case phrases with apostrophes dropped (children's -> childrens).
AGENCY_WORDS: dict[str, tuple[str, ...]] = {
    "police": ("police", "officer", "officers", "ppn", "ppns", "constabulary"),
    "social care": (
        "social care",
        "mash",
        "front door",
        "edt",
        "social worker",
        "social workers",
        "childrens services",
        "social services",
        "csc",
    ),
    "health": (
        "health visitor",
        "health visitors",
        "health visiting",
        "gp",
        "gps",
        "hospital",
        "hospitals",
        "paediatric",
        "paediatrics",
        "paediatrician",
        "paediatricians",
        "nurse",
        "nurses",
        "nhs",
        "midwife",
        "midwives",
        "midwifery",
        "a&e",
        "doctor",
        "doctors",
    ),
    "education": (
        "school",
        "schools",
        "nursery",
        "nurseries",
        "teacher",
        "teachers",
        "head teacher",
        "headteacher",
        "dsl",
        "designated safeguarding lead",
        "college",
    ),
    "probation": ("probation", "offender manager", "probation officer"),
    "housing": ("housing", "landlord", "tenancy", "housing officer"),
    # "adolescent", not "child": a phrase is looked for only where its first word appears.
    "CAMHS": ("camhs", "adolescent mental health"),
}
# A police "officer" is not one of these officers.
_NOT_POLICE_OFFICER = frozenset(
    {"probation", "housing", "welfare", "attendance", "support", "family", "liaison", "youth"}
)

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
# "A&E" is one word, so the phrase does not start at every "a" in the text.
_TOKEN = re.compile(r"a&e\b|[a-z0-9]+")
_A_AND_E = re.compile(r"\ba\s*&\s*e\b")
_SUFFIXES = ("ings", "ing", "edly", "ed", "es", "s", "ly", "e")


class MergedRow(NamedTuple):
    """One row of the merged chronology: its agency, source file and row, and its problems.

    An immutable NamedTuple, cheap to build for every row of every agency.
    """

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
    ordered = sorted(rows, key=_file_order)
    dated = [row for row in ordered if row.date is not None]
    undated = [row for row in ordered if row.date is None]
    # Sorting is stable: rows already in file and row order keep it within each date.
    dated.sort(key=_DATE_OF)
    return dated + undated


_DATE_OF = operator.attrgetter("date")


def _file_order(row: MergedRow) -> tuple[int, int]:
    return (row.file_index, row.row.number)


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
    """The other agencies one row mentions, and the agency phrases found in it."""

    agencies: frozenset[int]
    spans: list[tuple[int, int, tuple[str, ...]]]


class _AgencyIndex:
    """Recognises mentions of the merged agencies in a row's words by phrase lookup.

    A phrase is an agency's name (it mentions that agency) or a type word (it mentions every
    agency of that type); at each word the longest phrase wins, so "Northshire Police" names
    one force rather than all police.
    """

    def __init__(self, chronologies: Sequence[Chronology]) -> None:
        names = list(dict.fromkeys(chron.agency for chron in chronologies))
        self.names = names
        self.agency_of_file = [names.index(chron.agency) for chron in chronologies]
        self.types = [agency_type(name) for name in names]
        self._phrases: dict[tuple[str, ...], frozenset[int]] = {}
        for kind, phrases in AGENCY_WORDS.items():
            of_kind = frozenset(i for i, t in enumerate(self.types) if t == kind)
            for phrase in phrases:
                self._phrases[tuple(_words(phrase))] = of_kind
        for name_index, name in enumerate(names):
            words = tuple(_words(name))
            if words:
                self._phrases[words] = frozenset({name_index})
        self._longest: dict[str, int] = {}
        for words in self._phrases:
            self._longest[words[0]] = max(self._longest.get(words[0], 0), len(words))
        self._starts = frozenset(self._longest)

    def find(self, words: list[str]) -> list[tuple[int, int, tuple[str, ...]]]:
        """The agency phrases in a list of words: (start, end, phrase), left to right."""
        found: list[tuple[int, int, tuple[str, ...]]] = []
        longest = self._longest
        if self._starts.isdisjoint(words):
            return found  # most rows name no agency: one set operation instead of a loop
        phrases = self._phrases
        size = len(words)
        after = 0  # the first word not inside a phrase already found
        for position in [i for i, word in enumerate(words) if word in longest]:
            if position < after:
                continue
            for length in range(min(longest[words[position]], size - position), 0, -1):
                phrase = tuple(words[position : position + length])
                if phrase in phrases:
                    if not _is_other_officer(words, position, phrase):
                        found.append((position, position + length, phrase))
                    after = position + length
                    break
        return found

    def mentions(
        self, spans: Iterable[tuple[int, int, tuple[str, ...]]], own: int
    ) -> _Mentions | None:
        """The other agencies named by a row's agency phrases (from find), or None."""
        phrases = self._phrases
        found: set[int] = set()
        for _, _, phrase in spans:
            found.update(phrases[phrase])
        found.discard(own)
        if not found:
            return None
        return _Mentions(frozenset(found), list(spans))

    def said(self, mentions: _Mentions, target: int) -> list[str]:
        """The phrases by which a row mentions one agency, as found (for the panel's reason)."""
        shown: list[str] = []
        for _, _, phrase in mentions.spans:
            if target in self._phrases[phrase] and (joined := " ".join(phrase)) not in shown:
                shown.append(joined)
        return shown

    @staticmethod
    def content_words(words: list[str], spans: list[tuple[int, int, tuple[str, ...]]]) -> list[str]:
        """The words without the agency phrases found in them (they decided the pairing)."""
        if not spans:
            return words
        kept: list[str] = []
        start = 0
        for first, last, _ in spans:
            kept.extend(words[start:first])
            start = last
        kept.extend(words[start:])
        return kept


def _words(text: str) -> list[str]:
    """Lower-case words, apostrophes dropped so "children's" is "childrens"."""
    if text.isascii():  # the common case needs no straightening of quotes and dashes
        text = text.lower().replace("'", "")
    else:
        text = straighten(text).casefold().replace("'", "")
    if "&" in text:
        text = _A_AND_E.sub("a&e", text)
    return _TOKEN.findall(text)


def _is_other_officer(words: list[str], position: int, phrase: tuple[str, ...]) -> bool:
    """A probation, housing or welfare officer, not a police officer."""
    return (
        phrase[0] in ("officer", "officers")
        and position > 0
        and (words[position - 1] in _NOT_POLICE_OFFICER)
    )


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
    mentioning: list[tuple[MergedRow, int, _Mentions]] = []
    narratives: list[list[str]] = []
    for row in dated:
        own = index.agency_of_file[row.file_index]
        # One pass over all the row's words finds mentions; the narrative's words (before the
        # marker), less the agency words, are what two rows' texts are compared on.
        words = _words(f"{_narrative(row.row)}{_NARRATIVE_END}{_other_text(row.row)}")
        spans = index.find(words)
        found = index.mentions(spans, own) if spans else None
        if found is not None:
            end = words.index(_NARRATIVE_END_WORD)
            mentioning.append((row, own, found))
            narratives.append(index.content_words(words[:end], [s for s in spans if s[1] <= end]))
    # Bucket by (agency, agency it mentions): a row only meets rows that mention it back.
    buckets: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for position, (row, own, found) in enumerate(mentioning):
        for other in found.agencies:
            buckets.setdefault((own, other), []).append((row.date.toordinal(), position))  # type: ignore[union-attr]
    sorted_buckets = {key: _split(sorted(bucket)) for key, bucket in buckets.items()}
    masks = _WordMasks(narratives)
    candidates: list[tuple[int, float, int, int]] = []
    for position, (row, own, found) in enumerate(mentioning):
        day = row.date.toordinal()  # type: ignore[union-attr]
        for other in found.agencies:
            if other < own:
                continue  # each pair of agencies is looked at once, from the lower index
            bucket = sorted_buckets.get((other, own))
            if bucket is not None:
                candidates.extend(_similar_nearby(position, day, bucket, masks.masks, window_days))
    return _closest_pairs(candidates, mentioning, masks, index)


# Each row keeps its nearest few similar partners: the closest pair is among them unless every
# one is claimed by a closer pair, which only happens in pathologically dense chronologies.
_NEAREST_KEPT = 16


def _split(bucket: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """A sorted bucket as its days and its positions (bisect works on the plain days)."""
    return [day for day, _ in bucket], [position for _, position in bucket]


class _WordMasks:
    """Each row's content-word stems, and the same as bits of an int: shared words are
    ``a & b`` counted with int.bit_count, far cheaper than building set intersections."""

    def __init__(self, narratives: list[list[str]]) -> None:
        self._narratives = narratives
        self._stems = [_content_stems(words) for words in narratives]
        bits: dict[str, int] = {}
        self.masks: list[int] = []
        for stems in self._stems:
            mask = 0
            for word in stems:
                bit = bits.get(word)
                if bit is None:
                    bit = bits[word] = 1 << len(bits)
                mask |= bit
            self.masks.append(mask)

    def words(self, position: int) -> list[str]:
        """The row's content words as written (lower case)."""
        return self._narratives[position]

    def stems(self, position: int) -> frozenset[str]:
        """The row's content-word stems, without stop words."""
        return self._stems[position]


def _similar_nearby(
    position: int,
    day: int,
    bucket: tuple[list[int], list[int]],
    masks: list[int],
    window_days: int,
) -> list[tuple[int, float, int, int]]:
    """The rows of a bucket 1 to ``window_days`` days away whose words are similar enough,
    nearest first; same-day rows are agreement, not discrepancy."""
    days, positions = bucket
    low = bisect.bisect_left(days, day - window_days)
    high = bisect.bisect_right(days, day + window_days)
    found: list[tuple[int, float, int, int]] = []
    if low == high:
        return found
    mine = masks[position]
    for k in range(low, high):
        apart = abs(days[k] - day)
        if apart == 0:
            continue
        partner = positions[k]
        theirs = masks[partner]
        common = (mine & theirs).bit_count()
        if common < MIN_SHARED_WORDS:
            continue
        score = common / (mine | theirs).bit_count()
        if score >= SIMILARITY_THRESHOLD:
            found.append((apart, -score, position, partner))
    if len(found) > _NEAREST_KEPT:
        found.sort()
        del found[_NEAREST_KEPT:]
    return found


def _closest_pairs(
    candidates: list[tuple[int, float, int, int]],
    mentioning: list[tuple[MergedRow, int, _Mentions]],
    masks: _WordMasks,
    index: _AgencyIndex,
) -> list[Discrepancy]:
    """Greedy pairing, closest in days first (then most similar): each row in one pair at most."""
    candidates.sort()  # nearest first, then most similar, then merged order: deterministic
    used: set[int] = set()
    pairs: list[Discrepancy] = []
    for days, negative_score, first, second in candidates:
        if first in used or second in used:
            continue
        used.update((first, second))
        shared = masks.stems(first) & masks.stems(second)
        a, b = min(first, second), max(first, second)  # positions follow the merged order
        pairs.append(
            Discrepancy(
                mentioning[a][0],
                mentioning[b][0],
                days,
                _reason(
                    mentioning[a], mentioning[b], masks.words(a), shared, -negative_score, index
                ),
                round(-negative_score, 3),
            )
        )
    pairs.sort(key=lambda d: (d.a.date, d.a.file_index, d.a.number))
    return pairs


def _reason(
    a: tuple[MergedRow, int, _Mentions],
    b: tuple[MergedRow, int, _Mentions],
    words_a: list[str],
    shared: frozenset[str],
    score: float,
    index: _AgencyIndex,
) -> str:
    """Why the two rows were paired, in a sentence the panel can check."""
    row_a, own_a, mentions_a = a
    row_b, own_b, mentions_b = b
    said_a = ", ".join(f'"{w}"' for w in index.said(mentions_a, own_b)[:3])
    said_b = ", ".join(f'"{w}"' for w in index.said(mentions_b, own_a)[:3])
    words = ", ".join(_shown_words(words_a, shared)[:8])
    days = abs((row_b.date - row_a.date).days)  # type: ignore[operator]
    return (
        f"{row_a.agency} row {row_a.number} ({format_date(row_a.date)}) mentions {row_b.agency}"  # type: ignore[arg-type]
        f" ({said_a}) and {row_b.agency} row {row_b.number} ({format_date(row_b.date)})"  # type: ignore[arg-type]
        f" mentions {row_a.agency} ({said_b}). Both describe a contact in similar words"
        f" ({words}; {round(score * 100)}% of their words in common) but their dates are"
        f" {days} day{'s' if days != 1 else ''} apart: check which date is right."
    )


# Ends the narrative cells in a row's joined text; no agency phrase holds it.
_NARRATIVE_END_WORD = "0narrativeend0"
_NARRATIVE_END = f" {_NARRATIVE_END_WORD} "

# Joins cells: the word "0" is in no agency phrase, so no phrase spans two cells, and it is
# too short to count as a content word.
_CELL_BREAK = " 0 "


def _other_text(row: Row) -> str:
    """SOURCE OF RECORD, STAFF INVOLVED and any extra columns: they can name an agency too."""
    cells = row.cells
    text = f"{cells.get('source', '')}{_CELL_BREAK}{cells.get('staff', '')}"
    if row.extra:
        text = _CELL_BREAK.join([text, *row.extra.values()])
    return text


def _narrative(row: Row) -> str:
    """The four narrative columns joined."""
    cells = row.cells
    return _CELL_BREAK.join(
        (
            cells.get("child", ""),
            cells.get("family", ""),
            cells.get("communication", ""),
            cells.get("comment", ""),
        )
    )


def _content_stems(words: list[str]) -> frozenset[str]:
    """Content words, stemmed, without stop words."""
    cache = _STEMS
    return frozenset(
        [
            cache[word] if word in cache else stem(word)
            for word in words
            if len(word) > 1 and word not in _STOP_WORDS
        ]
    )


_STEMS: dict[str, str] = {}


def stem(word: str) -> str:
    """A light English stemmer: enough to match "shouted", "shouts" and "shouting"."""
    cached = _STEMS.get(word)
    if cached is None:
        cached = _STEMS[word] = _stem(word)
    return cached


def _stem(word: str) -> str:
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


def _shown_words(words: list[str], shared: frozenset[str]) -> list[str]:
    """The shared stems as the first row wrote them, in the order it wrote them."""
    shown: list[str] = []
    seen: set[str] = set()
    for word in words:
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
