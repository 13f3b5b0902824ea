"""The key reference on the web: kept by process staff, imported and exported, never lost."""

from __future__ import annotations

import csv
import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casereview.anonymisation import services
from casereview.anonymisation.models import KeyEntry
from casereview.core.models import AuditEvent

from .web import *  # noqa: F403

pytestmark = pytest.mark.django_db


def _url(name, review, *args):
    return reverse(f"anonymisation:{name}", args=[review.pk, *args])


def _entry(**fields):
    base = {
        "category": "family",
        "name": "",
        "label": "",
        "aliases": "",
        "relationship": "",
        "dob": "",
        "sex": "u",
        "agency": "",
        "role": "",
    }
    return {**base, **fields}


def test_the_administrator_adds_people_and_each_gets_the_next_free_label(cast, as_person, review):
    client = as_person(cast.admin)
    for name in ("Rosa Quill", "Tam Quill"):
        response = client.post(
            _url("key-reference", review), _entry(name=name, relationship="Sibling")
        )
        assert response.status_code == 302
    client.post(
        _url("key-reference", review),
        _entry(category="professional", name="Ned Pike", role="Social worker"),
    )
    client.post(
        _url("key-reference", review),
        _entry(category="place", name="Elm Surgery", role="GP practice"),
    )
    labels = list(review.key_entries.values_list("label", flat=True))
    assert labels == ["Sibling 1", "Sibling 2", "Social Worker 1", "GP Practice 1"]
    page = client.get(_url("key-reference", review)).content.decode()
    assert "Sibling 2" in page and "Tam Quill" in page


def test_a_duplicate_label_is_refused_with_a_message_and_nothing_kept_is_lost(
    cast, as_person, keyed_review
):
    before = list(keyed_review.key_entries.values_list("name", "label"))
    response = as_person(cast.admin).post(
        _url("key-reference", keyed_review), _entry(name="Ivo Marsh", label="mother")
    )
    assert response.status_code == 200
    assert "The label mother is already used for another entry" in response.content.decode()
    assert list(keyed_review.key_entries.values_list("name", "label")) == before


def test_a_name_already_in_the_key_is_refused_naming_its_label(cast, as_person, keyed_review):
    response = as_person(cast.admin).post(
        _url("key-reference", keyed_review), _entry(name="mimi", label="Cousin 1")
    )
    assert "That name is already in the key as Child B" in response.content.decode()
    assert not keyed_review.key_entries.filter(label="Cousin 1").exists()


def test_an_entry_is_changed_and_removed_each_with_one_event(cast, as_person, keyed_review):
    client = as_person(cast.admin)
    mother = keyed_review.key_entries.get(label="Mother")
    events = AuditEvent.objects.count()
    response = client.post(
        _url("key-entry", keyed_review, mother.pk),
        _entry(name="Lauren Thompson", label="Mother", aliases="Lolly", sex="f"),
    )
    assert response.status_code == 302
    mother.refresh_from_db()
    assert mother.alias_list == ["Lolly"]
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.last().kind == "KEY_ENTRY_CHANGED"
    client.post(_url("key-entry-remove", keyed_review, mother.pk))
    assert not keyed_review.key_entries.filter(pk=mother.pk).exists()
    assert AuditEvent.objects.last().kind == "KEY_ENTRY_REMOVED"


def _import(client, review, text: str, name="key.csv"):
    return client.post(
        _url("key-import", review), {"file": SimpleUploadedFile(name, text.encode())}
    )


def test_import_adds_new_entries_and_completes_the_ones_kept(cast, as_person, keyed_review):
    text = (
        "name,label,category,aliases,role\n"
        "Lauren Thompson,Mother,family,Lolly,\n"
        "Craig Dunn,Mother's friend,family,,\n"
    )
    response = _import(as_person(cast.admin), keyed_review, text)
    assert response.status_code == 302
    mother = keyed_review.key_entries.get(label="Mother")
    assert mother.alias_list == ["Lolly"]
    assert mother.relationship == "Mother"  # kept: the row gave none
    assert mother.household  # kept: the row said nothing
    assert keyed_review.key_entries.get(label="Mother's friend").name == "Craig Dunn"
    assert AuditEvent.objects.last().detail == {"added": 1, "updated": 1}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "name,label,category,aliases,sex\nA One,Aunt 1,family,,f\nB Two,Aunt 2,family,,x\n",
            "Key reference row 3, column sex: &#x27;x&#x27; is not one of m, f, u",
        ),
        (
            "name,label,category,aliases\nA One,Aunt 1,family,\nB Two,aunt 1,family,\n",
            "row 3, column label: &#x27;aunt 1&#x27; is already the label of row 2",
        ),
        (
            "name,label,category,aliases\nA One,Aunt 1,cousin,\n",
            "row 2, column category",
        ),
        (
            "name,label,category,aliases\nA One,Mother,family,\n",
            "Row 2, column name: the label &#x27;Mother&#x27; already stands for "
            "&#x27;Lauren Thompson&#x27;",
        ),
        (
            "name,label,category,aliases\nA One,Aunt 1,family,Mimi\n",
            "Row 2, column aliases: &#x27;Mimi&#x27; is already in this key as &#x27;Child B&#x27;",
        ),
        ("name,label\nA One,Aunt 1\n", "missing column category, aliases"),
    ],
)
def test_a_bad_row_names_its_row_and_column_and_imports_nothing(
    cast, as_person, keyed_review, text, message
):
    before = list(keyed_review.key_entries.values_list("name", "label", "aliases"))
    response = _import(as_person(cast.admin), keyed_review, text)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(keyed_review.key_entries.values_list("name", "label", "aliases")) == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("key.xlsx", b"PK\x03\x04", "Upload the key reference as a .csv file."),
        ("key.csv", b"name,label\x00", "it holds binary data"),
        ("key.csv", b"", "The file is empty."),
        ("key.csv", b"<html><script>x</script>", "web page or markup"),
        ("k" * 300 + ".csv", b"name,label", "longer than 200 characters"),
    ],
)
def test_an_unsafe_csv_is_refused_and_nothing_is_stored(
    cast, as_person, review, name, content, message
):
    response = as_person(cast.admin).post(
        _url("key-import", review), {"file": SimpleUploadedFile(name, content)}
    )
    assert message in response.content.decode()
    assert not review.key_entries.exists()


def test_the_csv_export_reads_back_the_same_and_quotes_formulas(cast, as_person, keyed_review):
    services.key_entry_add(
        review=keyed_review, by=cast.admin, category="other", name="=HYPERLINK(1)", label="Friend 1"
    )
    response = as_person(cast.admin).get(_url("key-export-csv", keyed_review))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    text = response.content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[-1][0] == "'=HYPERLINK(1)"
    assert rows[0][:4] == ["name", "label", "category", "aliases"]
    assert AuditEvent.objects.last().kind == "KEY_REFERENCE_EXPORTED"


def test_the_export_imports_into_another_review_unchanged(cast, keyed_review, make_referral):
    second = make_referral("review-open").review
    client_text = _export_text(keyed_review, cast)
    services.key_import(review=second, text=client_text, by=cast.admin)
    fields = ("name", "label", "category", "aliases", "sex", "subject", "household")
    assert list(second.key_entries.values_list(*fields)) == list(
        keyed_review.key_entries.values_list(*fields)
    )


def _export_text(review, cast):
    from django.test import Client

    from casereview.conftest import sign_in

    return sign_in(Client(), cast.admin).get(_url("key-export-csv", review)).content.decode()


def test_the_key_reference_document_lists_the_family_with_labels(cast, as_person, keyed_review):
    response = as_person(cast.admin).get(_url("key-export-docx", keyed_review))
    assert response["Content-Disposition"].startswith("attachment")
    document = docx.Document(io.BytesIO(response.content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "Child B" in cells and "Mia Thompson" in cells and "Mother" in cells
    assert "Alice Brown" not in cells  # professionals go in the glossary, by label only
    assert document.core_properties.author == cast.board.name


def _keyed_with(review, cast, n: int) -> None:
    KeyEntry.objects.bulk_create(
        KeyEntry(
            review=review,
            category=("family", "professional", "place")[i % 3],
            name=f"Person Number{i}",
            label=f"Label {i}",
        )
        for i in range(n)
    )


@pytest.mark.parametrize("url_name", ["key-reference", "glossary", "genogram"])
def test_the_pages_ask_the_same_number_of_queries_for_10_or_100_entries(
    cast, as_person, make_referral, django_assert_num_queries, url_name
):
    client = as_person(cast.admin)
    counts = []
    for n in (10, 100):
        review = make_referral("review-open").review
        _keyed_with(review, cast, n)
        client.get(_url(url_name, review))  # warm the session and the caches
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(url_name, review)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("manager", 200),
        ("chair", 403),
        ("police_author", 403),
        ("health_officer", 404),
        ("outsider", 404),
    ],
)
def test_only_process_staff_keep_the_key(cast, as_person, keyed_review, who, status):
    client = as_person(getattr(cast, who))
    for name in ("key-reference", "key-export-csv", "key-export-docx", "glossary", "genogram"):
        response = client.get(_url(name, keyed_review))
        assert response.status_code == status, name
        if status != 200:
            assert b"Mia Thompson" not in response.content
    entry = keyed_review.key_entries.first()
    assert client.get(_url("key-entry", keyed_review, entry.pk)).status_code == status


def test_an_entry_of_another_review_is_not_found(cast, as_person, keyed_review, make_referral):
    other = make_referral("review-open").review
    entry = keyed_review.key_entries.first()
    response = as_person(cast.admin).get(_url("key-entry", other, entry.pk))
    assert response.status_code == 404


def test_each_read_of_the_key_records_exactly_one_event(cast, as_person, keyed_review):
    client = as_person(cast.admin)
    client.get(_url("key-reference", keyed_review))  # sessions settle
    before = AuditEvent.objects.count()
    client.get(_url("key-reference", keyed_review))
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.last()
    assert (event.kind, event.actor, event.referral_id) == (
        "KEY_REFERENCE_VIEWED",
        cast.admin,
        keyed_review.referral_id,
    )


def _people_csv(count: int, start: int = 0) -> str:
    rows = "".join(f"Person{n} Quill,Person {n},family,\n" for n in range(start, start + count))
    return "name,label,category,aliases\n" + rows


def test_an_import_of_more_than_two_thousand_rows_is_refused_with_the_limit(
    cast, as_person, review
):
    response = _import(as_person(cast.admin), review, _people_csv(2_001))
    assert response.status_code == 200
    page = response.content.decode()
    assert "at most 2,000 people and places" in page
    assert "row 2,002 of the file" in page
    assert not review.key_entries.exists()


def test_an_import_that_would_take_the_key_past_two_thousand_is_refused(cast, as_person, review):
    client = as_person(cast.admin)
    assert _import(client, review, _people_csv(1_500)).status_code == 302
    page = _import(client, review, _people_csv(501, start=1_500)).content.decode()
    assert "at most 2,000 people and places" in page
    assert "This key has 1,500 and the file would add 501." in page
    assert review.key_entries.count() == 1_500


def test_adding_a_person_to_a_full_key_is_refused_with_the_limit(cast, as_person, review):
    client = as_person(cast.admin)
    assert _import(client, review, _people_csv(2_000)).status_code == 302
    response = client.post(_url("key-reference", review), _entry(name="Rosa Quill"))
    assert "at most 2,000 people and places" in response.content.decode()
    assert review.key_entries.count() == 2_000


def test_a_label_taken_is_the_one_not_allowed_now_naming_the_label_field(cast, keyed_review):
    from casereview.core.lifecycle import NotAllowedNow

    taken = keyed_review.key_entries.first().label
    with pytest.raises(NotAllowedNow) as refused:
        services.key_entry_add(
            review=keyed_review, by=cast.admin, name="Ivo Marsh", label=taken, category="family"
        )
    assert refused.value.by_field() == {
        "label": [f"The label {taken!r} is already used in this key."]
    }
