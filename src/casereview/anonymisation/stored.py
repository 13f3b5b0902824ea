"""Anonymised copies of a review's documents, with their one rule (core.serving's registry)."""

from __future__ import annotations

from casereview.core.permissions import RULES, Access
from casereview.core.serving import StoredKind, register

from .models import AnonymisationRun


def run_of(document) -> AnonymisationRun | None:
    """The anonymisation run a stored file is the output of."""
    return (
        AnonymisationRun.objects.select_related("document__review__referral")
        .filter(output=document)
        .first()
    )


def review_anonymised_rule(access: Access, document) -> bool:
    """An anonymised document of a review: the process staff who anonymise, any of them; the
    overview author, each report's copy for reading (anonymisation.reading); unless excluded."""
    from .reading import is_for_reading

    run = run_of(document)
    if run is None or access.is_excluded_from(run.document.review):
        return False
    review = run.document.review
    if RULES["document.anonymise"](access, review):
        return True
    return RULES["document.read_anonymised"](access, review) and is_for_reading(run)


register(
    StoredKind(
        "review-anonymised",
        review_anonymised_rule,
        "ANONYMISED_DOCUMENT_DOWNLOADED",
        case=lambda d: run_of(d).document.review.referral_id,
    )
)
