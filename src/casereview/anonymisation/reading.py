"""What the overview author reads from: each agency report's checked anonymised copy.

The overview author writes from the anonymised reports, never the originals (004 §13). A
copy is for reading when it is the latest anonymisation of a document's latest version and
every possible identifier it flagged is resolved (added to the key, or dismissed): until
then it may still name someone.
"""

from __future__ import annotations

from .models import AnonymisationRun, fold, key_reference_of


def _resolved(review) -> tuple[set[str], object]:
    return set(review.flag_resolutions.values_list("folded", flat=True)), key_reference_of(
        review.key_entries.all()
    )


def _checked(run: AnonymisationRun, resolved: set[str], key) -> bool:
    return all(fold(f["text"]) in resolved or key.by_name(f["text"]) for f in run.flags)


def copies_for_reading(review) -> list[AnonymisationRun]:
    """The copies the overview author may read, one per report, in the documents' order."""
    latest: dict[int, AnonymisationRun] = {}
    latest_versions = AnonymisationRun.objects.filter(
        document__review=review, document__next_version__isnull=True
    )
    runs = latest_versions.select_related("document", "output").order_by(
        "document__title", "-run_at", "-pk"
    )
    for run in runs:
        latest.setdefault(run.document_id, run)
    resolved, key = _resolved(review)
    return [run for run in latest.values() if _checked(run, resolved, key)]


def is_for_reading(run: AnonymisationRun) -> bool:
    """Whether this run is a copy the overview author may read now."""
    return run.pk in {r.pk for r in copies_for_reading(run.document.review)}
