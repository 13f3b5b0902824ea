"""Fixtures for the chronology pages: a review with two agencies commissioned, and files.

The chronology tests' own conftest turns off the project's settings fixture (the pure tests
run without Django); these tests need it again: files under tmp_path, tasks run at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from casereview.conftest import _test_settings  # noqa: F401  (the project's settings again)


def pytest_ignore_collect(collection_path, config):
    """The pure chronology tests may run with ``-p no:django``; these pages need Django."""
    return None if config.pluginmanager.has_plugin("django") else True


HEADER = [
    "DATE",
    "CONTACT WITH CHILD",
    "CONTACT WITH PARENTS/CARERS and other family members",
    "INTER/INTRA-AGENCY COMMUNICATION",
    "SOURCE OF RECORD",
    "STAFF INVOLVED",
    "COMMENT",
]


def row(date: str, child: str = "", family: str = "", communication: str = "", **kw) -> list:
    return [
        date,
        child,
        family,
        communication,
        kw.get("source", "Case notes"),
        kw.get("staff", "AB"),
        kw.get("comment", ""),
    ]


POLICE_ROWS = [
    row(
        "03/02/2024",
        "Officers attended the home after a neighbour reported shouting late at night.",
    ),
    row("March 2024", "Child A seen by an officer at the school gate with Mother A, no injuries."),
    row(
        "20/06/2024",
        family="Officer visited the home after Mother A reported a fight; GP told of the visit.",
    ),
]
HEALTH_ROWS = [
    row("05/02/2024", "Health visitor saw Child A at home; bruise on the arm noted and explained."),
    row(
        "22/06/2024", family="GP saw Mother A, who reported a fight at the home and a police visit."
    ),
]


def csv_bytes(rows, *, agency: str | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    if agency:
        writer.writerow([f"Agency: {agency}"])
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


def xlsx_bytes(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx_bytes(rows) -> bytes:
    import docx

    document = docx.Document()
    table = document.add_table(rows=1, cols=len(HEADER))
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for r in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, r, strict=True):
            cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def review(make_referral, cast):
    from django.utils import timezone

    from casereview.reviews.services import commission_open, commission_set_dates

    review = make_referral("review-open").review
    today = dt.date(2026, 12, 1)
    health = commission_open(review=review, agency=cast.health, at=timezone.now())
    commission_set_dates(
        commission=health, by=cast.manager, chronology_due_on=today, report_due_on=today
    )
    return review


@pytest.fixture
def police_commission(review, cast):
    return review.commissions.get(agency=cast.police)


@pytest.fixture
def health_commission(review, cast):
    return review.commissions.get(agency=cast.health)


@pytest.fixture
def health_author(cast):
    from casereview.boards.models import Membership
    from casereview.conftest import make_person
    from casereview.core.roles import Role

    person = make_person("health-author@test.test", "Health Author")
    Membership.objects.create(
        person=person, board=cast.board, role=Role.AGENCY_AUTHOR, agency=cast.health
    )
    return person


def sent(commission, rows, by):
    """An agency's chronology uploaded and sent, through the services."""
    from casereview.chronologies import services

    submission = services.chronology_upload(
        commission=commission, name="chronology.csv", content=csv_bytes(rows), by=by
    )
    return services.chronology_submit(submission=submission, staff_ids="AB, PC 1234", by=by)
