"""Generated documents are real files: LibreOffice opens and converts each one to PDF.

One LibreOffice run converts them all (it starts slowly), from a private profile so that
tests never share or touch a user's settings.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from casereview.anonymisation.anonymise import Anonymiser
from casereview.anonymisation.keyref import read_key_csv
from casereview.chronologies.exports import write_merged
from casereview.chronologies.merge import merge
from casereview.chronologies.proforma import read_chronology
from casereview.core import letters, templating
from casereview.samples import SAMPLES

pytestmark = pytest.mark.xdist_group("libreoffice")


def _documents(tmp_path):
    key = read_key_csv(SAMPLES / "key-reference.csv")
    anonymised, _ = Anonymiser(key).anonymise_docx((SAMPLES / "imr-school.docx").read_bytes())
    (tmp_path / "imr-anonymised.docx").write_bytes(anonymised)
    letter = letters.render(
        "agency-request",
        letters.default_template("agency-request"),
        dict.fromkeys(templating.KINDS["agency-request"].fields, "Synthetic value"),
        author="Test Board",
    )
    (tmp_path / "letter.docx").write_bytes(letter)
    merged = merge(
        [
            read_chronology(SAMPLES / "chronology-education.csv"),
            read_chronology(SAMPLES / "chronology-gp.xlsx"),
            read_chronology(SAMPLES / "chronology-social-care.docx"),
        ]
    )
    for suffix in ("docx", "xlsx"):
        write_merged(merged, tmp_path / f"merged-{suffix}.{suffix}", reference="TEST-2026-001")
    return sorted(p for p in tmp_path.iterdir() if p.suffix in (".docx", ".xlsx")), key


def test_generated_documents_convert_in_libreoffice(tmp_path):
    office = shutil.which("libreoffice") or shutil.which("soffice")
    assert office, "LibreOffice is installed by script/bootstrap --test"
    (tmp_path / "in").mkdir()
    sources, key = _documents(tmp_path / "in")
    out = tmp_path / "out"
    result = subprocess.run(  # noqa: S603 (a fixed program on our own files)
        [
            office,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, sources),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for source in sources:
        pdf = out / f"{source.stem}.pdf"
        assert pdf.exists(), f"{source.name} did not convert: {result.stdout} {result.stderr}"
        assert pdf.read_bytes().startswith(b"%PDF")
        assert pdf.stat().st_size > 1000

    # What LibreOffice shows of the anonymised IMR names no one from the key.
    text = subprocess.run(  # noqa: S603
        ["pdftotext", str(out / "imr-anonymised.pdf"), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Child" in text or "[" in text
    for entry in key:
        assert entry.name not in text, entry.label
