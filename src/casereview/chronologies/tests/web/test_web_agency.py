"""An agency's chronology on the web: upload, problems beside rows, fixing, sending, versions."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casereview.chronologies import services
from casereview.chronologies.models import ChronologyEntry, ChronologySubmission
from casereview.core.models import AuditEvent

from .conftest import HEALTH_ROWS, POLICE_ROWS, csv_bytes, docx_bytes, row, sent, xlsx_bytes

pytestmark = pytest.mark.django_db


def url(name, commission, *extra):
    return reverse(f"chronologies:{name}", args=[commission.review_id, commission.pk, *extra])


def upload(client, commission, content, name="chronology.csv"):
    return client.post(
        url("upload", commission), {"file": SimpleUploadedFile(name, content)}, follow=True
    )


@pytest.mark.parametrize(
    ("name", "build"),
    [("police.csv", csv_bytes), ("police.xlsx", xlsx_bytes), ("police.docx", docx_bytes)],
)
def test_an_author_uploads_a_file_and_sees_each_problem_beside_its_row(
    cast, as_person, police_commission, name, build
):
    client = as_person(cast.police_author)
    response = upload(client, police_commission, build(POLICE_ROWS), name)
    body = response.content.decode()
    assert response.status_code == 200
    assert "3 rows read from the file. 1 row needs fixing before you send it." in body
    assert "Row 2, DATE: &quot;March 2024&quot; is not a complete date." in body
    draft = ChronologySubmission.objects.get(commission=police_commission)
    assert draft.is_draft and draft.source.filename == name
    assert [e.number for e in draft.entries.all()] == [1, 2, 3]
    assert police_commission.chronology_received_at is None


def test_sending_is_refused_while_a_row_has_an_error_and_nothing_typed_is_lost(
    cast, as_person, police_commission
):
    client = as_person(cast.police_author)
    upload(client, police_commission, csv_bytes(POLICE_ROWS))
    response = client.post(url("submit", police_commission), {"staff_ids": "AB, PC 1234"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Fix the 1 error in the rows before sending the chronology." in body
    assert "Row 2, DATE" in body
    draft = ChronologySubmission.objects.get(commission=police_commission)
    assert draft.is_draft and draft.staff_ids == "AB, PC 1234"


def test_fixing_the_row_clears_its_problem_and_the_chronology_is_sent(
    cast, as_person, police_commission
):
    client = as_person(cast.police_author)
    upload(client, police_commission, csv_bytes(POLICE_ROWS))
    entry = ChronologyEntry.objects.get(number=2)
    page = client.get(url("row-edit", police_commission, entry.pk)).content.decode()
    assert "is not a complete date" in page
    response = client.post(
        url("row-edit", police_commission, entry.pk),
        {
            "date_text": "12/03/2024",
            "child": "Child A seen by an officer at the school gate with Mother A, no injuries.",
            "source": "Case notes",
            "staff": "AB",
        },
        follow=True,
    )
    assert "Row 2 saved. It has no problems now." in response.content.decode()
    entry.refresh_from_db()
    assert entry.problems == [] and str(entry.date) == "2024-03-12"
    response = client.post(
        url("submit", police_commission), {"staff_ids": "AB, PC 1234"}, follow=True
    )
    assert "Chronology sent to the board (version 1)." in response.content.decode()
    police_commission.refresh_from_db()
    assert police_commission.chronology_received_at is not None
    kinds = list(AuditEvent.objects.values_list("kind", flat=True))
    assert {"CHRONOLOGY_UPLOADED", "CHRONOLOGY_ROW_SAVED", "CHRONOLOGY_SUBMITTED"} <= set(kinds)


def test_rows_typed_in_the_form_are_checked_as_they_are_added(cast, as_person, police_commission):
    client = as_person(cast.police_author)
    client.post(url("draft-start", police_commission))
    response = client.post(
        url("draft", police_commission),
        {"date_text": "12/03/2024 14:30", "child": "Seen", "staff": "AB"},
        follow=True,
    )
    body = response.content.decode()
    assert "Row 1 added." in body
    assert "Row 1, DATE: &quot;12/03/2024 14:30&quot; includes a time of day." in body
    assert "Row 1: the row says only &quot;Seen&quot; (1 word)." in body
    empty = client.post(url("draft", police_commission), {})
    assert empty.status_code == 200
    assert "Enter the row&#x27;s date and what happened." in empty.content.decode()


def test_resubmission_replaces_the_rows_and_keeps_the_earlier_version(
    cast, as_person, police_commission
):
    first = sent(police_commission, [POLICE_ROWS[0]], cast.police_author)
    second = sent(police_commission, [POLICE_ROWS[0], POLICE_ROWS[2]], cast.police_author)
    first.refresh_from_db()
    assert (first.status, second.status) == ("superseded", "submitted")
    assert first.entries.count() == 1 and second.entries.count() == 2
    client = as_person(cast.police_author)
    page = client.get(url("commission", police_commission)).content.decode()
    assert "Version 2, sent to the board" in page and "Officer visited the home after" in page
    old = client.get(url("commission", police_commission) + "?version=1").content.decode()
    assert "Version 1, replaced by a later version" in old
    assert "Officer visited the home after" not in old


def test_a_draft_typed_after_sending_starts_from_the_rows_sent(cast, police_commission):
    sent(police_commission, [POLICE_ROWS[0]], cast.police_author)
    draft = services.chronology_draft_start(commission=police_commission, by=cast.police_author)
    assert draft.version == 2
    assert list(draft.entries.values_list("child", flat=True)) == [POLICE_ROWS[0][1]]


def test_staff_initials_missing_from_the_id_list_are_named(cast, as_person, police_commission):
    rows = [row("03/02/2024", POLICE_ROWS[0][1], staff="AB, CD")]
    submission = sent(police_commission, rows, cast.police_author)
    assert services.staff_initials_missing(submission) == ["CD"]
    page = as_person(cast.police_author).get(url("commission", police_commission))
    assert "not in the staff ID list: CD" in page.content.decode()


def test_a_refused_upload_names_the_problem_and_keeps_the_draft(cast, as_person, police_commission):
    client = as_person(cast.police_author)
    upload(client, police_commission, csv_bytes(POLICE_ROWS))
    response = upload(client, police_commission, b"DATE,WHAT\n01/01/2024,x\n")
    assert response.status_code == 400
    assert "No chronology header row found" in response.content.decode()
    assert ChronologySubmission.objects.get(commission=police_commission).entries.count() == 3


def test_an_author_cannot_open_another_agencys_rows_by_url(
    cast, as_person, police_commission, health_commission, health_author
):
    health = sent(health_commission, HEALTH_ROWS, health_author)
    draft = services.chronology_draft_start(commission=health_commission, by=health_author)
    health_row = draft.entries.first()
    client = as_person(cast.police_author)
    for name, extra, method in [
        ("commission", (), "get"),
        ("upload", (), "get"),
        ("draft", (), "get"),
        ("draft-start", (), "post"),
        ("submit", (), "post"),
        ("row-edit", (health_row.pk,), "get"),
        ("row-delete", (health_row.pk,), "post"),
    ]:
        response = getattr(client, method)(url(name, health_commission, *extra))
        assert response.status_code == 403, name
        assert "Health visitor saw Child A" not in response.content.decode()
    # Through the author's own agency's address, another agency's row is not found.
    own = client.get(url("row-edit", police_commission, health_row.pk))
    assert own.status_code == 404
    assert health.entries.count() == 2
    # The review page lists only the author's own agency's chronology.
    page = client.get(reverse("reviews:detail", args=[police_commission.review_id]))
    assert url("commission", health_commission) not in page.content.decode()


def test_each_read_of_rows_records_one_audit_event(cast, as_person, police_commission):
    sent(police_commission, [POLICE_ROWS[0]], cast.police_author)
    client = as_person(cast.police_author)
    before = AuditEvent.objects.count()
    client.get(url("commission", police_commission))
    assert list(
        AuditEvent.objects.filter(pk__gt=0).order_by("-pk")[:1].values_list("kind", flat=True)
    ) == ["CHRONOLOGY_VIEWED"]
    assert AuditEvent.objects.count() == before + 1


def _police_draft_with(n: int, cast, commission):
    rows = [
        row(f"{(i % 28) + 1:02d}/03/2024", f"Child A seen at home by officer number {i} today.")
        for i in range(n)
    ]
    services.chronology_upload(
        commission=commission, name="c.csv", content=csv_bytes(rows), by=cast.police_author
    )


@pytest.mark.parametrize("name", ["draft", "commission"])
def test_the_agency_pages_use_the_same_number_of_queries_for_10_or_1000_rows(
    cast, as_person, police_commission, django_assert_num_queries, name
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_person(cast.police_author)
    counted = 0
    for n in (10, 1_000):
        _police_draft_with(n, cast, police_commission)
        if name == "commission":
            draft = ChronologySubmission.objects.get(commission=police_commission, status="draft")
            services.recheck(draft)
            ChronologyEntry.objects.filter(submission=draft).update(problems=[])
            services.chronology_submit(submission=draft, staff_ids="AB", by=cast.police_author)
        last_page = url(name, police_commission) + "?page=999"  # the nearest page: the last
        client.get(last_page)  # warm the session and caches
        if n == 10:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(last_page)
            counted = len(queries)
        else:
            with django_assert_num_queries(counted):
                response = client.get(last_page)
        assert response.status_code == 200
        assert f"officer number {n - 1} " in response.content.decode()
        assert len(response.content) < 1_000_000


def test_with_no_draft_the_draft_page_says_how_to_start_and_sending_says_why_not(
    cast, as_person, police_commission
):
    client = as_person(cast.police_author)
    page = client.get(url("draft", police_commission))
    assert page.status_code == 200
    assert "There is no draft being prepared." in page.content.decode()
    response = client.post(url("submit", police_commission), follow=True)
    assert "There is no draft to send." in response.content.decode()
    assert not ChronologySubmission.objects.exists()
