"""What an app built on referrals does when a case reaches a point of its own.

Reviews build on referrals, never the other way round: referrals imports nothing of the
reviews app, not even lazily. The reviews app registers how a review is opened here, in its
``AppConfig.ready``, and the chair's decision calls through it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

ReviewOpener = Callable[..., object]
_openers: list[ReviewOpener] = []


def register_review_opener(opener: ReviewOpener) -> None:
    """Register the one function that opens a review: ``opener(referral=, kind=, at=)``."""
    if _openers and _openers[0] is not opener:
        raise ImproperlyConfigured("only one app may open reviews")
    _openers[:] = [opener]


def open_review(*, referral, kind: str, at: dt.datetime):
    """Open the review a decision asks for, by the function the reviews app registered."""
    if not _openers:
        raise ImproperlyConfigured("no app has registered how a review is opened")
    return _openers[0](referral=referral, kind=kind, at=at)
