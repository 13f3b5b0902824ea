"""A board's administrators keep its people, roles and agencies."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from casereview.accounts.models import Person
from casereview.boards.models import Agency, Membership
from casereview.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_a_new_person_gets_an_account_a_role_and_an_email_to_set_a_password(
    cast, as_person, django_capture_on_commit_callbacks
):
    client = as_person(cast.admin)
    url = reverse("boards:people", args=[cast.board.slug])
    response = client.post(url, {"email": "newofficer@test.test", "role": "named-officer"})
    body = response.content.decode()
    assert "Choose the agency this role is held for." in body
    assert "Enter the person&#x27;s full name." in body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "email": "NewOfficer@test.test",
                "full_name": "New Officer",
                "role": "named-officer",
                "agency": cast.education.pk,
            },
        )
    assert response.status_code == 302
    person = Person.objects.get(email="newofficer@test.test")
    assert not person.has_usable_password()
    assert Membership.objects.filter(person=person, agency=cast.education).exists()
    [message] = mail.outbox
    assert "/accounts/password/reset/" in message.body
    assert "Canary" not in message.body


def test_ending_a_role_takes_effect_on_the_next_request(cast, as_person, make_referral):
    referral = make_referral("received")
    membership = Membership.objects.get(person=cast.subgroup[0], role="subgroup-member")
    member = sign_in(Client(), cast.subgroup[0])
    detail = reverse("referrals:detail", args=[referral.pk])
    assert member.get(detail).status_code == 200
    as_person(cast.manager).post(
        reverse("boards:membership-end", args=[cast.board.slug, membership.pk])
    )
    assert member.get(detail).status_code == 404


def test_an_agency_is_added_once_by_name(cast, as_person):
    client = as_person(cast.manager)
    url = reverse("boards:agencies", args=[cast.board.slug])
    response = client.post(url, {"name": "Northbrook Police", "kind": "police"})
    assert "already has an agency with this name" in response.content.decode()
    response = client.post(
        url,
        {"name": "Northbrook Housing", "kind": "housing", "named_officer": cast.police_officer.pk},
    )
    assert response.status_code == 302
    assert Agency.objects.get(name="Northbrook Housing").named_officer == cast.police_officer


def test_the_people_pages_are_for_the_boards_administrators_only(cast, as_person):
    url = reverse("boards:people", args=[cast.board.slug])
    assert as_person(cast.chair).get(url).status_code == 403
    assert as_person(cast.outsider).get(url).status_code == 404


def test_a_new_named_officer_is_asked_from_then_on(cast, as_person, make_referral):
    client = as_person(cast.manager)
    url = reverse("boards:agency-change", args=[cast.board.slug, cast.education.pk])
    response = client.post(
        url, {"named_officer": cast.health_officer.pk, "kind": "education", "is_active": "on"}
    )
    assert response.status_code == 302
    referral = make_referral("information-gathering")
    assert referral.agency_requests.filter(agency=cast.education).exists()


def test_an_agency_that_left_is_no_longer_asked(cast, as_person, make_referral):
    client = as_person(cast.manager)
    url = reverse("boards:agency-change", args=[cast.board.slug, cast.health.pk])
    client.post(url, {"named_officer": cast.health_officer.pk, "kind": "health"})
    referral = make_referral("information-gathering")
    assert not referral.agency_requests.filter(agency=cast.health).exists()


def test_giving_a_role_to_another_boards_person_does_not_reveal_their_name(cast, as_person):
    """The other board's manager types the first board's chair's address and another name."""
    client = as_person(cast.outsider)
    url = reverse("boards:people", args=[cast.other_board.slug])
    response = client.post(
        url,
        {"email": cast.chair.email, "full_name": "Typed Name", "role": "board-member"},
        follow=True,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Typed Name now holds that role." in body
    assert cast.chair.full_name not in body
    assert cast.chair.full_name not in client.get(url).content.decode()
    cast.chair.refresh_from_db()
    assert cast.chair.full_name != "Typed Name"  # their own record is not changed


def test_the_form_does_not_tell_whether_an_address_has_an_account(cast, as_person):
    client = as_person(cast.manager)
    url = reverse("boards:people", args=[cast.board.slug])
    known = client.post(url, {"email": cast.outsider.email, "role": "board-member"})
    unknown = client.post(url, {"email": "nobody@test.test", "role": "board-member"})
    for response in (known, unknown):
        assert "Enter the person&#x27;s full name." in response.content.decode()
        assert "do not have an account" not in response.content.decode()


def test_the_boards_other_pages_name_the_person_as_the_board_did(cast, as_person, make_referral):
    review = make_referral("review-open").review
    client = as_person(cast.manager)
    client.post(
        reverse("boards:people", args=[cast.board.slug]),
        {"email": cast.outsider.email, "full_name": "Typed Name", "role": "board-member"},
    )
    pages = [
        reverse("reviews:members", args=[review.pk]),
        reverse("referrals:exclusion-new", args=[review.referral_id]),
        reverse("boards:agency-change", args=[cast.board.slug, cast.police.pk]),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert "Typed Name" in body, url
        assert cast.outsider.full_name not in body, url


def test_ending_a_role_goes_through_a_check_page_first(cast, as_person):
    membership = Membership.objects.get(person=cast.subgroup[0], role="subgroup-member")
    client = as_person(cast.manager)
    url = reverse("boards:membership-end", args=[cast.board.slug, membership.pk])
    people = client.get(reverse("boards:people", args=[cast.board.slug])).content.decode()
    assert f'href="{url}"' in people  # a link to the check page, not a button that ends it
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and "End Sub Member 1&#x27;s role?" in body
    assert "End the role" in body
    membership.refresh_from_db()
    assert membership.is_active
    client.post(url)
    membership.refresh_from_db()
    assert not membership.is_active
