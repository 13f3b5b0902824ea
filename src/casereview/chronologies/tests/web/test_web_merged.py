"""The merged chronology on the web: who sees it when, filters, marks, approval and exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from casereview.chronologies import services
from casereview.chronologies.models import (
    ChronologyApproval,
    ChronologyEntry,
    ExportJob,
    PanelMark,
)
from casereview.core.models import AuditEvent
from casereview.reviews import services as review_services
from casereview.reviews.models import ReviewRole

from .conftest import HEALTH_ROWS, POLICE_ROWS, row, sent

pytestmark = pytest.mark.django_db

FIXED_POLICE = [POLICE_ROWS[0], row("12/03/2024", POLICE_ROWS[1][1]), POLICE_ROWS[2]]


def merged_url(review, name="merged", *extra):
    return reverse(f"chronologies:{name}", args=[review.pk, *extra])


@pytest.fixture
def both_sent(cast, review, police_commission, health_commission, health_author):
    sent(police_commission, FIXED_POLICE, cast.police_author)
    sent(health_commission, HEALTH_ROWS, health_author)
    return review


@pytest.fixture
def panel_member(cast, review):
    from casereview.boards.models import Membership
    from casereview.core.roles import Role

    # A panel seat rests on a role on the board (SECURITY.md AZ-4): a read-only one here.
    Membership.objects.create(person=cast.outsider, board=cast.board, role=Role.BOARD_MEMBER)
    review_services.review_member_add(
        review=review, person=cast.outsider, role=ReviewRole.PANEL_MEMBER, by=cast.manager
    )
    return cast.outsider


def test_the_merged_chronology_is_for_process_staff_until_it_is_shared_with_the_panel(
    cast, as_person, both_sent, panel_member
):
    review = both_sent
    url = merged_url(review)
    assert as_person(cast.manager).get(url).status_code == 200
    assert as_person(panel_member).get(url).status_code == 403
    assert as_person(cast.police_author).get(url).status_code == 403
    response = as_person(cast.manager).post(merged_url(review, "share"), follow=True)
    assert "The merged chronology is shared with the panel." in response.content.decode()
    page = as_person(panel_member).get(url)
    assert page.status_code == 200
    assert "Health visitor saw Child A" in page.content.decode()
    # An agency's author who is not on the panel still sees only their own rows.
    assert as_person(cast.police_author).get(url).status_code == 403
    assert as_person(cast.outsider).get(merged_url(review, "approve")).status_code == 403


def test_rows_are_in_date_order_with_gaps_and_discrepancies_marked(cast, as_person, both_sent):
    body = as_person(cast.manager).get(merged_url(both_sent)).content.decode()
    order = [
        body.index(text)
        for text in (
            "Officers attended the home",
            "Health visitor saw Child A",
            "Child A seen by an officer",
            "Officer visited the home after",
            "GP saw Mother A",
        )
    ]
    assert order == sorted(order)
    assert "No agency recorded any contact for 100 days, from 12/03/2024 to 20/06/2024." in body
    assert "Possible discrepancy with" in body
    health_row = ChronologyEntry.objects.get(family__startswith="GP saw Mother A")
    assert f'href="#row-{health_row.pk}">Northbrook Health row 2</a>' in body


@pytest.mark.parametrize(
    ("query", "present", "absent"),
    [
        ({"agency": "Northbrook Health"}, "Health visitor saw", "Officers attended"),
        (
            {"date_from": "01/03/2024", "date_to": "30/06/2024"},
            "Officer visited the home",
            "Officers attended",
        ),
        ({"problem": "duplicate"}, "No rows match the filters.", "Officers attended"),
        ({"flag": "discrepancy"}, "GP saw Mother A", "Officers attended"),
        ({"flag": "gap"}, "Officer visited the home", "GP saw Mother A"),
    ],
)
def test_the_panel_filters_the_merged_rows(cast, as_person, both_sent, query, present, absent):
    body = as_person(cast.manager).get(merged_url(both_sent), query).content.decode()
    assert present in body
    assert absent not in body


def test_a_bad_filter_date_says_which_and_how(cast, as_person, both_sent):
    body = as_person(cast.manager).get(merged_url(both_sent), {"date_from": "31/31/2024"})
    assert "Enter the From date as day/month/year, like 01/03/2024." in body.content.decode()


def test_the_panel_marks_rows_and_the_chair_approves_the_merged_chronology(
    cast, as_person, both_sent
):
    review = both_sent
    review_services.review_member_add(
        review=review, person=cast.admin, role=ReviewRole.PANEL_CHAIR, by=cast.manager
    )
    services.chronology_share(review=review, by=cast.manager)
    entry = ChronologyEntry.objects.get(child__startswith="Health visitor")
    chair = as_person(cast.chair)
    refused = chair.post(merged_url(review, "mark", entry.pk), {"kind": "good-practice"})
    assert refused.status_code == 200
    assert "Enter a note saying why the row is marked." in refused.content.decode()
    chair.post(
        merged_url(review, "mark", entry.pk),
        {"kind": "good-practice", "note": "Prompt home visit and a clear record."},
    )
    mark = PanelMark.objects.get()
    assert (mark.kind, mark.marked_by) == ("good-practice", cast.chair)
    body = chair.get(merged_url(review), {"flag": "good-practice"}).content.decode()
    assert "Prompt home visit and a clear record." in body
    assert "Officers attended" not in body

    refused = chair.post(merged_url(review, "approve"), {})
    assert "Confirm the panel approves the merged chronology." in refused.content.decode()
    assert not ChronologyApproval.objects.exists()
    response = chair.post(
        merged_url(review, "approve"),
        {"confirm": "on", "note": "Agreed at the panel meeting."},
        follow=True,
    )
    assert (
        "The merged chronology is approved. The decision is recorded." in response.content.decode()
    )
    approval = ChronologyApproval.objects.get()
    assert approval.versions == {"Northbrook Health": 1, "Northbrook Police": 1}
    event = AuditEvent.objects.get(kind="CHRONOLOGY_APPROVED")
    assert event.actor == cast.chair and event.reasons == "Agreed at the panel meeting."
    # A new version sent afterwards shows the approval no longer matches.
    sent(review.commissions.get(agency=cast.police), FIXED_POLICE[:2], cast.police_author)
    assert "Changed since approval" in chair.get(merged_url(review)).content.decode()


def test_a_panel_member_may_mark_but_not_approve(cast, as_person, both_sent, panel_member):
    services.chronology_share(review=both_sent, by=cast.manager)
    entry = ChronologyEntry.objects.filter(submission__status="submitted").first()
    client = as_person(panel_member)
    assert client.get(merged_url(both_sent, "mark", entry.pk)).status_code == 200
    assert client.post(merged_url(both_sent, "approve"), {"confirm": "on"}).status_code == 403
    assert not ChronologyApproval.objects.exists()


def test_a_draft_row_cannot_be_marked_through_the_merged_address(
    cast, as_person, both_sent, police_commission
):
    draft = services.chronology_draft_start(commission=police_commission, by=cast.police_author)
    row_pk = draft.entries.first().pk
    assert as_person(cast.manager).get(merged_url(both_sent, "mark", row_pk)).status_code == 404


def _export(client, review, fmt, capture):
    with capture(execute=True):
        response = client.post(merged_url(review, "export"), {"format": fmt})
    job = ExportJob.objects.latest("pk")
    assert response.url == merged_url(review, "export-job", job.pk)
    page = client.get(response.url)
    assert "The export is ready" in page.content.decode()
    return job, client.get(merged_url(review, "export-download", job.pk))


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "docx", "pdf"])
def test_exports_run_in_the_background_and_download_with_safe_headers(
    cast, as_person, both_sent, fmt, django_capture_on_commit_callbacks
):
    client = as_person(cast.manager)
    job, download = _export(client, both_sent, fmt, django_capture_on_commit_callbacks)
    assert (job.status, job.progress, job.rows) == ("done", 100, 5)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "sandbox"
    content = b"".join(download.streaming_content)
    reference = both_sent.referral.reference
    if fmt == "csv":
        first = next(csv.reader(io.StringIO(content.decode())))[0]
        assert first.startswith(f"{reference} \u2014 export {job.pk}, ")
        assert first.endswith("\u2014 OFFICIAL-SENSITIVE")
    elif fmt in ("xlsx", "docx"):
        parts = zipfile.ZipFile(io.BytesIO(content))
        text = b"".join(parts.read(n) for n in parts.namelist() if n.endswith(".xml"))
        assert reference.encode() in text and b"OFFICIAL-SENSITIVE" in text
    else:
        assert content.startswith(b"%PDF")
    kinds = list(AuditEvent.objects.values_list("kind", flat=True))
    assert kinds.count("CHRONOLOGY_EXPORTED") == 1
    assert kinds.count("CHRONOLOGY_EXPORT_DOWNLOADED") == 1
    event = AuditEvent.objects.get(kind="CHRONOLOGY_EXPORTED")
    assert event.detail["rows"] == 5


def test_exports_neutralise_formulas_from_agency_text(
    cast, as_person, review, police_commission, django_capture_on_commit_callbacks
):
    evil = row("03/02/2024", '=HYPERLINK("http://evil.test","Click") officer visited the home')
    sent(police_commission, [evil], cast.police_author)
    client = as_person(cast.manager)
    _, csv_download = _export(client, review, "csv", django_capture_on_commit_callbacks)
    _, xlsx_download = _export(client, review, "xlsx", django_capture_on_commit_callbacks)
    text = b"".join(csv_download.streaming_content).decode()
    cells = [cell for record in csv.reader(io.StringIO(text)) for cell in record]
    assert '\'=HYPERLINK("http://evil.test","Click") officer visited the home' in cells
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(b"".join(xlsx_download.streaming_content)))
    assert not [c for ws in book for r in ws.iter_rows() for c in r if c.data_type == "f"]


def test_an_export_is_its_requesters_and_expires_after_a_day(
    cast, as_person, both_sent, django_capture_on_commit_callbacks
):
    job, _ = _export(as_person(cast.manager), both_sent, "csv", django_capture_on_commit_callbacks)
    other = as_person(cast.admin)
    assert other.get(merged_url(both_sent, "export-job", job.pk)).status_code == 404
    assert other.get(merged_url(both_sent, "export-download", job.pk)).status_code == 404
    ExportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - dt.timedelta(hours=25))
    client = as_person(cast.manager)
    assert client.get(merged_url(both_sent, "export-download", job.pk)).status_code == 404
    assert (
        "This export has expired."
        in client.get(merged_url(both_sent, "export-job", job.pk)).content.decode()
    )


def test_the_progress_page_refreshes_until_the_export_is_made(cast, as_person, both_sent):
    job = ExportJob.objects.create(review=both_sent, format="pdf", requested_by=cast.manager)
    body = as_person(cast.manager).get(merged_url(both_sent, "export-job", job.pk))
    assert '<meta http-equiv="refresh" content="2">' in body.content.decode()
    assert "Waiting to start: 0% done." in body.content.decode()


def test_the_panel_without_export_rights_cannot_export(cast, as_person, both_sent):
    # The author is not panel: the export needs the merged view's permission.
    client = as_person(cast.police_author)
    assert client.post(merged_url(both_sent, "export"), {"format": "csv"}).status_code == 403
    assert not ExportJob.objects.exists()


def test_the_merged_page_uses_the_same_number_of_queries_for_10_or_1000_rows(
    cast,
    as_person,
    review,
    police_commission,
    health_commission,
    health_author,
    django_assert_num_queries,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_person(cast.manager)
    counted = 0
    for n in (10, 1_000):
        rows = [
            row(
                (dt.date(2021, 1, 1) + dt.timedelta(days=i)).strftime("%d/%m/%Y"),
                f"Officer number {i} saw Child A at home with Mother A.",
            )
            for i in range(n)
        ]
        sent(police_commission, rows, cast.police_author)
        sent(health_commission, rows[: n // 2], health_author)
        entry = ChronologyEntry.objects.filter(submission__status="submitted").first()
        services.chronology_mark(entry=entry, kind="key-decision", note="A note.", by=cast.manager)
        last_page = merged_url(review) + "?page=999"  # the nearest page: the last
        client.get(last_page)
        if n == 10:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(last_page)
            counted = len(queries)
        else:
            with django_assert_num_queries(counted):
                response = client.get(last_page)
        assert f"Officer number {n - 1} saw" in response.content.decode()
        assert len(response.content) < 1_000_000


def test_a_panel_member_taken_off_the_review_cannot_download_their_earlier_export(
    cast, as_person, both_sent, django_capture_on_commit_callbacks
):
    from casereview.boards.models import Membership
    from casereview.core.roles import Role

    Membership.objects.create(person=cast.outsider, board=cast.board, role=Role.BOARD_MEMBER)
    member = review_services.review_member_add(
        review=both_sent, person=cast.outsider, role=ReviewRole.PANEL_MEMBER, by=cast.manager
    )
    services.chronology_share(review=both_sent, by=cast.manager)
    client = as_person(cast.outsider)
    job, download = _export(client, both_sent, "csv", django_capture_on_commit_callbacks)
    assert download.status_code == 200
    review_services.review_member_remove(member=member, by=cast.manager)
    assert client.get(merged_url(both_sent, "export-download", job.pk)).status_code == 404


def test_someone_excluded_from_the_review_sees_no_chronology(cast, as_person, both_sent):
    from casereview.referrals.services import case_exclusion_declare

    case_exclusion_declare(
        referral=both_sent.referral,
        person=cast.manager,
        by=cast.admin,
        reasons="Related to a practitioner involved.",
    )
    client = as_person(cast.manager)
    commission = both_sent.commissions.get(agency=cast.police)
    assert client.get(merged_url(both_sent)).status_code == 404
    assert (
        client.get(
            reverse("chronologies:commission", args=[both_sent.pk, commission.pk])
        ).status_code
        == 404
    )


def test_if_the_audit_cannot_be_written_no_rows_are_served(cast, as_person, both_sent, monkeypatch):
    from casereview.core import models as audit

    def refuse(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    client = as_person(cast.manager)
    client.raise_request_exception = False
    monkeypatch.setattr(audit, "record", refuse)  # the gate writes the read event
    response = client.get(merged_url(both_sent))
    assert response.status_code == 500
    assert "Health visitor saw Child A" not in response.content.decode()


def test_each_change_records_exactly_one_event(cast, both_sent):
    entry = ChronologyEntry.objects.filter(submission__status="submitted").first()
    before = AuditEvent.objects.count()
    services.chronology_mark(entry=entry, kind="key-decision", note="Why.", by=cast.manager)
    services.chronology_share(review=both_sent, by=cast.manager)
    services.chronology_approve(review=both_sent, note="", by=cast.chair)
    kinds = list(AuditEvent.objects.filter(pk__gt=0).values_list("kind", flat=True))[before:]
    assert kinds == ["CHRONOLOGY_ROW_MARKED", "CHRONOLOGY_SHARED", "CHRONOLOGY_APPROVED"]
    # The one audit call files each under the case its object belongs to (a mark: its row's).
    filed = set(AuditEvent.objects.order_by("pk")[before:].values_list("board_id", "referral_id"))
    assert filed == {(both_sent.referral.board_id, both_sent.referral_id)}


def test_a_failed_export_says_so_and_keeps_no_file(
    cast, as_person, both_sent, monkeypatch, django_capture_on_commit_callbacks
):
    from casereview.chronologies import tasks

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(tasks.exports, "write_merged", broken)
    client = as_person(cast.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(merged_url(both_sent, "export"), {"format": "docx"})
    job = ExportJob.objects.get()
    assert (job.status, job.document) == ("failed", None)
    page = client.get(response.url).content.decode()
    assert "The export failed" in page and "disk full" not in page
    assert client.get(merged_url(both_sent, "export-download", job.pk)).status_code == 404


def test_the_panels_marks_stay_with_rows_sent_again_unchanged(cast, both_sent, police_commission):
    entries = ChronologyEntry.objects.filter(
        submission__commission=police_commission, submission__status="submitted"
    )
    kept, changed = entries.get(number=1), entries.get(number=2)
    for entry in (kept, changed):
        services.chronology_mark(entry=entry, kind="key-decision", note="Why.", by=cast.manager)
    changed_rows = [FIXED_POLICE[0], row("13/03/2024", POLICE_ROWS[1][1]), FIXED_POLICE[2]]
    second = sent(police_commission, changed_rows, cast.police_author)
    marked = PanelMark.objects.filter(entry__submission=second)
    assert [m.entry.number for m in marked] == [1]
    assert PanelMark.objects.filter(entry=changed).exists()  # the earlier version keeps its own
