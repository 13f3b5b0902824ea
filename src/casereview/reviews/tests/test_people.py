"""The people on a review: each role consistent with the case, the board and the commissions.

By service (the rule and its refusal), by page (the message beside its field) and by URL (a
POST made directly, without the page, is refused just the same and changes nothing).
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from casereview.boards.models import Membership
from casereview.conftest import make_person
from casereview.core.lifecycle import NotAllowedNow
from casereview.core.roles import Role
from casereview.referrals.services import case_exclusion_declare
from casereview.reviews import services
from casereview.reviews.models import ReviewMember, ReviewRole
from casereview.reviews.services import commission_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(make_referral):
    """The police are commissioned (the sub group named them); health is not."""
    return make_referral("review-open").review


def _author_of(cast, *agencies):
    person = make_person("twoagencies@test.test", "Twin Author")
    for agency in agencies:
        Membership.objects.create(
            person=person, board=cast.board, role=Role.AGENCY_AUTHOR, agency=agency
        )
    return person


def _exclude(cast, person, review):
    case_exclusion_declare(
        referral=review.referral, person=person, reasons="Related to the family.", by=cast.manager
    )


def _refused(**kwargs) -> dict[str, list[str]]:
    with pytest.raises(NotAllowedNow) as refused:
        services.review_member_add(**kwargs)
    return refused.value.by_field()


# --- by service ---------------------------------------------------------------------------


def test_an_agency_author_is_refused_for_an_agency_the_review_did_not_commission(cast, review):
    author = _author_of(cast, cast.health)
    refusals = _refused(
        review=review,
        person=author,
        role=ReviewRole.AGENCY_AUTHOR,
        agency=cast.health,
        by=cast.manager,
    )
    assert refusals == {
        "agency": [
            "Northbrook Health is not commissioned for this review: an agency report author "
            "writes only for a commissioned agency."
        ]
    }
    assert not ReviewMember.objects.filter(person=author).exists()


def test_an_agency_author_is_refused_for_a_commissioned_agency_that_is_not_their_own(cast, review):
    refusals = _refused(
        review=review,
        person=cast.health_officer,
        role=ReviewRole.AGENCY_AUTHOR,
        agency=cast.police,
        by=cast.manager,
    )
    assert refusals == {
        "person": [
            "Health Officer holds no role in Northbrook Police: give them the agency's report "
            "author role on the board's people page first."
        ]
    }


def test_an_agency_author_writes_for_a_commissioned_agency_of_their_own(cast, review):
    member = services.review_member_add(
        review=review,
        person=cast.police_author,
        role=ReviewRole.AGENCY_AUTHOR,
        agency=cast.police,
        by=cast.manager,
    )
    assert (member.agency, member.is_active) == (cast.police, True)


def test_an_agency_author_needs_the_agency_they_write_for(cast, review):
    refusals = _refused(
        review=review, person=cast.police_author, role=ReviewRole.AGENCY_AUTHOR, by=cast.manager
    )
    assert refusals == {"agency": ["Choose the agency the author writes for."]}


def test_a_person_excluded_from_the_case_cannot_be_given_a_role_on_its_review(cast, review):
    case_exclusion_declare(
        referral=review.referral,
        person=cast.admin,
        reasons="Related to the family.",
        by=cast.manager,
    )
    for role in ReviewRole:
        refusals = _refused(
            review=review,
            person=cast.admin,
            role=role,
            agency=cast.police if role == ReviewRole.AGENCY_AUTHOR else None,
            by=cast.manager,
        )
        assert refusals == {
            "person": [
                "Test Admin is excluded from this case for a conflict of interest, so cannot "
                "be given a role on its review."
            ]
        }
    assert not ReviewMember.objects.filter(person=cast.admin).exists()


def test_a_person_with_no_role_on_the_board_cannot_sit_on_its_review(cast, review):
    refusals = _refused(
        review=review, person=cast.outsider, role=ReviewRole.PANEL_MEMBER, by=cast.manager
    )
    assert refusals == {"person": ["outsider@test.test holds no role on Northbrook."]}


def test_adding_back_someone_who_was_removed_uses_the_new_details(cast, review):
    commission_open(review=review, agency=cast.health, at=timezone.now())
    author = _author_of(cast, cast.police, cast.health)
    first = services.review_member_add(
        review=review,
        person=author,
        role=ReviewRole.AGENCY_AUTHOR,
        agency=cast.police,
        by=cast.manager,
    )
    services.review_member_remove(member=first, by=cast.manager)
    again = services.review_member_add(
        review=review,
        person=author,
        role=ReviewRole.AGENCY_AUTHOR,
        agency=cast.health,
        by=cast.admin,
    )
    assert again.pk == first.pk  # one row per person and role, given back
    for member in (again, ReviewMember.objects.get(pk=first.pk)):
        assert (member.agency, member.added_by, member.is_active) == (cast.health, cast.admin, True)
    from casereview.core.models import AuditEvent

    added = AuditEvent.objects.filter(kind="REVIEW_MEMBER_ADDED", object_id=str(first.pk))
    assert [e.detail["agency"] for e in added.order_by("pk")] == [cast.police.pk, cast.health.pk]


def test_adding_a_role_someone_already_holds_says_so(cast, review):
    services.review_member_add(
        review=review, person=cast.admin, role=ReviewRole.PANEL_MEMBER, by=cast.manager
    )
    refusals = _refused(
        review=review, person=cast.admin, role=ReviewRole.PANEL_MEMBER, by=cast.manager
    )
    assert refusals == {
        "role": ["Test Admin already holds the role “Panel member” on this review."]
    }
    assert ReviewMember.objects.filter(person=cast.admin).count() == 1


def test_an_agency_given_with_a_role_other_than_agency_author_is_not_kept(cast, review):
    # A panel member with an agency on their row would read that agency's commission.
    member = services.review_member_add(
        review=review,
        person=cast.health_officer,
        role=ReviewRole.PANEL_MEMBER,
        agency=cast.police,
        by=cast.manager,
    )
    assert member.agency is None


# --- by page: the message beside its field --------------------------------------------------


def _post(client, review, **data):
    return client.post(reverse("reviews:members", args=[review.pk]), data)


def test_the_people_page_shows_each_refusal_beside_the_field_it_concerns(cast, as_person, review):
    client = as_person(cast.manager)
    case_exclusion_declare(
        referral=review.referral,
        person=cast.admin,
        reasons="Related to the family.",
        by=cast.manager,
    )
    services.review_member_add(
        review=review, person=cast.chair, role=ReviewRole.PANEL_CHAIR, by=cast.manager
    )
    author = _author_of(cast, cast.health)
    cases = [
        (
            {"person": cast.admin.pk, "role": ReviewRole.PANEL_MEMBER},
            "person",
            "Test Admin is excluded from this case for a conflict of interest",
        ),
        (
            {"person": author.pk, "role": ReviewRole.AGENCY_AUTHOR, "agency": cast.health.pk},
            "agency",
            "Northbrook Health is not commissioned for this review",
        ),
        (
            {
                "person": cast.health_officer.pk,
                "role": ReviewRole.AGENCY_AUTHOR,
                "agency": cast.police.pk,
            },
            "person",
            "Health Officer holds no role in Northbrook Police",
        ),
        (
            {"person": cast.chair.pk, "role": ReviewRole.PANEL_CHAIR},
            "role",
            "Test Chair already holds the role “Review panel chair” on this review.",
        ),
    ]
    for data, field, message in cases:
        response = _post(client, review, **data)
        assert response.status_code == 200, data
        errors = response.context["form"].errors
        assert list(errors) == [field], data
        assert errors[field][0].startswith(message)
        page = response.content.decode()
        assert 'class="govuk-error-summary"' in page
        assert f'href="#id_{field}' in page  # the summary links to the field


# --- by URL: a direct POST is refused the same and changes nothing --------------------------


@pytest.mark.parametrize(
    "data",
    [
        {"person": "@admin", "role": ReviewRole.OVERVIEW_AUTHOR},  # excluded
        {"person": "@health_officer", "role": ReviewRole.AGENCY_AUTHOR, "agency": "@police"},
        {"person": "@police_author", "role": ReviewRole.AGENCY_AUTHOR, "agency": "@health"},
        {"person": "@chair", "role": ReviewRole.PANEL_CHAIR},  # already held
    ],
)
def test_a_post_made_directly_to_the_people_page_is_refused_and_changes_nothing(
    cast, as_person, review, data
):
    case_exclusion_declare(
        referral=review.referral,
        person=cast.admin,
        reasons="Related to the family.",
        by=cast.manager,
    )
    services.review_member_add(
        review=review, person=cast.chair, role=ReviewRole.PANEL_CHAIR, by=cast.manager
    )
    before = list(ReviewMember.objects.values_list("pk", "person_id", "role", "agency_id"))
    posted = {k: getattr(cast, v[1:]).pk if str(v).startswith("@") else v for k, v in data.items()}
    response = _post(as_person(cast.manager), review, **posted)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert list(ReviewMember.objects.values_list("pk", "person_id", "role", "agency_id")) == before


def test_someone_removed_is_added_back_through_the_page_with_the_new_details(
    cast, as_person, review
):
    commission_open(review=review, agency=cast.health, at=timezone.now())
    author = _author_of(cast, cast.police, cast.health)
    client = as_person(cast.manager)
    added = _post(
        client, review, person=author.pk, role=ReviewRole.AGENCY_AUTHOR, agency=cast.police.pk
    )
    assert added.status_code == 302
    member = ReviewMember.objects.get(person=author)
    client.post(reverse("reviews:member-remove", args=[review.pk, member.pk]))
    again = _post(
        client, review, person=author.pk, role=ReviewRole.AGENCY_AUTHOR, agency=cast.health.pk
    )
    assert again.status_code == 302
    member.refresh_from_db()
    assert (member.agency, member.is_active) == (cast.health, True)
    page = client.get(reverse("reviews:members", args=[review.pk])).content.decode()
    assert "Agency report author (Northbrook Health)" in page
    assert "(Northbrook Police)" not in page


# --- an exclusion declared before the review exists --------------------------------------


def _review_urls(review, manager) -> list[str]:
    from casereview.anonymisation import services as anonymise

    commission = review.commissions.get()
    document = anonymise.document_upload(
        review=review, title="Police IMR", filename="imr.txt", content=b"A report.\n", by=manager
    )
    run = anonymise.document_anonymise(document=document, by=manager)
    entry = anonymise.key_entry_add(
        review=review, by=manager, category="family", name="Ava Example", label="Child A"
    )
    on_review = [
        "reviews:detail",
        "reviews:members",
        "chronologies:merged",
        "anonymisation:key-reference",
        "anonymisation:glossary",
        "anonymisation:genogram",
        "anonymisation:documents",
    ]
    urls = [reverse(name, args=[review.pk]) for name in on_review]
    urls += [
        reverse(name, args=[review.pk, commission.pk])
        for name in ("reviews:commission-dates", "chronologies:commission", "chronologies:upload")
    ]
    urls += [
        reverse("anonymisation:key-entry", args=[review.pk, entry.pk]),
        reverse("anonymisation:document-original", args=[review.pk, document.pk]),
        reverse("anonymisation:run", args=[review.pk, run.pk]),
        reverse("anonymisation:run-download", args=[review.pk, run.pk]),
    ]
    return urls


def test_an_exclusion_declared_before_the_review_exists_hides_the_review_and_all_it_holds(
    cast, as_person, make_referral
):
    from casereview.referrals import services as referrals
    from casereview.referrals.lifecycle import Outcome

    referral = make_referral("awaiting-decision", child_name="Canary Beforehand")
    case_exclusion_declare(
        referral=referral, person=cast.admin, reasons="Related to the family.", by=cast.manager
    )
    referrals.referral_decide(referral=referral, by=cast.chair, outcome=Outcome.SCR, reasons="")
    review = referral.review
    urls = _review_urls(review, cast.manager)
    # The admin sees all of it today, as process staff; a manager still does.
    manager = as_person(cast.manager)
    assert all(manager.get(url).status_code == 200 for url in urls)
    # Given review roles afterwards (behind the service, which refuses them: see above),
    # the admin still sees nothing: the exclusion beats every role.
    for role in (ReviewRole.PANEL_CHAIR, ReviewRole.OVERVIEW_AUTHOR):
        ReviewMember.objects.create(review=review, person=cast.admin, role=role)
    Membership.objects.create(
        person=cast.admin, board=cast.board, role=Role.AGENCY_AUTHOR, agency=cast.police
    )
    ReviewMember.objects.create(
        review=review, person=cast.admin, role=ReviewRole.AGENCY_AUTHOR, agency=cast.police
    )
    client = as_person(cast.admin)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Canary Beforehand" not in response.content
        assert referral.reference.encode() not in response.content
    assert referral.reference.encode() not in client.get(reverse("home:dashboard")).content
    with pytest.raises(NotAllowedNow):
        services.review_member_add(
            review=review, person=cast.admin, role=ReviewRole.PANEL_MEMBER, by=cast.manager
        )


def test_removing_someone_from_a_review_goes_through_a_check_page_first(cast, as_person, review):
    client = as_person(cast.manager)
    added = _post(client, review, person=cast.health_officer.pk, role=ReviewRole.PANEL_MEMBER)
    assert added.status_code == 302
    member = ReviewMember.objects.get(review=review, person=cast.health_officer)
    url = reverse("reviews:member-remove", args=[review.pk, member.pk])
    members = client.get(reverse("reviews:members", args=[review.pk])).content.decode()
    assert f'href="{url}"' in members
    body = client.get(url).content.decode()
    assert "Remove Health Officer from the review?" in body and "Remove from the review" in body
    member.refresh_from_db()
    assert member.is_active
    client.post(url)
    member.refresh_from_db()
    assert not member.is_active
