"""Every kind of letter a case generates opens in LibreOffice and renders, filled completely.

One LibreOffice run converts them all (it starts slowly), from a private profile; pdftoppm
then draws each first page, and pdftotext reads what a reader would see.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from casereview.boards.models import LetterKind

pytestmark = [pytest.mark.django_db, pytest.mark.heavy, pytest.mark.xdist_group("libreoffice")]

# Where the reasons for the decision belong (issue 9, 13): not in a request for records.
WITH_REASONS = {"referrer-outcome", "information-notice", "inspectorate-notice"}


def _run(*args: str, timeout: int = 60) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (fixed programs on our own files)
        list(args), capture_output=True, text=True, timeout=timeout, check=False
    )


def test_every_kind_of_letter_converts_and_renders_with_its_reference_reasons_and_signatory(
    cast, make_referral, django_capture_on_commit_callbacks, tmp_path
):
    office = shutil.which("libreoffice") or shutil.which("soffice")
    assert office, "LibreOffice is installed by script/bootstrap --test"
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral("review-open", harm_type="death", parallel_processes=["criminal"])
    documents = {d.kind.removeprefix("letter:"): d for d in referral.documents.all()}
    assert set(documents) == set(LetterKind.values), "a kind of letter was not generated"

    source = tmp_path / "in"
    source.mkdir()
    for kind, document in documents.items():
        with document.file.open("rb") as fh:
            (source / f"{kind}.docx").write_bytes(fh.read())
    out = tmp_path / "out"
    result = _run(
        office,
        f"-env:UserInstallation=file://{tmp_path / 'profile'}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out),
        *sorted(str(p) for p in source.iterdir()),
        timeout=240,
    )
    assert result.returncode == 0, result.stderr

    problems = []
    for kind in sorted(documents):
        pdf = out / f"{kind}.pdf"
        if not pdf.exists() or not pdf.read_bytes().startswith(b"%PDF"):
            problems.append(f"{kind}: did not convert")
            continue
        drawn = _run(
            "pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(out / kind)
        )
        pages = list(out.glob(f"{kind}-*.png"))
        if drawn.returncode != 0 or not pages or pages[0].stat().st_size < 1000:
            problems.append(f"{kind}: pdftoppm drew nothing ({drawn.stderr})")
        text = " ".join(_run("pdftotext", str(pdf), "-").stdout.split())
        wanted = [
            f"Our reference: {referral.reference}",
            "Yours sincerely, Test Manager "
            "Business manager, Northbrook Safeguarding Children Board",
        ]
        if kind in WITH_REASONS:
            wanted.append("The reasons are: Criteria met.")
        problems += [f"{kind}: no “{w}”" for w in wanted if w not in text]
        if re.search(r"\{[{%]|: \.|\(born \)", text):
            problems.append(f"{kind}: a tag or a blank is left: {text[:300]}")
    assert not problems, "\n".join(problems)
