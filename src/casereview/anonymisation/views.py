"""The review's key reference, glossary, genogram and documents, and their anonymisation.

Every view goes through the gate with a lookup scoped to the reviews a person may see (another
board's review, or one they are excluded from, is a 404). Each page that shows case content, and
each file served, records one read event; each change is one event written by its service.
"""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.db.models import Case, Count, IntegerField, Prefetch, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casereview.core.csvcells import sanitise_csv_cell
from casereview.core.documents import attachment
from casereview.core.forms import add_refusals
from casereview.core.lifecycle import NotAllowedNow
from casereview.core.pagination import paginate
from casereview.core.permissions import can, gate, reading
from casereview.core.serving import serve_stored
from casereview.core.uploads import CONTENT_TYPES
from casereview.reviews.models import ReviewDocument
from casereview.reviews.views import review_lookup

from . import exports, services
from . import reading as overview_reading
from .forms import (
    DismissForm,
    DocumentUploadForm,
    GlossaryEntryForm,
    KeyEntryForm,
    KeyImportForm,
    RelationForm,
)
from .genogram import GenogramError, render_svg
from .genogram import Relation as PureRelation
from .keyref import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from .models import (
    AnonymisationRun,
    Category,
    GlossaryEntry,
    KeyEntry,
    Relation,
    fold,
    key_reference_of,
)
from .uploads import UploadRefused

# --- look-ups: each within the reviews the person may see, else 404 -------------------------


def _child_of_review(model, kwarg: str, **related):
    def lookup(request: HttpRequest, kwargs: dict):
        review = review_lookup(request, kwargs)
        queryset = model.objects.filter(**{related.get("via", "review"): review})
        if related.get("select"):
            queryset = queryset.select_related(*related["select"])
        obj = get_object_or_404(queryset, pk=kwargs.pop(kwarg))
        # The scoped review, already loaded with its board: the rules read it without a query.
        (obj.document if model is AnonymisationRun else obj).review = review
        return obj

    return lookup


entry_lookup = _child_of_review(KeyEntry, "entry_pk")
term_lookup = _child_of_review(GlossaryEntry, "term_pk")
relation_lookup = _child_of_review(Relation, "relation_pk")
document_lookup = _child_of_review(ReviewDocument, "document_pk", select=("original",))
run_lookup = _child_of_review(
    AnonymisationRun, "run_pk", via="document__review", select=("document__original", "output")
)


def _review_of(obj):
    return obj.review


def _serve(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """Bytes made for this request, as an attachment a browser will never run (UP-3)."""
    return attachment(content, filename=filename, content_type=content_type)


SECTION_HEADINGS = {
    "family": "Family and significant people",
    "professional": "Professionals",
    "place": "Places",
    "other": "Other people",
}


_SECTION_ORDER = Case(
    *(When(category=c.value, then=Value(n)) for n, c in enumerate(Category)),
    output_field=IntegerField(),
)


def _by_category(entries) -> dict[str, list[KeyEntry]]:
    grouped: dict[str, list[KeyEntry]] = {c.value: [] for c in Category}
    for entry in entries:
        grouped[entry.category].append(entry)
    return grouped


# --- the key reference ---------------------------------------------------------------------


@gate("key_reference.manage", lookup=review_lookup, reads="KEY_REFERENCE_VIEWED")
@require_http_methods(["GET", "POST"])
def key_reference(request: HttpRequest, obj) -> HttpResponse:
    """The key: family, professionals and places, each with a label; add one.

    Shown a page at a time, in the order of the sections (a key holds up to 2,000 entries)."""
    review = obj
    form = KeyEntryForm(request.POST or None, review=review)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.key_entry_add(review=review, by=request.user, **form.cleaned_data)
        except NotAllowedNow as refusal:
            add_refusals(form, refusal)
        else:
            messages.success(request, f"Added to the key as {entry.label}.")
            return redirect("anonymisation:key-reference", pk=review.pk)
    pagination = paginate(request, review.key_entries.order_by(_SECTION_ORDER, "pk"))
    grouped = _by_category(pagination.items)
    in_key = dict(review.key_entries.order_by().values_list("category").annotate(count=Count("pk")))
    request.casereview_board = review.referral.board
    reading(request, entries=len(pagination.items), page=pagination.page.number)
    context = {
        "review": review,
        "sections": [
            (c, SECTION_HEADINGS[c], items, in_key.get(c, 0))
            for c, items in grouped.items()
            if items or not in_key.get(c)
        ],
        "pagination": pagination,
        "form": form,
        "count": pagination.page.paginator.count,
    }
    return render(request, "anonymisation/key_reference.html", context)


@gate("key_reference.manage", lookup=entry_lookup, reads="KEY_ENTRY_VIEWED")
@require_http_methods(["GET", "POST"])
def key_entry(request: HttpRequest, obj: KeyEntry) -> HttpResponse:
    entry = obj
    review = _review_of(entry)
    initial = {f: getattr(entry, f) for f in services.ENTRY_FIELDS}
    form = KeyEntryForm(request.POST or None, review=review, entry=entry, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.key_entry_change(entry=entry, by=request.user, **form.cleaned_data)
        except NotAllowedNow as refusal:
            add_refusals(form, refusal)
        else:
            messages.success(request, f"{entry.label} saved.")
            return redirect("anonymisation:key-reference", pk=review.pk)
    request.casereview_board = review.referral.board
    return render(
        request, "anonymisation/key_entry.html", {"review": review, "entry": entry, "form": form}
    )


@gate("key_reference.manage", lookup=entry_lookup)
@require_POST
def key_entry_remove(request: HttpRequest, obj: KeyEntry) -> HttpResponse:
    review = _review_of(obj)
    label = obj.label
    services.key_entry_remove(entry=obj, by=request.user)
    messages.success(request, f"{label} removed from the key.")
    return redirect("anonymisation:key-reference", pk=review.pk)


@gate("key_reference.manage", lookup=review_lookup)
@require_http_methods(["GET", "POST"])
def key_import(request: HttpRequest, obj) -> HttpResponse:
    review = obj
    request.casereview_board = review.referral.board
    form = KeyImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.key_import(
                review=review, text=form.cleaned_data["file"], by=request.user
            )
        except services.KeyImportError as failure:
            for problem in failure.problems:
                form.add_error("file", problem)
        else:
            messages.success(
                request,
                f"Key reference imported: {result.added} added, {result.updated} completed.",
            )
            return redirect("anonymisation:key-reference", pk=review.pk)
    return render(request, "anonymisation/key_import.html", {"review": review, "form": form})


@gate("key_reference.manage", lookup=review_lookup, reads="KEY_REFERENCE_EXPORTED")
@require_GET
def key_export_csv(request: HttpRequest, obj) -> HttpResponse:
    """The key reference CSV of CONTRACTS.md, quoted against formulas (SECURITY.md EX-1)."""
    review = obj
    entries = list(review.key_entries.all())
    request.casereview_board = review.referral.board
    reading(request, format="csv", rows=len(entries))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
    for e in key_reference_of(entries):
        yes_no = ["yes" if flag else "no" for flag in (e.deceased, e.subject, e.household)]
        row = [e.name, e.label, e.category, ";".join(e.aliases), e.dob, e.sex, *yes_no]
        writer.writerow([sanitise_csv_cell(cell) for cell in [*row, e.agency, e.role]])
    return _serve(
        out.getvalue().encode("utf-8"),
        filename=f"key-reference-{review.referral.reference}.csv",
        content_type=f"{CONTENT_TYPES['.csv']}; charset=utf-8",  # made here, in UTF-8
    )


@gate("key_reference.manage", lookup=review_lookup, reads="KEY_REFERENCE_EXPORTED")
@require_GET
def key_export_docx(request: HttpRequest, obj) -> HttpResponse:
    """The key reference of the family, as a document to send with IMR requests."""
    review = obj
    entries = list(review.key_entries.all())
    request.casereview_board = review.referral.board
    reading(request, format="docx", rows=len(entries))
    return _serve(
        exports.key_reference_docx(review, entries),
        filename=f"key-reference-{review.referral.reference}.docx",
        content_type=CONTENT_TYPES[".docx"],
    )


# --- the glossary --------------------------------------------------------------------------


@gate("key_reference.manage", lookup=review_lookup, reads="GLOSSARY_VIEWED")
@require_http_methods(["GET", "POST"])
def glossary(request: HttpRequest, obj) -> HttpResponse:
    """Acronyms with their expansions, and staff and places by label only."""
    review = obj
    form = GlossaryEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.glossary_add(review=review, by=request.user, **form.cleaned_data)
        except NotAllowedNow as refusal:
            add_refusals(form, refusal)
        else:
            messages.success(request, f"{entry.term} added to the glossary.")
            return redirect("anonymisation:glossary", pk=review.pk)
    acronyms = list(review.glossary.all())
    grouped = _by_category(review.key_entries.filter(category__in=["professional", "place"]))
    request.casereview_board = review.referral.board
    context = {
        "review": review,
        "acronyms": acronyms,
        "professionals": grouped["professional"],
        "places": grouped["place"],
        "form": form,
    }
    return render(request, "anonymisation/glossary.html", context)


@gate("key_reference.manage", lookup=review_lookup)
@require_POST
def glossary_starter(request: HttpRequest, obj) -> HttpResponse:
    added = services.glossary_add_starter(review=obj, by=request.user)
    messages.success(request, f"{added} acronyms added from the starter list.")
    return redirect("anonymisation:glossary", pk=obj.pk)


@gate("key_reference.manage", lookup=term_lookup)
@require_POST
def glossary_remove(request: HttpRequest, obj: GlossaryEntry) -> HttpResponse:
    review = _review_of(obj)
    services.glossary_remove(entry=obj, by=request.user)
    messages.success(request, f"{obj.term} removed from the glossary.")
    return redirect("anonymisation:glossary", pk=review.pk)


@gate("key_reference.manage", lookup=review_lookup, reads="GLOSSARY_EXPORTED")
@require_GET
def glossary_export(request: HttpRequest, obj) -> HttpResponse:
    """The glossary as a document: acronyms, then professionals and places by label."""
    review = obj
    entries = list(review.key_entries.filter(category__in=["professional", "place"]))
    acronyms = {g.term: g.meaning for g in review.glossary.all()}
    request.casereview_board = review.referral.board
    reading(request, format="docx", rows=len(entries) + len(acronyms))
    return _serve(
        exports.glossary_docx(review, entries, acronyms),
        filename=f"glossary-{review.referral.reference}.docx",
        content_type=CONTENT_TYPES[".docx"],
    )


# --- the genogram --------------------------------------------------------------------------


def _genogram_svg(entries, relations) -> tuple[str, str]:
    """The SVG (without its XML declaration) and, when it cannot be drawn, why."""
    pure = [PureRelation(r.person.label, r.relation, r.other.label) for r in relations]
    try:
        svg = render_svg(key_reference_of(entries), pure, labels_only=True)
    except GenogramError as exc:
        return "", str(exc)
    return svg.split("?>", 1)[-1].strip(), ""


@gate("key_reference.manage", lookup=review_lookup, reads="GENOGRAM_VIEWED")
@require_http_methods(["GET", "POST"])
def genogram(request: HttpRequest, obj) -> HttpResponse:
    """The family's genogram drawn from the key, beside its people and relationships."""
    review = obj
    entries = list(review.key_entries.all())
    people = [e for e in entries if e.category in ("family", "other")]
    form = RelationForm(
        request.POST or None,
        people=review.key_entries.filter(category__in=["family", "other"]),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.relation_add(review=review, by=request.user, **form.cleaned_data)
        except NotAllowedNow as refusal:
            add_refusals(form, refusal)
        else:
            messages.success(request, "Relationship added to the genogram.")
            return redirect("anonymisation:genogram", pk=review.pk)
    relations = list(review.relations.select_related("person", "other"))
    svg, problem = _genogram_svg(entries, relations)
    request.casereview_board = review.referral.board
    # The drawing is of everyone; the tables beside it are shown a page at a time.
    people_pages = paginate(request, people, fragment="genogram-people")
    relation_pages = paginate(request, relations, param="relations", fragment="genogram-relations")
    context = {
        "review": review,
        # Built by ElementTree from labels, which escapes every text and attribute.
        "svg": mark_safe(svg),  # noqa: S308
        "problem": problem,
        "people": people_pages.items,
        "people_pages": people_pages,
        "relations": relation_pages.items,
        "relation_pages": relation_pages,
        "form": form,
    }
    return render(request, "anonymisation/genogram.html", context)


@gate("key_reference.manage", lookup=relation_lookup)
@require_POST
def relation_remove(request: HttpRequest, obj: Relation) -> HttpResponse:
    review = _review_of(obj)
    services.relation_remove(relation=obj, by=request.user)
    messages.success(request, "Relationship removed.")
    return redirect("anonymisation:genogram", pk=review.pk)


# --- documents and their anonymisation ------------------------------------------------------


def _flag_states(review, runs):
    """Each run's flags with how they stand: resolved (and how), or still to resolve."""
    resolutions = {r.folded: r for r in review.flag_resolutions.select_related("key_entry")}
    key = key_reference_of(review.key_entries.all())
    for run in runs:
        run.flag_rows = []
        for index, flag in enumerate(run.flags):
            resolution = resolutions.get(fold(flag["text"]))
            in_key = key.by_name(flag["text"])
            run.flag_rows.append(
                {
                    "index": index,
                    **flag,
                    "resolution": resolution,
                    "in_key": in_key.label if in_key else "",
                    "open": resolution is None and in_key is None,
                }
            )
        run.open_flags = sum(1 for row in run.flag_rows if row["open"])


@gate("document.anonymise", lookup=review_lookup, reads="REVIEW_DOCUMENTS_VIEWED")
@require_http_methods(["GET", "POST"])
def documents(request: HttpRequest, obj) -> HttpResponse:
    """Documents uploaded to the review, their versions and latest anonymisation; upload one."""
    review = obj
    form = DocumentUploadForm(request.POST or None, request.FILES or None, review=review)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.document_upload(
                review=review,
                title=data["title"],
                filename=data["file"].name,
                content=data["content"],
                previous=data["previous"],
                by=request.user,
            )
        except NotAllowedNow as refusal:
            add_refusals(form, refusal)
        except UploadRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            messages.success(request, f"{document} uploaded. Anonymise it when the key is ready.")
            return redirect("anonymisation:documents", pk=review.pk)
    docs = list(
        review.documents.select_related("original", "uploaded_by").prefetch_related(
            Prefetch("runs", queryset=AnonymisationRun.objects.order_by("-run_at", "-pk"))
        )
    )
    latest = [run for d in docs for run in d.runs.all()[:1]]
    _flag_states(review, latest)
    for d in docs:
        runs = list(d.runs.all())
        d.latest_run = runs[0] if runs else None
    request.casereview_board = review.referral.board
    reading(request, documents=len(docs))
    return render(
        request,
        "anonymisation/documents.html",
        {"review": review, "documents": docs, "form": form},
    )


@gate("document.read_original", lookup=document_lookup)
@require_GET
def document_original(request: HttpRequest, obj: ReviewDocument) -> HttpResponse:
    """The original as uploaded, to whom the original kind's rule allows (DL-1)."""
    return serve_stored(request, obj.original, document=obj.pk)


@gate("document.anonymise", lookup=document_lookup)
@require_POST
def document_anonymise(request: HttpRequest, obj: ReviewDocument) -> HttpResponse:
    review = _review_of(obj)
    try:
        run = services.document_anonymise(document=obj, by=request.user)
    except NotAllowedNow as failure:
        messages.error(request, str(failure))
        return redirect("anonymisation:documents", pk=review.pk)
    return redirect("anonymisation:run", pk=review.pk, run_pk=run.pk)


@gate("document.anonymise", lookup=run_lookup, reads="ANONYMISATION_VIEWED")
@require_GET
def run_detail(request: HttpRequest, obj: AnonymisationRun) -> HttpResponse:
    """What a run replaced, each in its context, what it redacted and removed, and its flags."""
    run = obj
    review = _review_of(run)
    _flag_states(review, [run])
    newer = run.document.runs.filter(run_at__gt=run.run_at).exists()
    request.casereview_board = review.referral.board
    context = {
        "review": review,
        "run": run,
        "document": run.document,
        "newer": newer,
        "can_keep_key": can(request.user, "key_reference.manage", review),
        "can_read_original": can(request.user, "document.read_original", review),
    }
    return render(request, "anonymisation/run.html", context)


@gate("document.anonymise", lookup=run_lookup)
@require_GET
def run_download(request: HttpRequest, obj: AnonymisationRun) -> HttpResponse:
    return serve_stored(request, obj.output, run=obj.pk)


def _flag(run: AnonymisationRun, index: int) -> dict:
    if not 0 <= index < len(run.flags):
        raise Http404
    return run.flags[index]


@gate("key_reference.manage", lookup=run_lookup, reads="ANONYMISATION_FLAG_VIEWED")
@require_http_methods(["GET", "POST"])
def flag_add(request: HttpRequest, obj: AnonymisationRun, index: int) -> HttpResponse:
    """Resolve a flag by adding who (or what) it names to the key."""
    run = obj
    review = _review_of(run)
    flag = _flag(run, index)
    form = KeyEntryForm(
        request.POST or None,
        review=review,
        # The name is the flag's; what kind of person or place it is, the administrator says.
        initial={"name": flag["text"]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.flag_add_to_key(
                run=run, index=index, by=request.user, **form.cleaned_data
            )
        except NotAllowedNow as refusal:
            add_refusals(form, refusal)
        else:
            messages.success(
                request, f"Added to the key as {entry.label}. Anonymise the document again."
            )
            return redirect("anonymisation:run", pk=review.pk, run_pk=run.pk)
    request.casereview_board = review.referral.board
    reading(request, flag=index)
    return render(
        request,
        "anonymisation/flag_add.html",
        {"review": review, "run": run, "flag": flag, "form": form},
    )


@gate("document.anonymise", lookup=run_lookup, reads="ANONYMISATION_FLAG_VIEWED")
@require_http_methods(["GET", "POST"])
def flag_dismiss(request: HttpRequest, obj: AnonymisationRun, index: int) -> HttpResponse:
    """Resolve a flag as not an identifier, with the reason (recorded)."""
    run = obj
    review = _review_of(run)
    flag = _flag(run, index)
    form = DismissForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.flag_dismiss(
            run=run, index=index, reason=form.cleaned_data["reason"], by=request.user
        )
        messages.success(request, "Dismissed. Later checks will not flag it again.")
        return redirect("anonymisation:run", pk=review.pk, run_pk=run.pk)
    request.casereview_board = review.referral.board
    reading(request, flag=index)
    return render(
        request,
        "anonymisation/flag_dismiss.html",
        {"review": review, "run": run, "flag": flag, "form": form},
    )


# --- what the overview author reads from (004 §13) -----------------------------------------


@gate("key_reference.view", lookup=review_lookup, reads="KEY_REFERENCE_READ")
@require_GET
def key_reference_read(request: HttpRequest, obj) -> HttpResponse:
    """The key to read by: the family's names with their labels; professionals by label only.

    The overview report keeps the family's names (004 §13), not the professionals'."""
    review = obj
    pagination = paginate(request, review.key_entries.order_by(_SECTION_ORDER, "pk"))
    reading(request, review, entries=len(pagination.items), page=pagination.page.number)
    sections = [
        (c, SECTION_HEADINGS[c], items)
        for c, items in _by_category(pagination.items).items()
        if items
    ]
    return render(
        request,
        "anonymisation/key_reference_read.html",
        {"review": review, "sections": sections, "pagination": pagination},
    )


@gate("document.read_anonymised", lookup=review_lookup, reads="ANONYMISED_COPIES_VIEWED")
@require_GET
def copies(request: HttpRequest, obj) -> HttpResponse:
    """The agency reports as anonymised and checked, one copy each, to read and download.

    Each copy downloads through the one document download, whose rule for anonymised copies
    (core.serving) lets the overview author have exactly these."""
    review = obj
    found = overview_reading.copies_for_reading(review)
    reading(request, review, copies=len(found))
    context = {
        "review": review,
        "copies": found,
        "can_see_merged": can(request.user, "chronology.view_merged", review),
        "can_read_key": can(request.user, "key_reference.view", review),
    }
    return render(request, "anonymisation/copies.html", context)
