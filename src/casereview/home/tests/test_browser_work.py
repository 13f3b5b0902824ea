"""Each demo role, in a real browser, finds its waiting work on its home page and does one item.

The demo is loaded as ``load_demo`` loads it, through the real services; then each person
signs in with two-factor, reads what is waiting for them, follows the link of one item and
does it, as a person would: by visible captions, links, labels and buttons.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pyotp
import pytest
from playwright.sync_api import Page, expect

from casereview.core.tests.browser import expect_no_axe_violations, watched_tab
from casereview.referrals.tests.test_browser_journey import (  # noqa: F401 - a fixture
    _expect_accessibility_basics,
    audit_cleared_after,
    expect_banner,
    expect_no_error_page,
    expect_styled,
    shot,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@dataclass(frozen=True)
class Demo:
    """What the journey needs from the database, read before the browser's loop starts."""

    secrets: dict[str, str]
    references: dict[str, str]


@pytest.fixture
def demo(audit_cleared_after) -> Demo:  # noqa: F811 - the fixture imported
    from casereview.demo import PEOPLE, demo_secret, load_demo
    from casereview.referrals.models import Referral

    load_demo()
    return Demo(
        secrets={email: demo_secret(email)[1] for email, *_ in PEOPLE},
        references=dict(Referral.objects.values_list("child_name", "reference")),
    )


@pytest.fixture
def page(live_server, demo) -> Iterator[Page]:
    with watched_tab(viewport={"width": 1280, "height": 900}) as tab:
        yield tab


def sign_in(page: Page, base: str, demo: Demo, email: str) -> None:
    from casereview.demo import DEMO_PASSWORD

    page.goto(f"{base}/accounts/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Security code").fill(pyotp.TOTP(demo.secrets[email]).now())
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    expect_styled(page)
    expect_no_axe_violations(page, f"home page of {email}")


def sign_out(page: Page) -> None:
    page.get_by_role("button", name=re.compile(r"^Sign out")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Casereview")


def work(page: Page, kind: str):
    """The table of one kind of waiting work; its caption names it and counts it."""
    table = page.get_by_role("table", name=re.compile(rf"^{re.escape(kind)}"))
    expect(table).to_be_visible()
    return table


def test_each_demo_role_finds_its_waiting_work_and_does_one_item(live_server, demo, page):
    base, refs = live_server.url, demo.references

    # The named officer answers whether the family is known to the police.
    sign_in(page, base, demo, "police@demo.test")
    _expect_accessibility_basics(page, "named officer's home page")
    shot(page, "work-01-named-officer")
    row = work(page, "Asked of your agency").get_by_role("row").filter(has_text=refs["Child Bravo"])
    expect(row).to_contain_text("Is the child or family known to you?")
    expect(row.locator(".govuk-tag")).to_have_count(1)
    row.get_by_role("link", name=refs["Child Bravo"]).click()
    page.get_by_role("radio", name="Not known to the agency", exact=True).check()
    page.get_by_role("button", name="Send the answer").click()
    expect_banner(page, "Answer recorded for Northbrook Police.")
    expect(work(page, "Asked of your agency")).not_to_contain_text(refs["Child Bravo"])
    sign_out(page)

    # A sub group member recommends on the case at screening, with a quorum.
    sign_in(page, base, demo, "subgroup1@demo.test")
    shot(page, "work-02-sub-group")
    expect(work(page, "Reviews you sit on")).to_contain_text(refs["Child Echo"])
    work(page, "Cases at screening").get_by_role("link", name=refs["Child Charlie"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sub group recommendation")
    page.get_by_role("radio", name="Serious case review").check()
    page.get_by_label("Reasons for the recommendation").fill("Synthetic: the criteria are met.")
    page.get_by_role("radio", name="Meeting").check()
    members = page.get_by_role("group", name="Sub group members who took part")
    for name in ("Dana", "Ellis", "Frankie", "Gray"):
        members.get_by_label(f"{name} Subgroup").check()
    page.get_by_label("Methodology").fill("Systems methodology with a lead reviewer.")
    page.get_by_role("group", name="Agencies to be asked for an IMR").get_by_label(
        "Northbrook Police"
    ).check()
    page.get_by_role("group", name="Agencies to sit on the panel").get_by_label(
        "Northbrook Police"
    ).check()
    page.get_by_role("button", name="Send the recommendation to the chair").click()
    expect_banner(page, "Recommendation recorded and sent to the chair.")
    sign_out(page)

    # The chair sees the extension to approve, and decides on a recommendation.
    sign_in(page, base, demo, "chair@demo.test")
    shot(page, "work-03-chair")
    expect(work(page, "Extensions awaiting approval")).to_contain_text("Approve the extension")
    decisions = work(page, "Decisions awaiting")
    expect(decisions).to_contain_text(refs["Child Charlie"])
    decisions.get_by_role("link", name=refs["Child Delta"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your decision")
    decision = page.get_by_role("group", name="Your decision")
    expect(decision.get_by_role("radio", checked=True)).to_have_count(0)
    decision.get_by_role("radio", name="Serious case review").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your decision")
    expect_no_axe_violations(page, "check page of the chair's decision")
    page.get_by_role("button", name="Record the decision").click()
    expect_banner(page, "Decision recorded.")
    expect(page.locator("#stage")).to_have_text("Review open")
    page.goto(f"{base}/dashboard/")
    expect(work(page, "Decisions awaiting")).not_to_contain_text(refs["Child Delta"])
    work(page, "Extensions awaiting approval").get_by_role("link").first.click()
    expect(page.get_by_role("tab", name="Deadlines")).to_have_attribute("aria-selected", "true")
    page.get_by_role("button", name="Approve the extension").click()
    expect_banner(page, "Extension approved.")
    sign_out(page)

    # The administrator records a letter as sent; the navigation has the board's pages.
    sign_in(page, base, demo, "admin@demo.test")
    shot(page, "work-04-administrator")
    navigation = page.locator("#navigation")
    for label in ("People", "Agencies", "Procedure profile", "Letter templates"):
        expect(navigation.get_by_role("link", name=label)).to_be_visible()
    expect(work(page, "Cases by next deadline")).to_contain_text(refs["Child Alpha"])
    letters = work(page, "Notifications to send")
    letters.get_by_role("link", name=refs["Child Echo"]).first.click()
    expect(page.get_by_role("tab", name="Recommendation and decision")).to_have_attribute(
        "aria-selected", "true"
    )
    page.get_by_role("button", name=re.compile(r"^Mark as sent")).first.click()
    expect_banner(page, "Recorded as sent:")
    navigation.get_by_role("link", name="People").click()
    expect_no_error_page(page)
    # Ending a role is checked first; the administrator cancels.
    page.get_by_role("link", name=re.compile(r"^End ")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^End .+'s role\?$"))
    expect_no_axe_violations(page, "check page before ending a role")
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People and roles")
    # The profile says where each value comes from, and which are used later.
    navigation.get_by_role("link", name="Procedure profile").click()
    expect(page.locator("#setting-quorum")).to_contain_text("Stated by the procedure (003)")
    expect(page.locator(".app-later-stage").first).to_have_text("Used from a later stage")
    expect_no_axe_violations(page, "procedure profile page")
    sign_out(page)

    # The business manager asks the agencies about the newest referral.
    sign_in(page, base, demo, "manager@demo.test")
    work(page, "Cases by next deadline").get_by_role("link", name=refs["Child Alpha"]).click()
    expect_no_axe_violations(page, "case page")
    page.get_by_role("link", name="Ask agencies whether they know the child").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check before asking the agencies")
    expect_no_axe_violations(page, "check page before asking the agencies")
    page.get_by_role("button", name="Ask the agencies").click()
    expect_banner(page, "asked whether they know the child.")
    sign_out(page)

    # The police's report author opens the chronology upload page and uploads a pro forma.
    sign_in(page, base, demo, "author@demo.test")
    shot(page, "work-05-agency-author")
    due = work(page, "Chronologies and reports due")
    expect(due).to_contain_text("Send the agency's report")
    due.get_by_role("row").filter(has_text="Send the agency's chronology").filter(
        has_text=refs["Child Echo"]
    ).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Upload the chronology of Northbrook Police"
    )
    from casereview.samples import SAMPLES

    page.locator("input[type=file]").set_input_files(str(SAMPLES / "chronology-education.csv"))
    page.get_by_role("button", name="Upload and check").click()
    expect_banner(page, "read from the file.")
    expect_no_error_page(page)
    sign_out(page)

    # The panel member and the overview author open the review they work on.
    for email, kind in (
        ("subgroup2@demo.test", "Reviews you sit on"),
        ("reviewer@demo.test", "Reviews you write"),
    ):
        sign_in(page, base, demo, email)
        work(page, kind).get_by_role("link", name=refs["Child Echo"]).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(refs["Child Echo"])
        expect_no_error_page(page)
        sign_out(page)

    # Read-only roles have nothing to do, and are told so.
    sign_in(page, base, demo, "member@demo.test")
    expect(page.get_by_text("Nothing is waiting for you.")).to_be_visible()
    expect(page.locator("#navigation").get_by_role("link", name="People")).to_have_count(0)
    sign_out(page)
