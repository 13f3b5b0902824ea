"""Letters in the worker: a board's template reaches rendering only through the sandbox (TP-1)."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from docx import Document as WordDocument

from casereview.boards.models import LetterTemplate, LetterTemplateStatus
from casereview.core import letters, templating
from casereview.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _planted(board, text: str, kind: str = "decision-notice") -> LetterTemplate:
    """A template put straight into storage, past every upload check."""
    doc = WordDocument(io.BytesIO(letters.default_template(kind)))
    doc.add_paragraph(text)
    buffer = io.BytesIO()
    doc.save(buffer)
    template = LetterTemplate(board=board, kind=kind)
    template.file.save("template.docx", ContentFile(buffer.getvalue()), save=False)
    template.save()
    return template


def test_a_template_planted_in_storage_is_refused_in_the_worker_with_nothing_rendered(
    cast, make_referral, django_capture_on_commit_callbacks, monkeypatch, tmp_path, mailoutbox
):
    marker = tmp_path / "ran"
    template = _planted(
        cast.board, f"{{{{ lipsum.__globals__['os'].popen('touch {marker}').read() }}}}"
    )
    compiled = []
    real = templating._Sandbox.from_string
    monkeypatch.setattr(
        templating._Sandbox,
        "from_string",
        lambda self, source, *a, **k: compiled.append(source) or real(self, source, *a, **k),
    )
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral("review-open")
    assert not marker.exists()
    assert compiled and not any("lipsum" in source for source in compiled)
    template.refresh_from_db()
    assert template.status == LetterTemplateStatus.WITHDRAWN
    assert AuditEvent.objects.filter(kind="LETTER_TEMPLATE_WITHDRAWN").count() == 1
    assert any("withdrawn" in m.subject for m in mailoutbox)
    # The case does not wait: the letter comes from the default template.
    letter = referral.notifications.filter(kind="chief-officers").first().letter
    with letter.file.open("rb") as fh:
        text = "\n".join(p.text for p in WordDocument(io.BytesIO(fh.read())).paragraphs)
    assert f"decided the outcome of referral {referral.reference}" in text
    assert "lipsum" not in text


def test_a_planted_letter_to_the_referrer_cannot_name_the_child(cast, make_referral):
    from casereview.referrals.letters import letter_context, render_letter

    _planted(cast.board, "About {{ child_name }}", kind="referrer-outcome")
    referral = make_referral("received", child_name="Zebedee Canaryson")
    context = letter_context(referral, kind="agency-request", recipient="Referrer")
    assert context["child_name"] == "Zebedee Canaryson"
    content = render_letter(cast.board, "referrer-outcome", context)
    text = "\n".join(p.text for p in WordDocument(io.BytesIO(content)).paragraphs)
    assert "Zebedee" not in text and "Thank you for your referral" in text
