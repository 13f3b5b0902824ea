"""The review's documents as uploaded, with their one rule (core.serving's registry)."""

from __future__ import annotations

from casereview.core.permissions import RULES, Access
from casereview.core.serving import StoredKind, register

from .models import ReviewDocument


def review_document_of(document) -> ReviewDocument | None:
    """The review document a stored file is the original of."""
    return (
        ReviewDocument.objects.select_related("review__referral").filter(original=document).first()
    )


def review_original_rule(access: Access, document) -> bool:
    """A document as uploaded to a review, names and all: the process staff who may read
    originals, unless excluded from the review."""
    owner = review_document_of(document)
    return owner is not None and RULES["document.read_original"](access, owner.review)


register(
    StoredKind(
        "review-original",
        review_original_rule,
        "ORIGINAL_DOCUMENT_READ",
        case=lambda d: review_document_of(d).review.referral_id,
    )
)
