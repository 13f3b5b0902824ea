"""Changes to agencies' chronologies on a review: one entry point per change, each audited.

The reading, checking and merging are the pure modules (proforma, checks, merge); these
functions keep their results, so the pages and the exports agree with ``casereview chronology``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from casereview.core import jobs
from casereview.core import models as audit
from casereview.core.documents import document_store
from casereview.core.lifecycle import NotAllowedNow, Refusal
from casereview.core.permissions import require
from casereview.core.uploads import CONTENT_TYPES, UploadRefused, check_upload, display_name
from casereview.referrals.models import DeadlineKind
from casereview.reviews.models import AgencyCommission, Review
from casereview.reviews.services import commission_mark_received

from . import checks
from .dates import parse_date_text, today_in_uk
from .merge import Merged, merge
from .models import (
    ChronologyApproval,
    ChronologyEntry,
    ChronologySubmission,
    ExportJob,
    MarkKind,
    PanelMark,
    SubmissionStatus,
)
from .proforma import COLUMNS, Chronology, ChronologyReadError, Row, read_chronology

TEXT_KEYS = COLUMNS[1:]


def row_field(number: int) -> str:
    """The field a refusal about one row of a chronology names."""
    return f"row-{number}"


def row_of(field: str) -> int | None:
    """The row a refusal's field names, or None when it is about the whole chronology."""
    return int(field[4:]) if field.startswith("row-") and field[4:].isdigit() else None


# -- reading a file into a draft ---------------------------------------------------------------


def read_upload(name: str, content: bytes, agency: str) -> tuple[Chronology, str]:
    """Check an uploaded file and read it as a chronology; UploadRefused when it cannot be.

    The bytes go to a temporary file with a fixed name (the reader works on paths); the
    person's file name never reaches the filesystem (SECURITY.md UP-3).
    """
    extension = check_upload(name, content, "chronology")
    with tempfile.TemporaryDirectory(prefix="chronology-") as folder:
        path = os.path.join(folder, "upload" + extension)
        with open(path, "wb") as handle:
            handle.write(content)
        try:
            chron = read_chronology(path, agency=agency)
        except ChronologyReadError as exc:
            message = str(exc).replace(f"{path}: ", "").replace(path, "the file")
            raise UploadRefused(_sentence(message)) from None
    if not chron.rows:
        raise UploadRefused(
            "The file has the chronology's header row but no rows under it. Add the rows and"
            " upload it again."
        )
    return chron, extension


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "."


def _problem_json(problem: checks.Problem) -> dict:
    return {
        "column": problem.column,
        "code": problem.code,
        "severity": problem.severity,
        "message": problem.message,
    }


def _entries(submission, rows: Iterable[Row], found: Iterable[checks.Problem]):
    by_row: dict[int, list[dict]] = {}
    for problem in found:
        by_row.setdefault(problem.row, []).append(_problem_json(problem))
    return [
        ChronologyEntry(
            submission=submission,
            number=row.number,
            date=row.date.value,
            date_text=row.date_text[:200],
            extra=dict(row.extra),
            merged={k: list(v) for k, v in row.merged.items()},
            problems=by_row.get(row.number, []),
            **{key: row.cells.get(key, "") for key in TEXT_KEYS},
        )
        for row in rows
    ]


def _next_version(commission) -> int:
    top = ChronologySubmission.objects.filter(commission=commission).aggregate(v=Max("version"))
    return (top["v"] or 0) + 1


def _set_aside_draft(commission) -> None:
    """An unsent draft is kept as an earlier version, never deleted."""
    ChronologySubmission.objects.filter(
        commission=commission, status=SubmissionStatus.DRAFT
    ).update(status=SubmissionStatus.SUPERSEDED)


def chronology_upload(
    *, commission: AgencyCommission, name: str, content: bytes, by
) -> ChronologySubmission:
    """Read an agency's file into a new draft, its rows checked; nothing is kept if refused.

    The file is checked and read before the transaction opens, so a slow spreadsheet never
    holds the database's write lock.
    """
    require(by, "commission.submit", commission)
    chron, extension = read_upload(name, content, commission.agency.name)
    found = checks.check_chronology(chron, today_in_uk())
    with transaction.atomic():
        return _keep_upload(commission, chron, found, name, content, extension, by)


def _keep_upload(commission, chron, found, name, content, extension, by):
    shown = display_name(name)
    review = commission.review
    source = document_store(
        board=review.referral.board,
        referral=review.referral,
        kind="chronology-source",
        title=f"Chronology from {commission.agency.name}",
        filename=shown,
        content=content,
        content_type=CONTENT_TYPES[extension],
        by=by,
    )
    _set_aside_draft(commission)
    submission = ChronologySubmission.objects.create(
        commission=commission,
        version=_next_version(commission),
        source=source,
        source_name=shown,
        created_by=by,
        staff_ids=_current_staff_ids(commission),
    )
    ChronologyEntry.objects.bulk_create(_entries(submission, chron.rows, found))
    counts = checks.severity_counts(found)
    audit.record(
        "CHRONOLOGY_UPLOADED",
        actor=by,
        obj=submission,
        detail={"rows": len(chron.rows), "version": submission.version, **counts},
    )
    return submission


def _current_staff_ids(commission) -> str:
    latest = (
        ChronologySubmission.objects.filter(commission=commission)
        .exclude(staff_ids="")
        .order_by("-version")
        .values_list("staff_ids", flat=True)
        .first()
    )
    return latest or ""


@transaction.atomic
def chronology_draft_start(*, commission: AgencyCommission, by) -> ChronologySubmission:
    """A draft to type into: a copy of the rows last sent, or empty."""
    require(by, "commission.submit", commission)
    existing = ChronologySubmission.objects.filter(
        commission=commission, status=SubmissionStatus.DRAFT
    ).first()
    if existing is not None:
        return existing
    current = ChronologySubmission.objects.filter(
        commission=commission, status=SubmissionStatus.SUBMITTED
    ).first()
    submission = ChronologySubmission.objects.create(
        commission=commission,
        version=_next_version(commission),
        created_by=by,
        staff_ids=_current_staff_ids(commission),
    )
    if current is not None:
        copies = list(current.entries.all())
        for entry in copies:
            entry.pk = None
            entry.submission = submission
        ChronologyEntry.objects.bulk_create(copies)
    audit.record(
        "CHRONOLOGY_DRAFT_STARTED",
        actor=by,
        obj=submission,
        detail={"version": submission.version, "from": current.version if current else None},
    )
    return submission


# -- rows typed or fixed in the form -----------------------------------------------------------


def _row_of(entry: ChronologyEntry) -> Row:
    merged = {k: tuple(v) for k, v in (entry.merged or {}).items()}
    return Row(
        entry.number,
        entry.date_text,
        parse_date_text(entry.date_text),
        {"date": entry.date_text, **{key: getattr(entry, key) for key in TEXT_KEYS}},
        entry.extra or {},
        merged,
    )


def recheck(submission: ChronologySubmission) -> list[ChronologyEntry]:
    """Check every row of a draft again (a duplicate depends on the rows before it)."""
    entries = list(submission.entries.order_by("number"))
    rows = [_row_of(entry) for entry in entries]
    chron = Chronology(submission.commission.agency.name, str(submission.pk), tuple(rows))
    found = checks.check_chronology(chron, today_in_uk())
    by_row: dict[int, list[dict]] = {}
    for problem in found:
        by_row.setdefault(problem.row, []).append(_problem_json(problem))
    for entry, row in zip(entries, rows, strict=True):
        entry.problems = by_row.get(entry.number, [])
        entry.date = row.date.value
    ChronologyEntry.objects.bulk_update(entries, ["problems", "date"])
    return entries


def _require_draft(submission: ChronologySubmission) -> None:
    if not submission.is_draft:
        raise NotAllowedNow("This version has been sent; start a new version to change it.")


@transaction.atomic
def chronology_row_save(
    *, submission: ChronologySubmission, data: dict, by, entry: ChronologyEntry | None = None
) -> ChronologyEntry:
    """Add a row to a draft, or change one; the draft's rows are checked again."""
    require(by, "commission.submit", submission.commission)
    _require_draft(submission)
    if entry is None:
        top = submission.entries.aggregate(n=Max("number"))["n"] or 0
        entry = ChronologyEntry(submission=submission, number=top + 1)
    before = {key: getattr(entry, key) for key in ("date_text", *TEXT_KEYS)}
    entry.date_text = data.get("date_text", "").strip()
    for key in TEXT_KEYS:
        setattr(entry, key, data.get(key, "").strip())
    # A row fixed by hand is no longer a merged cell of the file it came from.
    entry.merged = {}
    entry.save()
    recheck(submission)
    entry.refresh_from_db()
    changed = [key for key, value in before.items() if value != getattr(entry, key)]
    audit.record(
        "CHRONOLOGY_ROW_SAVED",
        actor=by,
        obj=entry,
        detail={"row": entry.number, "version": submission.version, "changed": changed},
    )
    return entry


@transaction.atomic
def chronology_row_delete(*, entry: ChronologyEntry, by) -> None:
    submission = entry.submission
    require(by, "commission.submit", submission.commission)
    _require_draft(submission)
    number = entry.number
    entry.delete()
    recheck(submission)
    audit.record(
        "CHRONOLOGY_ROW_DELETED",
        actor=by,
        obj=submission,
        detail={"row": number, "version": submission.version},
    )


# -- sending it to the board -------------------------------------------------------------------

_INITIALS = re.compile(r"\b[A-Z]{1,4}\b")


def staff_initials_missing(submission: ChronologySubmission, entries=None) -> list[str]:
    """Initials in STAFF INVOLVED that the agency's ID list does not give."""
    listed = set()
    for line in submission.staff_ids.splitlines():
        first = re.split(r"[\s,:;=\-\u2013\u2014]+", line.strip(), maxsplit=1)[0]
        if first:
            listed.add(first.upper().replace(".", ""))
    used: dict[str, None] = {}
    staff = (
        (entry.staff for entry in entries)
        if entries is not None
        else ChronologyEntry.objects.filter(submission=submission).values_list("staff", flat=True)
    )
    for text in staff:
        for initials in _INITIALS.findall(text.replace(".", "")):
            used.setdefault(initials, None)
    return [initials for initials in used if initials not in listed]


@transaction.atomic
def chronology_submit(*, submission: ChronologySubmission, staff_ids: str, by):
    """Send a draft to the board: it replaces the rows sent before, which are kept.

    Refused while any row has an error (the pro forma's rules); warnings do not stop it.
    """
    commission = submission.commission
    require(by, "commission.submit", commission)
    _require_draft(submission)
    entries = recheck(submission)
    if not entries:
        raise NotAllowedNow("Add at least one row before sending the chronology.")
    errors = [
        (e.number, p["message"]) for e in entries for p in e.problems if p["severity"] == "error"
    ]
    if errors:
        summary = (
            f"Fix the {len(errors)} error{'s' if len(errors) != 1 else ''} in the rows before"
            " sending the chronology."
        )
        # Each row's error names its row, so the page links to it.
        raise NotAllowedNow(
            [Refusal(summary), *(Refusal(message, row_field(n)) for n, message in errors)]
        )
    now = timezone.now()
    earlier = ChronologySubmission.objects.filter(
        commission=commission, status=SubmissionStatus.SUBMITTED
    ).first()
    replaced = ChronologySubmission.objects.filter(
        commission=commission, status=SubmissionStatus.SUBMITTED
    ).update(status=SubmissionStatus.SUPERSEDED)
    if earlier is not None:
        _carry_marks(earlier, entries)
    ChronologySubmission.objects.filter(pk=submission.pk).update(
        status=SubmissionStatus.SUBMITTED,
        submitted_at=now,
        submitted_by=by,
        staff_ids=staff_ids.strip(),
    )
    commission_mark_received(commission=commission, part=DeadlineKind.CHRONOLOGY, at=now)
    submission.refresh_from_db()
    audit.record(
        "CHRONOLOGY_SUBMITTED",
        actor=by,
        obj=submission,
        detail={"version": submission.version, "rows": len(entries), "replaced": bool(replaced)},
    )
    return submission


def _same_row_key(entry: ChronologyEntry) -> tuple:
    return (entry.date_text, *(getattr(entry, key) for key in TEXT_KEYS))


def _carry_marks(earlier: ChronologySubmission, entries: list[ChronologyEntry]) -> None:
    """The panel's marks on rows sent again unchanged stay with them in the new version."""
    new_by_key: dict[tuple, ChronologyEntry] = {}
    for entry in entries:
        new_by_key.setdefault(_same_row_key(entry), entry)
    copies = []
    for mark in PanelMark.objects.filter(entry__submission=earlier).select_related("entry"):
        target = new_by_key.get(_same_row_key(mark.entry))
        if target is not None:
            copies.append(
                PanelMark(
                    entry=target,
                    kind=mark.kind,
                    note=mark.note,
                    marked_at=mark.marked_at,
                    marked_by_id=mark.marked_by_id,
                )
            )
    PanelMark.objects.bulk_create(copies)


# -- the merged chronology and the panel --------------------------------------------------------


@dataclass
class MergedView:
    """The merged chronology of a review's current versions, and each row's entry."""

    merged: Merged
    entries: dict[tuple[str, int], ChronologyEntry]
    submissions: list[ChronologySubmission]
    marks: dict[int, list[PanelMark]]

    def entry(self, row) -> ChronologyEntry:
        return self.entries[(row.file, row.number)]

    def marks_of(self, entry: ChronologyEntry) -> list[PanelMark]:
        return self.marks.get(entry.pk, [])


def current_submissions(review: Review) -> list[ChronologySubmission]:
    return list(
        ChronologySubmission.objects.filter(
            commission__review=review, status=SubmissionStatus.SUBMITTED
        )
        .select_related("commission__agency")
        .order_by("commission__agency__name")
    )


def merged_for(review: Review, *, with_marks: bool = True) -> MergedView:
    """Merge the agencies' current versions with the problems found when they were sent."""
    submissions = current_submissions(review)
    by_pk = {s.pk: s for s in submissions}
    entries = ChronologyEntry.objects.filter(submission__in=submissions).order_by(
        "submission_id", "number"
    )
    # One query by join, not a prefetch: a prefetch lists every row's id in the query, which
    # SQLite refuses beyond 32,766 of them (two agencies at the row limit).
    marks: dict[int, list[PanelMark]] = {}
    if with_marks:
        for mark in PanelMark.objects.filter(entry__submission__in=submissions).select_related(
            "marked_by"
        ):
            marks.setdefault(mark.entry_id, []).append(mark)
    grouped: dict[int, list[ChronologyEntry]] = {s.pk: [] for s in submissions}
    for entry in entries:
        grouped[entry.submission_id].append(entry)
    chronologies, problems, lookup = [], [], {}
    for pk, rows in grouped.items():
        agency = by_pk[pk].commission.agency.name
        chronologies.append(Chronology(agency, str(pk), tuple(_row_of(e) for e in rows)))
        problems.append(
            [
                checks.Problem(e.number, p["column"], p["code"], p["severity"], p["message"])
                for e in rows
                for p in e.problems
            ]
        )
        for e in rows:
            lookup[(str(pk), e.number)] = e
    return MergedView(merge(chronologies, problems=problems), lookup, submissions, marks)


def data_version(submissions: Iterable[ChronologySubmission]) -> str:
    versions = sorted((s.commission.agency.name, s.pk, s.version) for s in submissions)
    return hashlib.sha256(json.dumps(versions).encode()).hexdigest()


@transaction.atomic
def chronology_share(*, review: Review, by) -> None:
    """Share the merged chronology with the panel (until then only process staff see it)."""
    require(by, "review.manage", review)
    if not current_submissions(review):
        raise NotAllowedNow("No agency has sent its chronology yet: there is nothing to share.")
    Review.objects.filter(pk=review.pk, chronology_shared_at__isnull=True).update(
        chronology_shared_at=timezone.now()
    )
    review.refresh_from_db(fields=["chronology_shared_at"])
    audit.record("CHRONOLOGY_SHARED", actor=by, obj=review)


@transaction.atomic
def chronology_mark(*, entry: ChronologyEntry, kind: str, note: str, by) -> PanelMark:
    """The panel marks a row as a key decision point or good practice, with a note."""
    review = entry.submission.commission.review
    require(by, "chronology.annotate", review)
    mark = PanelMark.objects.create(
        entry=entry, kind=MarkKind(kind), note=note.strip(), marked_by=by
    )
    audit.record(
        "CHRONOLOGY_ROW_MARKED",
        actor=by,
        obj=mark,
        detail={"kind": kind, "entry": entry.pk},
    )
    return mark


@transaction.atomic
def chronology_approve(*, review: Review, note: str, by) -> ChronologyApproval:
    """The panel's recorded decision approving the merged chronology as it stands."""
    require(by, "chronology.approve", review)
    submissions = current_submissions(review)
    if not submissions:
        raise NotAllowedNow("No agency has sent its chronology yet: there is nothing to approve.")
    approval = ChronologyApproval.objects.create(
        review=review,
        versions={s.commission.agency.name: s.version for s in submissions},
        data_version=data_version(submissions),
        note=note.strip(),
        approved_by=by,
    )
    audit.record(
        "CHRONOLOGY_APPROVED",
        actor=by,
        obj=approval,
        reasons=approval.note,
        detail={"versions": approval.versions},
    )
    return approval


# -- exports -----------------------------------------------------------------------------------


@transaction.atomic
def export_request(*, review: Review, fmt: str, by) -> ExportJob:
    """Queue an export of the merged chronology; the task makes it and records its progress."""
    from . import tasks

    require(by, f"chronology.export_{fmt}", review)
    job = ExportJob.objects.create(review=review, format=fmt, requested_by=by)
    audit.record("CHRONOLOGY_EXPORT_REQUESTED", actor=by, obj=job, detail={"format": fmt})
    jobs.enqueue(tasks.export_merged, job.pk)
    return job
