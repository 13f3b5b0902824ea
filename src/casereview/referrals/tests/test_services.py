"""Services against the database: state, audit events, deadlines, notifications and letters."""

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from docx import Document as WordDocument

from casereview.conftest import DEATH_FACTS, referral_data
from casereview.core.models import AuditEvent
from casereview.referrals import services
from casereview.referrals.lifecycle import NotAllowedNow, Outcome, Stage
from casereview.referrals.models import DeadlineKind, Referral

LONDON = zoneinfo.ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def at(*args):
    return dt.datetime(*args, tzinfo=LONDON)


def test_logging_a_referral_starts_the_profiles_clocks(cast):
    referral = services.referral_log(
        board=cast.board, by=cast.admin, **referral_data(received_at=at(2025, 1, 31, 10))
    )
    deadlines = {d.kind: d for d in referral.deadlines.all()}
    # Manchester: recommendation and decision within one calendar month, clamped.
    assert deadlines[DeadlineKind.RECOMMENDATION].due == dt.date(2025, 2, 28)
    assert deadlines[DeadlineKind.DECISION].due == dt.date(2025, 2, 28)
    assert DeadlineKind.CHAIR_CONSULTS not in deadlines
    assert referral.reference.startswith("NORT-2025-")
    assert AuditEvent.objects.filter(kind="REFERRAL_LOGGED", referral_id=referral.pk).count() == 1


def test_bedfordshire_counts_28_days_and_2_working_days(cast):
    referral = services.referral_log(
        board=cast.other_board,
        by=cast.outsider,
        **referral_data(received_at=at(2024, 12, 23, 9)),
    )
    deadlines = {d.kind: d for d in referral.deadlines.all()}
    assert deadlines[DeadlineKind.DECISION].due == dt.date(2025, 1, 20)
    # 24 Dec is a working day; 25 and 26 Dec are bank holidays; then Fri 27 Dec.
    assert deadlines[DeadlineKind.CHAIR_CONSULTS].due == dt.date(2024, 12, 27)


def test_a_person_of_another_board_cannot_log_or_move_a_case(cast, make_referral):
    with pytest.raises(PermissionDenied):
        services.referral_log(board=cast.board, by=cast.outsider, **referral_data())
    referral = make_referral("received")
    with pytest.raises(PermissionDenied):
        services.referral_ask_agencies(referral=referral, by=cast.outsider)
    referral.refresh_from_db()
    assert referral.stage == Stage.RECEIVED


@time_machine.travel(at(2026, 3, 2, 10), tick=False)
def test_manchester_answers_are_due_before_the_next_fortnightly_meeting(cast, make_referral):
    # Meetings every 14 days from Tue 6 Jan 2026: ... 3 Mar, 17 Mar. Asked Mon 2 Mar at 10:00,
    # the 3 Mar meeting is under 48 hours away, so answers go to 17 Mar: due Mon 16 Mar.
    referral = make_referral("information-gathering")
    due = {
        r.agency.name: r.due_at.astimezone(LONDON).date() for r in referral.agency_requests.all()
    }
    assert due == {
        "Northbrook Police": dt.date(2026, 3, 16),
        "Northbrook Health": dt.date(2026, 3, 16),
    }


def test_asking_agencies_emails_named_officers_without_case_details(
    cast, make_referral, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral("information-gathering", child_name="Zebedee Canaryson")
    assert {m.to[0] for m in mail.outbox} == {"police@test.test", "health@test.test"}
    for message in mail.outbox:
        assert "Zebedee" not in message.body and "Zebedee" not in message.subject
        assert "/accounts/sign-in/" in message.body
    letters = referral.documents.filter(kind="letter:agency-request")
    assert letters.count() == 2
    with letters.first().file.open("rb") as fh:
        doc = WordDocument(io.BytesIO(fh.read()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert (
        "Zebedee Canaryson" in text
        and referral.reference in doc.sections[0].header.paragraphs[0].text
    )
    assert doc.core_properties.author == cast.board.name


def test_answers_are_recorded_and_the_clock_stops_when_all_have_answered(cast, make_referral):
    referral = make_referral("information-gathering")
    police_request = referral.agency_requests.get(agency=cast.police)
    with pytest.raises(PermissionDenied):
        services.agency_request_answer(
            request=police_request, by=cast.health_officer, answer="known", information="x"
        )
    services.agency_request_answer(
        request=police_request, by=cast.police_officer, answer="known", information="Seen twice."
    )
    assert [a.name for a in services.agencies_not_answered(referral)] == ["Northbrook Health"]
    assert referral.deadlines.get(kind=DeadlineKind.AGENCY_ANSWERS).met_at is None
    services.agency_request_answer(
        request=referral.agency_requests.get(agency=cast.health),
        by=cast.health_officer,
        answer="not-known",
        information="",
    )
    assert referral.deadlines.get(kind=DeadlineKind.AGENCY_ANSWERS).met_at is not None


def test_a_recommendation_without_quorum_is_refused_and_nothing_changes(cast, make_referral):
    referral = make_referral("screening")
    with pytest.raises(NotAllowedNow) as refused:
        services.referral_recommend(
            referral=referral,
            by=cast.manager,
            outcome=Outcome.SCR,
            reasons="Criteria met.",
            participants=cast.subgroup[:3],
            consulted_by="email",
            methodology="Systems",
            imr_agencies=[cast.police],
            panel_agencies=[cast.police],
        )
    assert any("quorum" in r for r in refused.value.reasons)
    referral.refresh_from_db()
    assert referral.stage == Stage.SCREENING
    assert not referral.recommendations.exists()


def test_only_the_chair_decides(cast, make_referral):
    referral = make_referral("awaiting-decision")
    with pytest.raises(PermissionDenied):
        services.referral_decide(
            referral=referral, by=cast.subgroup[0], outcome=Outcome.SCR, reasons=""
        )


def test_the_chair_who_disagrees_must_give_reasons(cast, make_referral):
    referral = make_referral("awaiting-decision")
    with pytest.raises(NotAllowedNow):
        services.referral_decide(
            referral=referral, by=cast.chair, outcome=Outcome.NEAR_MISS_REVIEW, reasons=""
        )
    decision = services.referral_decide(
        referral=referral,
        by=cast.chair,
        outcome=Outcome.NEAR_MISS_REVIEW,
        reasons="A lighter review will bring the learning sooner.",
    )
    assert decision.agrees is False
    referral.refresh_from_db()
    assert referral.stage == Stage.REVIEW_OPEN
    assert referral.review.kind == Outcome.NEAR_MISS_REVIEW


def test_no_further_action_against_the_criteria_needs_reasons_closes_and_tells_the_referrer(
    cast, make_referral, django_capture_on_commit_callbacks
):
    referral = make_referral("awaiting-decision")  # criteria: must (the child died)
    with pytest.raises(NotAllowedNow) as refused:
        services.referral_decide(
            referral=referral, by=cast.chair, outcome=Outcome.NO_FURTHER_ACTION, reasons=""
        )
    assert any("departs from the criteria" in r for r in refused.value.reasons)
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.referral_decide(
            referral=referral,
            by=cast.chair,
            outcome=Outcome.NO_FURTHER_ACTION,
            reasons="A review is already under way elsewhere.",
        )
    assert decision.departs_from_criteria
    referral.refresh_from_db()
    assert referral.stage == Stage.CLOSED
    kinds = set(referral.notifications.values_list("kind", flat=True))
    assert "referrer" in kinds and "chief-officers" not in kinds
    assert referral.notifications.get(kind="referrer").letter is not None


def test_refer_back_returns_the_case_to_the_sub_group(cast, make_referral):
    referral = make_referral("awaiting-decision")
    services.referral_decide(
        referral=referral,
        by=cast.chair,
        outcome=None,
        refer_back=True,
        reasons="Please reconvene with me to discuss the health information.",
    )
    referral.refresh_from_db()
    assert referral.stage == Stage.SCREENING
    event = AuditEvent.objects.filter(kind="STAGE_CHANGED", referral_id=referral.pk).last()
    assert event.actor == cast.chair and "reconvene" in event.reasons


@time_machine.travel(at(2026, 3, 6, 16, 30), tick=False)  # a Friday afternoon
def test_chief_officers_are_due_within_24_clock_hours_under_bedfordshire(cast, make_referral):
    from casereview.boards.models import Agency

    cast.other_agency.named_officer = cast.outsider
    cast.other_agency.save()
    referral = make_referral("review-open", board=cast.other_board)
    chief = referral.notifications.get(kind="chief-officers")
    assert chief.due_at.astimezone(LONDON) == at(2026, 3, 7, 16, 30)
    assert referral.notifications.first().kind == "safeguard-other-children"
    assert Agency.objects.filter(board=cast.other_board).count() == 1


@time_machine.travel(at(2026, 3, 6, 16, 30), tick=False)
def test_chief_officers_are_due_next_working_day_under_manchester(cast, make_referral):
    referral = make_referral("review-open")
    due = {
        n.due_at.astimezone(LONDON).date()
        for n in referral.notifications.filter(kind="chief-officers")
    }
    assert due == {dt.date(2026, 3, 9)}
    assert referral.deadlines.get(kind=DeadlineKind.COMPLETE_REVIEW).due == dt.date(2026, 9, 6)


def test_marking_chief_officers_sent_meets_their_deadline(cast, make_referral):
    referral = make_referral("review-open")
    for notification in referral.notifications.filter(kind="chief-officers"):
        services.notification_mark_sent(notification=notification, by=cast.manager)
    assert referral.deadlines.get(kind=DeadlineKind.NOTIFY_CHIEF_OFFICERS).met_at is not None


def test_an_extension_keeps_the_original_date(cast, make_referral):
    referral = make_referral("received", received_at=at(2026, 1, 5, 9))
    deadline = referral.deadlines.get(kind=DeadlineKind.DECISION)
    original = deadline.due
    with pytest.raises(NotAllowedNow):
        services.deadline_request_extension(
            deadline=deadline, by=cast.manager, new_due=dt.date(2026, 3, 1), reasons=""
        )
    services.deadline_request_extension(
        deadline=deadline,
        by=cast.manager,
        new_due=dt.date(2026, 3, 1),
        reasons="Awaiting the post-mortem report.",
    )
    with pytest.raises(PermissionDenied):
        services.deadline_approve_extension(deadline=deadline, by=cast.manager)
    services.deadline_approve_extension(deadline=deadline, by=cast.chair)
    deadline.refresh_from_db()
    # Manchester: the chair approves, then the inspectorate agrees (003 §3.1).
    assert deadline.due == dt.date(2026, 2, 5)
    services.deadline_record_inspectorate_agreement(deadline=deadline, by=cast.manager)
    deadline.refresh_from_db()
    assert deadline.due == dt.date(2026, 3, 1)
    assert deadline.original_due == original == dt.date(2026, 2, 5)
    assert deadline.extended


def test_a_stale_page_cannot_move_a_case_twice(cast, make_referral):
    referral = make_referral("received")
    stale = Referral.objects.get(pk=referral.pk)
    services.referral_ask_agencies(referral=referral, by=cast.manager)
    with pytest.raises(NotAllowedNow):
        services.referral_ask_agencies(referral=stale, by=cast.manager)
    assert referral.agency_requests.count() == 2


def test_the_facts_are_checked_against_the_boards_test(cast, make_referral):
    referral = make_referral("information-gathering")
    result = services.referral_record_facts(
        referral=referral, by=cast.subgroup[0], facts=DEATH_FACTS, other_children_note="None."
    )
    assert result.test.value == "wt2010" and result.outcome.value == "must"


def test_reminders_go_once_to_officers_whose_answer_is_due_soon(cast, make_referral):
    from casereview.referrals.tasks import send_reminders

    make_referral("information-gathering")
    mail.outbox.clear()
    with time_machine.travel(dt.datetime.now(tz=LONDON) + dt.timedelta(days=40)):
        assert send_reminders.call() == 2
        assert send_reminders.call() == 0
    assert len(mail.outbox) == 2 and "Canary" not in mail.outbox[0].body


def test_the_coroner_and_cps_are_told_only_where_the_case_involves_them(cast, make_referral):
    harm = make_referral("review-open", harm_type="serious-harm")
    kinds = set(harm.notifications.values_list("kind", flat=True))
    assert "coroner" not in kinds
    assert "cps" not in kinds
    death = make_referral("review-open", harm_type="death", parallel_processes=["criminal"])
    kinds = set(death.notifications.values_list("kind", flat=True))
    assert {"coroner", "cps"} <= kinds


def test_a_one_step_profile_extends_on_the_chairs_approval(cast, make_referral):
    profile = cast.board.profile
    profile.extension_two_step = False
    profile.save()
    referral = make_referral("received", received_at=at(2026, 1, 5, 9))
    deadline = referral.deadlines.get(kind=DeadlineKind.DECISION)
    services.deadline_request_extension(
        deadline=deadline, by=cast.manager, new_due=dt.date(2026, 3, 1), reasons="Post-mortem."
    )
    services.deadline_approve_extension(deadline=deadline, by=cast.chair)
    deadline.refresh_from_db()
    assert deadline.due == dt.date(2026, 3, 1)
    with pytest.raises(NotAllowedNow):
        services.deadline_record_inspectorate_agreement(deadline=deadline, by=cast.manager)
