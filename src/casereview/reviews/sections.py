"""The review page's sections that belong to the apps above reviews (chronologies,
anonymisation): each app registers what its section shows, worked out here for the view,
so that no template tag queries and reviews imports nothing above it.

A section is a function ``(request, review, context) -> dict`` whose result joins the page's
context; ``context`` holds what the review page already worked out (its commissions, what the
person may do). The apps register theirs when they load (their ``AppConfig.ready``).
"""

from __future__ import annotations

from collections.abc import Callable

Section = Callable[[object, object, dict], dict]

SECTIONS: list[Section] = []


def section(provider: Section) -> Section:
    """Register a section of the review page (once, however often the module loads)."""
    if provider not in SECTIONS:
        SECTIONS.append(provider)
    return provider


def sections_context(request, review, context: dict) -> dict:
    """Every registered section's context for the review page."""
    found: dict = {}
    for provider in SECTIONS:
        found.update(provider(request, review, context))
    return found
