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
    """An anonymised document of a review: the process staff who anonymise, unless excluded."""
    run = run_of(document)
    return run is not None and RULES["document.anonymise"](access, run.document.review)


register(
    StoredKind(
        "review-anonymised",
        review_anonymised_rule,
        "ANONYMISED_DOCUMENT_DOWNLOADED",
        case=lambda d: run_of(d).document.review.referral_id,
    )
)
