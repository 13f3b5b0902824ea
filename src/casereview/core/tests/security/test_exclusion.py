"""AZ-4 and AZ-5: taking someone off, or excluding them for a conflict, works at once."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from casereview.core.documents import document_store


@pytest.fixture
def excluded(world):
    """The first board's business manager, excluded from the open review (a declared conflict)."""
    from casereview.referrals.services import case_exclusion_declare

    review = world.own["review"]
    case_exclusion_declare(
        referral=review.referral,
        person=world.cast.manager,
        by=world.cast.admin,
        reasons="Synthetic: related to the family.",
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


def test_an_excluded_person_cannot_end_their_own_exclusion(world, clients, excluded):
    from casereview.referrals.models import CaseExclusion

    exclusion = CaseExclusion.objects.get(referral=excluded.referral, person=world.cast.manager)
    url = reverse(
        "referrals:exclusion-end", kwargs={"pk": excluded.referral_id, "exclusion_pk": exclusion.pk}
    )
    assert clients["manager"].post(url).status_code == 404
    exclusion.refresh_from_db()
    assert exclusion.in_force


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
    dashboard = client.get(reverse("home:dashboard"))
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


# --- AZ-5 on every route: the exclusion is a fact of the case, applied by the gate ----------

# The objects of the policy that are not of a case: a board's own pages.
NOT_OF_A_CASE = frozenset({"board", "agency", "membership", "letter-template", "reset-link"})


def _all_powerful(world):
    """The first board's business manager given every role there is, on the board and review."""
    from casereview.boards.models import Membership
    from casereview.core.roles import AGENCY_ROLES, Role
    from casereview.reviews.models import ReviewRole
    from casereview.reviews.services import review_member_add

    cast, person = world.cast, world.cast.manager
    for role in Role:
        agencies = [cast.police, cast.health] if role in AGENCY_ROLES else [None]
        for agency in agencies:
            Membership.objects.get_or_create(
                person=person, board=cast.board, role=role, agency=agency
            )
    for role in ReviewRole:
        review_member_add(
            review=world.own["review"],
            person=person,
            role=role,
            agency=cast.police if role == ReviewRole.AGENCY_AUTHOR else None,
            by=cast.admin,
        )
    return person


def _case_routes():
    from . import policy
    from .test_permission_matrix import ROUTES

    names = []
    for route in ROUTES:
        key = policy.URLS[route.name].get("object")
        if route.params:
            # A page with a path parameter names its object, so it is walked here (or is a
            # board's own page): a new page of a case cannot be left out.
            assert key, f"{route.name}: the policy names no object for {route.route}"
        if key and key.split(":")[0] not in NOT_OF_A_CASE:
            names.append(route.name)
    return names


def test_every_object_of_a_case_that_a_page_takes_is_mapped_to_its_case(world):
    from casereview.core.permissions import case_of

    from . import policy
    from .test_permission_matrix import obj_for, referral_of

    for name in _case_routes():
        key = policy.URLS[name]["object"]
        obj = obj_for(world, key, "own")
        assert case_of(obj) == referral_of(obj).pk, f"{name}: {key} is not mapped to its case"
    # And what is left out of the walk is truly no case's: a board's own pages.
    for name, entry in policy.URLS.items():
        key = entry.get("object")
        if key in NOT_OF_A_CASE - {"reset-link"}:
            assert case_of(obj_for(world, key, "own")) is None, f"{name}: {key} is of a case"


def test_an_excluded_person_with_every_role_reaches_nothing_of_the_case_on_any_route(
    world, clients
):
    from casereview.referrals.models import Referral
    from casereview.referrals.services import case_exclusion_declare

    from . import policy
    from .test_permission_matrix import body, post_data, secrets_of, snapshot, url_for

    person = _all_powerful(world)
    for referral in Referral.objects.filter(board=world.cast.board):
        case_exclusion_declare(
            referral=referral, person=person, reasons="Synthetic conflict.", by=world.cast.admin
        )
    client = clients["manager"]
    reached = []
    routes = _case_routes()
    assert len(routes) > 40  # the walk sees the case pages, not an empty list
    for name in routes:
        url = url_for(world, name, "own")
        for method in policy.URLS[name]["methods"]:
            before = snapshot() if method == "POST" else None
            if method == "POST":
                response = client.post(url, post_data(world, name))
            else:
                response = client.get(url)
            content = body(response)
            leaked = [s for s in secrets_of(world, name, "own") if s in content]
            if response.status_code != 404 or leaked:
                reached.append(f"{method} {name}: {response.status_code} {leaked}")
            if method == "POST" and snapshot() != before:
                reached.append(f"{method} {name}: changed the database")
    dashboard = body(client.get(reverse("home:dashboard")))
    shown = [c for c in world.canaries if c.encode() in dashboard]
    shown += [
        r.reference
        for r in Referral.objects.filter(board=world.cast.board)
        if r.reference.encode() in dashboard
    ]
    assert not reached, "\n".join(reached)
    assert not shown, f"the dashboard shows excluded cases: {shown}"


def test_querysets_of_cases_and_reviews_leave_out_an_excluded_persons_cases(world, excluded):
    from casereview.referrals.models import Referral
    from casereview.reviews.models import Review

    manager = world.cast.manager
    assert excluded.referral not in Referral.objects.visible_to(manager)
    assert excluded not in Review.objects.visible_to(manager)
    assert world.own["received"] in Referral.objects.visible_to(manager)


def test_an_exclusion_can_be_declared_on_a_referral_before_any_review_exists(world, clients):
    from casereview.referrals.services import case_exclusion_declare

    referral = world.own["information-gathering"]
    police = clients["police_officer"]
    url = reverse("referrals:answer", kwargs={"pk": world.own["request"].pk})
    assert police.get(url).status_code == 200
    case_exclusion_declare(
        referral=referral,
        person=world.cast.police_officer,
        reasons="Synthetic: a neighbour of the family.",
        by=world.cast.manager,
    )
    response = police.get(url)
    assert response.status_code == 404
    assert referral.child_name.encode() not in response.content
    dashboard = police.get(reverse("home:dashboard"))
    assert referral.reference.encode() not in dashboard.content


def test_an_excluded_agency_officer_cannot_open_the_cases_agency_requests(world, clients, excluded):
    """The hole the probe found: the exclusion held on the review but not on the requests."""
    from casereview.referrals.services import case_exclusion_declare

    referral = world.own["review-open"]
    request = referral.agency_requests.get(agency=world.cast.police)
    case_exclusion_declare(
        referral=referral,
        person=world.cast.police_officer,
        reasons="Synthetic: related to the family.",
        by=world.cast.manager,
    )
    response = clients["police_officer"].get(reverse("referrals:answer", kwargs={"pk": request.pk}))
    assert response.status_code == 404
    assert referral.child_name.encode() not in response.content


def test_the_reasons_for_an_exclusion_are_read_only_by_the_chair_and_process_staff(
    world, clients, excluded
):
    reasons = b"Synthetic: related to the family."
    referral = excluded.referral
    history = clients["subgroup"].get(reverse("referrals:detail", kwargs={"pk": referral.pk}))
    assert history.status_code == 200
    assert reasons not in history.content
    page = reverse("referrals:exclusions", kwargs={"pk": referral.pk})
    assert reasons in clients["chair"].get(page).content
    assert reasons in clients["admin"].get(page).content
    assert clients["subgroup"].get(page).status_code == 403


def test_an_exclusion_recorded_as_a_review_role_before_keeps_its_reasons_out_of_histories(
    world, clients
):
    from casereview.core import models as audit

    referral = world.own["review-open"]
    audit.record(
        "REVIEW_MEMBER_ADDED",
        actor=world.cast.admin,
        board_id=referral.board_id,
        referral_id=referral.pk,
        reasons="Synthetic old reasons CanaryOldReasonsXq7.",
        detail={"person": world.cast.health_officer.pk, "role": "excluded"},
    )
    history = clients["chair"].get(reverse("referrals:detail", kwargs={"pk": referral.pk}))
    assert b"CanaryOldReasonsXq7" not in history.content


def test_excluded_names_show_only_to_process_staff_on_the_review_page(world, clients, excluded):
    url = reverse("reviews:detail", kwargs={"pk": excluded.pk})
    name = world.cast.manager.full_name.encode()
    police = clients["police_author"].get(url)
    assert police.status_code == 200
    assert b'id="exclusions"' not in police.content
    assert name not in police.content
    admin = clients["admin"].get(url)
    assert b'id="exclusions"' in admin.content
    assert name in admin.content


# --- AZ-4: a role on a review rests on a role on the board ----------------------------------


def _upload_url(world) -> str:
    commission = world.own["commission"]
    return reverse(
        "chronologies:upload", kwargs={"pk": commission.review_id, "commission_pk": commission.pk}
    )


def test_ending_an_agency_authors_board_role_ends_their_review_role_at_once(world, clients):
    from casereview.boards.models import Membership
    from casereview.boards.services import membership_end
    from casereview.core.models import AuditEvent
    from casereview.reviews.models import ReviewMember, ReviewRole
    from casereview.reviews.services import review_member_add

    author, review = world.cast.police_author, world.own["review"]
    member = review_member_add(
        review=review,
        person=author,
        role=ReviewRole.AGENCY_AUTHOR,
        agency=world.cast.police,
        by=world.cast.manager,
    )
    client = clients["police_author"]
    detail = reverse("reviews:detail", kwargs={"pk": review.pk})
    assert client.get(detail).status_code == 200
    assert client.get(_upload_url(world)).status_code == 200
    for membership in Membership.objects.filter(person=author, is_active=True):
        membership_end(membership=membership, by=world.cast.manager)
    member.refresh_from_db()
    assert not member.is_active
    ended = AuditEvent.objects.filter(kind="REVIEW_MEMBER_ENDED", object_id=str(member.pk))
    assert ended.count() == 1
    assert ended.get().detail["because"] == "board role ended"
    assert ReviewMember.objects.filter(person=author, is_active=True).count() == 0
    for url in (detail, _upload_url(world)):
        response = client.get(url)
        assert response.status_code == 404, url
        assert world.own["review-open"].reference.encode() not in response.content


def test_a_review_role_left_behind_grants_nothing_once_the_board_role_has_ended(world, clients):
    from casereview.boards.models import Membership
    from casereview.reviews.models import ReviewRole
    from casereview.reviews.services import review_member_add

    review = world.own["review"]
    member = review_member_add(
        review=review,
        person=world.cast.health_officer,
        role=ReviewRole.PANEL_MEMBER,
        by=world.cast.manager,
    )
    client = clients["health_officer"]
    url = reverse("reviews:detail", kwargs={"pk": review.pk})
    assert client.get(url).status_code == 200
    # Ended behind the services' back: the row stays, the gate still refuses.
    Membership.objects.filter(person=world.cast.health_officer).update(is_active=False)
    member.refresh_from_db()
    assert member.is_active
    response = client.get(url)
    assert response.status_code == 404
    assert world.own["review-open"].reference.encode() not in response.content


def test_an_agency_author_role_for_an_agency_they_hold_no_role_in_grants_nothing(world, clients):
    from casereview.reviews.models import ReviewMember, ReviewRole

    # The health officer, made the police's author on the review without a police role:
    # review_member_add refuses this, so the row is made behind its back; the gate still
    # grants nothing by it.
    ReviewMember.objects.create(
        review=world.own["review"],
        person=world.cast.health_officer,
        role=ReviewRole.AGENCY_AUTHOR,
        agency=world.cast.police,
        added_by=world.cast.manager,
    )
    response = clients["health_officer"].get(_upload_url(world))
    assert response.status_code == 404


def test_deactivating_an_account_ends_their_review_roles(world):
    from django.core.management import call_command

    from casereview.reviews.models import ReviewMember

    member = world.own["review-member"]
    call_command("end_sessions", member.person.email, "--deactivate", stdout=io.StringIO())
    member.refresh_from_db()
    assert not member.is_active
    assert not ReviewMember.objects.filter(person=member.person, is_active=True).exists()


def test_the_reviews_people_form_offers_only_people_with_an_active_fitting_board_role(
    world, clients
):
    from casereview.accounts.models import Person
    from casereview.reviews.models import ReviewRole

    review = world.own["review"]
    url = reverse("reviews:members", kwargs={"pk": review.pk})
    former = world.people["former_manager"]
    page = clients["admin"].get(url)
    assert page.status_code == 200
    assert f'value="{former.pk}"'.encode() not in page.content
    assert f'value="{world.cast.chair.pk}"'.encode() in page.content
    refused = clients["admin"].post(url, {"person": former.pk, "role": ReviewRole.PANEL_MEMBER})
    assert refused.status_code == 200
    assert not review.members.filter(person=former).exists()
    # An agency's author must hold a role in that agency.
    wrong = clients["admin"].post(
        url,
        {
            "person": world.cast.health_officer.pk,
            "role": ReviewRole.AGENCY_AUTHOR,
            "agency": world.cast.police.pk,
        },
    )
    assert "give them the agency" in wrong.content.decode()
    assert not review.members.filter(person=world.cast.health_officer).exists()
    assert Person.objects.filter(pk=former.pk).exists()


def test_reading_the_reviews_people_page_is_one_audit_event(world, clients):
    from casereview.core.models import AuditEvent

    review = world.own["review"]
    before = AuditEvent.objects.count()
    assert clients["admin"].get(reverse("reviews:members", kwargs={"pk": review.pk})).status_code
    [event] = AuditEvent.objects.order_by("pk")[before:]
    assert event.kind == "REVIEW_PEOPLE_VIEWED"
    assert event.referral_id == review.referral_id
