"""The referral journey in a real browser, from sign-in with two-factor to the chair's decision.

Playwright drives Debian's Chromium against pytest-django's live server. Every step is
taken as a person would take it: by visible labels, headings, buttons and links. The pages
are photographed to /tmp/casereview-shots/ for a person to look at.
"""

from __future__ import annotations

import base64
import datetime as dt
import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from casereview.conftest import PASSWORD
from casereview.core.tests.browser import expect_no_axe_violations, watched_tab

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SHOTS = Path("/tmp/casereview-shots")  # noqa: S108 - a fixed place for a person to look
QUORUM_MESSAGE = (
    "Not enough sub group members took part for the recommendation to be valid (quorum)."
)


@dataclass(frozen=True)
class Account:
    """Who signs in: their email and the secret their authenticator app holds."""

    email: str
    totp_secret: str

    def code(self) -> str:
        return pyotp.TOTP(self.totp_secret).now()


def account(person) -> Account:
    device = person.totpdevice_set.get(confirmed=True)
    return Account(person.email, base64.b32encode(device.bin_key).decode())


@pytest.fixture
def audit_cleared_after(transactional_db) -> Iterator[None]:
    """Let the flush after a transactional test empty the append-only audit table.

    The database refuses to delete audit events (core migration 0003); lift its triggers
    just long enough to empty the table, then put them back for the next test.
    """
    yield
    from django.db import connection

    append_only = importlib.import_module("casereview.core.migrations.0003_audit_append_only")
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for sql in append_only.POSTGRES_REVERSE if postgres else append_only.SQLITE_REVERSE:
            cursor.execute(sql)
        cursor.execute("DELETE FROM core_auditevent")
        for sql in append_only.POSTGRES if postgres else append_only.SQLITE:
            cursor.execute(sql)


@pytest.fixture
def accounts(audit_cleared_after, cast) -> dict[str, Account]:
    """Read from the database before the browser starts: its event loop makes the ORM refuse."""
    people = {
        "admin": cast.admin,
        "police": cast.police_officer,
        "health": cast.health_officer,
        "manager": cast.manager,
        "chair": cast.chair,
    }
    return {role: account(person) for role, person in people.items()}


@pytest.fixture
def page(live_server, accounts) -> Iterator[Page]:
    with watched_tab(viewport={"width": 1280, "height": 900}) as tab:
        yield tab


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def expect_styled(page: Page) -> None:
    """The GOV.UK stylesheet is loaded: the header is the brand blue, not unstyled HTML."""
    header = page.locator("header.govuk-header")
    expect(header).to_have_css("background-color", re.compile(r"rgb\(29, 112, 184\)|#1d70b8"))


def expect_no_error_page(page: Page) -> None:
    body = page.locator("body")
    for text in (
        "Sorry, there is a problem with the service",
        "Traceback",
        "Server Error",
        "Page not found",
    ):
        expect(body).not_to_contain_text(text)


def sign_in(page: Page, base_url: str, who: Account, shots: str | None = None) -> None:
    page.goto(f"{base_url}/accounts/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Casereview")
    page.get_by_label("Email address").fill(who.email)
    page.get_by_label("Password").fill(PASSWORD)
    if shots:
        shot(page, f"{shots}-sign-in")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    page.get_by_label("Security code").fill(who.code())
    if shots:
        shot(page, f"{shots}-code")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect_styled(page)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name=re.compile(r"^Sign out")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Casereview")
    expect(page.get_by_text("You have signed out.")).to_be_visible()


def fill_date(page: Page, legend: str, day: dt.date, time: str | None = None) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))
    if time is not None:
        group.get_by_label("Time (24-hour)").fill(time)


def open_tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    expect(page.get_by_role("tab", name=name)).to_have_attribute("aria-selected", "true")


def expect_banner(page: Page, text: str) -> None:
    expect(page.locator(".govuk-notification-banner").filter(has_text=text)).to_be_visible()


def answer_the_ask(
    page: Page, reference: str, agency: str, answer: str, information: str = ""
) -> None:
    asks = page.get_by_role("table", name=re.compile(r"^Asked of your agency"))
    row = asks.get_by_role("row").filter(has_text=agency).filter(has_text=reference)
    expect(row).to_contain_text("Is the child or family known to you?")
    row.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Is this child or family known to your agency?"
    )
    expect(page.get_by_text("Casey Testchild")).to_be_visible()
    expect(page.locator("#incident")).to_contain_text("A synthetic incident for the test.")
    expect_no_axe_violations(page, f"answer page of {agency}")
    page.get_by_role("radio", name=answer, exact=True).check()
    if information:
        page.get_by_label("Information for the sub group").fill(information)
    shot(page, f"answer-{agency.lower().replace(' ', '-')}")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect_banner(page, f"Answer recorded for {agency}.")


def test_a_referral_goes_from_logging_to_the_chairs_decision_in_the_browser(
    live_server, accounts, page
):
    base = live_server.url
    admin, police, health, manager, chair = (
        accounts[k] for k in ("admin", "police", "health", "manager", "chair")
    )
    today = timezone.localdate()

    # The administrator signs in with two-factor and logs the referral.
    sign_in(page, base, admin, shots="01-admin")
    shot(page, "02-admin-dashboard")
    page.get_by_role("main").get_by_role("link", name="Log a referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a referral")
    fill_date(page, "Date the referral was received", today - dt.timedelta(days=1), "10:30")
    page.get_by_role("radio", name="An agency or professional").check()
    page.get_by_label("Referrer's name").fill("Rita Referrer")
    page.get_by_label("Referrer's organisation").fill("Northbrook Health")
    page.get_by_label("Referrer's email address").fill("rita@test.test")
    page.get_by_label("Child's full name").fill("Casey Testchild")
    fill_date(page, "Child's date of birth", dt.date(2019, 5, 1))
    page.get_by_label("Child's address").fill("1 Test Street\nNorthbrook")
    fill_date(page, "Date of the incident", today - dt.timedelta(days=3))
    page.get_by_role("radio", name="The child has died").check()
    page.get_by_label("Summary of the incident", exact=True).fill(
        "A synthetic incident for the test."
    )
    agencies = page.get_by_role("group", name="Agencies believed to be involved")
    agencies.get_by_label("Northbrook Police").check()
    agencies.get_by_label("Northbrook Health").check()
    page.get_by_role("checkbox", name="Inquest").check()
    expect_styled(page)
    shot(page, "03-referral-form")
    page.get_by_role("button", name="Log the referral").click()

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^Case \S+$"))
    reference = heading.inner_text().removeprefix("Case ").strip()
    expect_banner(page, f"Referral {reference} logged.")
    expect(page.locator("#stage")).to_have_text("Referral received")
    expect(page.get_by_text("Rita Referrer, Northbrook Health")).to_be_visible()
    shot(page, "04-case-received")

    # Asking every agency cannot be undone: a check page names who is asked, and who is not.
    page.get_by_role("link", name="Ask agencies whether they know the child").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check before asking the agencies")
    expect(page.locator("#agencies-to-ask")).to_contain_text("Northbrook Police")
    expect(page.locator("#without-named-officer")).to_contain_text("no named officer")
    expect(page.get_by_role("link", name=re.compile(r"name a named officer"))).to_have_count(2)
    expect_no_axe_violations(page, "check page before asking the agencies")
    shot(page, "04b-check-asking-agencies")
    page.get_by_role("button", name="Ask the agencies").click()
    expect_banner(page, "2 agencies asked whether they know the child.")
    expect(page.locator("#stage")).to_have_text("Information gathering")
    open_tab(page, "Agencies")
    waiting = page.get_by_role("tabpanel", name="Agencies").get_by_text("Not yet answered:")
    expect(waiting).to_contain_text("Northbrook Police")
    expect(waiting).to_contain_text("Northbrook Health")
    shot(page, "05-case-agencies-asked")
    sign_out(page)
    shot(page, "06-signed-out")

    # The named officers answer for their agencies.
    sign_in(page, base, police)
    shot(page, "07-police-dashboard")
    answer_the_ask(
        page,
        reference,
        "Northbrook Police",
        "Known to the agency",
        "Two call-outs to the address in 2025; no arrests.",
    )
    sign_out(page)
    sign_in(page, base, health)
    answer_the_ask(page, reference, "Northbrook Health", "Not known to the agency")
    expect(page.get_by_text("Nothing is waiting for you.")).to_be_visible()
    shot(page, "08-health-answered")
    sign_out(page)

    # The business manager records the facts and sends the case to the sub group.
    sign_in(page, base, manager)
    cases = page.get_by_role("table", name=re.compile(r"^Cases by next deadline"))
    cases.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {reference}")
    open_tab(page, "Agencies")
    answers = page.locator("#agency-answers")
    expect(answers.get_by_role("row").filter(has_text="Northbrook Police")).to_contain_text(
        "Two call-outs to the address in 2025"
    )
    expect(answers.get_by_role("row").filter(has_text="Northbrook Health")).to_contain_text(
        "Not known to the agency"
    )
    page.get_by_role("link", name="Record the facts for the criteria check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Facts for the criteria check")
    page.get_by_role("radio", name="Suspected").check()
    page.get_by_role("checkbox", name="The child has died", exact=True).check()
    page.get_by_role(
        "checkbox", name="Abuse or neglect is known or suspected to be a factor in the death"
    ).check()
    page.get_by_role("checkbox", name="There is concern about how agencies worked together").check()
    page.get_by_label("Are other children").fill("A sibling, aged 9, is on a protection plan.")
    shot(page, "09-facts-form")
    page.get_by_role("button", name="Save the facts").click()
    expect_banner(page, "Facts recorded. Working Together 2010: Review must be held.")
    expect(page.locator("#criteria-result")).to_have_text("Review must be held")

    page.get_by_role("button", name="Send to the sub group for screening").click()
    expect_banner(page, "The case is with the sub group for screening.")
    expect(page.locator("#stage")).to_have_text("Screening by sub group")
    shot(page, "10-case-screening")

    # The recommendation: below quorum it is refused on the page and nothing is lost.
    page.get_by_role("link", name="Record the sub group's recommendation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sub group recommendation")
    page.get_by_role("radio", name="Serious case review").check()
    reasons = "The child died; neglect is suspected; agencies did not share information."
    page.get_by_label("Reasons for the recommendation").fill(reasons)
    page.get_by_role("radio", name="Meeting").check()
    members = page.get_by_role("group", name="Sub group members who took part")
    members.get_by_label("Sub Member 1").check()
    members.get_by_label("Sub Member 2").check()
    page.get_by_label("Methodology").fill("Systems methodology with a lead reviewer.")
    page.get_by_role("group", name="Agencies to be asked for an IMR").get_by_label(
        "Northbrook Police"
    ).check()
    panel = page.get_by_role("group", name="Agencies to sit on the panel")
    panel.get_by_label("Northbrook Police").check()
    panel.get_by_label("Northbrook Health").check()
    page.get_by_role("button", name="Send the recommendation to the chair").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sub group recommendation")
    # The refusal sits in the error summary, linked to the members question, and beside it.
    expect(page.get_by_role("link", name=QUORUM_MESSAGE)).to_have_attribute(
        "href", "#id_participants"
    )
    expect(page.locator(".govuk-error-message", has_text=QUORUM_MESSAGE)).to_be_visible()
    expect_no_error_page(page)
    expect_styled(page)
    shot(page, "11-recommendation-below-quorum")
    expect(page.get_by_label("Reasons for the recommendation")).to_have_value(reasons)
    expect(page.get_by_role("radio", name="Serious case review")).to_be_checked()
    expect(members.get_by_label("Sub Member 1")).to_be_checked()
    expect(members.get_by_label("Sub Member 2")).to_be_checked()
    expect(page.get_by_label("Methodology")).to_have_value(
        "Systems methodology with a lead reviewer."
    )
    expect(panel.get_by_label("Northbrook Health")).to_be_checked()

    members.get_by_label("Sub Member 3").check()
    members.get_by_label("Sub Member 4").check()
    page.get_by_role("button", name="Send the recommendation to the chair").click()
    expect_banner(page, "Recommendation recorded and sent to the chair.")
    expect(page.locator("#stage")).to_have_text("Awaiting chair's decision")
    open_tab(page, "Recommendation and decision")
    expect(page.locator("#recommended")).to_have_text("Serious case review")
    shot(page, "12-case-awaiting-decision")
    sign_out(page)

    # The chair agrees with the sub group: the review opens and notifications are due.
    sign_in(page, base, chair)
    decisions = page.get_by_role("table", name=re.compile(r"^Decisions awaiting"))
    decisions.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your decision")
    expect(page.get_by_text(reasons)).to_be_visible()
    # Nothing is chosen for the chair; pressing the button without a choice says what to do.
    decision = page.get_by_role("group", name="Your decision")
    expect(decision.get_by_role("radio", checked=True)).to_have_count(0)
    expect_no_axe_violations(page, "chair's decision page")
    shot(page, "13-decide")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_role("link", name="Select your decision.")).to_be_visible()
    expect_no_axe_violations(page, "chair's decision page with an error")
    decision.get_by_role("radio", name="Serious case review").check()
    page.get_by_role("button", name="Continue").click()

    # The decision cannot be undone: it is checked first, with what will follow.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your decision")
    expect(page.locator("#check-answers")).to_contain_text("Serious case review")
    expect(page.locator("#consequences")).to_contain_text("A serious case review opens")
    expect_no_axe_violations(page, "check page of the chair's decision")
    shot(page, "13b-check-decision")
    page.get_by_role("button", name="Change your answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your decision")
    expect(decision.get_by_role("radio", name="Serious case review")).to_be_checked()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your decision")
    page.get_by_role("button", name="Record the decision").click()

    expect_banner(page, "Decision recorded.")
    expect(page.locator("#stage")).to_have_text("Review open")
    expect(page.get_by_text(re.compile(r"Serious case review opened"))).to_be_visible()
    open_tab(page, "Recommendation and decision")
    expect(page.locator("#decision-outcome")).to_have_text(
        "Serious case review — agrees with the sub group"
    )
    notifications = page.get_by_role("table").filter(has=page.get_by_text("Letter"))
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    expect(notifications.first).to_contain_text("Chief officers / designated senior managers")
    expect_no_error_page(page)
    shot(page, "14-case-review-open")


def test_the_sign_in_page_and_the_referral_form_meet_basic_accessibility_facts(
    live_server, accounts, page
):
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Casereview")
    expect(page.get_by_role("button", name="Continue")).to_be_visible()
    _expect_accessibility_basics(page, "sign-in page")
    shot(page, "20-home-is-sign-in")

    sign_in(page, live_server.url, accounts["admin"])
    page.get_by_role("main").get_by_role("link", name="Log a referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a referral")
    _expect_accessibility_basics(page, "referral form")


def _expect_accessibility_basics(page: Page, where: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    expect(page.locator("h1")).to_have_count(1)
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_have_count(1)
    expect(skip).to_have_attribute("href", "#main-content")
    expect(page.locator("main#main-content")).to_have_count(1)
    unlabelled = []
    for field in page.locator("input:not([type=hidden]), textarea, select").all():
        field_id = field.get_attribute("id")
        has_label = bool(field_id) and page.locator(f'label[for="{field_id}"]').count() == 1
        if not (has_label or field.get_attribute("aria-label")):
            unlabelled.append(field.evaluate("e => e.outerHTML"))
    assert not unlabelled, f"Inputs without a label on the {where}: {unlabelled}"
