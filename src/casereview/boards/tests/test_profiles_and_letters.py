"""The five presets as data, and a board's own letter templates."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casereview.boards.models import LetterTemplate, ProcedureProfile
from casereview.boards.presets import PRESET_DIR, presets, profile_fields
from casereview.core import letters

SEEDS = {
    "manchester": ("003_b40d62eeb3ddb4a1.txt", "wt2010", "IMR", "warn", "1 working day"),
    "bedfordshire": ("004_db688a7ed7055a25.txt", "wt2006", "SAMR", "refuse", "24 hours"),
    "southampton": ("001_c16f659873f03d9d.txt", "reg5", "IMR", "refuse", "1 working day"),
    "south-gloucestershire": ("002_db55ffbd35fee164.txt", "reg5", "IMR", "refuse", "1 working day"),
    "generic": ("000_23761589748d5646.txt", "reg5", "IMR", "refuse", "1 working day"),
}


@pytest.mark.parametrize(("name", "expected"), SEEDS.items())
def test_each_seed_has_its_preset(name, expected):
    seed, test, term, imr_on_panel, notify = expected
    preset = presets()[name]
    assert (preset["seed"], preset["criteria_test"], preset["agency_report_term"]) == (
        seed,
        test,
        term,
    )
    assert (preset["imr_author_on_panel"], preset["notify_chief_officers_within"]) == (
        imr_on_panel,
        notify,
    )


def test_presets_hold_exactly_the_profiles_settings():
    # first_meeting_on is a date of the board's own calendar, not part of a procedure.
    fields = {f.name for f in ProcedureProfile._meta.fields} - {
        "id",
        "board",
        "preset",
        "first_meeting_on",
    }
    for path in PRESET_DIR.glob("*.json"):
        assert set(profile_fields(path.stem)) == fields, path.name
        json.loads(path.read_text())


@pytest.mark.django_db
def test_manchester_and_bedfordshire_differ_only_by_settings(cast):
    assert cast.board.profile.quorum == 4
    assert cast.other_board.profile.chair_consults_within == "2 working days"
    assert "wholly-independent-review" in cast.other_board.profile.decision_options


def _docx_with(extra: dict[str, bytes]) -> bytes:
    base = letters.default_template("decision-notice")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        for name, data in extra.items():
            dst.writestr(name, data)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("letter.docm", b"x", "macros"),
        ("letter.doc", b"x", ".doc is an old Office format"),
        ("letter.pdf", b"%PDF-1.4", "saved as .docx"),
        ("letter.docx", b"MZ\x90\x00 not a zip", "not a real Word .docx file"),
        ("letter.docx", None, "macros, ActiveX controls or embedded objects"),
    ],
)
def test_a_bad_template_is_refused_with_a_clear_message_and_nothing_stored(
    cast, as_person, name, content, message
):
    if content is None:
        content = _docx_with({"word/vbaProject.bin": b"\x00" * 10})
    client = as_person(cast.admin)
    response = client.post(
        reverse("boards:letter-templates", args=[cast.board.slug]),
        {"kind": "decision-notice", "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LetterTemplate.objects.exists()


@pytest.mark.django_db
def test_a_doctype_in_any_part_is_refused(cast, as_person):
    content = _docx_with(
        {"word/evil.xml": b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x/>'}
    )
    client = as_person(cast.admin)
    response = client.post(
        reverse("boards:letter-templates", args=[cast.board.slug]),
        {"kind": "decision-notice", "file": SimpleUploadedFile("t.docx", content)},
    )
    assert "DOCTYPE" in response.content.decode()
    assert not LetterTemplate.objects.exists()


@pytest.mark.django_db
def test_a_boards_own_template_is_used_for_its_letters(
    cast, as_person, make_referral, django_capture_on_commit_callbacks
):
    from docx import Document as WordDocument

    doc = WordDocument(io.BytesIO(letters.default_template("decision-notice")))
    doc.add_paragraph("Northbrook's own wording for {{ reference }}.")
    buffer = io.BytesIO()
    doc.save(buffer)
    client = as_person(cast.admin)
    response = client.post(
        reverse("boards:letter-templates", args=[cast.board.slug]),
        {"kind": "decision-notice", "file": SimpleUploadedFile("own.docx", buffer.getvalue())},
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral("review-open")
    letter = referral.notifications.filter(kind="chief-officers").first().letter
    with letter.file.open("rb") as fh:
        text = "\n".join(p.text for p in WordDocument(io.BytesIO(fh.read())).paragraphs)
    assert f"Northbrook's own wording for {referral.reference}." in text
    download = client.get(reverse("core:document-download", args=[letter.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")


@pytest.mark.django_db
def test_only_board_administrators_reach_the_templates(cast, as_person):
    url = reverse("boards:letter-templates", args=[cast.board.slug])
    assert as_person(cast.chair).get(url).status_code == 403
    assert as_person(cast.outsider).get(url).status_code == 404
