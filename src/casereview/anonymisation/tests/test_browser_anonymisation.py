"""Anonymising an IMR in a real browser: flagged name, added to the key, checked clean again.

The administrator imports the key reference, uploads the school's IMR, anonymises it, sees a
name the key does not hold, adds it to the key from the flag, and anonymises again: clean. The
pages are photographed to /tmp/casereview-shots/anon-*.png for a person to look at.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from casereview.referrals.tests.test_browser_journey import (  # noqa: F401 - fixtures
    accounts,
    audit_cleared_after,
    expect_banner,
    expect_no_error_page,
    expect_styled,
    page,
    shot,
    sign_in,
)

from .web import (
    KEY_CSV,
    SAMPLES,
    UNKNOWN,
    _test_settings,  # noqa: F401 - the project's settings, not the pure tests'
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def review_pk(audit_cleared_after, make_referral) -> int:  # noqa: F811
    """The review, made before the browser starts (its event loop makes the ORM refuse)."""
    return make_referral("review-open").review.pk


def _heading(tab: Page, text: str | re.Pattern) -> None:
    expect(tab.get_by_role("heading", level=1)).to_have_text(text)
    expect_no_error_page(tab)


def test_an_imr_is_anonymised_a_flagged_name_added_to_the_key_and_checked_clean(
    live_server,
    review_pk,
    accounts,  # noqa: F811
    page,  # noqa: F811
    tmp_path,
):
    base = live_server.url
    key_file = tmp_path / "key.csv"
    key_file.write_text(KEY_CSV, encoding="utf-8")

    sign_in(page, base, accounts["admin"])
    page.goto(f"{base}/reviews/{review_pk}/")
    section = page.locator("#anonymisation-links")
    expect(section).to_be_visible()
    shot(page, "anon-01-review")

    # The key reference: imported from the CSV.
    section.get_by_role("link", name="Open the key reference").click()
    _heading(page, "Key reference")
    page.get_by_role("link", name="Import a CSV").click()
    _heading(page, "Import a key reference")
    page.get_by_label("Key reference CSV").set_input_files(str(key_file))
    page.get_by_role("button", name="Import").click()
    _heading(page, "Key reference")
    expect_banner(page, "Key reference imported: 4 added, 0 completed.")
    expect(page.locator("#key-family")).to_contain_text("Child B")
    expect_styled(page)
    shot(page, "anon-02-key-reference")

    # The genogram, drawn from the key beside its table.
    page.goto(f"{base}/reviews/{review_pk}/genogram/")
    _heading(page, "Genogram")
    page.get_by_label("Person", exact=True).select_option(label="Mother")
    page.get_by_label("Relationship").select_option(label="is a parent of")
    page.get_by_label("Other person").select_option(label="Child B")
    page.get_by_role("button", name="Add the relationship").click()
    expect_banner(page, "Relationship added to the genogram.")
    expect(page.locator("#genogram svg")).to_be_visible()
    expect(page.locator("#genogram-relations")).to_contain_text("Mother is a parent of Child B")
    shot(page, "anon-03-genogram")

    # The IMR: uploaded, then anonymised.
    page.goto(f"{base}/reviews/{review_pk}/documents/")
    _heading(page, "Documents and anonymisation")
    page.get_by_label("Title").fill("School IMR")
    page.get_by_label("Document").set_input_files(str(SAMPLES / "imr-school.docx"))
    page.get_by_role("button", name="Upload").click()
    expect_banner(page, "School IMR (version 1) uploaded.")
    page.get_by_role("button", name=re.compile(r"^Anonymise")).click()
    _heading(page, "Anonymisation of School IMR, version 1")
    expect(page.locator("#run-status")).to_contain_text("1 possible identifier to resolve")
    flags = page.locator("#flags")
    expect(flags).to_contain_text(UNKNOWN)
    expect(page.locator("#replacements")).to_contain_text("Child B")
    shot(page, "anon-04-flagged")

    # The flag: resolved by adding the name to the key.
    flags.get_by_role("link", name=re.compile(r"^Add to the key")).click()
    _heading(page, f"Add \u201c{UNKNOWN}\u201d to the key")
    expect(page.get_by_label("Full name (or the place's name)")).to_have_value(UNKNOWN)
    # Nothing is chosen for the administrator: what the flagged name is, they say.
    expect(page.locator("input[type=radio]:checked")).to_have_count(0)
    page.get_by_role("radio", name="Family member or significant person").check()
    page.get_by_label("Relationship to the child").fill("Mother's friend")
    page.get_by_role("radio", name="Male", exact=True).check()
    shot(page, "anon-05-add-to-key")
    page.get_by_role("button", name="Add to the key").click()
    expect_banner(page, "Added to the key as Mother's Friend 1.")
    expect(flags).to_contain_text("Added to the key")

    # Checked again: clean, with the new label used.
    page.get_by_role("button", name="Anonymise again with the current key").click()
    expect(page.locator("#run-status")).to_contain_text("No possible identifiers found")
    expect(page.locator("#replacements")).to_contain_text("Mother's Friend 1")
    shot(page, "anon-06-clean")
    page.get_by_role("link", name="Back to the documents").click()
    expect(page.locator("#documents")).to_contain_text("Clean")
    shot(page, "anon-07-documents")
