"""The review's progress pages as a person uses them: what is shown, the check step, refusals."""

import html

import pytest
from django.urls import reverse

from casereview.core.models import AuditEvent
from casereview.referrals import services as referrals
from casereview.referrals.lifecycle import Outcome
from casereview.reviews.lifecycle import Item, Stage

pytestmark = pytest.mark.django_db

DATE = {"happened_on_0": "5", "happened_on_1": "1", "happened_on_2": "2026"}


@pytest.fixture
def review(cast, make_referral):
    return make_referral("review-open").review


def test_the_progress_page_shows_the_path_and_what_the_stage_needs(cast, as_person, review):
    page = as_person(cast.manager).get(reverse("reviews:stage", args=[review.pk])).content.decode()
    assert "Scoping and terms of reference" in page and "Publication" in page
    assert "Confirm the terms of reference before the panel is set up." in page
    assert reverse("reviews:record", args=[review.pk, "terms-confirmed"]) in page


def test_an_agency_author_sees_progress_but_cannot_move_it(cast, as_person, review):
    client = as_person(cast.police_author)
    page = client.get(reverse("reviews:stage", args=[review.pk])).content.decode()
    assert "Progress of the review" in page
    assert reverse("reviews:advance", args=[review.pk]) not in page
    assert client.post(reverse("reviews:advance", args=[review.pk])).status_code == 403


def test_moving_on_too_early_lists_each_missing_rule_beside_its_item(cast, as_person, review):
    page = as_person(cast.manager).get(reverse("reviews:advance", args=[review.pk]))
    html = page.content.decode()
    assert 'href="#need-terms-confirmed"' in html and 'id="need-terms-confirmed"' in html
    assert "<form" not in html.split("Check before you move")[1].split("Back to")[0]


def test_recording_an_item_asks_to_check_first_then_records_it_once(cast, as_person, review):
    client = as_person(cast.manager)
    url = reverse("reviews:record", args=[review.pk, "terms-confirmed"])
    check = client.post(url, DATE | {"note": "At the panel's first meeting."})
    assert "Check before you record it" in check.content.decode()
    assert 'name="happened_on_0" value="5"' in check.content.decode()  # carried to the check
    assert not review.milestones.exists()
    done = client.post(url, DATE | {"note": "At the panel's first meeting.", "confirmed": "yes"})
    assert done.status_code == 302
    milestone = review.milestones.get()
    assert milestone.item == Item.TERMS_CONFIRMED and milestone.recorded_by == cast.manager
    again = client.post(url, DATE | {"confirmed": "yes"})
    assert "is already recorded" in again.content.decode()
    assert review.milestones.count() == 1


def test_a_missing_date_is_shown_beside_the_date(cast, as_person, review):
    url = reverse("reviews:record", args=[review.pk, "terms-confirmed"])
    page = as_person(cast.manager).post(url, {"note": "x"}).content.decode()
    assert 'href="#id_happened_on_0"' in page and "Enter the date it happened." in page


def test_an_item_on_the_wrong_route_is_not_found(cast, as_person, review):
    client = as_person(cast.manager)
    assert client.get(reverse("reviews:record", args=[review.pk, "qa-done"])).status_code == 404
    assert client.get(reverse("reviews:record", args=[review.pk, "nonsense"])).status_code == 404


def test_moving_on_after_the_check_moves_the_review(cast, as_person, review):
    client = as_person(cast.manager)
    client.post(
        reverse("reviews:record", args=[review.pk, "terms-confirmed"]), DATE | {"confirmed": "yes"}
    )
    check = client.get(reverse("reviews:advance", args=[review.pk])).content.decode()
    assert "Check before you move the review on" in check and "Panel and commissioning" in check
    client.post(reverse("reviews:advance", args=[review.pk]))
    review.refresh_from_db()
    assert review.stage == Stage.PANEL
    assert AuditEvent.objects.filter(kind="STAGE_CHANGED", detail__machine="review").count() == 1


def test_the_chair_turns_an_interagency_management_review_into_an_scr_by_the_page(
    cast, as_person, make_referral
):
    referral = make_referral("awaiting-decision")
    referrals.referral_decide(
        referral=referral,
        by=cast.chair,
        outcome=Outcome.INTERAGENCY_MANAGEMENT_REVIEW,
        reasons="A lighter review first.",
    )
    review = referral.review
    client = as_person(cast.chair)
    url = reverse("reviews:convert", args=[review.pk])
    empty = client.post(url, {"reasons": ""}).content.decode()
    assert 'href="#id_reasons"' in empty and "Enter why it becomes a serious case review." in empty
    check = client.post(url, {"reasons": "Significant new learning."}).content.decode()
    assert "Check before you turn it into a serious case review" in check
    review.refresh_from_db()
    assert review.kind == Outcome.INTERAGENCY_MANAGEMENT_REVIEW
    client.post(url, {"reasons": "Significant new learning.", "confirmed": "yes"})
    review.refresh_from_db()
    assert review.kind == Outcome.SCR and review.stage == Stage.SCOPING


def test_only_the_chair_may_open_the_conversion_page(cast, as_person, review):
    url = reverse("reviews:convert", args=[review.pk])
    assert as_person(cast.manager).get(url).status_code == 403


def test_sign_off_before_monitoring_starts_says_why(cast, as_person, review):
    page = as_person(cast.chair).get(reverse("reviews:sign-off", args=[review.pk]))
    assert "possible only at 'Actions being monitored'" in html.unescape(page.content.decode())
