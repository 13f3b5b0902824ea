"""Finding the key's names in a text: full names, aliases and name parts, longest first.

A name matches whatever its capitalisation, with or without a possessive, except that a name made
only of ordinary English words (Brown, Stone, Rose) is left alone when written all in lower case.
A name part shared by several people is replaced by ``[family name]`` (or ``[name]`` for a shared
first name) where no fuller match applies, so that no person is misnamed (CONTRACTS.md).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice, pairwise

from casereview.anonymisation.edits import NAME, Edit
from casereview.anonymisation.keyref import KeyEntry, KeyReference
from casereview.anonymisation.words import COMMON_WORDS, ORDINARY_NAME_WORDS

FAMILY_NAME = "[family name]"
SHARED_NAME = "[name]"
ORDINARY_WORDS = COMMON_WORDS | ORDINARY_NAME_WORDS

_WORD = re.compile(r"[^\W_]+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u2010": "-", "\u2011": "-"})
# Particles of surnames ("van", "de") are too common to replace alone.
_PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la"})
_FULL, _PART = 2, 1


@dataclass(frozen=True)
class _Variant:
    words: tuple[str, ...]
    separators: tuple[str, ...]
    replacement: str
    source: str
    ordinary: bool
    priority: int


def _separator(text: str) -> str:
    if not text.strip():
        return " "
    return " ".join(text.translate(_APOSTROPHES).split())


def _split_name(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    spans = [m.span() for m in _WORD.finditer(name)]
    words = tuple(name[s:e].casefold() for s, e in spans)
    separators = tuple(_separator(name[a[1] : b[0]]) for a, b in pairwise(spans))
    return words, separators


def _variant(name: str, replacement: str, source: str, priority: int) -> _Variant | None:
    words, separators = _split_name(name)
    if not words:
        return None
    ordinary = all(w in ORDINARY_WORDS for w in words)
    return _Variant(words, separators, replacement, source, ordinary, priority)


def _name_parts(entry: KeyEntry) -> list[tuple[str, bool]]:
    """The parts of a person's name to match alone, each with whether it is a surname or middle.

    The halves of a double-barrelled name count as parts too: "Ms Pike" must not survive
    "Sorrel Ainsworth-Pike".
    """
    parts = entry.name.split()
    if len(parts) < 2:
        return []
    found = []
    for index, part in enumerate(parts):
        pieces = [part, *part.split("-")] if "-" in part.strip("-") else [part]
        for piece in pieces:
            if len(piece.strip(".")) > 1 and piece.casefold() not in _PARTICLES:
                found.append((piece, index > 0))
    return found


class NameMatcher:
    """Finds the names of a key reference's entries (of some categories) in texts."""

    def __init__(self, key: KeyReference, categories: Iterable[str] | None = None) -> None:
        chosen = set(categories) if categories is not None else None
        variants: dict[tuple[tuple[str, ...], tuple[str, ...]], _Variant] = {}

        def add(variant: _Variant | None) -> None:
            if variant is None:
                return
            slot = (variant.words, variant.separators)
            held = variants.get(slot)
            if held is None or variant.priority > held.priority:
                variants[slot] = variant

        # Who holds each name part, across the whole key, so that sharing is judged on everyone.
        holders: dict[str, list[tuple[KeyEntry, str, bool]]] = defaultdict(list)
        for entry in key:
            if entry.is_person:
                for part, later in _name_parts(entry):
                    holders[part.casefold()].append((entry, part, later))
        for entry in key:
            if chosen is not None and entry.category not in chosen:
                continue
            for name in (entry.name, *entry.aliases):
                add(_variant(name, entry.label, entry.name, _FULL))
        for folded, held in holders.items():
            if chosen is not None and not any(e.category in chosen for e, _, _ in held):
                continue
            entries = {e.label for e, _, _ in held}
            first_entry, part, _ = held[0]
            if len(entries) == 1:
                replacement, source = first_entry.label, first_entry.name
            else:
                later = any(is_later for _, _, is_later in held)
                replacement, source = (FAMILY_NAME if later else SHARED_NAME), part
            add(_variant(part, replacement, source, _PART))
            if any(is_later for _, _, is_later in held) and not folded.endswith("s"):
                # "the Thompsons": the plural of a surname names the family.
                add(_variant(part + "s", replacement + "s", source, _PART))
        by_first: dict[str, list[_Variant]] = defaultdict(list)
        for variant in variants.values():
            by_first[variant.words[0]].append(variant)
        for candidates in by_first.values():
            candidates.sort(key=lambda v: (-len(v.words), -v.priority))
        self._by_first = dict(by_first)
        self._longest = max((len(v.words) for v in variants.values()), default=0)
        # One scan in C for the first words; only there is the text tokenised in Python.
        self._first_words = re.compile(
            rf"(?<![^\W_])(?:{_trie_pattern(by_first)})(?![^\W_])", re.IGNORECASE
        )

    def __bool__(self) -> bool:
        return bool(self._by_first)

    def mentions(self, text: str) -> bool:
        """Whether a key name's first word appears at all (a quick scan, before ``find``)."""
        if not self._by_first:
            return False
        # On large parts a plain substring search first is far faster than the expression.
        if len(text) > 4096:
            folded = text.casefold()
            if not any(word in folded for word in self._by_first):
                return False
        return self._first_words.search(text) is not None

    def find(self, text: str) -> list[Edit]:
        """Every key name in the text, longest match first, as edits in text order."""
        if not self._by_first:
            return []
        edits: list[Edit] = []
        found = self._first_words.search(text)
        while found:
            candidates = self._by_first.get(found.group().casefold())
            edit = None
            if candidates:
                words = islice(_WORD.finditer(text, found.start()), self._longest)
                tokens = [(m.start(), m.end(), m.group().casefold()) for m in words]
                edit = self._match_at(text, tokens, 0, candidates)
            if edit is not None:
                edits.append(edit)
            found = self._first_words.search(text, edit.end if edit else found.end())
        return edits

    def _match_at(
        self,
        text: str,
        tokens: list[tuple[int, int, str]],
        index: int,
        candidates: list[_Variant],
    ) -> Edit | None:
        for variant in candidates:
            last = index + len(variant.words) - 1
            if last >= len(tokens) or not self._words_match(text, tokens, index, variant):
                continue
            start, end = tokens[index][0], tokens[last][1]
            matched = text[start:end]
            if variant.ordinary and matched == matched.lower():
                continue
            end, suffix = _possessive(text, end)
            return Edit(
                start, end, variant.replacement + suffix, NAME, variant.source, variant.replacement
            )
        return None

    @staticmethod
    def _words_match(
        text: str, tokens: list[tuple[int, int, str]], index: int, variant: _Variant
    ) -> bool:
        for offset in range(1, len(variant.words)):
            previous, token = tokens[index + offset - 1], tokens[index + offset]
            if token[2] != variant.words[offset]:
                return False
            if _separator(text[previous[1] : token[0]]) != variant.separators[offset - 1]:
                return False
        return True


_Trie = dict[str, "_Trie"]


def _trie_pattern(words: Iterable[str]) -> str:
    """A regular expression matching exactly these words, shared prefixes factored out."""
    trie: _Trie = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: _Trie) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return f"(?:{body})?"
        return body

    return build(trie) or "(?!)"


def _possessive(text: str, end: int) -> tuple[int, str]:
    """Extend a match over a possessive: "Mia's" and "James'" both become "<label>'s"."""
    if end < len(text) and text[end] in "'\u2019":
        apostrophe = text[end]
        after = text[end + 1 : end + 2]
        if after in ("s", "S") and not text[end + 2 : end + 3].isalnum():
            return end + 2, apostrophe + after
        if not after.isalnum() and text[end - 1 : end] in ("s", "S"):
            return end + 1, apostrophe + "s"
    return end, ""
