"""A case's letters as stored (referrals.letters), with their one rule (core.serving's
registry)."""

from __future__ import annotations

from casereview.boards.models import LetterKind
from casereview.core.permissions import RULES, Access
from casereview.core.serving import StoredKind, register


def letter_rule(access: Access, document) -> bool:
    """A case's letter: the case staff who may open the case, whose page lists its letters."""
    if document.referral_id is None or access.is_excluded_from(document):
        return False
    return RULES["referral.view"](access, document.referral)


# referrals.letters stores each letter as "letter:<the letter's kind>".
register(
    *(
        StoredKind(f"letter:{kind}", letter_rule, "DOCUMENT_DOWNLOADED")
        for kind in LetterKind.values
    )
)
