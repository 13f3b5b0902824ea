"""ISSUE7 item 4: uploads stored before the gate are checked again; those that fail are
quarantined with the gate's message, served by no route, and their pages say why."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from casereview.chronologies.models import ChronologySubmission
from casereview.core.documents import document_store
from casereview.core.models import AuditEvent, Document, DocumentStatus
from casereview.core.tests import upload_corpus as corpus
from casereview.core.uploads import CONTENT_TYPES
from casereview.reviews.models import ReviewDocument
from casereview.samples import SAMPLES

pytestmark = pytest.mark.django_db

OUTSIDE = "links to an outside template, image or object (attachedTemplate)"


def _hostile_imr() -> bytes:
    imr = (SAMPLES / "imr-school.docx").read_bytes()
    return corpus.with_relationships(imr, corpus.EXTERNAL_TEMPLATE_SINGLE_QUOTES)


def _stored_before_the_gate(review, content: bytes, by) -> ReviewDocument:
    """A review document as the old check let it in: stored without the gate."""
    original = document_store(
        board=review.referral.board,
        kind="review-original",
        title="Police IMR",
        filename=f"original-{review.referral.reference}.docx",
        content=content,
        content_type=CONTENT_TYPES[".docx"],
        by=by,
    )
    return ReviewDocument.objects.create(review=review, title="Police IMR", original=original)


@pytest.fixture
def review(make_referral):
    return make_referral("review-open").review


def test_a_stored_document_that_fails_the_gate_is_quarantined_with_its_message(
    cast, review, as_person
):
    bad = _stored_before_the_gate(review, _hostile_imr(), cast.admin)
    good = _stored_before_the_gate(review, (SAMPLES / "imr-school.docx").read_bytes(), cast.admin)
    out = io.StringIO()
    call_command("recheck_uploads", stdout=out)
    bad.original.refresh_from_db()
    good.original.refresh_from_db()
    assert bad.original.status == DocumentStatus.QUARANTINED
    assert OUTSIDE in bad.original.quarantine_reason
    assert good.original.status == DocumentStatus.ISSUED
    assert "2 stored uploads checked, 1 quarantined." in out.getvalue()
    event = AuditEvent.objects.get(kind="DOCUMENT_QUARANTINED")
    assert OUTSIDE in event.detail["reason"]

    client = as_person(cast.admin)
    original = reverse("anonymisation:document-original", args=[review.pk, bad.pk])
    assert client.get(original).status_code == 404
    assert client.get(reverse("core:document-download", args=[bad.original.pk])).status_code in (
        403,
        404,
    )
    page = client.get(reverse("anonymisation:documents", args=[review.pk])).content.decode()
    assert "Quarantined" in page and OUTSIDE in page
    response = client.post(
        reverse("anonymisation:document-anonymise", args=[review.pk, bad.pk]), follow=True
    )
    assert "was quarantined and cannot be anonymised" in response.content.decode()
    assert not bad.runs.exists()


def test_checking_again_quarantines_nothing_twice(cast, review):
    _stored_before_the_gate(review, _hostile_imr(), cast.admin)
    call_command("recheck_uploads", stdout=io.StringIO())
    out = io.StringIO()
    call_command("recheck_uploads", stdout=out)
    assert "0 stored uploads checked, 0 quarantined." in out.getvalue()
    assert AuditEvent.objects.filter(kind="DOCUMENT_QUARANTINED").count() == 1


def test_a_quarantined_chronology_file_is_not_served_and_its_page_says_why(cast, review, as_person):
    commission = review.commissions.get(agency=cast.police)
    source = document_store(
        board=review.referral.board,
        referral=review.referral,
        kind="chronology-source",
        title="Chronology from Northbrook Police",
        filename="police.docx",
        content=corpus.rezip(
            (SAMPLES / "chronology-social-care.docx").read_bytes(),
            {"word/embeddings/Macro1.xlsm": corpus.macro_workbook()},
        ),
        content_type=CONTENT_TYPES[".docx"],
        by=cast.police_author,
    )
    ChronologySubmission.objects.create(
        commission=commission,
        version=1,
        source=source,
        source_name="police.docx",
        created_by=cast.police_author,
    )
    call_command("recheck_uploads", stdout=io.StringIO())
    source.refresh_from_db()
    assert source.status == DocumentStatus.QUARANTINED
    client = as_person(cast.manager)
    assert client.get(reverse("core:document-download", args=[source.pk])).status_code == 404
    draft = as_person(cast.police_author).get(
        reverse("chronologies:draft", args=[review.pk, commission.pk])
    )
    assert "file quarantined" in draft.content.decode()
    assert "embedded workbook or document with macros" in draft.content.decode()


def test_no_route_serves_a_quarantined_document(monkeypatch):
    """Every serving route asks core.serving.may_have, which refuses this status for any kind,
    even where the kind's own rule would allow the person."""
    import dataclasses

    from casereview.core import serving
    from casereview.core.permissions import Access

    allow_all = {
        name: dataclasses.replace(kind, rule=lambda access, stored: True)
        for name, kind in serving.kinds().items()
    }
    monkeypatch.setattr(serving, "kinds", lambda: allow_all)
    for name in allow_all:
        if "." in name:
            continue  # another model's file field: it has no quarantined status
        issued = Document(kind=name, status=DocumentStatus.ISSUED, filename="x.docx")
        assert serving.may_have(Access(person_id=None), issued), name
        document = Document(kind=name, status=DocumentStatus.QUARANTINED, filename="x.docx")
        assert not serving.may_have(Access(person_id=None), document), name
