"""Documents on the web: uploaded safely, anonymised beside the original, flags resolved."""

from __future__ import annotations

import io

import docx
import pytest
from django.urls import reverse

from casereview.anonymisation import services
from casereview.anonymisation.models import AnonymisationRun, KeyEntry
from casereview.core.models import AuditEvent, Document
from casereview.reviews.models import ReviewDocument

from .web import *  # noqa: F403
from .web import KEY_NAMES, UNKNOWN, every_part, imr_docx, imr_docx_with_header, upload

pytestmark = pytest.mark.django_db


def _url(name, review, *args):
    return reverse(f"anonymisation:{name}", args=[review.pk, *args])


def _anonymise(client, review, document) -> AnonymisationRun:
    response = client.post(_url("document-anonymise", review, document.pk))
    assert response.status_code == 302, response.content
    return AnonymisationRun.objects.filter(document=document).first()


def _flag_index(run, text):
    return next(i for i, f in enumerate(run.flags) if f["text"] == text)


def test_an_uploaded_imr_is_anonymised_and_kept_beside_the_original(cast, as_person, keyed_review):
    client = as_person(cast.admin)
    response = upload(client, keyed_review, imr_docx_with_header())
    assert response.status_code == 302
    document = ReviewDocument.objects.get(review=keyed_review)
    assert document.version == 1 and document.original.referral_id is None
    run = _anonymise(client, keyed_review, document)
    assert run.output.pk != document.original.pk
    assert run.output.data_version and run.key_size == 4
    labels = {r["label"] for r in run.replacements}
    assert {"Child B", "Mother", "Teacher 1", "School 1"} <= labels
    assert {r["kind"] for r in run.redactions} >= {"postcode", "phone", "date-of-birth"}


def test_the_anonymised_document_holds_no_name_of_the_key_in_any_part(
    cast, as_person, keyed_review
):
    client = as_person(cast.admin)
    upload(client, keyed_review, imr_docx_with_header())
    run = _anonymise(client, keyed_review, ReviewDocument.objects.get())
    response = client.get(_url("run-download", keyed_review, run.pk))
    data = b"".join(response.streaming_content)
    parts = every_part(data)
    assert "word/header1.xml" in parts or any("header" in p for p in parts)
    for name, text in parts.items():
        for word in KEY_NAMES:
            assert word not in text, (word, name)
        assert cast.admin.full_name not in text
    assert "Child B" in parts["word/document.xml"]
    assert cast.board.name in parts["docProps/core.xml"]


def test_each_replacement_is_shown_in_its_context(cast, as_person, keyed_review):
    client = as_person(cast.admin)
    upload(client, keyed_review, imr_docx())
    run = _anonymise(client, keyed_review, ReviewDocument.objects.get())
    mia = next(r for r in run.replacements if r["label"] == "Child B")
    assert any(c["found"] == "Mia Thompson" for c in mia["contexts"])
    for context in mia["contexts"]:
        assert "Thompson" not in context["before"] + context["after"]
    page = client.get(_url("run", keyed_review, run.pk)).content.decode()
    assert "<del>Mia Thompson</del> <ins>Child B</ins>" in page
    assert "joined School 1" in page


def test_a_flagged_name_added_to_the_key_makes_the_next_run_clean(cast, as_person, keyed_review):
    client = as_person(cast.admin)
    upload(client, keyed_review, imr_docx())
    document = ReviewDocument.objects.get()
    run = _anonymise(client, keyed_review, document)
    index = _flag_index(run, UNKNOWN)
    page = client.get(_url("run", keyed_review, run.pk)).content.decode()
    assert "1 possible identifier to resolve" in page
    form = client.get(_url("flag-add", keyed_review, run.pk, index)).content.decode()
    assert f'value="{UNKNOWN}"' in form
    response = client.post(
        _url("flag-add", keyed_review, run.pk, index),
        {"category": "family", "name": UNKNOWN, "relationship": "Mother's friend", "sex": "m"},
    )
    assert response.status_code == 302
    assert keyed_review.key_entries.get(name=UNKNOWN).label == "Mother's Friend 1"
    assert AuditEvent.objects.last().kind == "FLAG_ADDED_TO_KEY"
    page = client.get(_url("run", keyed_review, run.pk)).content.decode()
    assert "Added to the key" in page
    again = _anonymise(client, keyed_review, document)
    assert again.flags == []
    assert any(r["label"] == "Mother's Friend 1" for r in again.replacements)
    page = client.get(_url("run", keyed_review, again.pk)).content.decode()
    assert "No possible identifiers found" in page


def test_adding_a_flag_to_the_key_chooses_nothing_for_the_administrator(
    cast, as_person, keyed_review
):
    client = as_person(cast.admin)
    upload(client, keyed_review, imr_docx())
    run = _anonymise(client, keyed_review, ReviewDocument.objects.get())
    url = _url("flag-add", keyed_review, run.pk, _flag_index(run, UNKNOWN))
    assert " checked" not in client.get(url).content.decode()  # no radio pre-selected
    refused = client.post(url, {"name": UNKNOWN}).content.decode()
    assert 'href="#id_category_0"' in refused or 'href="#id_category"' in refused
    assert "Select the person&#x27;s sex" in refused or "Select the person's sex" in refused
    assert not keyed_review.key_entries.filter(name=UNKNOWN).exists()  # nobody filed as family


def test_a_dismissed_flag_records_its_reason_and_is_not_flagged_again(
    cast, as_person, keyed_review
):
    client = as_person(cast.admin)
    upload(client, keyed_review, imr_docx())
    document = ReviewDocument.objects.get()
    run = _anonymise(client, keyed_review, document)
    index = _flag_index(run, UNKNOWN)
    empty = client.post(_url("flag-dismiss", keyed_review, run.pk, index), {"reason": " "})
    assert "Enter" in empty.content.decode() or "required" in empty.content.decode()
    response = client.post(
        _url("flag-dismiss", keyed_review, run.pk, index),
        {"reason": "A character in a book the child read."},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.last()
    assert event.kind == "FLAG_DISMISSED"
    assert event.reasons == "A character in a book the child read."
    again = _anonymise(client, keyed_review, document)
    assert again.flags == []


def test_a_new_version_of_an_imr_keeps_the_same_labels(cast, as_person, keyed_review):
    client = as_person(cast.admin)
    upload(client, keyed_review, imr_docx())
    first = ReviewDocument.objects.get()
    run1 = _anonymise(client, keyed_review, first)
    services.key_entry_add(
        review=keyed_review, by=cast.admin, category="family", name="Zed Orwin", label="Uncle"
    )
    upload(client, keyed_review, imr_docx_with_header(), previous=first.pk)
    second = ReviewDocument.objects.get(previous=first)
    assert second.version == 2
    run2 = _anonymise(client, keyed_review, second)
    labels = lambda run: {r["text"]: r["label"] for r in run.replacements}  # noqa: E731
    for name, label in labels(run1).items():
        if name in labels(run2):
            assert labels(run2)[name] == label
    # The first version may not be followed by two versions.
    response = upload(client, keyed_review, imr_docx(), previous=first.pk)
    assert response.status_code == 200
    assert ReviewDocument.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("imr.pdf", b"%PDF-1.7", "Upload a Word document (.docx) or a text file"),
        ("imr.doc", b"\xd0\xcf\x11\xe0", ".doc is an old Office format"),
        ("imr.docm", b"PK\x03\x04", "Files that can hold macros (.docm) cannot be uploaded"),
        ("imr.docx", b"not a zip", "not a real Word .docx file"),
        ("imr.txt", b"Mia\x00Thompson", "binary data"),
        ("imr.txt", b"PK\x03\x04rest", "it is a zip or Office file"),
        ("imr.md", b"<!DOCTYPE html><html></html>", "web page or markup"),
        ("imr.txt", b"\x81\x8d\x8f", "not readable text"),
        ("imr.txt", b"a\x07b", "control characters"),
        ("imr.txt", b"", "The file is empty."),
        ("imr.txt", b"x" * (20 * 1024 * 1024 + 1), "larger than 20 MB"),
        ("i" * 300 + ".txt", b"text", "longer than 200 characters"),
        ("imr.svg", b"<svg/>", "Upload a Word document (.docx) or a text file"),
    ],
)
def test_an_unsafe_upload_is_refused_with_a_message_and_nothing_stored(
    cast, as_person, review, settings, name, content, message
):
    response = upload(as_person(cast.admin), review, content, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ReviewDocument.objects.exists() and not Document.objects.exists()
    files = settings.MEDIA_ROOT
    assert not files.exists() or not any(p.is_file() for p in files.rglob("*"))


def test_a_text_imr_in_windows_encoding_is_anonymised_as_text(cast, as_person, keyed_review):
    client = as_person(cast.admin)
    text = "Mia Thompson\u2019s school, Southvale Primary School, called Lauren Thompson.\n"
    upload(client, keyed_review, text.encode("cp1252"), name="imr.txt")
    run = _anonymise(client, keyed_review, ReviewDocument.objects.get())
    with run.output.file.open("rb") as handle:
        out = handle.read().decode("utf-8")
    assert out.startswith("Child B\u2019s school, School 1, called Mother.")
    assert run.output.content_type.startswith("text/plain")


def test_the_original_is_read_only_by_process_staff_and_each_read_recorded(
    cast, as_person, keyed_review
):
    upload(as_person(cast.admin), keyed_review, imr_docx())
    document = ReviewDocument.objects.get()
    url = _url("document-original", keyed_review, document.pk)
    client = as_person(cast.manager)
    before = AuditEvent.objects.count()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == imr_docx()
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.last()
    assert (event.kind, event.actor, event.referral_id) == (
        "ORIGINAL_DOCUMENT_READ",
        cast.manager,
        keyed_review.referral_id,
    )
    refused = (("chair", 403), ("subgroup", 403), ("police_author", 403), ("outsider", 404))
    for who, status in refused:
        person = cast.subgroup[0] if who == "subgroup" else getattr(cast, who)
        assert as_person(person).get(url).status_code == status, who
    # The general download does not serve it to the board's other case staff either.
    general = reverse("core:document-download", args=[document.original.pk])
    assert as_person(cast.chair).get(general).status_code == 404


def test_a_document_of_another_review_is_not_found(cast, as_person, keyed_review, make_referral):
    upload(as_person(cast.admin), keyed_review, imr_docx())
    document = ReviewDocument.objects.get()
    other = make_referral("review-open").review
    client = as_person(cast.admin)
    assert client.get(_url("document-original", other, document.pk)).status_code == 404
    assert client.post(_url("document-anonymise", other, document.pk)).status_code == 404


def test_someone_excluded_from_the_review_sees_none_of_its_documents(cast, as_person, keyed_review):
    from casereview.referrals.services import case_exclusion_declare

    upload(as_person(cast.admin), keyed_review, imr_docx())
    case_exclusion_declare(
        referral=keyed_review.referral,
        person=cast.admin,
        by=cast.manager,
        reasons="Related to the family.",
    )
    client = as_person(cast.admin)
    document = ReviewDocument.objects.get()
    assert client.get(_url("documents", keyed_review)).status_code == 404
    assert client.get(_url("document-original", keyed_review, document.pk)).status_code == 404


def _pages_queries(client, review, run) -> list[int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for url in (_url("documents", review), _url("run", review, run.pk)):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    return counts


def test_the_document_pages_ask_the_same_number_of_queries_for_10_or_100_entries(
    cast, as_person, make_referral
):
    client = as_person(cast.admin)
    counts = []
    for n in (10, 100):
        review = make_referral("review-open").review
        KeyEntry.objects.bulk_create(
            KeyEntry(review=review, category="family", name=f"Xyq Name{i}", label=f"Label {i}")
            for i in range(n)
        )
        for _ in range(n // 10):
            upload(client, review, imr_docx())
        run = services.document_anonymise(document=review.documents.first(), by=cast.admin)
        for document in review.documents.all()[1:]:
            services.document_anonymise(document=document, by=cast.admin)
        counts.append(_pages_queries(client, review, run))
    assert counts[0] == counts[1]


def test_the_glossary_document_holds_labels_never_names(cast, as_person, keyed_review):
    services.glossary_add_starter(review=keyed_review, by=cast.admin)
    response = as_person(cast.admin).get(_url("glossary-export", keyed_review))
    data = response.content
    for name, text in every_part(data).items():
        for word in KEY_NAMES:
            assert word not in text, (word, name)
    tables = docx.Document(io.BytesIO(data)).tables
    cells = [c.text for t in tables for r in t.rows for c in r.cells]
    assert "Teacher 1" in cells and "School 1" in cells and "CAMHS" in cells


def test_the_document_after_the_reviews_cap_is_refused_and_nothing_stored(
    cast, as_person, review, monkeypatch
):
    monkeypatch.setattr(services, "MAX_DOCUMENTS_PER_REVIEW", 1)
    client = as_person(cast.admin)
    assert upload(client, review, imr_docx()).status_code == 302
    stored = Document.objects.count()
    response = upload(client, review, imr_docx())
    assert "This review already holds 1 documents" in response.content.decode()
    assert Document.objects.count() == stored and ReviewDocument.objects.count() == 1


def test_each_change_writes_one_audit_event(cast, keyed_review):
    def events_of(action):
        before = AuditEvent.objects.count()
        action()
        return [e.kind for e in AuditEvent.objects.all()[before:]]

    mother = keyed_review.key_entries.get(label="Mother")
    child = keyed_review.key_entries.get(label="Child B")
    assert events_of(
        lambda: services.relation_add(
            review=keyed_review, person=mother, relation="parent-of", other=child, by=cast.admin
        )
    ) == ["RELATION_ADDED"]
    assert events_of(
        lambda: services.glossary_add(review=keyed_review, term="PLO", meaning="x", by=cast.admin)
    ) == ["GLOSSARY_ENTRY_ADDED"]
    assert events_of(
        lambda: services.key_entry_add(
            review=keyed_review, by=cast.admin, category="place", name="Elm Surgery"
        )
    ) == ["KEY_ENTRY_ADDED"]
    assert keyed_review.key_entries.get(name="Elm Surgery").label == "Place 1"


def test_the_service_refuses_someone_the_gate_would_refuse(cast, keyed_review):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.key_entry_add(
            review=keyed_review, by=cast.chair, category="family", name="Ida Penn"
        )
    with pytest.raises(PermissionDenied):
        services.document_upload(
            review=keyed_review, title="IMR", filename="a.txt", content=b"text", by=cast.chair
        )


def test_a_damaged_word_file_is_refused_at_upload_and_the_page_says_why(
    cast, as_person, keyed_review
):
    import zipfile

    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document><unclosed>")
    client = as_person(cast.admin)
    response = upload(client, keyed_review, damaged.getvalue())
    assert "The Word .docx file is damaged (word/document.xml cannot be read)." in (
        response.content.decode()
    )
    assert not ReviewDocument.objects.exists()


def test_a_flag_that_is_not_in_the_run_is_not_found(cast, as_person, keyed_review):
    client = as_person(cast.admin)
    upload(client, keyed_review, imr_docx())
    run = _anonymise(client, keyed_review, ReviewDocument.objects.get())
    for name in ("flag-add", "flag-dismiss"):
        assert client.get(_url(name, keyed_review, run.pk, len(run.flags))).status_code == 404


def test_the_run_page_lists_the_parts_dropped_because_they_cannot_be_anonymised(
    cast, as_person, keyed_review
):
    import zipfile

    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(imr_docx_with_header())) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        for item in source.infolist():
            target.writestr(item, source.read(item))
        # A picture format the anonymiser cannot clean (its text records could hold names).
        target.writestr("word/media/image7.emf", b"\x01\x00\x00\x00 Mia Thompson")
    client = as_person(cast.admin)
    assert upload(client, keyed_review, out.getvalue()).status_code == 302
    run = _anonymise(client, keyed_review, ReviewDocument.objects.get())
    assert {
        "part": "word/media/image7.emf",
        "count": 1,
        "why": "a part that cannot be anonymised",
    } in run.removed
    assert "word/media/image7.emf" not in every_part(run.output.file.open("rb").read())
    page = client.get(_url("run", keyed_review, run.pk)).content.decode()
    assert "Dropped because they cannot be anonymised" in page
    assert "word/media/image7.emf: a part that cannot be anonymised" in page
