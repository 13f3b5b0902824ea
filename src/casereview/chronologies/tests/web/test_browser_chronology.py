"""Chronologies in a real browser: two agencies send theirs, one fixes a flagged row, the
business manager shares the merge, and the chair marks a row and approves it; and an agency's
author cannot open another agency's rows by typing the address.

Photographs go to /tmp/casereview-shots/chron-*.png for a person to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from casereview.core.tests.browser import watched_tab
from casereview.referrals.tests.test_browser_journey import (
    account,
    audit_cleared_after,  # noqa: F401  (lets the flush empty the append-only audit table)
    expect_banner,
    expect_no_error_page,
    expect_styled,
    shot,
    sign_in,
    sign_out,
)

from .conftest import HEALTH_ROWS, POLICE_ROWS, csv_bytes, xlsx_bytes

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def setting(audit_cleared_after, cast, make_referral) -> dict:  # noqa: F811
    """The review, its two agencies and the people, read before the browser starts."""
    import datetime as dt

    from django.utils import timezone

    from casereview.boards.models import Membership
    from casereview.conftest import make_person
    from casereview.core.roles import Role
    from casereview.reviews.services import commission_open, commission_set_dates

    review = make_referral("review-open").review
    day = timezone.localdate() + dt.timedelta(days=28)
    health = commission_open(review=review, agency=cast.health, at=timezone.now())
    commission_set_dates(
        commission=health, by=cast.manager, chronology_due_on=day, report_due_on=day
    )
    health_author = make_person("health-author@test.test", "Health Author")
    Membership.objects.create(
        person=health_author, board=cast.board, role=Role.AGENCY_AUTHOR, agency=cast.health
    )
    return {
        "review": review.pk,
        "reference": review.referral.reference,
        "police": review.commissions.get(agency=cast.police).pk,
        "health": health.pk,
        "police_author": account(cast.police_author),
        "health_author": account(health_author),
        "manager": account(cast.manager),
        "chair": account(cast.chair),
    }


@pytest.fixture
def page(live_server, setting) -> Iterator[Page]:
    """Chromium, failing the test on any script error or refused resource, except the 403s
    the refusal test asks for."""
    with watched_tab(
        viewport={"width": 1280, "height": 900}, allow=lambda text: "status of 403" in text
    ) as tab:
        yield tab


def upload(page: Page, base: str, setting: dict, agency: str, name: str, content: bytes, kind):
    page.goto(f"{base}/reviews/{setting['review']}/")
    chronologies = page.locator("#chronology-list")
    expect(chronologies.get_by_role("row")).to_have_count(2)  # the heading and its own agency
    chronologies.get_by_role("link", name=f"Open the chronology of {agency}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Chronology of {agency}")
    page.get_by_role("link", name="Upload a file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Upload the chronology of {agency}")
    page.get_by_label("Chronology file").set_input_files(
        {"name": name, "mimeType": kind, "buffer": content}
    )
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Draft chronology of {agency}")


def test_two_agencies_send_chronologies_one_fixes_a_flagged_row_and_the_chair_approves(
    live_server, setting, page
):
    base = live_server.url
    reference = setting["reference"]

    # The police author uploads a spreadsheet; row 2 has only a month and a year.
    sign_in(page, base, setting["police_author"])
    upload(page, base, setting, "Northbrook Police", "police.csv", csv_bytes(POLICE_ROWS), CSV)
    expect_banner(page, "3 rows read from the file. 1 row needs fixing before you send it.")
    flagged = page.locator("#row-2")
    expect(flagged).to_contain_text('Row 2, DATE: "March 2024" is not a complete date.')
    expect(flagged.locator(".govuk-tag--red")).to_have_text("Error")
    expect(page.locator("#draft-summary")).to_contain_text("1 error")
    expect_styled(page)
    shot(page, "chron-01-draft-with-a-flagged-row")

    # Sending is refused while the error stays, and says which row.
    page.get_by_label("Staff ID list").fill("AB, PC 1234")
    page.get_by_role("button", name="Send the chronology").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Fix the 1 error in the rows before sending the chronology.")
    expect(summary.get_by_role("link", name=re.compile(r"^Row 2, DATE"))).to_be_visible()
    expect(page.get_by_label("Staff ID list")).to_have_value("AB, PC 1234")
    shot(page, "chron-02-sending-refused")

    # The author fixes the row: its problem shows beside the fields until then.
    flagged.get_by_role("link", name="Change row 2").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Row 2")
    expect(page.locator("#row-problems")).to_contain_text("is not a complete date")
    page.get_by_label("DATE").fill("12/03/2024")
    shot(page, "chron-03-fixing-the-row")
    page.get_by_role("button", name="Save the row").click()
    expect_banner(page, "Row 2 saved. It has no problems now.")
    expect(page.locator("#draft-summary")).to_contain_text("0 errors")
    page.get_by_role("button", name="Send the chronology").click()
    expect_banner(page, "Chronology sent to the board (version 1).")
    expect(page.locator("#shown-version")).to_contain_text("Version 1, sent to the board")
    shot(page, "chron-04-police-sent")
    sign_out(page)

    # The health author uploads a workbook with no errors and sends it.
    sign_in(page, base, setting["health_author"])
    upload(page, base, setting, "Northbrook Health", "health.xlsx", xlsx_bytes(HEALTH_ROWS), XLSX)
    expect_banner(page, "2 rows read from the file. Check them and send the chronology.")
    page.get_by_role("button", name="Send the chronology").click()
    expect_banner(page, "Chronology sent to the board (version 1).")
    sign_out(page)

    # The business manager sees both on the review page, opens the merge and shares it.
    sign_in(page, base, setting["manager"])
    page.goto(f"{base}/reviews/{setting['review']}/")
    listing = page.locator("#chronology-list")
    for agency in ("Northbrook Police", "Northbrook Health"):
        expect(listing.get_by_role("row").filter(has_text=agency)).to_contain_text("Version 1 sent")
    shot(page, "chron-05-review-page")
    page.get_by_role("link", name="The merged chronology").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merged chronology")
    expect(page.locator("#summary")).to_contain_text("1 gap of more than 90 days")
    expect(page.locator("#summary")).to_contain_text("1 possible discrepancy")
    expect(page.locator(".app-gap")).to_contain_text("No agency recorded any contact for 100 days")
    page.get_by_role("button", name="Share with the panel").click()
    expect_banner(page, "The merged chronology is shared with the panel.")
    shot(page, "chron-06-merged-shared")

    # A large export is made in the background; its page shows the progress, then the file.
    page.get_by_role("radio", name=".pdf").check()
    page.get_by_role("button", name="Make the export").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Export of the merged chronology (.pdf)"
    )
    expect(page.get_by_text("The export is ready")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the export (.pdf)").click()
    assert (
        download.value.suggested_filename
        == f"merged-chronology-{reference}-"
        + (download.value.suggested_filename.split(f"{reference}-")[1])
    )
    shot(page, "chron-07-export-ready")
    sign_out(page)

    # The chair filters to the discrepancy, marks a row as a key decision point, approves.
    sign_in(page, base, setting["chair"])
    page.goto(f"{base}/reviews/{setting['review']}/chronology/")
    page.get_by_text("Filter the rows").click()
    page.get_by_label("Flag").select_option(label="Possible discrepancy")
    page.get_by_role("button", name="Apply filters").click()
    table = page.locator("#merged")
    expect(table.locator("caption")).to_have_text("2 of 5 rows match the filters")
    expect(table).to_contain_text("Possible discrepancy with")
    shot(page, "chron-08-filtered-to-discrepancies")
    table.get_by_role("link", name="Mark Northbrook Health row 2").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mark this row")
    page.get_by_role("radio", name="Key decision point").check()
    page.get_by_label("Note for the panel").fill("GP did not share the disclosure with police.")
    page.get_by_role("button", name="Save the mark").click()
    expect_banner(page, "Northbrook Health row 2 marked.")
    expect(page.locator(".app-mark")).to_contain_text("Key decision point")
    shot(page, "chron-09-row-marked")
    page.get_by_role("link", name="Approve the merged chronology").click()
    page.get_by_role("button", name="Record the approval").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Confirm the panel approves the merged chronology."
    )
    page.get_by_label("The panel approves the merged chronology as it stands").check()
    page.get_by_label("Note of the decision").fill("Agreed at the panel meeting.")
    page.get_by_role("button", name="Record the approval").click()
    expect_banner(page, "The merged chronology is approved. The decision is recorded.")
    expect(page.locator("#approval")).to_contain_text("Approved by Test Chair")
    expect_no_error_page(page)
    shot(page, "chron-10-approved")


def test_an_agency_author_cannot_open_another_agencys_rows_by_address(live_server, setting, page):
    base = live_server.url
    sign_in(page, base, setting["health_author"])
    upload(page, base, setting, "Northbrook Health", "health.xlsx", xlsx_bytes(HEALTH_ROWS), XLSX)
    page.get_by_role("button", name="Send the chronology").click()
    expect_banner(page, "Chronology sent to the board (version 1).")
    health_page = page.url
    sign_out(page)

    sign_in(page, base, setting["police_author"])
    for address in (
        health_page,
        f"{base}/reviews/{setting['review']}/chronologies/{setting['health']}/draft/",
        f"{base}/reviews/{setting['review']}/chronology/",
    ):
        response = page.goto(address)
        assert response is not None and response.status == 403, address
        expect(page.get_by_role("heading", level=1)).to_have_text("You cannot do this")
        expect(page.locator("body")).not_to_contain_text("Health visitor saw Child A")
    shot(page, "chron-11-other-agency-refused")
