"""What apps built on accounts do when a person loses a role or their account.

A role on a review rests on a role on the board (SECURITY.md AZ-4): when the board role ends
(boards) or the account is deactivated (accounts' ``end_sessions``), the review roles resting
on it end too. Reviews build on boards and accounts, never the other way round, so neither
imports the reviews app: the reviews app registers here, in its ``AppConfig.ready``, what
ends its roles, and both callers call through ``roles_end_unsupported``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

# ender(person=, by=, because=) -> how many roles it ended
RolesEnder = Callable[..., int]
_enders: dict[str, RolesEnder] = {}


def register_roles_ender(name: str, ender: RolesEnder) -> None:
    """Register what ends an app's roles that no longer rest on a board role or an account.

    Registered under a name (the app's), so a module loaded twice registers once."""
    _enders[name] = ender


def roles_end_unsupported(*, person, by=None, because: str) -> int:
    """End every role that no longer rests on the person's board roles and account.

    Returns how many were ended. With nothing registered this raises: roles would be left
    standing that the person no longer holds (fail loudly, as ``open_review`` does).
    """
    if not _enders:
        raise ImproperlyConfigured("no app has registered how its roles end with a board role")
    return sum(ender(person=person, by=by, because=because) for ender in _enders.values())
