"""The chronology upload's own cases of SECURITY.md UP-1: strange names, many files, each
format of the pro forma. The hostile corpus itself is in ``core/tests/upload_corpus.py`` and is
run against every upload route by ``core/tests/test_upload_gate.py``."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casereview.chronologies.models import (
    ChronologyEntry,
    ChronologySubmission,
    ExportJob,
)
from casereview.core.models import AuditEvent, Document
from casereview.core.tests.upload_corpus import (
    EXTERNAL_TEMPLATE,
    password_protected,
    rezip,
)
from casereview.core.uploads import UploadRefused, check_upload

from .conftest import POLICE_ROWS, csv_bytes, docx_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


def docx() -> bytes:
    return docx_bytes(POLICE_ROWS)


def xlsx() -> bytes:
    return xlsx_bytes(POLICE_ROWS)


def _files() -> list[str]:
    root = settings.MEDIA_ROOT
    found = []
    for folder, _, names in os.walk(root):
        found.extend(os.path.join(folder, n) for n in names)
    return sorted(found)


def _snapshot() -> tuple:
    return (
        ChronologySubmission.objects.count(),
        ChronologyEntry.objects.count(),
        Document.objects.count(),
        ExportJob.objects.count(),
        AuditEvent.objects.filter(kind__in=["DOCUMENT_STORED", "CHRONOLOGY_UPLOADED"]).count(),
        _files(),
    )


def test_a_name_of_300_characters_is_refused():
    # Django cuts an uploaded name to 255 characters before a view sees it; the check itself
    # refuses longer ones for callers that pass a name from elsewhere.
    with pytest.raises(UploadRefused, match="longer than 200 characters"):
        check_upload("a" * 296 + ".csv", csv_bytes(POLICE_ROWS), "chronology")


def test_a_right_to_left_override_in_a_name_is_refused():
    with pytest.raises(UploadRefused, match="reverse its text"):
        check_upload("rows\u202excod.csv", csv_bytes(POLICE_ROWS), "chronology")


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd.csv", "evil\0name.csv", "head\r\ner: x.csv", "CON.csv", "é" * 120 + ".csv"],
)
def test_a_strange_name_is_only_a_display_name_and_never_reaches_the_disk(
    cast, as_person, police_commission, name
):
    client = as_person(cast.police_author)
    response = client.post(
        reverse("chronologies:upload", args=[police_commission.review_id, police_commission.pk]),
        {"file": SimpleUploadedFile(name, csv_bytes(POLICE_ROWS))},
    )
    if response.status_code == 400:  # the name broke the request itself: nothing is kept
        assert not Document.objects.exists() and not _files()
        return
    assert response.status_code == 302
    document = Document.objects.get(kind="chronology-source")
    stored = os.path.relpath(document.file.path, settings.MEDIA_ROOT)
    assert stored.startswith("documents/") and len(stored.split("/")[-1]) == 32
    for part in ("passwd", "evil", "head", "CON", "é"):
        assert part not in stored
    assert "\0" not in document.filename and "\n" not in document.filename


def test_more_than_100_files_in_one_request_are_refused(cast, as_person, police_commission):
    client = as_person(cast.police_author)
    before = _snapshot()
    files = [SimpleUploadedFile(f"f{i}.csv", b"x") for i in range(101)]
    response = client.post(
        reverse("chronologies:upload", args=[police_commission.review_id, police_commission.pk]),
        {"file": files},
    )
    assert response.status_code == 400
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("name", "build"),
    [("ok.csv", lambda: csv_bytes(POLICE_ROWS)), ("ok.xlsx", xlsx), ("ok.docx", docx)],
)
def test_the_pro_forma_in_each_format_passes_the_checks(name, build):
    assert check_upload(name, build(), "chronology") == "." + name.rsplit(".", 1)[1]


def test_a_hyperlink_is_not_an_outside_template():
    link = EXTERNAL_TEMPLATE.replace(b"attachedTemplate", b"hyperlink")
    check_upload("ok.docx", rezip(docx(), {"word/_rels/settings.xml.rels": link}), "chronology")


def test_the_refusal_is_an_upload_refused_error():
    with pytest.raises(UploadRefused, match="Remove the password"):
        check_upload("x.docx", password_protected(), "chronology")
