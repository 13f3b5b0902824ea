"""Each role's waiting work: what, on which case, its deadline state and the link to do it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casereview.boards.models import Membership
from casereview.conftest import make_person
from casereview.core.roles import Role
from casereview.core.timescales import DeadlineState
from casereview.home.waiting import PROVIDERS, WorkItem, waiting_for
from casereview.referrals import services
from casereview.referrals.models import (
    AgencyRequest,
    Deadline,
    DeadlineKind,
    Notification,
    Referral,
    end_of_day,
)
from casereview.reviews.models import AgencyCommission, Review, ReviewMember, ReviewRole
from casereview.reviews.services import review_member_add

pytestmark = pytest.mark.django_db


def items_of(person, kind: str | None = None) -> list[WorkItem]:
    return [
        item
        for group in waiting_for(person)
        for item in group.items
        if kind is None or group.kind == kind
    ]


def references(person, kind: str) -> set[str]:
    return {item.reference for item in items_of(person, kind)}


@pytest.fixture
def overview_author(cast):
    person = make_person("overview@test.test", "Overview Author")
    Membership.objects.create(
        person=person, board=cast.board, role=Role.OVERVIEW_AUTHOR, name=person.full_name
    )
    return person


def test_the_chair_is_asked_for_each_decision_awaiting_with_a_link_to_decide(cast, make_referral):
    case = make_referral("awaiting-decision")
    other = make_referral("awaiting-decision", board=cast.other_board)
    (item,) = items_of(cast.chair, "Decisions awaiting")
    assert item.reference == case.reference != other.reference
    assert item.url == reverse("referrals:decide", kwargs={"pk": case.pk})
    assert item.state in (DeadlineState.DUE, DeadlineState.DUE_SOON)
    assert not items_of(cast.manager, "Decisions awaiting")


def test_the_chair_is_asked_to_approve_an_extension_and_process_staff_are_not(cast, make_referral):
    case = make_referral("received")
    deadline = case.deadlines.get(kind=DeadlineKind.DECISION)
    services.deadline_request_extension(
        deadline=deadline,
        by=cast.manager,
        new_due=timezone.localdate() + dt.timedelta(days=90),
        reasons="Synthetic: a parallel criminal investigation.",
    )
    (item,) = items_of(cast.chair, "Extensions awaiting approval")
    assert item.reference == case.reference
    assert item.url.endswith("#deadlines")
    assert "Approve the extension" in item.what
    assert not items_of(cast.manager, "Extensions awaiting approval")
    services.deadline_approve_extension(deadline=deadline, by=cast.chair)
    assert not items_of(cast.chair, "Extensions awaiting approval")


@pytest.mark.parametrize("who", ["manager", "admin"])
def test_process_staff_have_their_cases_by_next_deadline_and_the_letters_to_send(
    who, cast, make_referral
):
    person = getattr(cast, who)
    fresh = make_referral("received")
    decided = make_referral("review-open")
    assert {fresh.reference, decided.reference} <= references(person, "Cases by next deadline")
    letters = items_of(person, "Notifications to send")
    unsent = Notification.objects.filter(referral=decided, sent_at__isnull=True)
    assert len(letters) == unsent.count() > 0
    assert {i.reference for i in letters} == {decided.reference}
    assert all(i.url.endswith("#decision") for i in letters)
    for notification in unsent:
        services.notification_mark_sent(notification=notification, by=cast.admin)
    assert not items_of(person, "Notifications to send")


def test_a_sub_group_member_has_the_cases_at_screening(cast, make_referral):
    screening = make_referral("screening")
    make_referral("received")
    (item,) = items_of(cast.subgroup[0], "Cases at screening")
    assert item.reference == screening.reference
    assert item.url == reverse("referrals:recommend", kwargs={"pk": screening.pk})
    assert not items_of(cast.subgroup[0], "Cases by next deadline")


def test_a_named_officer_has_their_agencys_requests_to_answer(cast, make_referral):
    case = make_referral("information-gathering")
    ask = AgencyRequest.objects.get(referral=case, agency=cast.police)
    (item,) = items_of(cast.police_officer, "Asked of your agency")
    assert item.url == reverse("referrals:answer", kwargs={"pk": ask.pk})
    assert item.about == "Northbrook Police"
    services.agency_request_answer(
        request=ask, by=cast.police_officer, answer="not-known", information=""
    )
    assert not items_of(cast.police_officer)


def test_an_agency_author_has_the_chronology_and_report_due_for_their_agency(cast, make_referral):
    case = make_referral("review-open")
    commission = AgencyCommission.objects.get(review__referral=case, agency=cast.police)
    chronology, report = items_of(cast.police_author, "Chronologies and reports due")
    keys = {"pk": commission.review_id, "commission_pk": commission.pk}
    assert chronology.url == reverse("chronologies:upload", kwargs=keys)
    assert chronology.due == commission.chronology_due_on
    assert report.due == commission.report_due_on
    assert not items_of(cast.health_officer)
    AgencyCommission.objects.filter(pk=commission.pk).update(chronology_received_at=timezone.now())
    (left,) = items_of(cast.police_author, "Chronologies and reports due")
    assert left.what == "Send the agency's report"


def test_panel_members_panel_chairs_and_the_overview_author_have_their_reviews(
    cast, make_referral, overview_author
):
    case = make_referral("review-open")
    for person, role in (
        (cast.subgroup[0], ReviewRole.PANEL_CHAIR),
        (cast.police_officer, ReviewRole.PANEL_MEMBER),
        (overview_author, ReviewRole.OVERVIEW_AUTHOR),
    ):
        review_member_add(review=case.review, person=person, role=role, by=cast.manager)
    detail = reverse("reviews:detail", kwargs={"pk": case.review.pk})
    (chair,) = items_of(cast.subgroup[0], "Reviews you sit on")
    (member,) = items_of(cast.police_officer, "Reviews you sit on")
    (author,) = items_of(overview_author, "Reviews you write")
    assert chair.what.startswith("Chair the review panel") and chair.url == detail
    assert member.what.startswith("Sit on the review panel")
    assert author.what.startswith("Write the overview report") and author.url == detail
    assert author.state is not None  # the case's next deadline


def test_a_review_role_counts_only_while_its_board_role_is_held(
    cast, make_referral, overview_author
):
    case = make_referral("review-open")
    review_member_add(
        review=case.review, person=overview_author, role=ReviewRole.OVERVIEW_AUTHOR, by=cast.manager
    )
    Membership.objects.filter(person=overview_author).update(is_active=False)
    assert not items_of(overview_author)


def test_nothing_of_a_case_is_waiting_for_a_person_excluded_from_it(cast, make_referral):
    excluded = make_referral("awaiting-decision")
    kept = make_referral("awaiting-decision")
    asked = make_referral("information-gathering")
    for referral, person in ((excluded, cast.chair), (asked, cast.police_officer)):
        services.case_exclusion_declare(
            referral=referral, person=person, reasons="Synthetic: a relative.", by=cast.manager
        )
    assert references(cast.chair, "Decisions awaiting") == {kept.reference}
    assert asked.reference not in {i.reference for i in items_of(cast.police_officer)}


def test_a_person_of_another_board_has_none_of_its_work(cast, make_referral):
    for stage in ("information-gathering", "awaiting-decision", "review-open"):
        make_referral(stage)
    assert not items_of(cast.outsider)


def test_overdue_work_comes_first_within_its_kind_and_its_kind_first(cast, make_referral):
    fresh = make_referral("awaiting-decision")
    old = make_referral("awaiting-decision", received_at=timezone.now() - dt.timedelta(days=90))
    groups = waiting_for(cast.chair)
    decisions = next(g for g in groups if g.kind == "Decisions awaiting")
    assert [i.reference for i in decisions.items] == [old.reference, fresh.reference]
    assert decisions.items[0].state == DeadlineState.OVERDUE
    assert decisions.counts["overdue"] == 1
    assert groups[0].items[0].state == DeadlineState.OVERDUE


def test_adding_a_kind_of_work_is_one_function_in_the_list(cast, monkeypatch):
    def qa_to_do(viewer):
        return [WorkItem(kind="QA to do", what="Check the report", reference="X-1", url="/x/")]

    monkeypatch.setattr("casereview.home.waiting.PROVIDERS", [*PROVIDERS, qa_to_do])
    assert [g.kind for g in waiting_for(cast.chair)] == ["QA to do"]


# --- The page: grouped with counts, and a fixed number of queries whatever the size. ---


def test_the_page_shows_each_kind_with_its_count_and_links(cast, as_person, make_referral):
    case = make_referral("awaiting-decision")
    body = as_person(cast.chair).get(reverse("home:dashboard")).content.decode()
    assert "Decisions awaiting" in body
    assert reverse("referrals:decide", kwargs={"pk": case.pk}) in body
    assert "Waiting for you" in body


def test_a_person_with_nothing_waiting_is_told_so(cast, as_person):
    body = as_person(cast.health_officer).get(reverse("home:dashboard")).content.decode()
    assert "Nothing is waiting for you." in body
    assert "your agency" not in body


def bulk_world(cast, n: int, start: int) -> None:
    """n cases of each kind of work, written with bulk_create: every provider has rows."""
    now = timezone.now()
    stages = ["information-gathering", "screening", "awaiting-decision", "review-open"]
    cases = Referral.objects.bulk_create(
        [
            Referral(
                board=cast.board,
                reference=f"WORK-{stage[:3]}-{start + i:05d}",
                stage=stage,
                received_at=now,
                logged_by=cast.manager,
                referrer_kind="agency",
                referrer_name="R",
                child_name=f"Bulk Child {i}",
                incident_on=now.date(),
                harm_type="serious-harm",
                incident_summary="x",
            )
            for stage in stages
            for i in range(n)
        ]
    )
    by_stage = {s: [c for c in cases if c.stage == s] for s in stages}
    Deadline.objects.bulk_create(
        [
            Deadline(
                referral=c,
                kind=kind,
                label=kind.label,
                span="1 month",
                counts_from="referral",
                starts_at=now,
                due_at=now + dt.timedelta(days=i % 40 - 10),
                effective_due_at=now + dt.timedelta(days=i % 40 - 10),
                extension_to=(
                    now + dt.timedelta(days=90)
                    if kind == DeadlineKind.DECISION and c.stage == "awaiting-decision"
                    else None
                ),
            )
            for i, c in enumerate(cases)
            for kind in (DeadlineKind.RECOMMENDATION, DeadlineKind.DECISION)
        ]
    )
    AgencyRequest.objects.bulk_create(
        [
            AgencyRequest(referral=c, agency=cast.police, requested_at=now, due_at=now)
            for c in by_stage["information-gathering"]
        ]
    )
    reviews = Review.objects.bulk_create(
        [Review(referral=c, kind="scr", opened_at=now) for c in by_stage["review-open"]]
    )

    def commission_deadline(r, kind, due):
        return Deadline(
            referral_id=r.referral_id,
            kind=kind,
            key=f"agency-{cast.police.pk}",
            agency=cast.police,
            label=kind.label,
            span="20 working days",
            counts_from="the agency was commissioned",
            starts_at=now,
            due_at=end_of_day(due),
            effective_due_at=end_of_day(due),
        )

    chronologies = Deadline.objects.bulk_create(
        [commission_deadline(r, DeadlineKind.CHRONOLOGY, now.date()) for r in reviews]
    )
    reports = Deadline.objects.bulk_create(
        [
            commission_deadline(r, DeadlineKind.AGENCY_REPORT, now.date() + dt.timedelta(weeks=2))
            for r in reviews
        ]
    )
    AgencyCommission.objects.bulk_create(
        [
            AgencyCommission(review=r, agency=cast.police, chronology_deadline=c, report_deadline=d)
            for r, c, d in zip(reviews, chronologies, reports, strict=True)
        ]
    )
    ReviewMember.objects.bulk_create(
        [
            ReviewMember(review=r, person=cast.subgroup[0], role=role)
            for r in reviews
            for role in (ReviewRole.PANEL_CHAIR, ReviewRole.PANEL_MEMBER)
        ]
    )
    Notification.objects.bulk_create(
        [
            Notification(referral=c, kind="chief-officers", recipient="Chief officers", due_at=now)
            for c in by_stage["review-open"]
        ]
    )


def count_queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("home:dashboard"))
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.parametrize(
    ("who", "rows"),
    [
        ("chair", 5 * 2),  # decisions and extensions
        ("manager", 5 * 6),  # cases, letters and reviews in progress
        ("subgroup", 5 * 3),  # screening and the panel's reviews (chair and member)
        ("police_officer", 5),
        ("police_author", 5 * 3),  # the agency's requests, chronologies and reports
    ],
)
def test_each_roles_page_answers_with_the_same_queries_for_5_and_50_of_each_kind(
    who, rows, cast, as_person, django_assert_num_queries
):
    person = cast.subgroup[0] if who == "subgroup" else getattr(cast, who)
    client = as_person(person)
    bulk_world(cast, 5, start=0)
    counted, body = count_queries(client)
    assert body.count("WORK-") == rows
    bulk_world(cast, 45, start=5)
    with django_assert_num_queries(counted):
        response = client.get(reverse("home:dashboard"))
    assert response.content.decode().count("WORK-") == rows * 10


def _review_at(review, stage):
    from casereview.reviews.models import Review

    Review.objects.filter(pk=review.pk).update(stage=stage)
    review.refresh_from_db()
    return review


def test_process_staff_see_each_review_in_progress_with_its_next_step(cast, make_referral):
    review = make_referral("review-open").review
    [item] = [
        i for g in waiting_for(cast.manager) if g.kind == "Reviews in progress" for i in g.items
    ]
    assert item.url == reverse("reviews:stage", kwargs={"pk": review.pk})
    assert item.what.startswith("Scoping and terms of reference: then set up the panel")
    assert item.state is not None  # the case's review clock


def test_the_chair_records_the_panels_decisions_and_the_sub_group_quality_assures(
    cast, make_referral
):
    from casereview.reviews.lifecycle import Stage as ReviewStage

    review = _review_at(make_referral("review-open").review, ReviewStage.ANALYSIS)

    def kinds(person):
        return {
            (i.what, i.url)
            for g in waiting_for(person)
            for i in g.items
            if g.kind == "Review decisions to record"
        }

    accepted = reverse("reviews:panel-record", kwargs={"pk": review.pk, "item": "reports-accepted"})
    assert kinds(cast.chair) == {("Agency reports accepted by the panel", accepted)}
    assert kinds(cast.subgroup[0]) == set()
    _review_at(review, ReviewStage.QUALITY_ASSURANCE)
    qa = reverse("reviews:qa-record", kwargs={"pk": review.pk, "item": "qa-done"})
    assert kinds(cast.subgroup[0]) == {("Quality assured by two sub group members", qa)}
    assert kinds(cast.police_author) == set()


def test_the_chair_sees_the_action_plans_being_monitored(cast, make_referral):
    from casereview.reviews.models import Review

    review = make_referral("review-open").review
    Review.objects.filter(pk=review.pk).update(monitoring="monitoring")
    [item] = [
        i
        for g in waiting_for(cast.chair)
        if g.kind == "Action plans being monitored"
        for i in g.items
    ]
    assert item.url == reverse("reviews:sign-off", kwargs={"pk": review.pk})
