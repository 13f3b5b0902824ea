"""The business manager moves a review on through its progress pages, in a real browser,
each page checked by axe-core (WCAG 2.2 AA) and the check-your-answers step seen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from casereview.core.tests.browser import expect_no_axe_violations
from casereview.home.tests.test_browser_work import (  # noqa: F401 - fixtures
    demo,
    page,
    sign_in,
    sign_out,
    work,
)
from casereview.referrals.tests.test_browser_journey import (  # noqa: F401 - a fixture
    audit_cleared_after,
    expect_banner,
    shot,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_the_manager_confirms_the_terms_and_moves_the_review_to_its_panel(
    live_server,
    demo,  # noqa: F811
    page,  # noqa: F811
):
    base, refs = live_server.url, demo.references
    sign_in(page, base, demo, "manager@demo.test")
    expect_no_axe_violations(page, "business manager's home page")
    work(page, "Reviews in progress").get_by_role("link", name=refs["Child Echo"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress of the review")
    expect(page.locator("#stage-scoping-status")).to_contain_text("In progress")
    expect_no_axe_violations(page, "review's progress page")
    shot(page, "stage-01-progress")

    # Moving on too early: the check page says what is missing, beside it.
    page.get_by_role("link", name="Set up the panel and commission agencies").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check before you move the review on")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Confirm the terms of reference before the panel is set up."
    )
    expect_no_axe_violations(page, "move-on check page, refused")
    page.get_by_role("link", name="Back to the review's progress").click()

    page.get_by_role("link", name="Record terms of reference confirmed").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date it happened.")
    expect_no_axe_violations(page, "record page with an error")
    page.get_by_label("Day").fill("5")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Note").fill("Confirmed at the panel chair's meeting.")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check before you record it")
    expect_no_axe_violations(page, "record check page")
    shot(page, "stage-02-check-record")
    page.get_by_role("button", name="Record it").click()
    expect_banner(page, "Recorded: Terms of reference confirmed.")

    page.get_by_role("link", name="Set up the panel and commission agencies").click()
    expect_no_axe_violations(page, "move-on check page, ready")
    page.get_by_role("button", name="Set up the panel and commission agencies").click()
    expect_banner(page, "The review is now at 'Panel and commissioning'.")
    expect(page.locator("#stage-panel-status")).to_contain_text("In progress")
    shot(page, "stage-03-panel")
    sign_out(page)
