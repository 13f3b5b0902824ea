"""The key reference and the glossary as Word documents, to send with IMR requests.

The key reference lists the family and significant people with their labels (it holds names:
it goes only to the agencies asked for IMRs). The glossary holds no names at all: acronyms, then
professionals and places by label with their role and agency (003 §3.2; SECURITY.md DOC-1).
"""

from __future__ import annotations

import io

import docx
from django.utils import timezone

from .glossary import ACRONYM, build_glossary
from .models import key_reference_of

MARKING = "OFFICIAL-SENSITIVE"


def _document(review, title: str):
    document = docx.Document()
    board = review.referral.board.name
    props = document.core_properties
    props.author = board
    props.last_modified_by = board
    props.title = ""
    props.subject = ""
    props.keywords = ""
    props.comments = ""
    props.category = ""
    props.created = props.modified = timezone.now().replace(tzinfo=None, microsecond=0)
    props.revision = 1
    header = document.sections[0].header.paragraphs[0]
    exported = timezone.localtime().strftime("%d/%m/%Y %H:%M")
    header.text = f"{MARKING} — {review.referral.reference} — exported {exported}"
    document.add_heading(title, level=1)
    document.add_paragraph(f"{board}. Review {review.referral.reference}.")
    return document


def _table(document, headings: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        cell.text = heading
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = value


def _bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def key_reference_docx(review, entries) -> bytes:
    """The family and significant people: label, name, other names and what is known."""
    document = _document(review, "Key reference")
    document.add_paragraph(
        "Refer to each person by their label in every chronology and report "
        "(IMRs are anonymous from the outset)."
    )
    rows = []
    for e in entries:
        if e.category not in ("family", "other"):
            continue
        facts = [
            e.get_sex_display(),
            *(
                word
                for word, on in (
                    ("subject child", e.subject),
                    ("deceased", e.deceased),
                    ("in the household", e.household),
                )
                if on
            ),
        ]
        rows.append(
            [e.label, e.name, "; ".join(e.alias_list), e.relationship, e.dob, ", ".join(facts)]
        )
    _table(
        document,
        ["Label", "Name", "Other names", "Relationship to the child", "Date of birth", "Notes"],
        rows,
    )
    return _bytes(document)


def glossary_docx(review, entries, acronyms: dict[str, str]) -> bytes:
    """Acronyms, then professionals and places by label only: never a name."""
    document = _document(review, "Glossary")
    lines = build_glossary(key_reference_of(entries), acronyms)
    _table(
        document,
        ["Term", "Meaning"],
        [[g.term, g.meaning] for g in lines if g.kind == ACRONYM],
    )
    for kind, heading in (("professional", "Professionals"), ("place", "Places")):
        document.add_heading(heading, level=2)
        _table(
            document,
            ["Label", "Role and agency" if kind == "professional" else "Kind of place"],
            [[g.term, g.meaning] for g in lines if g.kind == kind],
        )
    return _bytes(document)
