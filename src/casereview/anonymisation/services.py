"""Changes to a review's key reference, glossary, genogram and documents; each one audited.

The key is kept in the database and turned into the pure ``KeyReference`` for every run, so a
label, once given, stands for the same person in every run and every version of an IMR.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from casereview.core import models as audit
from casereview.core.csvcells import unquote_csv_cell
from casereview.core.documents import document_store
from casereview.core.lifecycle import NotAllowedNow, Refusal
from casereview.core.models import DocumentStatus
from casereview.core.permissions import require
from casereview.core.uploads import CONTENT_TYPES
from casereview.reviews.models import ReviewDocument

from .anonymise import AnonymiseError, Anonymiser
from .edits import NAME, Edit
from .glossary import STARTER_ACRONYMS
from .keyref import (
    MAX_ENTRIES,
    KeyReferenceError,
    format_key_csv,
    parse_key_csv,
    suggest_label,
    too_many_entries,
)
from .models import (
    AnonymisationRun,
    FlagResolution,
    GlossaryEntry,
    KeyEntry,
    Outcome,
    Relation,
    fold,
    key_reference_of,
)
from .uploads import check_document, decode_text, suffix_of

ENTRY_FIELDS = (
    "category",
    "name",
    "label",
    "aliases",
    "dob",
    "sex",
    "deceased",
    "subject",
    "household",
    "relationship",
    "agency",
    "role",
)
MAX_DOCUMENTS_PER_REVIEW = 200  # SECURITY.md UP-4: the cap + 1 is refused, nothing stored
CONTEXT = 40  # characters of anonymised text shown either side of a replacement
CONTEXTS_PER_NAME = 5


# --- the key reference ---------------------------------------------------------------------


def _label_used(label: str) -> NotAllowedNow:
    return NotAllowedNow(Refusal(f"The label {label!r} is already used in this key.", "label"))


def _label_taken(review, label: str, exclude_pk: int | None = None) -> bool:
    entries = review.key_entries.annotate(folded=Lower("label")).filter(folded=label.casefold())
    if exclude_pk:
        entries = entries.exclude(pk=exclude_pk)
    return entries.exists()


def label_for(review, category: str, role: str = "", relationship: str = "") -> str:
    """A new label for the review: the pure rule over the labels already given."""
    existing = review.key_entries.values_list("label", flat=True)
    return suggest_label(
        category, existing, role=_capitalised(role), relationship=_capitalised(relationship)
    )


def _capitalised(words: str) -> str | None:
    """ "Social worker" as a label's stem: "Social Worker" (as in "Social Worker 1")."""
    return " ".join(w[:1].upper() + w[1:] for w in words.split()) or None


def _clean_fields(fields: dict) -> dict:
    clean = {k: v for k, v in fields.items() if k in ENTRY_FIELDS}
    for key in ("name", "label", "dob", "relationship", "agency", "role"):
        if key in clean:
            clean[key] = " ".join((clean[key] or "").split())
    if "aliases" in clean:
        parts = (" ".join(p.split()) for p in (clean["aliases"] or "").split(";"))
        clean["aliases"] = "; ".join(p for p in parts if p)
    return clean


def _create_entry(*, review, by, fields: dict) -> KeyEntry:
    fields = _clean_fields(fields)
    if not fields.get("label"):
        fields["label"] = label_for(
            review, fields["category"], fields.get("role", ""), fields.get("relationship", "")
        )
    if _label_taken(review, fields["label"]):
        raise NotAllowedNow(
            Refusal(f"The label {fields['label']!r} is already used in this key.", "label")
        )
    if review.key_entries.count() >= MAX_ENTRIES:
        raise NotAllowedNow(Refusal(_sentence(too_many_entries()), "label"))
    try:
        with transaction.atomic():
            return KeyEntry.objects.create(review=review, created_by=by, **fields)
    except IntegrityError:  # a concurrent add took the label first
        raise NotAllowedNow(
            Refusal(f"The label {fields['label']!r} is already used in this key.", "label")
        ) from None


@transaction.atomic
def key_entry_add(*, review, by, **fields) -> KeyEntry:
    """Add a person or place to the key; with no label given, the next free one."""
    require(by, "key_reference.manage", review)
    entry = _create_entry(review=review, by=by, fields=fields)
    audit.record(
        "KEY_ENTRY_ADDED",
        actor=by,
        obj=entry,
        detail={"label": entry.label, "category": entry.category},
    )
    return entry


@transaction.atomic
def key_entry_change(*, entry: KeyEntry, by, **fields) -> KeyEntry:
    require(by, "key_reference.manage", entry.review)
    fields = _clean_fields(fields)
    if "label" in fields and _label_taken(entry.review, fields["label"], exclude_pk=entry.pk):
        raise NotAllowedNow(
            Refusal(f"The label {fields['label']!r} is already used in this key.", "label")
        )
    changed = sorted(k for k, v in fields.items() if getattr(entry, k) != v)
    for key, value in fields.items():
        setattr(entry, key, value)
    entry.save()
    audit.record(
        "KEY_ENTRY_CHANGED",
        actor=by,
        obj=entry,
        detail={"label": entry.label, "fields": changed},
    )
    return entry


@transaction.atomic
def key_entry_remove(*, entry: KeyEntry, by) -> None:
    """Take an entry out of the key, with its relations in the genogram."""
    review = entry.review
    require(by, "key_reference.manage", review)
    Relation.objects.filter(review=review, person=entry).delete()
    Relation.objects.filter(review=review, other=entry).delete()
    audit.record("KEY_ENTRY_REMOVED", actor=by, obj=entry, detail={"label": entry.label})
    entry.delete()


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:].rstrip(".") + "."


class KeyImportError(ValueError):
    """The CSV cannot be imported; ``problems`` each name the row and the column."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int


def _unquoted_csv(text: str) -> tuple[str, list[int]]:
    """The CSV with spreadsheet quoting undone (EX-1), and the row number of each entry."""
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    numbers: list[int] = []
    for index, row in enumerate(rows):
        writer.writerow([unquote_csv_cell(cell) for cell in row])
        if index and any(cell.strip() for cell in row):
            numbers.append(index + 1)
            if len(numbers) > MAX_ENTRIES:
                break  # one past the bound is enough for parse_key_csv to refuse it
    return out.getvalue(), numbers


@transaction.atomic
def key_import(*, review, text: str, by) -> ImportResult:
    """Add the CSV's entries to the key; an entry with a label already kept is completed.

    Nothing kept is lost: a row never changes the name a label stands for, and only fills in
    what it gives (aliases are added to). Any problem imports nothing.
    """
    require(by, "key_reference.manage", review)
    try:
        unquoted, numbers = _unquoted_csv(text)
        key = parse_key_csv(unquoted)
    except (KeyReferenceError, csv.Error) as exc:
        message = str(exc)
        raise KeyImportError([message[0].upper() + message[1:]]) from None
    kept = list(review.key_entries.all())
    by_label = {e.label.casefold(): e for e in kept}
    by_name = {fold(n): e for e in kept for n in (e.name, *e.alias_list)}
    problems: list[str] = []
    creates: list[tuple[int, dict]] = []
    updates: dict[int, KeyEntry] = {}
    seen_names: dict[str, tuple[int, str]] = {}
    for row, item in zip(numbers, key, strict=False):
        where = f"Row {row}"
        current = by_label.get(item.label.casefold())
        if current is not None and fold(current.name) != fold(item.name):
            problems.append(
                f"{where}, column name: the label {item.label!r} already stands for "
                f"{current.name!r} in this key; change that entry on the key reference page"
            )
            continue
        for column, names in (("name", (item.name,)), ("aliases", item.aliases)):
            for name in names:
                owner = by_name.get(fold(name))
                if owner is not None and owner is not current:
                    problems.append(
                        f"{where}, column {column}: {name!r} is already in this key as "
                        f"{owner.label!r}"
                    )
                earlier = seen_names.setdefault(fold(name), (row, item.label))
                if earlier[1] != item.label:
                    problems.append(
                        f"{where}, column {column}: {name!r} is also on row {earlier[0]} "
                        f"as {earlier[1]!r}"
                    )
        # The CSV's one role column: a person's relationship to the child, or a role or a kind
        # of place.
        person = item.category in ("family", "other")
        relationship, role = (item.role, "") if person else ("", item.role)
        fields = {
            "category": item.category,
            "name": item.name,
            "label": item.label,
            "aliases": "; ".join(item.aliases),
            "dob": item.dob,
            "sex": item.sex,
            "deceased": item.deceased,
            "subject": item.subject,
            "household": item.household,
            "relationship": relationship,
            "agency": item.agency,
            "role": role,
        }
        if current is None:
            creates.append((row, fields))
            continue
        aliases = list(dict.fromkeys([*current.alias_list, *item.aliases]))
        current.aliases = "; ".join(aliases)
        for column in ("dob", "relationship", "agency", "role"):
            if fields[column]:
                setattr(current, column, fields[column])
        if item.sex != "u":
            current.sex = item.sex
        for column in ("deceased", "subject", "household"):
            if fields[column]:
                setattr(current, column, True)
        updates[current.pk] = current
    if not problems and len(kept) + len(creates) > MAX_ENTRIES:
        problems.append(
            _sentence(too_many_entries())
            + f" This key has {len(kept):,} and the file would add {len(creates):,}."
        )
    if problems:
        raise KeyImportError(problems[:20])
    KeyEntry.objects.bulk_create(
        [KeyEntry(review=review, created_by=by, **fields) for _row, fields in creates],
        batch_size=500,
    )
    for entry in updates.values():
        entry.save()
    result = ImportResult(added=len(creates), updated=len(updates))
    audit.record(
        "KEY_REFERENCE_IMPORTED",
        actor=by,
        obj=review,
        detail={"added": result.added, "updated": result.updated},
    )
    return result


def key_version(entries, allow=()) -> str:
    """A fingerprint of the key (and dismissed words) a document was anonymised with."""
    text = format_key_csv(key_reference_of(entries)) + "\n".join(sorted(allow))
    return hashlib.sha256(text.encode()).hexdigest()


# --- the glossary --------------------------------------------------------------------------


@transaction.atomic
def glossary_add_starter(*, review, by) -> int:
    """Add the starter list's acronyms the glossary does not hold yet."""
    require(by, "key_reference.manage", review)
    held = {t.casefold() for t in review.glossary.values_list("term", flat=True)}
    new = [
        GlossaryEntry(review=review, term=term, meaning=meaning)
        for term, meaning in STARTER_ACRONYMS.items()
        if term.casefold() not in held
    ]
    GlossaryEntry.objects.bulk_create(new)
    audit.record("GLOSSARY_STARTER_ADDED", actor=by, obj=review, detail={"added": len(new)})
    return len(new)


@transaction.atomic
def glossary_add(*, review, term: str, meaning: str, by) -> GlossaryEntry:
    require(by, "key_reference.manage", review)
    term, meaning = " ".join(term.split()), " ".join(meaning.split())
    if review.glossary.annotate(t=Lower("term")).filter(t=term.casefold()).exists():
        raise NotAllowedNow(Refusal(f"{term!r} is already in the glossary.", "term"))
    entry = GlossaryEntry.objects.create(review=review, term=term, meaning=meaning)
    audit.record("GLOSSARY_ENTRY_ADDED", actor=by, obj=entry, detail={"term": term})
    return entry


@transaction.atomic
def glossary_remove(*, entry: GlossaryEntry, by) -> None:
    require(by, "key_reference.manage", entry.review)
    audit.record("GLOSSARY_ENTRY_REMOVED", actor=by, obj=entry, detail={"term": entry.term})
    entry.delete()


# --- the genogram's relations --------------------------------------------------------------


@transaction.atomic
def relation_add(*, review, person: KeyEntry, relation: str, other: KeyEntry, by) -> Relation:
    require(by, "key_reference.manage", review)
    if person.review_id != review.pk or other.review_id != review.pk:
        raise NotAllowedNow(Refusal("Both people must be in this review's key.", "other"))
    if person.pk == other.pk:
        raise NotAllowedNow(Refusal("A person cannot be related to themselves.", "other"))
    if Relation.objects.filter(person=person, relation=relation, other=other).exists():
        raise NotAllowedNow(Refusal("That relationship is already recorded.", "other"))
    made = Relation.objects.create(review=review, person=person, relation=relation, other=other)
    audit.record(
        "RELATION_ADDED",
        actor=by,
        obj=made,
        detail={"person": person.label, "relation": relation, "other": other.label},
    )
    return made


@transaction.atomic
def relation_remove(*, relation: Relation, by) -> None:
    require(by, "key_reference.manage", relation.review)
    audit.record(
        "RELATION_REMOVED",
        actor=by,
        obj=relation,
        detail={"relation": relation.relation},
    )
    relation.delete()


# --- documents and their anonymisation ------------------------------------------------------


@transaction.atomic
def document_upload(
    *, review, title: str, filename: str, content: bytes, by, previous=None
) -> ReviewDocument:
    """Keep an uploaded document (checked first: nothing is stored from a refused file)."""
    require(by, "document.anonymise", review)
    check_document(filename, content)
    if review.documents.count() >= MAX_DOCUMENTS_PER_REVIEW:
        raise NotAllowedNow(
            Refusal(
                f"This review already holds {MAX_DOCUMENTS_PER_REVIEW} documents: "
                "ask the system administrator to raise the limit.",
                "file",
            )
        )
    if previous is not None and previous.review_id != review.pk:
        raise NotAllowedNow(
            Refusal("The earlier version must be a document of this review.", "previous")
        )
    if previous is not None and ReviewDocument.objects.filter(previous=previous).exists():
        raise NotAllowedNow(
            Refusal("That version already has a newer version: choose the latest.", "previous")
        )
    suffix = suffix_of(filename)
    original = document_store(
        board=review.referral.board,
        referral=None,  # kept off the general download: only read_original may serve it
        kind="review-original",
        title=" ".join(title.split()),
        filename=f"original-{review.referral.reference}{suffix}",
        content=content,
        content_type=CONTENT_TYPES[suffix],
        by=by,
    )
    return ReviewDocument.objects.create(
        review=review,
        title=" ".join(title.split()),
        original=original,
        previous=previous,
        version=previous.version + 1 if previous else 1,
        uploaded_by=by,
    )


class _ReviewableAnonymiser(Anonymiser):
    """The pure anonymiser, noting each replacement with the anonymised text around it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.contexts: dict[tuple[str, str], list[dict]] = defaultdict(list)

    def plan(self, text: str) -> list[Edit]:
        edits = super().plan(text)
        if edits:
            self._remember(text, edits)
        return edits

    def _remember(self, text: str, edits: list[Edit]) -> None:
        parts: list[str] = []
        spans: list[tuple[int, int]] = []
        position = length = 0
        for edit in edits:
            kept = text[position : edit.start]
            parts.append(kept)
            length += len(kept)
            spans.append((length, length + len(edit.replacement)))
            parts.append(edit.replacement)
            length += len(edit.replacement)
            position = edit.end
        parts.append(text[position:])
        out = "".join(parts)
        for edit, (start, end) in zip(edits, spans, strict=True):
            key = (edit.source, edit.label) if edit.kind == NAME else ("", edit.source)
            seen = self.contexts[key]
            context = {
                "found": text[edit.start : edit.end] if edit.kind == NAME else "",
                "before": _clip_left(out[max(0, start - CONTEXT) : start]),
                "replacement": edit.replacement,
                "after": _clip_right(out[end : end + CONTEXT]),
            }
            if len(seen) < CONTEXTS_PER_NAME and context not in seen:
                seen.append(context)


def _clip_left(text: str) -> str:
    return ("…" + text.split(" ", 1)[-1]) if len(text) >= CONTEXT and " " in text else text


def _clip_right(text: str) -> str:
    return (text.rsplit(" ", 1)[0] + "…") if len(text) >= CONTEXT and " " in text else text


@transaction.atomic
def document_anonymise(*, document: ReviewDocument, by) -> AnonymisationRun:
    """Anonymise a document against the key as it stands, keeping the result beside it."""
    review = document.review
    require(by, "document.anonymise", review)
    entries = list(review.key_entries.all())
    key = key_reference_of(entries)
    allow = list(
        review.flag_resolutions.filter(outcome=Outcome.DISMISSED).values_list("text", flat=True)
    )
    board = review.referral.board
    suffix = document.suffix
    if document.original.status == DocumentStatus.QUARANTINED:
        raise NotAllowedNow(
            "The document was quarantined and cannot be anonymised: "
            f"{document.original.quarantine_reason} Upload a new version of it."
        )
    with document.original.file.open("rb") as handle:
        content = handle.read()
    if suffix in (".txt", ".md"):
        content = decode_text(content).encode("utf-8")
    anonymiser = _ReviewableAnonymiser(key, allow=allow, author=board.name)
    try:
        data, report = anonymiser.anonymise_bytes(content, suffix)
    except AnonymiseError as exc:
        raise NotAllowedNow(
            f"The document could not be anonymised: {exc}. Upload it again as .docx."
        ) from None
    title = anonymiser.anonymise_text(document.title)[0]
    output = document_store(
        board=board,
        referral=None,
        kind="review-anonymised",
        title=f"{title} (anonymised)",
        filename=f"anonymised-{review.referral.reference}-{document.pk}-v{document.version}{suffix}",
        content=data,
        content_type=CONTENT_TYPES[suffix],
        by=by,
        data_version=key_version(entries, allow),
    )
    as_json = report.as_json()
    replacements = [
        {**r, "contexts": anonymiser.contexts.get((r["text"], r["label"]), [])}
        for r in as_json["replacements"]
    ]
    redactions = [
        {**r, "contexts": anonymiser.contexts.get(("", r["kind"]), [])}
        for r in as_json["redactions"]
    ]
    run = AnonymisationRun.objects.create(
        document=document,
        output=output,
        key_size=len(entries),
        replacements=replacements,
        redactions=redactions,
        removed=[{**r, "why": report.dropped.get(r["part"], "")} for r in as_json["removed"]],
        flags=as_json["possible_identifiers"],
        run_by=by,
    )
    audit.record(
        "DOCUMENT_ANONYMISED",
        actor=by,
        obj=run,
        detail={
            "document": document.pk,
            "replaced": sum(r["count"] for r in replacements),
            "redacted": sum(r["count"] for r in redactions),
            "flags": len(run.flags),
        },
    )
    return run


def flag_text(run: AnonymisationRun, index: int) -> str:
    try:
        return run.flags[index]["text"]
    except (IndexError, KeyError, TypeError):
        raise NotAllowedNow("There is no such possible identifier in this run.") from None


@transaction.atomic
def flag_add_to_key(*, run: AnonymisationRun, index: int, by, **fields) -> KeyEntry:
    """Resolve a flag by adding the person (or place) to the key."""
    review = run.review
    require(by, "key_reference.manage", review)
    text = flag_text(run, index)
    fields.setdefault("name", text)
    entry = _create_entry(review=review, by=by, fields=fields)
    FlagResolution.objects.update_or_create(
        review=review,
        folded=fold(text),
        defaults={
            "run": run,
            "text": text,
            "outcome": Outcome.ADDED,
            "reason": "",
            "key_entry": entry,
            "resolved_by": by,
        },
    )
    audit.record(
        "FLAG_ADDED_TO_KEY",
        actor=by,
        obj=entry,
        detail={"run": run.pk, "label": entry.label, "category": entry.category},
    )
    return entry


@transaction.atomic
def flag_dismiss(*, run: AnonymisationRun, index: int, reason: str, by) -> FlagResolution:
    """Resolve a flag as not an identifier, with the reason; later runs do not flag it."""
    review = run.review
    require(by, "document.anonymise", review)
    reason = reason.strip()
    if not reason:
        raise NotAllowedNow(Refusal("Say why this is not an identifier.", "reason"))
    text = flag_text(run, index)
    resolution, _ = FlagResolution.objects.update_or_create(
        review=review,
        folded=fold(text),
        defaults={
            "run": run,
            "text": text,
            "outcome": Outcome.DISMISSED,
            "reason": reason,
            "key_entry": None,
            "resolved_by": by,
        },
    )
    audit.record(
        "FLAG_DISMISSED",
        actor=by,
        obj=resolution,
        reasons=reason,
        detail={"run": run.pk},
    )
    return resolution
