"""The review's stages against the database: services, events, refusals and the conversion."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from casereview.core.lifecycle import NotAllowedNow
from casereview.core.models import AuditEvent
from casereview.referrals import services as referrals
from casereview.referrals.lifecycle import Outcome
from casereview.referrals.models import DeadlineKind
from casereview.reviews import services
from casereview.reviews.lifecycle import Item, Stage, Track
from casereview.reviews.models import ReviewRole

pytestmark = pytest.mark.django_db

YESTERDAY = dt.date(2026, 1, 5)  # a past day, whatever today is


@pytest.fixture
def open_review(cast, make_referral):
    """A review of a given kind, opened by the chair's decision through the real services."""

    def _open(kind: Outcome = Outcome.SCR):
        referral = make_referral("awaiting-decision")
        referrals.referral_decide(
            referral=referral, by=cast.chair, outcome=kind, reasons="The chair's reasons."
        )
        return referral.review

    return _open


def _panel(review, cast, size=6):
    people = [cast.chair, cast.manager, cast.admin, *cast.subgroup][:size]
    for i, person in enumerate(people):
        role = ReviewRole.PANEL_CHAIR if i == 0 else ReviewRole.PANEL_MEMBER
        services.review_member_add(review=review, person=person, role=role, by=cast.manager)


def _receive_everything(review):
    review.commissions.update(
        chronology_received_at=timezone.now(), report_received_at=timezone.now()
    )
    review.chronology_approvals.create(
        versions={}, data_version="x", approved_by_id=review.referral.logged_by_id
    )


def _record(review, cast, item, by=None):
    return services.review_record(
        review=review, item=item, by=by or cast.manager, happened_on=YESTERDAY, note="Done."
    )


def test_a_review_opens_at_the_first_stage_of_its_path(open_review):
    assert open_review(Outcome.SCR).stage == Stage.SCOPING
    assert open_review(Outcome.NEAR_MISS_REVIEW).monitoring == Track.NOT_STARTED


def test_a_serious_case_review_walks_every_stage_to_closed(cast, open_review):
    review = open_review()
    _record(review, cast, Item.TERMS_CONFIRMED)
    assert services.review_advance(review=review, by=cast.manager) is Stage.PANEL
    _panel(review, cast)
    assert services.review_advance(review=review, by=cast.manager) is Stage.INFORMATION
    _receive_everything(review)
    assert services.review_advance(review=review, by=cast.manager) is Stage.ANALYSIS
    _record(review, cast, Item.REPORTS_ACCEPTED, by=cast.chair)
    assert services.review_advance(review=review, by=cast.manager) is Stage.OVERVIEW_REPORT
    _record(review, cast, Item.OVERVIEW_AGREED)
    services.review_advance(review=review, by=cast.manager)
    _record(review, cast, Item.QA_DONE, by=cast.subgroup[0])
    _record(review, cast, Item.AGENCIES_CONFIRMED)
    assert services.review_advance(review=review, by=cast.manager) is Stage.BOARD_APPROVAL
    _record(review, cast, Item.BOARD_APPROVED)
    review.refresh_from_db()
    assert review.monitoring == Track.MONITORING  # the track starts at board approval
    assert services.review_advance(review=review, by=cast.manager) is Stage.SUBMISSION
    _record(review, cast, Item.SUBMITTED)
    assert services.review_advance(review=review, by=cast.manager) is Stage.PUBLICATION
    for gate in review.referral.board.profile.publication_gates:
        _record(review, cast, Item(gate))
    _record(review, cast, Item.PUBLISHED)
    with pytest.raises(NotAllowedNow) as refused:
        services.review_advance(review=review, by=cast.manager)
    assert [r.field for r in refused.value.refusals] == ["monitoring"]
    services.review_monitoring(review=review, by=cast.chair, name="sign_off")
    assert services.review_advance(review=review, by=cast.manager) is Stage.CLOSED
    review.referral.refresh_from_db()
    assert review.referral.stage == "closed"  # the case closes with its review
    changes = AuditEvent.objects.filter(kind="STAGE_CHANGED", detail__machine="review")
    assert changes.count() == 9
    assert (
        AuditEvent.objects.filter(kind="STAGE_CHANGED", detail__machine="monitoring").count() == 2
    )


def test_a_refusal_names_what_is_missing_and_moves_nothing(cast, open_review):
    review = open_review()
    with pytest.raises(NotAllowedNow) as refused:
        services.review_advance(review=review, by=cast.manager)
    assert refused.value.by_field() == {
        "terms-confirmed": ["Confirm the terms of reference before the panel is set up."]
    }
    review.refresh_from_db()
    assert review.stage == Stage.SCOPING
    assert not AuditEvent.objects.filter(kind="STAGE_CHANGED", detail__machine="review").exists()


def test_only_process_staff_move_a_review_and_only_the_chair_signs_off(cast, open_review):
    review = open_review()
    _record(review, cast, Item.TERMS_CONFIRMED)
    with pytest.raises(PermissionDenied):
        services.review_advance(review=review, by=cast.police_author)
    with pytest.raises(PermissionDenied):
        services.review_monitoring(review=review, by=cast.manager, name="sign_off")


def test_publication_waits_for_its_gates(cast, open_review):
    review = open_review()
    review.stage = Stage.PUBLICATION
    review.save()
    with pytest.raises(NotAllowedNow) as refused:
        _record(review, cast, Item.PUBLISHED)
    gates = review.referral.board.profile.publication_gates
    assert [r.field for r in refused.value.refusals] == gates
    assert not review.milestones.exists()


def test_a_dated_item_needs_its_date(cast, open_review):
    review = open_review()
    with pytest.raises(NotAllowedNow) as refused:
        services.review_record(review=review, item=Item.TERMS_CONFIRMED, by=cast.manager)
    assert refused.value.by_field() == {"happened_on": ["Enter the date it happened."]}


def test_a_near_miss_review_has_no_commissions_and_no_review_clock(cast, open_review):
    review = open_review(Outcome.NEAR_MISS_REVIEW)
    assert not review.referral.deadlines.filter(kind=DeadlineKind.COMPLETE_REVIEW).exists()
    _record(review, cast, Item.TERMS_CONFIRMED)
    services.review_advance(review=review, by=cast.manager)
    services.review_member_add(
        review=review, person=cast.subgroup[0], role=ReviewRole.PANEL_CHAIR, by=cast.manager
    )
    # A facilitator is enough, and no chronologies are waited for.
    assert services.review_advance(review=review, by=cast.manager) is Stage.ANALYSIS


def test_an_interagency_management_review_becomes_an_scr_keeping_its_work(cast, open_review):
    review = open_review(Outcome.INTERAGENCY_MANAGEMENT_REVIEW)
    _record(review, cast, Item.TERMS_CONFIRMED)
    services.review_advance(review=review, by=cast.manager)
    _panel(review, cast)
    services.review_advance(review=review, by=cast.manager)
    commissions = list(review.commissions.values_list("pk", flat=True))
    members = review.members.count()
    with pytest.raises(NotAllowedNow) as refused:
        services.review_convert_to_scr(review=review, by=cast.chair, reasons="")
    assert refused.value.by_field() == {
        "reasons": ["Give the reasons in writing: significant new learning, or a high public "
                    "interest."]
    }  # fmt: skip
    services.review_convert_to_scr(review=review, by=cast.chair, reasons="Significant learning.")
    review.refresh_from_db()
    assert review.kind == "scr" and review.stage == Stage.INFORMATION
    assert list(review.commissions.values_list("pk", flat=True)) == commissions
    assert review.members.count() == members
    assert review.milestones.filter(item=Item.TERMS_CONFIRMED).exists()
    assert Stage.SUBMISSION in review.path.stages  # it now walks the SCR's whole path
    event = AuditEvent.objects.get(kind="REVIEW_CONVERTED")
    assert event.reasons == "Significant learning." and event.referral_id == review.referral_id
    with pytest.raises(NotAllowedNow):  # once an SCR, there is nothing to convert
        services.review_convert_to_scr(review=review, by=cast.chair, reasons="Again.")


def test_only_the_board_chair_turns_a_review_into_an_scr(cast, open_review):
    review = open_review(Outcome.INTERAGENCY_MANAGEMENT_REVIEW)
    with pytest.raises(PermissionDenied):
        services.review_convert_to_scr(review=review, by=cast.manager, reasons="Because.")


def test_two_people_moving_one_review_at_once_move_it_once(cast, open_review):
    review = open_review()
    _record(review, cast, Item.TERMS_CONFIRMED)
    stale = type(review).objects.get(pk=review.pk)
    services.review_advance(review=review, by=cast.manager)
    with pytest.raises(NotAllowedNow):
        services.review_advance(review=stale, by=cast.admin)
    assert AuditEvent.objects.filter(kind="STAGE_CHANGED", detail__machine="review").count() == 1


def test_todays_english_process_runs_on_the_same_mechanism(cast, make_referral):
    """A rapid review (the case's 15 working days), then a local child safeguarding practice
    review that starts by sending the rapid review to the national panel: a preset, no branch."""
    from casereview.boards.presets import apply_preset

    cast.board.profile = apply_preset(cast.board, "england-2023")
    referral = make_referral("screening")
    rapid = referral.deadlines.get(kind=DeadlineKind.RECOMMENDATION)
    assert rapid.span == "15 working days"
    referrals.referral_recommend(
        referral=referral,
        by=cast.manager,
        outcome=Outcome.LCSPR,
        reasons="A serious child safeguarding case.",
        participants=cast.subgroup,
        consulted_by="meeting",
        methodology="Systems",
        imr_agencies=[cast.police],
        panel_agencies=[cast.police],
    )
    referrals.referral_decide(referral=referral, by=cast.chair, outcome=Outcome.LCSPR, reasons="")
    review = referral.review
    assert review.stage == Stage.RAPID_REVIEW
    _record(review, cast, Item.RAPID_REVIEW_SENT)
    assert services.review_advance(review=review, by=cast.manager) is Stage.SCOPING
    assert Stage.SUBMISSION not in review.path.stages
