"""The one place a stage moves in the database: ``advance``.

Every machine of ``core.lifecycle`` (a case, a review, a review's monitoring track, and later
documents and actions) moves through here: the gate asks the transition's permission, the
guards are checked over the facts the caller gathered, the stage field moves with a
compare-and-set (two people cannot move the same object at once), one ``STAGE_CHANGED``
event is written with the actor and reasons, and the work that follows (emails, letters,
documents) is queued with ``transaction.on_commit`` so nothing goes out for a change that
was rolled back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import models, transaction

from . import models as audit
from .lifecycle import Machine, Stale, Transition
from .permissions import require


def advance(
    obj: models.Model,
    machine: Machine,
    name: str,
    *,
    by,
    facts: Any,
    field: str = "stage",
    reasons: str = "",
    detail: dict | None = None,
    changes: dict | None = None,
    then: Iterable[Callable[[], Any]] = (),
) -> Transition:
    """Make one transition of ``machine`` on ``obj``, or refuse with NotAllowedNow.

    ``changes`` are other fields written in the same compare-and-set (for example the kind
    of a review turned into a serious case review)."""
    transition = machine[name]
    require(by, transition.action, obj)
    current = type(transition.source)(getattr(obj, field))
    machine.check(name, current, facts)
    moved = (
        type(obj)
        ._default_manager.filter(pk=obj.pk, **{field: transition.source})
        .update(**{field: transition.target}, **(changes or {}))
    )
    if not moved:
        raise Stale()
    setattr(obj, field, transition.target)
    for key, value in (changes or {}).items():
        setattr(obj, key, value)
    audit.record(
        "STAGE_CHANGED",
        actor=by,
        obj=obj,
        reasons=reasons,
        detail={
            "machine": machine.name,
            "transition": name,
            "from": transition.source.value,
            "to": transition.target.value,
        }
        | (detail or {}),
    )
    for work in then:
        transaction.on_commit(work)
    return transition
