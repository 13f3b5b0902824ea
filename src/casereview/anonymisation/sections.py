"""The anonymisation section of the review page: what the key, glossary and documents hold
(reviews.sections)."""

from __future__ import annotations

from django.db.models import Count, Q

from casereview.reviews.sections import section

_WORDS = (
    ("family", "family member or significant person", "family members or significant people"),
    ("professional", "professional", "professionals"),
    ("place", "place", "places"),
    ("other", "other person", "other people"),
)


def _counted(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def anonymisation_summary(review) -> dict:
    """Counts for the review page, in four queries whatever the key's size."""
    by_category = dict(
        review.key_entries.values_list("category").annotate(n=Count("pk")).order_by()
    )
    key = [_counted(by_category[c], one, many) for c, one, many in _WORDS if by_category.get(c)]
    acronyms = review.glossary.count()
    relations = review.relations.count()
    documents = review.documents.aggregate(
        total=Count("pk", distinct=True),
        anonymised=Count("pk", filter=Q(runs__isnull=False), distinct=True),
    )
    return {
        "key": ", ".join(key) or "Empty",
        "glossary": _counted(acronyms, "acronym", "acronyms"),
        "genogram": _counted(relations, "relationship", "relationships"),
        "documents": (
            f"{_counted(documents['total'], 'document', 'documents')}, "
            f"{documents['anonymised']} anonymised"
        ),
    }


@section
def anonymisation_section(request, review, context: dict) -> dict:
    shown = context.get("can_keep_key") or context.get("can_manage")
    return {"anonymisation_summary": anonymisation_summary(review) if shown else None}
