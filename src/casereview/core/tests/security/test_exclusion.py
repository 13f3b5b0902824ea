"""AZ-4 and AZ-5: taking someone off, or excluding them for a conflict, works at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from casereview.core.documents import document_store


@pytest.fixture
def excluded(world):
    """The first board's business manager, excluded from the open review (a declared conflict)."""
    from casereview.reviews.models import ReviewRole
    from casereview.reviews.services import review_member_add

    review = world.own["review"]
    review_member_add(
        review=review,
        person=world.cast.manager,
        role=ReviewRole.EXCLUDED,
        by=world.cast.admin,
        reason="Synthetic: related to the family.",
    )
    return review


def review_urls(world) -> list[str]:
    review = world.own["review"]
    return [
        reverse("reviews:detail", kwargs={"pk": review.pk}),
        reverse("reviews:members", kwargs={"pk": review.pk}),
        reverse(
            "reviews:commission-dates",
            kwargs={"pk": review.pk, "commission_pk": world.own["commission"].pk},
        ),
    ]


def test_an_excluded_business_manager_cannot_open_the_review(world, clients, excluded):
    reference = world.own["review-open"].reference.encode()
    for url in review_urls(world):
        response = clients["manager"].get(url)
        assert response.status_code == 404, url
        assert reference not in response.content
    # The rest of the board's work is still theirs.
    assert clients["admin"].get(review_urls(world)[0]).status_code == 200
    other_case = reverse("referrals:detail", kwargs={"pk": world.own["received"].pk})
    assert clients["manager"].get(other_case).status_code == 200


def test_an_excluded_person_cannot_remove_their_own_exclusion(world, clients, excluded):
    from casereview.reviews.models import ReviewMember, ReviewRole

    exclusion = ReviewMember.objects.get(
        review=excluded, person=world.cast.manager, role=ReviewRole.EXCLUDED
    )
    url = reverse("reviews:member-remove", kwargs={"pk": excluded.pk, "member_pk": exclusion.pk})
    assert clients["manager"].post(url).status_code == 404
    exclusion.refresh_from_db()
    assert exclusion.is_active


def test_an_excluded_business_manager_cannot_open_the_case_or_its_documents(
    world, clients, excluded
):
    referral = world.own["review-open"]
    document = document_store(
        board=world.cast.board,
        referral=referral,
        kind="letter:decision-notice",
        title="Synthetic",
        filename="x.pdf",
        content=b"%PDF-1.4 CanaryExcludedDocXq7",
        content_type="application/pdf",
        by=world.cast.admin,
    )
    client = clients["manager"]
    case = client.get(reverse("referrals:detail", kwargs={"pk": referral.pk}))
    download = client.get(reverse("core:document-download", kwargs={"pk": document.pk}))
    dashboard = client.get(reverse("core:dashboard"))
    assert case.status_code == 404
    assert download.status_code == 404
    assert referral.reference.encode() not in dashboard.content


def test_a_person_taken_off_a_review_is_refused_on_their_next_request(world, clients):
    from casereview.reviews.models import ReviewRole
    from casereview.reviews.services import review_member_add, review_member_remove

    review = world.own["review"]
    url = reverse("reviews:detail", kwargs={"pk": review.pk})
    client = clients["health_officer"]
    assert client.get(url).status_code == 404  # health is not commissioned
    member = review_member_add(
        review=review,
        person=world.cast.health_officer,
        role=ReviewRole.PANEL_MEMBER,
        by=world.cast.manager,
    )
    assert client.get(url).status_code == 200
    review_member_remove(member=member, by=world.cast.manager)
    response = client.get(url)
    assert response.status_code == 404
    assert world.own["review-open"].reference.encode() not in response.content


def test_a_membership_ended_on_the_board_is_refused_on_the_next_request(world, clients):
    from casereview.boards.models import Membership

    url = reverse("referrals:detail", kwargs={"pk": world.own["received"].pk})
    client = clients["subgroup"]
    assert client.get(url).status_code == 200
    Membership.objects.filter(person=world.cast.subgroup[0]).update(is_active=False)
    response = client.get(url)
    assert response.status_code == 404
    assert world.own["received"].child_name.encode() not in response.content


def test_a_deactivated_person_is_signed_out_at_once(world, clients):
    url = reverse("referrals:detail", kwargs={"pk": world.own["received"].pk})
    client = clients["chair"]
    assert client.get(url).status_code == 200
    world.cast.chair.is_active = False
    world.cast.chair.save(update_fields=["is_active"])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))
