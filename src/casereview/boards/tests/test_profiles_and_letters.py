"""The five presets as data, and a board's own letter templates."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

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


# --- Letter templates cannot run code (SECURITY.md TP-1), and the pages save in one transaction

PAYLOAD = "{{ lipsum.__globals__['os'].popen('id').read() }}"


def _template_with(*paragraphs: str, base: str = "decision-notice") -> bytes:
    from docx import Document as WordDocument

    doc = WordDocument(io.BytesIO(letters.default_template(base)))
    for text in paragraphs:
        doc.add_paragraph(text)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _stored_files(settings) -> list:
    root = settings.MEDIA_ROOT / "letter-templates"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _plant(board, content: bytes, kind: str = "decision-notice") -> LetterTemplate:
    """A template put in storage without the upload check, as one stored before it was."""
    from django.core.files.base import ContentFile

    template = LetterTemplate(board=board, kind=kind)
    template.file.save("template.docx", ContentFile(content), save=False)
    template.save()
    return template


UPLOAD_REFUSALS = [
    (
        PAYLOAD,
        "The template uses “lipsum”, which is not one of the fields a letter can use "
        "(in the body, paragraph 15).",
    ),
    ("{{ reference.__class__.__mro__ }}", "“reference.__class__”, reading “.__class__”"),
    ("{{ outcome.__subclasses__() }}", "reading “.__subclasses__”"),
    ("{{ reasons.__globals__ }}", "reading “.__globals__”"),
    ("{% import 'os' as os %}", "the tag “{% import %}”"),
    ("{% include 'word/document.xml' %}", "the tag “{% include %}”"),
    ("{% extends 'word/document.xml' %}", "the tag “{% extends %}”"),
    ("{% macro m() %}{% endmacro %}", "the tag “{% macro %}”"),
    ("{% set x = reference %}", "the tag “{% set %}”"),
    ("{% raw %}{{ x }}{% endraw %}", "the tag “{% raw %}”"),
    ("{{ reference['os'] }}", "“reference['os']”, with square brackets"),
    ("{{ secret_field }}", "“secret_field”, which is not one of the fields a letter can use"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "message"), UPLOAD_REFUSALS)
def test_a_template_that_could_run_code_is_refused_at_upload_with_the_message(
    cast, as_person, settings, text, message
):
    client = as_person(cast.manager)
    response = client.post(
        reverse("boards:letter-templates", args=[cast.board.slug]),
        {"kind": "decision-notice", "file": SimpleUploadedFile("t.docx", _template_with(text))},
    )
    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert not LetterTemplate.objects.exists()
    assert _stored_files(settings) == []


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "message"), UPLOAD_REFUSALS)
def test_the_service_refuses_them_too_whatever_page_calls_it(cast, settings, text, message):
    from casereview.boards import services
    from casereview.core.templating import TemplateRefused

    with pytest.raises(TemplateRefused) as refused:
        services.letter_template_replace(
            board=cast.board, kind="decision-notice", content=_template_with(text), by=cast.admin
        )
    assert message in " ".join(refused.value.messages)
    assert not LetterTemplate.objects.exists()
    assert _stored_files(settings) == []


@pytest.mark.django_db
def test_the_page_lists_the_fields_and_tags_a_letter_can_use(cast, as_person):
    from casereview.core import templating

    body = (
        as_person(cast.admin)
        .get(reverse("boards:letter-templates", args=[cast.board.slug]))
        .content.decode()
    )
    for name in templating.KINDS["agency-request"].fields:
        assert f"{{{{ {name} }}}}" in body
    for tag in templating.KINDS["decision-notice"].tags:
        assert f"{{% {tag} %}}" in body
    assert "Only: Request to agencies: is the child known?" in body


@pytest.mark.django_db
def test_replacing_a_template_removes_the_old_file_once_it_commits(
    cast, as_person, settings, django_capture_on_commit_callbacks
):
    client = as_person(cast.admin)
    url = reverse("boards:letter-templates", args=[cast.board.slug])
    client.post(
        url, {"kind": "decision-notice", "file": SimpleUploadedFile("a.docx", _template_with("A"))}
    )
    (first,) = _stored_files(settings)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            url,
            {"kind": "decision-notice", "file": SimpleUploadedFile("b.docx", _template_with("B"))},
        )
    assert response.status_code == 302
    assert first.exists()  # not before the commit
    for callback in callbacks:
        callback()
    (second,) = _stored_files(settings)
    assert second != first
    assert LetterTemplate.objects.get().file.path == str(second)


@pytest.mark.django_db
def test_a_template_whose_audit_event_fails_is_not_stored_and_leaves_no_file(
    cast, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from casereview.boards import services
    from casereview.core import models as audit

    with django_capture_on_commit_callbacks(execute=True):  # the first one commits
        services.letter_template_replace(
            board=cast.board, kind="decision-notice", content=_template_with("A"), by=cast.admin
        )
    (first,) = _stored_files(settings)
    monkeypatch.setattr(audit, "record", _fail)
    with pytest.raises(RuntimeError):
        services.letter_template_replace(
            board=cast.board, kind="decision-notice", content=_template_with("B"), by=cast.admin
        )
    assert _stored_files(settings) == [first]
    assert LetterTemplate.objects.get().file.path == str(first)


def _fail(*args, **kwargs):
    raise RuntimeError("audit unavailable")


@pytest.mark.django_db
def test_a_profile_change_whose_audit_event_fails_is_not_saved(cast, monkeypatch):
    from casereview.boards import services
    from casereview.core import models as audit

    monkeypatch.setattr(audit, "record", _fail)
    with pytest.raises(RuntimeError):
        services.profile_change(profile=cast.board.profile, by=cast.admin, changes={"quorum": 9})
    assert ProcedureProfile.objects.get(board=cast.board).quorum == 4


@pytest.mark.django_db
def test_a_profile_change_is_saved_with_its_audit_event(cast):
    from casereview.boards import services
    from casereview.core.models import AuditEvent

    services.profile_change(profile=cast.board.profile, by=cast.admin, changes={"quorum": 5})
    assert ProcedureProfile.objects.get(board=cast.board).quorum == 5
    event = AuditEvent.objects.get(kind="PROFILE_CHANGED")
    assert event.detail == {"fields": ["quorum"]}


@pytest.mark.django_db
def test_a_stored_template_that_fails_the_checks_is_withdrawn_and_the_board_told(
    cast, as_person, make_referral, django_capture_on_commit_callbacks, mailoutbox
):
    from casereview.boards import services
    from casereview.boards.models import LetterTemplateStatus
    from casereview.core.models import AuditEvent

    bad = _plant(cast.board, _template_with(PAYLOAD))
    good = _plant(
        cast.board,
        _template_with("{{ reference }}", base="referrer-outcome"),
        kind="referrer-outcome",
    )
    referral = make_referral("received")
    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = services.letter_templates_recheck()
    assert withdrawn == [bad]
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.status == LetterTemplateStatus.WITHDRAWN
    assert "“lipsum”" in bad.withdrawn_reasons[0]
    assert good.status == LetterTemplateStatus.IN_USE
    event = AuditEvent.objects.get(kind="LETTER_TEMPLATE_WITHDRAWN")
    assert event.board_id == cast.board.pk and event.object_id == str(bad.pk)
    (email,) = mailoutbox
    assert sorted(email.to) == sorted([cast.manager.email, cast.admin.email])
    assert referral.reference not in email.body and referral.child_name not in email.body
    assert "does not contain any case details" in email.body
    page = as_person(cast.admin).get(reverse("boards:letter-templates", args=[cast.board.slug]))
    body = page.content.decode()
    assert "was withdrawn on" in body and "“lipsum”" in body
    assert "Casereview's default: the board's own was withdrawn" in body
    # The board falls back to the default; checking again changes nothing.
    from casereview.referrals.letters import template_bytes

    assert template_bytes(cast.board, "decision-notice") == letters.default_template(
        "decision-notice"
    )
    assert services.letter_templates_recheck() == []


@pytest.mark.django_db
def test_uploading_a_corrected_template_puts_it_back_in_use(cast, as_person):
    from casereview.boards import services
    from casereview.boards.models import LetterTemplateStatus

    _plant(cast.board, _template_with(PAYLOAD))
    services.letter_templates_recheck()
    response = as_person(cast.admin).post(
        reverse("boards:letter-templates", args=[cast.board.slug]),
        {"kind": "decision-notice", "file": SimpleUploadedFile("t.docx", _template_with("Fixed"))},
    )
    assert response.status_code == 302
    template = LetterTemplate.objects.get()
    assert template.status == LetterTemplateStatus.IN_USE and template.withdrawn_reasons == []


@pytest.mark.django_db
def test_the_migration_checks_the_templates_stored_before_it(cast):
    import importlib

    from django.apps import apps

    from casereview.boards.models import LetterTemplateStatus

    template = _plant(cast.board, _template_with("{{ reference.__class__ }}"))
    migration = importlib.import_module(
        "casereview.boards.migrations.0005_recheck_letter_templates"
    )
    migration.recheck(apps, None)
    template.refresh_from_db()
    assert template.status == LetterTemplateStatus.WITHDRAWN


@pytest.mark.django_db
def test_a_stored_template_with_an_outside_template_link_is_withdrawn_by_the_upload_gate(
    cast, django_capture_on_commit_callbacks
):
    """Its tags are allowed, but the file itself would not pass the upload gate today."""
    from casereview.boards import services
    from casereview.boards.models import LetterTemplateStatus
    from casereview.core.tests.upload_corpus import (
        EXTERNAL_TEMPLATE_SINGLE_QUOTES,
        with_relationships,
    )

    linked = with_relationships(_template_with("{{ reference }}"), EXTERNAL_TEMPLATE_SINGLE_QUOTES)
    planted = _plant(cast.board, linked)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.letter_templates_recheck() == [planted]
    planted.refresh_from_db()
    assert planted.status == LetterTemplateStatus.WITHDRAWN
    assert "outside" in planted.withdrawn_reasons[0].lower()
