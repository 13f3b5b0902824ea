"""Flagging words that look like people's names but are not in the key reference.

Flags are for a person to resolve (add to the key, or dismiss with a reason); they change nothing.
To keep false alarms rare, a capitalised word is flagged only when a title precedes it
("Mrs Okafor"), when it is a known first name ("Jenny Lake"), or when two unusual capitalised
words stand together ("Xander Quill"); ordinary words, words of labels and tokens, and words at
the start of a sentence that are ordinary words are never flagged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from casereview.anonymisation.keyref import KeyReference
from casereview.anonymisation.words import COMMON_WORDS, FIRST_NAMES, ORDINARY_NAME_WORDS

TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame"})
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
# Words that start with a capital (Latin scripts); the rest of the text is skipped in C.
_CAPITAL = r"[A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u017f][^\W\d_]*(?:['\u2019-][^\W\d_]+)*"
_CAPITALISED_WORD = re.compile(rf"(?<![^\W_]){_CAPITAL}")
# Capitalised words joined by single spaces: found in one pass, then split into words.
_CAPITALISED_RUN = re.compile(rf"(?<![^\W_]){_CAPITAL}(?:[ \u00a0]{_CAPITAL})*")
_SENTENCE_END = re.compile(r"(?:^|[.!?:;•\n\t\"“(\[]|\s[-–—])[\s\"'“‘(\[]*$")  # noqa: RUF001
_CONTEXT = 30
_ORDINARY = COMMON_WORDS | ORDINARY_NAME_WORDS


@dataclass(frozen=True)
class Flag:
    """A word or phrase that looks like a person's name, with the text around it."""

    text: str
    context: str
    kind: str = "name"


class NameFlagger:
    """Finds likely names that the key reference, the labels and the allow-list do not cover."""

    def __init__(
        self,
        key: KeyReference,
        allow: Iterable[str] = (),
        known_words: Iterable[str] = (),
    ) -> None:
        known: set[str] = {w.casefold() for w in known_words}
        phrases: set[str] = set()
        for entry in key:
            for text in (entry.name, entry.label, *entry.aliases):
                known.update(_words(text))
                phrases.add(" ".join(_words(text)))
        for text in allow:
            known.update(_words(text))
            phrases.add(" ".join(_words(text)))
        self._known = frozenset(known)
        self._phrases = frozenset(phrases)

    def find(self, text: str) -> list[Flag]:
        """The likely names in the text, in order, each phrase once."""
        flags: list[Flag] = []
        seen: set[str] = set()
        for group in _capitalised_groups(text):
            # A lone capitalised word counts only as a first name or after a title: most groups
            # are one ordinary word starting a sentence, so decide those quickly.
            if (
                len(group) == 1
                and _bare(text[group[0][0] : group[0][1]]) not in FIRST_NAMES
                and not _after_title(text, group[0][0])
            ):
                continue
            for start, end in self._flagged_spans(text, group):
                phrase = text[start:end]
                if phrase in seen:
                    continue
                seen.add(phrase)
                flags.append(Flag(phrase, _context(text, start, end)))
        return flags

    def _flagged_spans(self, text: str, group: list[tuple[int, int]]) -> list[tuple[int, int]]:
        words = [_bare(text[s:e]) for s, e in group]
        titled = _after_title(text, group[0][0])
        if words and words[0].casefold() in TITLES:
            titled, group, words = True, group[1:], words[1:]
        if not group:
            return []
        if " ".join(w.casefold() for w in words) in self._phrases:
            return []
        known = [w.casefold() in self._known for w in words]
        common = [_is_common(w.casefold()) for w in words]
        if _sentence_initial(text, group[0][0]) and common[0] and not titled:
            group, words, known, common = group[1:], words[1:], known[1:], common[1:]
        keep = [i for i in range(len(words)) if not known[i]]
        if not keep:
            return []
        first, last = keep[0], keep[-1]
        if any(known[first : last + 1]):
            last = next(i for i in range(first, last + 1) if known[i]) - 1
        if titled and first == 0:
            return [(group[0][0], group[last][1])]
        # Trim ordinary words from both ends: "Jenny Lake Primary School" flags "Jenny Lake".
        while first <= last and common[first] and words[first] not in FIRST_NAMES:
            first += 1
        while last >= first and common[last]:
            last -= 1
        if first > last:
            return []
        span = words[first : last + 1]
        unusual = [w for w in span if not _is_common(w.casefold(), _ORDINARY)]
        if any(w in FIRST_NAMES for w in span) or len(unusual) >= 2:
            return [(group[first][0], group[last][0] + len(words[last]))]
        return []


# Endings of plurals and verb forms, with what the stem may have ended with before them.
_INFLECTIONS = (
    ("ies", "y"),
    ("es", ""),
    ("s", ""),
    ("ing", ""),
    ("ing", "e"),
    ("ed", ""),
    ("ed", "e"),
)


def _is_common(word: str, vocabulary: frozenset[str] = COMMON_WORDS) -> bool:
    """Whether a lower-case word, or the stem of its plural or verb form, is an ordinary word."""
    if word in vocabulary:
        return True
    return any(
        word.endswith(ending)
        and len(word) > len(ending) + 2
        and word[: -len(ending)] + stem_end in vocabulary
        for ending, stem_end in _INFLECTIONS
    )


def _words(text: str) -> list[str]:
    return [_bare(m.group()).casefold() for m in _WORD.finditer(text)]


def _bare(word: str) -> str:
    """The word without a possessive ending."""
    for ending in ("'s", "\u2019s", "'", "\u2019"):
        if word.endswith(ending):
            return word[: -len(ending)]
    return word


def _is_capitalised(word: str) -> bool:
    # All-capital words are acronyms (or shouting); a single letter is an initial or a label.
    return len(word) > 1 and word[0].isupper() and not word.isupper()


def _capitalised_groups(text: str) -> list[list[tuple[int, int]]]:
    """Runs of capitalised words separated only by a single space."""
    groups: list[list[tuple[int, int]]] = []
    for run in _CAPITALISED_RUN.finditer(text):
        current: list[tuple[int, int]] = []
        for word in _CAPITALISED_WORD.finditer(text, run.start(), run.end()):
            if _is_capitalised(word.group()):
                current.append(word.span())
            elif current:
                groups.append(current)
                current = []
        if current:
            groups.append(current)
    return groups


def _sentence_initial(text: str, start: int) -> bool:
    return bool(_SENTENCE_END.search(text[max(0, start - 12) : start])) or start == 0


def _after_title(text: str, start: int) -> bool:
    before = text[max(0, start - 12) : start]
    stripped = before.rstrip(". \u00a0")
    if stripped == before or not stripped.strip():
        return False
    return stripped.split()[-1].lstrip("(\"'\u201c").casefold() in TITLES


def _context(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - _CONTEXT) : end + _CONTEXT].split())
