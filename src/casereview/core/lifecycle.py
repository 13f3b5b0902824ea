"""One mechanism for everything that has stages: transitions as data, guards over frozen facts.

Pure: no database, no Django. A *machine* is a table of transitions; each transition names
the stage it leaves, the stage it enters, the permission the gate asks for (``action``: who
may make it is the gate's question alone) and its guards. A guard is a small function over a
frozen dataclass of facts gathered by the caller; it never queries. Its docstring's first
paragraph states the rule, and is the message a person reads when it refuses; ``@rule(field=…)``
names the form field it concerns, so a page puts the message beside that field.

Referrals, reviews and the review's monitoring track are machines of this module; documents
and actions will be too. ``core/stages.py`` is the one place that moves a stage in the
database (compare-and-set, the ``STAGE_CHANGED`` event, the on-commit work).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

Guard = Callable[[Any], bool]


@dataclass(frozen=True)
class Refusal:
    """Why something may not happen now: the rule in words, and the field it concerns."""

    message: str
    field: str = ""  # "" when it concerns the page as a whole


class NotAllowedNow(Exception):
    """The procedure does not allow this now: distinct from "not yours" (404) and "forbidden"
    (403). Every service raises this one exception for a wrong-state refusal."""

    def __init__(self, refusals: Iterable[Refusal | str] | Refusal | str):
        if isinstance(refusals, Refusal | str):
            refusals = [refusals]
        self.refusals = [r if isinstance(r, Refusal) else Refusal(r) for r in refusals]
        super().__init__(" ".join(r.message for r in self.refusals))

    @property
    def reasons(self) -> list[str]:
        return [r.message for r in self.refusals]

    def by_field(self) -> dict[str, list[str]]:
        """The messages grouped by the field they concern ("" for the page)."""
        grouped: dict[str, list[str]] = {}
        for r in self.refusals:
            grouped.setdefault(r.field, []).append(r.message)
        return grouped


class Stale(NotAllowedNow):
    """Someone else moved the stage first."""

    def __init__(self) -> None:
        super().__init__("Someone else changed this first. Reload the page and try again.")


def rule(field: str = "") -> Callable[[Guard], Guard]:
    """Mark a guard with the field its refusal concerns."""

    def mark(guard: Guard) -> Guard:
        guard.field = str(field)  # type: ignore[attr-defined]
        return guard

    return mark


def message_of(guard: Guard) -> str:
    """The rule a guard states: the whole first paragraph of its docstring, on one line."""
    doc = (guard.__doc__ or guard.__name__.replace("_", " ")).strip()
    paragraph = doc.split("\n\n", 1)[0]
    return " ".join(line.strip() for line in paragraph.splitlines())


def refusal_of(guard: Guard) -> Refusal:
    return Refusal(message_of(guard), getattr(guard, "field", ""))


class Stage(StrEnum):
    """Base for a machine's stages: each subclass gives its labels in ``LABELS``."""

    @property
    def label(self) -> str:
        return type(self).LABELS[self]  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    source: StrEnum
    target: StrEnum
    action: str  # the permission the gate asks for: the one list of who may do it
    guards: tuple[Guard, ...] = ()


@dataclass(frozen=True)
class Machine:
    """A table of transitions over one stage field."""

    name: str  # what moves: "case", "review", "monitoring"
    transitions: Mapping[str, Transition]
    noun: str = "case"  # as a person reads it: "this case is at …"
    stages: tuple[StrEnum, ...] = field(default=())

    @classmethod
    def of(cls, name: str, transitions: Iterable[Transition], **kw) -> Machine:
        table = {}
        for t in transitions:
            if t.name in table:
                raise ValueError(f"transition {t.name!r} is defined twice in {name}")
            table[t.name] = t
        return cls(name=name, transitions=table, **kw)

    def __getitem__(self, name: str) -> Transition:
        return self.transitions[name]

    def available(self, stage: StrEnum) -> list[Transition]:
        """Transitions that start from this stage."""
        return [t for t in self.transitions.values() if t.source == stage]

    def refusals(self, name: str, stage: StrEnum, facts: Any) -> list[Refusal]:
        """Every reason the transition may not happen now; empty when it may."""
        transition = self.transitions[name]
        if stage != transition.source:
            return [
                Refusal(
                    f"'{transition.label}' is possible only at '{_label(transition.source)}'; "
                    f"this {self.noun} is at '{_label(stage)}'."
                )
            ]
        return [refusal_of(g) for g in transition.guards if not g(facts)]

    def check(self, name: str, stage: StrEnum, facts: Any) -> Transition:
        """The transition, or NotAllowedNow with every reason it may not happen."""
        problems = self.refusals(name, stage, facts)
        if problems:
            raise NotAllowedNow(problems)
        return self.transitions[name]


def _label(stage: StrEnum) -> str:
    return getattr(stage, "label", str(stage))
