"""Board members and observers see what their role is for: decisions and deadlines."""

import pytest
from django.urls import reverse

from casereview.boards.models import Membership
from casereview.conftest import make_person
from casereview.core.roles import Role
from casereview.referrals.oversight import decisions_and_deadlines, oversight_boards

pytestmark = pytest.mark.django_db

SUMMARY = "Synthetic incident for tests."


@pytest.fixture
def decided(make_referral):
    return make_referral("review-open", child_name="Canary Overseen")


@pytest.fixture
def undecided(make_referral):
    return make_referral("information-gathering", child_name="Canary Waiting")


def _read_only(cast, role: Role, email: str):
    person = make_person(email, role.label)
    Membership.objects.create(person=person, board=cast.board, role=role, name=role.label)
    return person


@pytest.fixture
def board_member(cast):
    return _read_only(cast, Role.BOARD_MEMBER, "member@test.test")


@pytest.fixture
def observer(cast):
    return _read_only(cast, Role.OBSERVER, "observer@test.test")


def _decisions(cast):
    return reverse("referrals:board-decisions", kwargs={"slug": cast.board.slug})


@pytest.mark.parametrize("who", ["board_member", "observer"])
def test_a_read_only_role_finds_the_boards_decisions_and_deadlines_from_the_dashboard(
    request, cast, as_person, decided, who
):
    client = as_person(request.getfixturevalue(who))
    page = client.get(reverse("home:dashboard")).content.decode()
    assert "your agency" not in page
    assert _decisions(cast) in page


@pytest.mark.parametrize("who", ["board_member", "observer"])
def test_a_read_only_role_sees_decisions_and_deadlines_without_case_content(
    request, cast, as_person, decided, undecided, who
):
    response = as_person(request.getfixturevalue(who)).get(_decisions(cast))
    assert response.status_code == 200
    page = response.content.decode()
    for case in (decided, undecided):
        assert case.reference in page
    assert "Serious case review, decided" in page
    assert "Not yet decided" in page
    assert "Complete the review" in page  # a deadline of the decided case
    assert "Agencies answer" in page  # and of the one still gathering information
    for content in ("Canary Overseen", "Canary Waiting", SUMMARY, "1 Test Street"):
        assert content not in page


def test_where_the_profile_grants_it_read_only_roles_see_the_childs_name_and_what_happened(
    cast, as_person, decided, observer
):
    profile = cast.board.profile
    profile.read_only_see_case_content = True
    profile.save()
    page = as_person(observer).get(_decisions(cast)).content.decode()
    assert "Canary Overseen" in page
    assert SUMMARY in page


def test_read_only_roles_open_no_page_of_a_case_or_its_review(
    cast, as_person, decided, board_member, observer
):
    for person in (board_member, observer):
        client = as_person(person)
        for url in (
            reverse("referrals:detail", args=[decided.pk]),
            reverse("reviews:detail", args=[decided.review.pk]),
        ):
            response = client.get(url)
            assert response.status_code == 404
            assert b"Canary Overseen" not in response.content


def test_a_case_a_board_member_is_excluded_from_is_left_out_of_the_decisions(
    cast, as_person, decided, undecided, board_member
):
    from casereview.referrals.services import case_exclusion_declare

    case_exclusion_declare(
        referral=decided, person=board_member, reasons="Related to the family.", by=cast.manager
    )
    page = as_person(board_member).get(_decisions(cast)).content.decode()
    assert decided.reference not in page
    assert undecided.reference in page


@pytest.mark.parametrize(("who", "status"), [("police_officer", 403), ("outsider", 404)])
def test_agency_people_and_other_boards_are_refused_the_decisions_page(
    cast, as_person, decided, who, status
):
    response = as_person(getattr(cast, who)).get(_decisions(cast))
    assert response.status_code == status
    assert decided.reference.encode() not in response.content


def test_the_home_page_can_ask_which_boards_a_person_oversees_and_what_they_decided(
    cast, decided, observer
):
    assert oversight_boards(observer) == [cast.board]
    assert oversight_boards(cast.manager) == []
    [row] = decisions_and_deadlines(cast.board, person=observer)
    assert (row.reference, row.decision, row.child_name, row.summary) == (
        decided.reference,
        "Serious case review",
        "",
        "",
    )
    assert {d.label for d in row.deadlines} >= {"Complete the review"}
