"""Large data on the chronology pages: exports at the limits and of wide data stored before them."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from casereview.chronologies import services
from casereview.chronologies.models import ChronologyEntry, ExportJob

from .conftest import HEADER, row, sent

pytestmark = [pytest.mark.django_db, pytest.mark.heavy]  # once, on SQLite (script/test)


def _export_xlsx(client, review, capture):
    with capture(execute=True):
        client.post(reverse("chronologies:export", args=[review.pk]), {"format": "xlsx"})
    job = ExportJob.objects.latest("pk")
    download = client.get(reverse("chronologies:export-download", args=[review.pk, job.pk]))
    return job, b"".join(download.streaming_content)


def test_a_submission_stored_with_20000_columns_still_exports_as_xlsx(
    cast, as_person, review, police_commission, django_capture_on_commit_callbacks
):
    from openpyxl import load_workbook

    sent(
        police_commission,
        [row("03/02/2024", "Officer saw Child A at home today.")],
        cast.police_author,
    )
    wide = {f"Column {n}": f"v{n}" for n in range(8, 20_008)}  # as the probe's file was kept
    ChronologyEntry.objects.filter(submission__status="submitted").update(extra=wide)
    job, content = _export_xlsx(as_person(cast.manager), review, django_capture_on_commit_callbacks)
    assert job.status == "done"
    sheet = load_workbook(io.BytesIO(content))["Merged chronology"]
    assert sheet.max_column == 12  # dates, agency and row, the six texts, problems, notes


def test_a_submission_at_the_limits_uploads_and_exports_as_xlsx(
    cast, as_person, review, police_commission, django_capture_on_commit_callbacks
):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*HEADER, *(f"EXTRA {n}" for n in range(43))])
    for n in range(20_000):
        writer.writerow(
            [
                f"{n % 28 + 1:02d}/03/2024",
                f"Officer {n} saw Child A at home with Mother A.",
                "",
                "",
                "Notes",
                "AB",
                "",
                *(f"x{n}" for n in range(43)),
            ]
        )
    submission = services.chronology_upload(
        commission=police_commission,
        name="limits.csv",
        content=out.getvalue().encode(),
        by=cast.police_author,
    )
    services.chronology_submit(submission=submission, staff_ids="AB", by=cast.police_author)
    client = as_person(cast.manager)
    page = client.get(reverse("chronologies:merged", args=[review.pk]))
    assert len(page.content) < 1_000_000
    assert 'class="govuk-pagination"' in page.content.decode()
    job, _ = _export_xlsx(client, review, django_capture_on_commit_callbacks)
    assert (job.status, job.rows) == ("done", 20_000)


def test_a_file_over_the_row_limit_is_refused_on_upload_with_the_limit(
    cast, as_person, police_commission
):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(row("03/02/2024", f"Officer {n} saw Child A.") for n in range(20_001))
    url = reverse("chronologies:upload", args=[police_commission.review_id, police_commission.pk])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = as_person(cast.police_author).post(
        url, {"file": SimpleUploadedFile("big.csv", out.getvalue().encode())}
    )
    assert response.status_code == 400
    assert "at most 20,000 rows" in response.content.decode()
    assert "row 20,001" in response.content.decode()
