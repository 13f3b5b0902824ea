"""Password rules beyond Django's: no words from the service's own context (SECURITY.md AU-3).

The context is the service's own words and the names of the boards and agencies it holds.
Boards build on accounts, so accounts reads no board: the boards app provides the names
(``provide_context_names``, from its ``AppConfig.ready``), and this splits them into words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.core.exceptions import ImproperlyConfigured, ValidationError

# The service's own words, beside the boards' and agencies' names read from the database.
CONTEXT_WORDS = (
    "safeguarding",
    "casereview",
    "serious",
    "case",
    "review",
    "partnership",
    "children",
    "child",
    "board",
    "agency",
)

# Who provides names a password may not be made of: each app that keeps some, by its name.
_name_providers: dict[str, Callable[[], Iterable[str]]] = {}


def provide_context_names(name: str, provider: Callable[[], Iterable[str]]) -> None:
    """Register a function giving names of the service's context (boards', agencies').

    Registered under a name (the app's), so a module loaded twice registers once."""
    _name_providers[name] = provider


# Shorter words are too common to say anything about a password ("nhs", "the").
MIN_WORD = 4

# The characters people put in place of a letter ("leetspeak-lite"). 1 and | stand for i or l.
LOOKALIKES = {
    "a": "a4@",
    "b": "b8",
    "e": "e3",
    "g": "g9",
    "i": "i1!|",
    "l": "l1|",
    "o": "o0",
    "s": "s5$",
    "t": "t7+",
    "z": "z2",
}
_KEPT = set("".join(LOOKALIKES.values()))

# At least this many characters must be left over once the context words are taken out, and
# more than the context words themselves: a password made mostly of them is refused.
MIN_REMAINDER = 8


class ContextWordsValidator:
    def validate(self, password: str, user=None) -> None:
        if mostly_context_words(password, [*CONTEXT_WORDS, *_context_name_words()]):
            raise ValidationError(
                "Your password is too close to the name of this service, a board or an "
                "agency. Choose something else.",
                code="password_context",
            )

    def get_help_text(self) -> str:
        return "Do not base your password on the name of this service, a board or an agency."


def mostly_context_words(password: str, words: list[str]) -> bool:
    """Whether the password, read without separators, case or look-alikes, is mostly ``words``.

    Separators (spaces, hyphens, dots and the like) are dropped; letters, digits and the
    look-alike symbols are kept, so "N0rthbrook-$afeguarding" is read as the two words.
    """
    kept = "".join(c for c in password.lower() if c.isalnum() or c in _KEPT)
    covered = [False] * len(kept)
    for word in {w for w in words if len(w) >= MIN_WORD}:
        for match in _pattern(word).finditer(kept):
            covered[match.start() : match.end()] = [True] * (match.end() - match.start())
    context = sum(covered)
    if not context:
        return False
    remainder = len(kept) - context
    return remainder < MIN_REMAINDER or context >= remainder


def _pattern(word: str) -> re.Pattern[str]:
    return re.compile("".join(f"[{re.escape(LOOKALIKES.get(c, c))}]" for c in word))


def _context_name_words() -> list[str]:
    """Each word of every name the apps provide (boards', agencies'), in letters.

    With no provider this raises rather than check the service's words alone: a password
    made of a board's name would pass unseen (fail loudly, SECURITY.md AU-3)."""
    if not _name_providers:
        raise ImproperlyConfigured("no app provides the names a password may not be made of")
    words = set()
    for provider in _name_providers.values():
        for name in provider():
            parts = re.findall(r"[^\W\d_]+", name.lower())
            words.update(parts)
            words.add("".join(parts))  # "Northbrook SCP" -> "northbrookscp"
    return sorted(words)
