"""The words of the procedure profile's settings that the apps built on boards act on.

A board's procedure profile records choices that apps above boards act on: which criteria
test screens a referral, which decisions the chair may make and who is told of one
(referrals), and what must be recorded before the executive summary is published (reviews).
The words of each choice live with the rules that read them (``referrals.criteria
.CriteriaTest``, ``referrals.lifecycle.Outcome``, ``referrals.models.NotificationKind``,
``reviews.lifecycle.PUBLICATION_GATES``), so boards names none of them: each app registers its
words here from its ``AppConfig.ready``, and the profile's field, form and page read them when
they are used (a model field's or a form field's ``choices`` may be a callable).

Why not move the words down into boards instead: they are the referral's and the review's
vocabulary, tested with the rules that use them; boards only keeps which of them a board
chose. Moving them would put each rule's words in one app and the rule in another.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ImproperlyConfigured

Choices = list[tuple[str, str]]

# The profile's settings whose words an app above boards gives (ProcedureProfile's fields).
SETTINGS = frozenset({"criteria_test", "decision_options", "notifications", "publication_gates"})

_WORDS: dict[str, Choices] = {}


def register(setting: str, choices: Iterable[tuple[str, str]]) -> None:
    """Register the words of one of the profile's settings, as (value, label) pairs.

    From the app's ``AppConfig.ready``; registering a setting again replaces its words."""
    if setting not in SETTINGS:
        raise ImproperlyConfigured(f"the procedure profile has no setting {setting!r}")
    _WORDS[setting] = [(str(value), str(label)) for value, label in choices]


def choices(setting: str) -> Choices:
    """The words of a setting, as (value, label) pairs; fails loudly if no app gave them."""
    try:
        return _WORDS[setting]
    except KeyError:
        raise ImproperlyConfigured(
            f"no app has registered the words of the procedure profile's {setting}"
        ) from None


def criteria_tests() -> Choices:
    """The criteria tests a board may apply: ``ProcedureProfile.criteria_test``'s choices.

    A module-level function because migrations name a field's callable choices by its path."""
    return choices("criteria_test")


def labels(setting: str, values: Iterable[str]) -> list[str]:
    """The labels of the values a board chose for a setting (an unknown value as itself)."""
    known = dict(choices(setting))
    return [known.get(value, value) for value in values]
