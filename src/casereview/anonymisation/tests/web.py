"""Fixtures for the anonymisation pages: a review, its key, and synthetic IMRs.

This folder's conftest switches the project's settings fixture off for the pure tests; the
page tests import it back (``from .web import *``). Every name here is invented.
"""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from casereview.conftest import _test_settings
from casereview.samples import SAMPLES

KEY_CSV = """\
name,label,category,aliases,dob,sex,deceased,subject,household,agency,role
Mia Thompson,Child B,family,Mimi,03/05/2017,f,no,yes,yes,,
Lauren Thompson,Mother,family,,,f,no,no,yes,,Mother
Alice Brown,Teacher 1,professional,,,f,no,no,no,Southvale Schools,Class teacher
Southvale Primary School,School 1,place,,,u,no,no,no,,School
"""
# Not in KEY_CSV: flagged as a possible identifier until added to the key.
UNKNOWN = "Craig Dunn"
KEY_NAMES = (
    "Mia",
    "Thompson",
    "Mimi",
    "Lauren",
    "Alice Brown",
    "Southvale Primary",
    "03/05/2017",
    "07700 900017",
    "SV3 2AB",
)


@pytest.fixture
def review(make_referral):
    return make_referral("review-open").review


@pytest.fixture
def keyed_review(review, cast):
    from casereview.anonymisation import services

    services.key_import(review=review, text=KEY_CSV, by=cast.admin)
    return review


def imr_docx() -> bytes:
    """The synthetic school IMR of the shared samples."""
    return (SAMPLES / "imr-school.docx").read_bytes()


def imr_docx_with_header() -> bytes:
    """An IMR with names in the body, a table, the header, the footer and the properties."""
    document = docx.Document()
    document.core_properties.author = "Alice Brown"
    document.core_properties.title = "IMR about Mia Thompson"
    section = document.sections[0]
    section.header.paragraphs[0].text = "Mia Thompson — Southvale Primary School"
    section.footer.paragraphs[0].text = "Prepared by Alice Brown"
    document.add_paragraph(
        "Mia Thompson (born 03/05/2017) lived with Lauren Thompson at 7 Mill Lane, SV3 2AB."
    )
    document.add_paragraph(f"Mimi said that {UNKNOWN} shouted at her. Call 07700 900017.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Alice Brown"
    table.rows[0].cells[1].text = "Mia's class teacher at Southvale Primary School."
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def every_part(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {n: archive.read(n).decode("utf-8", "replace") for n in archive.namelist()}


def upload(client, review, content: bytes, name: str = "imr.docx", title="School IMR", **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    return client.post(
        reverse("anonymisation:documents", args=[review.pk]),
        {"title": title, "file": SimpleUploadedFile(name, content), **extra},
    )


__all__ = [
    "KEY_CSV",
    "KEY_NAMES",
    "UNKNOWN",
    "_test_settings",
    "every_part",
    "imr_docx",
    "imr_docx_with_header",
    "keyed_review",
    "review",
    "upload",
]
