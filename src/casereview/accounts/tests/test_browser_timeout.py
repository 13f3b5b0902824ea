"""The timeout warning in a real browser: it comes before the idle limit and keeps the person in.

The browser's clock is Playwright's, moved on by hand; the server's clock is real, so the
session the warning keeps alive is the real one.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from casereview.conftest import sign_in
from casereview.core.tests.browser import watched_tab
from casereview.referrals.tests.test_browser_journey import (  # noqa: F401 - a fixture
    audit_cleared_after,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def session_cookie(audit_cleared_after, cast) -> str:  # noqa: F811 - the fixture imported
    """A signed-in, two-factor-verified session, made before the browser's event loop starts."""
    client = sign_in(Client(), cast.manager)
    assert client.get("/dashboard/").status_code == 200
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def page(live_server, session_cookie) -> Iterator[Page]:
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session_cookie}
    with watched_tab(cookies=[{**cookie, "url": live_server.url}]) as tab:
        yield tab


def test_the_warning_comes_five_minutes_before_and_staying_signed_in_restarts_the_count(
    live_server, page
):
    page.clock.install()
    page.goto(f"{live_server.url}/dashboard/")
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    expect(dialog).to_be_hidden()

    page.clock.run_for("24:50")
    expect(dialog).to_be_hidden()
    page.clock.run_for("00:40")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("we will sign you out in 5 minutes if you do nothing")

    with page.expect_response("**/accounts/keep-alive/") as answer:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert answer.value.status == 200
    assert answer.value.json()["idle"] == 30 * 60
    expect(dialog).to_be_hidden()

    page.clock.run_for("24:40")
    expect(dialog).to_be_hidden()  # counted again from the keep-alive, not from the page load
    page.clock.run_for("00:40")
    expect(dialog).to_be_visible()


def test_after_the_limit_the_warning_says_so_and_what_happens_to_the_page(live_server, page):
    page.clock.install()
    page.goto(f"{live_server.url}/dashboard/")
    page.clock.run_for("30:01")
    dialog = page.get_by_role("dialog", name="You have been signed out")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("is kept for 30 minutes while you sign in again")
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_hidden()
