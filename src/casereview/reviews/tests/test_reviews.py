"""The review a decision opens: commissions, members, and who may open it."""

import pytest
from django.urls import reverse

from casereview.reviews import services
from casereview.reviews.models import ReviewRole

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(make_referral):
    return make_referral("review-open").review


def test_opening_a_review_commissions_the_agencies_the_sub_group_named(review, cast):
    [commission] = review.commissions.all()
    assert commission.agency == cast.police
    # Chronology first, then the report, each from a span of the profile (DOMAIN.md 2.7); the
    # dates across each nation's bank holidays are in referrals/tests/test_deadlines.py.
    assert commission.chronology_due_on < commission.report_due_on


def test_the_case_page_links_to_the_review(cast, as_person, review):
    body = as_person(cast.manager).get(reverse("referrals:detail", args=[review.referral_id]))
    assert reverse("reviews:detail", args=[review.pk]) in body.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager", 200),
        ("chair", 200),
        ("police_officer", 200),
        ("police_author", 200),
        ("health_officer", 404),
        ("outsider", 404),
    ],
)
def test_who_may_open_the_review(cast, as_person, review, who, status):
    response = as_person(getattr(cast, who)).get(reverse("reviews:detail", args=[review.pk]))
    assert response.status_code == status
    if status == 404:
        assert review.referral.reference not in response.content.decode()


def test_an_excluded_person_sees_nothing_of_the_review_whatever_their_role(cast, as_person, review):
    from casereview.referrals.services import case_exclusion_declare

    case_exclusion_declare(
        referral=review.referral,
        person=cast.admin,
        by=cast.manager,
        reasons="Line manager of a practitioner involved.",
    )
    client = as_person(cast.admin)
    assert client.get(reverse("reviews:detail", args=[review.pk])).status_code == 404
    assert client.get(reverse("reviews:members", args=[review.pk])).status_code == 404


def _read_only_member(cast, person):
    """Give a person of another board a read-only role on the first: a panel seat rests on it."""
    from casereview.boards.models import Membership
    from casereview.core.roles import Role

    return Membership.objects.create(person=person, board=cast.board, role=Role.BOARD_MEMBER)


def test_a_panel_member_from_outside_the_board_sees_only_this_review(
    cast, as_person, make_referral
):
    review = make_referral("review-open").review
    other = make_referral("review-open").review
    _read_only_member(cast, cast.outsider)
    services.review_member_add(
        review=review, person=cast.outsider, role=ReviewRole.PANEL_MEMBER, by=cast.manager
    )
    client = as_person(cast.outsider)
    assert client.get(reverse("reviews:detail", args=[review.pk])).status_code == 200
    assert client.get(reverse("reviews:detail", args=[other.pk])).status_code == 404


def test_removal_from_a_review_takes_effect_on_the_next_request(cast, as_person, review):
    _read_only_member(cast, cast.outsider)
    member = services.review_member_add(
        review=review, person=cast.outsider, role=ReviewRole.PANEL_MEMBER, by=cast.manager
    )
    client = as_person(cast.outsider)
    url = reverse("reviews:detail", args=[review.pk])
    assert client.get(url).status_code == 200
    services.review_member_remove(member=member, by=cast.manager)
    assert client.get(url).status_code == 404


def test_the_manager_adds_people_and_sets_dates_through_the_pages(cast, as_person, review):
    client = as_person(cast.manager)
    response = client.post(
        reverse("reviews:members", args=[review.pk]),
        {"person": cast.police_author.pk, "role": ReviewRole.AGENCY_AUTHOR},
    )
    assert "Choose the agency the author writes for." in response.content.decode()
    response = client.post(
        reverse("reviews:members", args=[review.pk]),
        {
            "person": cast.police_author.pk,
            "role": ReviewRole.AGENCY_AUTHOR,
            "agency": cast.police.pk,
        },
    )
    assert response.status_code == 302
    commission = review.commissions.get()
    url = reverse("reviews:commission-dates", args=[review.pk, commission.pk])
    response = client.post(
        url,
        {
            "chronology_due_on_0": "1",
            "chronology_due_on_1": "3",
            "chronology_due_on_2": "2027",
            "report_due_on_0": "1",
            "report_due_on_1": "2",
            "report_due_on_2": "2027",
        },
    )
    assert "The report is due after the chronology." in response.content.decode()
    response = client.post(
        url,
        {
            "chronology_due_on_0": "1",
            "chronology_due_on_1": "3",
            "chronology_due_on_2": "2027",
            "report_due_on_0": "1",
            "report_due_on_1": "4",
            "report_due_on_2": "2027",
        },
    )
    assert response.status_code == 302
    commission.refresh_from_db()
    assert str(commission.report_due_on) == "2027-04-01"


def test_only_process_staff_manage_the_review(cast, as_person, review):
    assert (
        as_person(cast.chair).get(reverse("reviews:members", args=[review.pk])).status_code == 403
    )
