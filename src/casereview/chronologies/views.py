"""Chronology pages: an agency's rows (upload, type, fix, send), and the panel's merged view.

Every view passes the gate; an agency's pages are for its own people and the board's process
staff (``commission.*``), the merged chronology for process staff and, once shared, the panel.
Each read of rows writes one audit event, each change one more (in the service).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casereview.core.forms import add_refusals
from casereview.core.lifecycle import NotAllowedNow
from casereview.core.pagination import PER_PAGE, page_href, paginate
from casereview.core.permissions import can, gate, reading
from casereview.core.serving import EXPORT_LIFETIME, serve_stored
from casereview.core.uploads import UploadRefused
from casereview.reviews.models import AgencyCommission, Review
from casereview.reviews.views import commission_lookup, review_lookup

from . import services
from .access import EXPORT_FORMATS
from .checks import ERROR, WARNING
from .dates import format_date
from .exports import gap_sentence
from .forms import (
    PROBLEM_LABELS,
    ApproveForm,
    ExportForm,
    FilterForm,
    MarkForm,
    RowForm,
    SubmitForm,
    UploadForm,
)
from .models import (
    ChronologyApproval,
    ChronologyEntry,
    ChronologySubmission,
    ExportJob,
    ExportStatus,
    SubmissionStatus,
)
from .proforma import HEADINGS

TEXT_HEADINGS = [(key, HEADINGS[key]) for key in services.TEXT_KEYS]


def _posted(request: HttpRequest, *, files: bool = False) -> tuple:
    """A form's data: bound on every POST, even an empty one (which must show its errors)."""
    if request.method != "POST":
        return ()
    return (request.POST, request.FILES) if files else (request.POST,)


def _decorate(entries) -> None:
    """Give each entry its cells in column order and its worst problem, for the templates."""
    for entry in entries:
        entry.cells = [getattr(entry, key) for key, _ in TEXT_HEADINGS]
        entry.labelled = [(heading, getattr(entry, key)) for key, heading in TEXT_HEADINGS]
        severities = {p["severity"] for p in entry.problems}
        entry.worst = ERROR if ERROR in severities else WARNING if WARNING in severities else ""


# -- an agency's chronology ---------------------------------------------------------------------


@gate("commission.view", lookup=commission_lookup, reads="CHRONOLOGY_VIEWED")
@require_GET
def commission_page(request: HttpRequest, obj: AgencyCommission) -> HttpResponse:
    """The agency's chronology as sent (or an earlier version), its draft and its versions."""
    commission = obj
    review = commission.review
    request.casereview_board = review.referral.board
    versions = list(
        ChronologySubmission.objects.filter(commission=commission).select_related(
            "submitted_by", "created_by"
        )
    )
    asked = request.GET.get("version", "")
    if asked:
        shown = next((v for v in versions if str(v.version) == asked and not v.is_draft), None)
        if shown is None:
            raise Http404
    else:
        shown = next((v for v in versions if v.status == SubmissionStatus.SUBMITTED), None)
    draft = next((v for v in versions if v.is_draft), None)
    pagination = paginate(request, shown.entries.all(), fragment="rows") if shown else None
    entries = list(pagination.items) if pagination else []
    _decorate(entries)
    reading(
        request,
        shown or commission,
        rows=len(entries),
        version=shown.version if shown else None,
        page=pagination.page.number if pagination else None,
    )
    context = {
        "review": review,
        "commission": commission,
        "shown": shown,
        "draft": draft,
        "versions": [v for v in versions if not v.is_draft],
        "entries": entries,
        "pagination": pagination,
        "headings": TEXT_HEADINGS,
        "can_submit": can(request.user, "commission.submit", commission),
        "missing_initials": services.staff_initials_missing(shown) if shown else [],
    }
    return render(request, "chronologies/commission.html", context)


@gate("commission.submit", lookup=commission_lookup)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, obj: AgencyCommission) -> HttpResponse:
    """Upload the agency's file: refused with a clear message and nothing kept, or read into
    a draft whose problems are shown beside each row."""
    commission = obj
    request.casereview_board = commission.review.referral.board
    form = UploadForm(*_posted(request, files=True))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            submission = services.chronology_upload(
                commission=commission, name=upload.name, content=upload.content, by=request.user
            )
        except UploadRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            read = list(submission.entries.only("problems"))
            rows, errors = len(read), sum(1 for entry in read if entry.errors)
            (messages.info if errors else messages.success)(
                request,
                f"{rows} row{'s' if rows != 1 else ''} read from the file."
                + (
                    f" {errors} row{'s need' if errors != 1 else ' needs'} fixing before you send"
                    " it."
                    if errors
                    else " Check them and send the chronology."
                ),
            )
            return redirect(
                "chronologies:draft", pk=commission.review_id, commission_pk=commission.pk
            )
    return render(
        request,
        "chronologies/upload.html",
        {"commission": commission, "review": commission.review, "form": form},
        status=400 if form.errors else 200,
    )


def _draft_of(commission) -> ChronologySubmission | None:
    return ChronologySubmission.objects.filter(
        commission=commission, status=SubmissionStatus.DRAFT
    ).first()


def _draft_page(request, commission, draft, *, row_form=None, submit_form=None, refusal=None):
    pagination = paginate(request, draft.entries.all(), fragment="rows")
    entries = list(pagination.items)
    _decorate(entries)
    reading(
        request,
        draft,
        rows=len(entries),
        version=draft.version,
        page=pagination.page.number,
    )
    # The whole draft's numbers and problems in one query: the counts, and which page holds
    # each row a refusal names.
    position: dict[int, int] = {}
    counts = {ERROR: 0, WARNING: 0}
    for index, (number, problems) in enumerate(draft.entries.values_list("number", "problems")):
        position[number] = index
        for problem in problems:
            if problem["severity"] in counts:
                counts[problem["severity"]] += 1
    refused = refusal.refusals if refusal is not None else []
    refusal_links = [
        (_draft_url(commission, pagination.page_of(position.get(number, 0)), number), r.message)
        for r in refused
        if (number := services.row_of(r.field)) is not None
    ]
    context = {
        "review": commission.review,
        "commission": commission,
        "draft": draft,
        "entries": entries,
        "pagination": pagination,
        "total": pagination.page.paginator.count,
        "headings": TEXT_HEADINGS,
        "counts": counts,
        "refusal_links": refusal_links,
        "row_form": row_form or RowForm(),
        "submit_form": submit_form or SubmitForm(initial={"staff_ids": draft.staff_ids}),
        "refusal": " ".join(r.message for r in refused if services.row_of(r.field) is None),
        "missing_initials": services.staff_initials_missing(draft),
        "form": row_form if row_form is not None and row_form.errors else submit_form,
    }
    return render(request, "chronologies/draft.html", context)


@gate("commission.submit", lookup=commission_lookup, reads="CHRONOLOGY_DRAFT_VIEWED")
@require_http_methods(["GET", "POST"])
def draft(request: HttpRequest, obj: AgencyCommission) -> HttpResponse:
    """The draft's rows, each with its problems; a form to add a row."""
    commission = obj
    request.casereview_board = commission.review.referral.board
    current = _draft_of(commission)
    if current is None:
        # Not a refusal: there is simply nothing being prepared; say how to start.
        if request.method == "POST":
            messages.info(request, "There is no draft. Upload a file or start typing the rows.")
            return redirect(
                "chronologies:commission", pk=commission.review_id, commission_pk=commission.pk
            )
        return render(
            request,
            "chronologies/no_draft.html",
            {"review": commission.review, "commission": commission},
        )
    if request.method == "POST":
        form = RowForm(request.POST)
        if form.is_valid():
            entry = services.chronology_row_save(
                submission=current, data=form.cleaned_data, by=request.user
            )
            messages.success(request, f"Row {entry.number} added.")
            return redirect(_draft_row_url(commission, entry))
        return _draft_page(request, commission, current, row_form=form)
    return _draft_page(request, commission, current)


def _draft_url(commission, page: int = 1, number: int | None = None) -> str:
    """The draft's address, at a page and a row when given."""
    url = reverse(
        "chronologies:draft",
        kwargs={"pk": commission.review_id, "commission_pk": commission.pk},
    )
    if page > 1:
        url += f"?page={page}"
    return url + (f"#row-{number}" if number is not None else "")


def _draft_row_url(commission, entry: ChronologyEntry) -> str:
    """The draft's page that shows this row, at the row."""
    before = ChronologyEntry.objects.filter(
        submission_id=entry.submission_id, number__lt=entry.number
    ).count()
    return _draft_url(commission, before // PER_PAGE + 1, entry.number)


@gate("commission.submit", lookup=commission_lookup)
@require_POST
def draft_start(request: HttpRequest, obj: AgencyCommission) -> HttpResponse:
    """Start a draft to type into (a copy of the rows last sent)."""
    services.chronology_draft_start(commission=obj, by=request.user)
    return redirect(_draft_url(obj))


def _draft_entry(commission, row_pk: int) -> ChronologyEntry:
    return get_object_or_404(
        ChronologyEntry.objects.select_related("submission"),
        pk=row_pk,
        submission__commission=commission,
        submission__status=SubmissionStatus.DRAFT,
    )


@gate("commission.submit", lookup=commission_lookup, reads="CHRONOLOGY_ROW_VIEWED")
@require_http_methods(["GET", "POST"])
def row_edit(request: HttpRequest, obj: AgencyCommission, row_pk: int) -> HttpResponse:
    """Change one row of the draft; its problems are shown beside the fields."""
    commission = obj
    request.casereview_board = commission.review.referral.board
    entry = _draft_entry(commission, row_pk)
    initial = {key: getattr(entry, key) for key in ("date_text", *services.TEXT_KEYS)}
    form = RowForm(*_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        entry = services.chronology_row_save(
            submission=entry.submission, entry=entry, data=form.cleaned_data, by=request.user
        )
        if entry.problems:
            messages.info(request, f"Row {entry.number} saved. It still has problems: see below.")
        else:
            messages.success(request, f"Row {entry.number} saved. It has no problems now.")
        return redirect(_draft_row_url(commission, entry))
    reading(request, entry, row=entry.number)
    return render(
        request,
        "chronologies/row_edit.html",
        {"review": commission.review, "commission": commission, "entry": entry, "form": form},
    )


@gate("commission.submit", lookup=commission_lookup)
@require_POST
def row_delete(request: HttpRequest, obj: AgencyCommission, row_pk: int) -> HttpResponse:
    entry = _draft_entry(obj, row_pk)
    services.chronology_row_delete(entry=entry, by=request.user)
    messages.success(request, f"Row {entry.number} removed.")
    return redirect(_draft_url(obj))


@gate("commission.submit", lookup=commission_lookup)
@require_POST
def submit(request: HttpRequest, obj: AgencyCommission) -> HttpResponse:
    """Send the draft to the board; refused, with each row's errors listed, while any remain."""
    commission = obj
    request.casereview_board = commission.review.referral.board
    current = _draft_of(commission)
    if current is None:
        messages.error(request, "There is no draft to send. Upload a file or type the rows first.")
        return redirect(
            "chronologies:commission", pk=commission.review_id, commission_pk=commission.pk
        )
    form = SubmitForm(request.POST)
    form.is_valid()
    try:
        services.chronology_submit(
            submission=current, staff_ids=form.cleaned_data.get("staff_ids", ""), by=request.user
        )
    except NotAllowedNow as refusal:
        ChronologySubmission.objects.filter(pk=current.pk).update(
            staff_ids=form.cleaned_data.get("staff_ids", "").strip()
        )  # keep what was typed: nothing already written is lost
        current.refresh_from_db()
        return _draft_page(request, commission, current, submit_form=form, refusal=refusal)
    messages.success(request, f"Chronology sent to the board (version {current.version}).")
    return redirect("chronologies:commission", pk=commission.review_id, commission_pk=commission.pk)


# -- the merged chronology -----------------------------------------------------------------------


def _display_rows(view: services.MergedView) -> list[dict]:
    """Each merged row with its entry, notes, gap before it and discrepancy, in order."""
    merged = view.merged
    gap_before: dict[int, object] = {}
    first_on: dict[dt.date, int] = {}
    for position, row in enumerate(merged.rows):
        if row.date is not None:
            first_on.setdefault(row.date, position)
    for gap in merged.gaps:
        gap_before[first_on[gap.end]] = gap
    pairs: dict[int, tuple[object, str]] = {}
    for pair in merged.discrepancies:
        pairs[id(pair.a)] = (pair.b, pair.reason)
        pairs[id(pair.b)] = (pair.a, pair.reason)
    rows = []
    for position, row in enumerate(merged.rows):
        entry = view.entry(row)
        other = pairs.get(id(row))
        gap = gap_before.get(position)
        marks = view.marks_of(entry)
        rows.append(
            {
                "row": row,
                "entry": entry,
                "date": format_date(row.date) if row.date else "",
                "cells": [row.row.cells.get(key, "") for key, _ in TEXT_HEADINGS],
                "problems": entry.problems,
                "codes": {p["code"] for p in entry.problems},
                "errors": any(p["severity"] == ERROR for p in entry.problems),
                "gap": gap_sentence(gap.start, gap.end, gap.days) if gap else "",
                "discrepancy": (
                    {
                        "agency": other[0].agency,
                        "number": other[0].number,
                        "date": format_date(other[0].date) if other[0].date else "no date",
                        "entry": view.entry(other[0]),
                        "reason": other[1],
                    }
                    if other
                    else None
                ),
                "marks": marks,
                "kinds": {m.kind for m in marks},
            }
        )
    return rows


def _keep(item: dict, data: dict) -> bool:
    row = item["row"]
    if data.get("agency") and row.agency != data["agency"]:
        return False
    if data.get("date_from") and (row.date is None or row.date < data["date_from"]):
        return False
    if data.get("date_to") and (row.date is None or row.date > data["date_to"]):
        return False
    problem = data.get("problem")
    if problem == "any-error" and not item["errors"]:
        return False
    if problem == "any" and not item["problems"]:
        return False
    if problem and problem not in ("any", "any-error") and problem not in item["codes"]:
        return False
    flag = data.get("flag")
    if flag == "marked" and not item["marks"]:
        return False
    if flag in ("key-decision", "good-practice") and flag not in item["kinds"]:
        return False
    if flag == "discrepancy" and not item["discrepancy"]:
        return False
    return not (flag == "gap" and not item["gap"])


def _link_discrepancies(request, review, pagination, rows: list[dict], everything: list[dict]):
    """Point each shown discrepancy at the page holding the other row: this page's list when
    the filters keep it, else the unfiltered list."""
    filtered = {item["entry"].pk: n for n, item in enumerate(rows)}
    unfiltered: dict[int, int] | None = None
    for item in pagination.items:
        other = item["discrepancy"]
        if other is None:
            continue
        pk = other["entry"].pk
        if pk in filtered:
            page = pagination.page_of(filtered[pk])
            same = page == pagination.page.number
            other["href"] = f"#row-{pk}" if same else page_href(request, page, fragment=f"row-{pk}")
            continue
        if unfiltered is None:
            unfiltered = {item["entry"].pk: n for n, item in enumerate(everything)}
        other["href"] = _merged_url(review, pagination.page_of(unfiltered.get(pk, 0)), pk)


def _merged_url(review, page: int = 1, entry_pk: int | None = None) -> str:
    url = reverse("chronologies:merged", args=[review.pk])
    if page > 1:
        url += f"?page={page}"
    return url + (f"#row-{entry_pk}" if entry_pk is not None else "")


def _latest_approval(review, submissions):
    approval = (
        ChronologyApproval.objects.filter(review=review).select_related("approved_by").first()
    )
    if approval is not None:
        approval.is_current = approval.data_version == services.data_version(submissions)
    return approval


@gate("chronology.view_merged", lookup=review_lookup, reads="CHRONOLOGY_MERGED_VIEWED")
@require_GET
def merged(request: HttpRequest, obj: Review) -> HttpResponse:
    """All agencies' rows in date order, with gaps and discrepancies marked, filtered."""
    review = obj
    request.casereview_board = review.referral.board
    view = services.merged_for(review)
    agencies = [s.commission.agency.name for s in view.submissions]
    filters = FilterForm(request.GET or None, agencies=agencies)
    data = filters.cleaned_data if filters.is_valid() else {}
    everything = _display_rows(view)
    rows = [item for item in everything if _keep(item, data)]
    pagination = paginate(request, rows, fragment="merged")
    _link_discrepancies(request, review, pagination, rows, everything)
    reading(
        request,
        rows=len(pagination.items),
        matching=len(rows),
        page=pagination.page.number,
        filters={k: str(v) for k, v in data.items() if v},
    )
    commissions = list(review.commissions.select_related("agency"))
    sent = {s.commission_id for s in view.submissions}
    context = {
        "review": review,
        "referral": review.referral,
        "rows": pagination.items,
        "pagination": pagination,
        "matching": len(rows),
        "total": len(everything),
        "filtered": bool(data and any(data.values())),
        "filters": filters,
        "form": filters,
        "headings": TEXT_HEADINGS,
        "gaps": view.merged.gaps,
        "discrepancies": view.merged.discrepancies,
        "submissions": view.submissions,
        "waiting": [c for c in commissions if c.pk not in sent],
        "approval": _latest_approval(review, view.submissions),
        "can_manage": can(request.user, "review.manage", review),
        "can_annotate": can(request.user, "chronology.annotate", review),
        "can_approve": can(request.user, "chronology.approve", review),
        "export_form": ExportForm(),
        "export_formats": [
            f for f in EXPORT_FORMATS if can(request.user, f"chronology.export_{f}", review)
        ],
        "problem_labels": PROBLEM_LABELS,
    }
    return render(request, "chronologies/merged.html", context)


@gate("review.manage", lookup=review_lookup)
@require_POST
def share(request: HttpRequest, obj: Review) -> HttpResponse:
    """Share the merged chronology with the panel."""
    try:
        services.chronology_share(review=obj, by=request.user)
    except NotAllowedNow as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "The merged chronology is shared with the panel.")
    return redirect("chronologies:merged", pk=obj.pk)


def _merged_entry(review, row_pk: int) -> ChronologyEntry:
    return get_object_or_404(
        ChronologyEntry.objects.select_related("submission__commission__agency"),
        pk=row_pk,
        submission__commission__review=review,
        submission__status=SubmissionStatus.SUBMITTED,
    )


@gate("chronology.annotate", lookup=review_lookup, reads="CHRONOLOGY_ROW_VIEWED")
@require_http_methods(["GET", "POST"])
def mark(request: HttpRequest, obj: Review, row_pk: int) -> HttpResponse:
    """Mark a row of the merged chronology as a key decision point or good practice."""
    review = obj
    request.casereview_board = review.referral.board
    entry = _merged_entry(review, row_pk)
    form = MarkForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        services.chronology_mark(
            entry=entry,
            kind=form.cleaned_data["kind"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
        messages.success(
            request,
            f"{entry.submission.commission.agency.name} row {entry.number} marked.",
        )
        view = services.merged_for(review, with_marks=False)
        position = next(
            (n for n, row in enumerate(view.merged.rows) if view.entry(row).pk == entry.pk), 0
        )
        return redirect(_merged_url(review, position // PER_PAGE + 1, entry.pk))
    reading(request, entry, row=entry.number)
    _decorate([entry])
    return render(
        request,
        "chronologies/mark.html",
        {
            "review": review,
            "entry": entry,
            "form": form,
            "headings": TEXT_HEADINGS,
            "marks": entry.marks.select_related("marked_by"),
        },
    )


@gate("chronology.approve", lookup=review_lookup)
@require_http_methods(["GET", "POST"])
def approve(request: HttpRequest, obj: Review) -> HttpResponse:
    """The panel's decision approving the merged chronology, recorded with its versions."""
    review = obj
    request.casereview_board = review.referral.board
    submissions = services.current_submissions(review)
    form = ApproveForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.chronology_approve(
                review=review, note=form.cleaned_data["note"], by=request.user
            )
        except NotAllowedNow as refusal:
            add_refusals(form, refusal)
        else:
            messages.success(
                request, "The merged chronology is approved. The decision is recorded."
            )
            return redirect("chronologies:merged", pk=review.pk)
    return render(
        request,
        "chronologies/approve.html",
        {
            "review": review,
            "referral": review.referral,
            "form": form,
            "submissions": submissions,
            "waiting": review.commissions.exclude(
                pk__in=[s.commission_id for s in submissions]
            ).select_related("agency"),
        },
    )


# -- exports -----------------------------------------------------------------------------------


@gate("chronology.export", lookup=review_lookup)
@require_POST
def export(request: HttpRequest, obj: Review) -> HttpResponse:
    """Ask for an export; it is made in the background and its page shows the progress."""
    form = ExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a format for the export.")
        return redirect("chronologies:merged", pk=obj.pk)
    job = services.export_request(review=obj, fmt=form.cleaned_data["format"], by=request.user)
    return redirect("chronologies:export-job", pk=obj.pk, job_pk=job.pk)


def _job(request, review, job_pk: int) -> ExportJob:
    # An export is its requester's own: another person, even on the panel, asks for theirs.
    return get_object_or_404(
        ExportJob.objects.select_related("document"),
        pk=job_pk,
        review=review,
        requested_by=request.user,
    )


@gate("chronology.export", lookup=review_lookup)
@require_GET
def export_job(request: HttpRequest, obj: Review, job_pk: int) -> HttpResponse:
    review = obj
    request.casereview_board = review.referral.board
    job = _job(request, review, job_pk)
    expired = job.finished_at is not None and timezone.now() - job.finished_at > EXPORT_LIFETIME
    return render(
        request,
        "chronologies/export_job.html",
        {
            "review": review,
            "referral": review.referral,
            "job": job,
            "expired": expired,
            "expires_at": job.finished_at + EXPORT_LIFETIME if job.finished_at else None,
        },
    )


@gate("chronology.export", lookup=review_lookup)
@require_GET
def export_download(request: HttpRequest, obj: Review, job_pk: int) -> HttpResponse:
    """Serve a finished export to its requester, within its day (the export kind's rule)."""
    job = _job(request, obj, job_pk)
    if job.status != ExportStatus.DONE or job.document is None:
        raise Http404
    return serve_stored(request, job.document, format=job.format, rows=job.rows, job=job.pk)
