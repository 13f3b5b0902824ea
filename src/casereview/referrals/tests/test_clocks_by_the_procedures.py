"""Issue 9: the case's clocks, criteria facts and agencies' answers, right by the procedures."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from casereview.conftest import DEATH_FACTS, _chair_of, referral_data
from casereview.core import timescales
from casereview.core.models import AuditEvent
from casereview.referrals import services
from casereview.referrals.lifecycle import NotAllowedNow, Outcome, Stage
from casereview.referrals.models import DeadlineKind

LONDON = zoneinfo.ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def at(*args):
    return dt.datetime(*args, tzinfo=LONDON)


def kinds(referral):
    return {d.kind: d for d in referral.deadlines.all()}


# --- wrong 4: Bedfordshire's completion clock counts from the panel meeting that decided -----


@time_machine.travel(at(2026, 3, 10, 12), tick=False)
def test_bedfordshires_review_clock_counts_from_the_panel_meeting_recorded_with_the_decision(
    cast, make_referral
):
    referral = make_referral("awaiting-decision", board=cast.other_board)
    services.referral_decide(
        referral=referral,
        by=_chair_of(cast.other_board),
        outcome=Outcome.SCR,
        reasons="",
        panel_met_on=dt.date(2026, 3, 9),
    )
    clock = kinds(referral)[DeadlineKind.COMPLETE_REVIEW]
    # 4 months from the meeting on 9 March, not from the decision on 10 March.
    assert clock.due == dt.date(2026, 7, 9)
    assert clock.counts_from == "the panel meeting that decided"
    assert "9 March 2026" in clock.note
    assert referral.decisions.get().panel_met_on == dt.date(2026, 3, 9)


@time_machine.travel(at(2026, 3, 10, 12), tick=False)
def test_a_board_counting_from_the_decision_counts_from_the_decision(cast, make_referral):
    referral = make_referral("review-open")  # Manchester: "the chair's approval"
    assert kinds(referral)[DeadlineKind.COMPLETE_REVIEW].due == dt.date(2026, 9, 10)


@time_machine.travel(at(2026, 3, 10, 12), tick=False)
def test_the_decision_page_asks_for_the_meeting_date_only_where_the_clock_counts_from_it(
    cast, as_person, make_referral
):
    bedfordshire = make_referral("awaiting-decision", board=cast.other_board)
    client = as_person(_chair_of(cast.other_board))
    url = reverse("referrals:decide", args=[bedfordshire.pk])
    assert "Date of the panel meeting that decided" in client.get(url).content.decode()
    refused = client.post(url, {"decision": "scr", "reasons": ""})
    assert refused.status_code == 200
    assert "Enter the date of the panel meeting that decided" in refused.content.decode()
    future = client.post(
        url,
        {
            "decision": "scr",
            "panel_met_on_0": "11",
            "panel_met_on_1": "3",
            "panel_met_on_2": "2026",
        },
    )
    assert "today or in the past" in future.content.decode()
    bedfordshire.refresh_from_db()
    assert bedfordshire.stage == Stage.AWAITING_DECISION
    answers = {
        "decision": "scr",
        "panel_met_on_0": "9",
        "panel_met_on_1": "3",
        "panel_met_on_2": "2026",
    }
    check = client.post(url, answers).content.decode()  # "check your answers" first
    assert "9 March 2026" in check and 'name="panel_met_on_0" value="9"' in check
    done = client.post(url, answers | {"confirmed": "yes"})
    assert done.status_code == 302
    assert kinds(bedfordshire)[DeadlineKind.COMPLETE_REVIEW].due == dt.date(2026, 7, 9)

    manchester = make_referral("awaiting-decision")
    page = as_person(cast.chair).get(reverse("referrals:decide", args=[manchester.pk]))
    assert "panel meeting that decided" not in page.content.decode()


# --- wrong 5: the recommendation is never due after the decision it feeds --------------------


def test_bedfordshires_recommendation_is_brought_forward_to_the_decision_and_says_so(cast):
    referral = services.referral_log(
        board=cast.other_board, by=cast.outsider, **referral_data(received_at=at(2024, 12, 23, 9))
    )
    clocks = kinds(referral)
    # 1 month would be 23 January 2025; the decision (28 days) is due on 20 January.
    assert clocks[DeadlineKind.DECISION].due == dt.date(2025, 1, 20)
    assert clocks[DeadlineKind.RECOMMENDATION].due == dt.date(2025, 1, 20)
    note = clocks[DeadlineKind.RECOMMENDATION].note
    assert "Brought forward" in note and "23 January 2025" in note


def test_a_recommendation_cannot_be_extended_past_the_decision_it_feeds(cast, make_referral):
    referral = make_referral("screening")
    recommendation = kinds(referral)[DeadlineKind.RECOMMENDATION]
    decision = kinds(referral)[DeadlineKind.DECISION]
    with pytest.raises(NotAllowedNow) as refused:
        services.deadline_request_extension(
            deadline=recommendation,
            by=cast.manager,
            new_due=decision.due_on + dt.timedelta(days=1),
            reasons="Waiting for the health records.",
        )
    assert refused.value.refusals[0].field == "new_due"
    assert "extend the chair's decision first" in refused.value.reasons[0]


# --- wrong 6: Manchester's next-meeting rule as shipped ---------------------------------------


@time_machine.travel(at(2026, 3, 2, 10), tick=False)
def test_without_meeting_dates_the_answers_deadline_says_the_fixed_span_applies(
    cast, make_referral
):
    profile = cast.board.profile
    profile.first_meeting_on = None  # as the Manchester preset ships
    profile.save()
    referral = make_referral("information-gathering")
    answers = kinds(referral)[DeadlineKind.AGENCY_ANSWERS]
    assert answers.due == dt.date(2026, 3, 9)  # 5 working days
    assert answers.rule == "5 working days from the agencies were asked"
    assert "no meeting dates" in answers.note and "fixed span applies" in answers.note
    assert "next sub group meeting" not in answers.rule


@time_machine.travel(at(2026, 3, 2, 10), tick=False)
def test_with_meeting_dates_the_answers_deadline_names_the_meeting(cast, make_referral):
    referral = make_referral("information-gathering")
    answers = kinds(referral)[DeadlineKind.AGENCY_ANSWERS]
    assert answers.due == dt.date(2026, 3, 16)
    assert answers.rule == "In time for the next sub group meeting"
    assert "17 March 2026" in answers.note


# --- wrong 10: contradictory facts are refused; the form asks what the test reads -------------


def test_contradictory_facts_are_refused_by_the_page_and_the_service(
    cast, as_person, make_referral
):
    referral = make_referral("information-gathering")
    client = as_person(cast.manager)
    response = client.post(
        reverse("referrals:facts", args=[referral.pk]),
        {"abuse_or_neglect": "none", "child_died": "on", "abuse_or_neglect_factor_in_death": "on"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "You chose &#x27;Neither&#x27; but also said abuse or neglect" in body
    suicide = client.post(
        reverse("referrals:facts", args=[referral.pk]),
        {"abuse_or_neglect": "known", "death_by_suicide": "on"},
    )
    assert "A death by suicide is a death" in suicide.content.decode()
    referral.refresh_from_db()
    assert referral.criteria_facts is None
    with pytest.raises(NotAllowedNow) as refused:
        services.referral_record_facts(
            referral=referral, by=cast.manager, facts={"abuse_or_neglect_factor_in_death": True}
        )
    assert {r.field for r in refused.value.refusals} == {
        "abuse_or_neglect",
        "abuse_or_neglect_factor_in_death",
    }


def test_the_facts_form_hides_what_the_test_ignores_and_starts_from_the_referral(
    cast, as_person, make_referral
):
    died = make_referral("information-gathering", harm_type="death")
    client = as_person(cast.manager)
    page = client.get(reverse("referrals:facts", args=[died.pk])).content.decode()
    # Manchester applies Working Together 2010, which does not ask "seriously harmed".
    assert 'name="seriously_harmed"' not in page
    assert "checked" in page.split('name="child_died"')[1][:80]
    assert "checked" not in page.split('name="interagency_concern"')[1][:80]
    bedfordshire = make_referral(
        "information-gathering", board=cast.other_board, harm_type="serious-harm"
    )
    profile = cast.other_board.profile
    profile.criteria_test = "reg5"
    profile.save()
    other = as_person(cast.outsider).get(reverse("referrals:facts", args=[bedfordshire.pk]))
    text = other.content.decode()
    assert 'name="seriously_harmed"' in text
    assert "checked" in text.split('name="seriously_harmed"')[1][:80]
    assert 'name="abuse_or_neglect_factor_in_death"' not in text


# --- wrong 11: the chair's consultation, recorded on its own ---------------------------------


def test_the_chairs_consultation_is_recorded_on_its_own_and_meets_its_deadline(
    cast, as_person, make_referral
):
    referral = make_referral("received", board=cast.other_board)  # Bedfordshire: 2 working days
    chair = _chair_of(cast.other_board)
    client = as_person(chair)
    detail = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert 'id="record-consultation"' in detail
    url = reverse("referrals:chair-consultation", args=[referral.pk])
    assert client.get(url).status_code == 200
    when = referral.received_at.astimezone(LONDON) + dt.timedelta(hours=2)
    response = client.post(
        url,
        {
            "consulted": "Panel members for police and health",
            "how": "call",
            "consulted_at_0_0": str(when.day),
            "consulted_at_0_1": str(when.month),
            "consulted_at_0_2": str(when.year),
            "consulted_at_1": when.strftime("%H:%M"),
            "note": "Agreed to screen at the next meeting.",
        },
    )
    assert response.status_code == 302
    consultation = referral.chair_consultations.get()
    assert consultation.consulted == "Panel members for police and health"
    assert consultation.recorded_by == chair
    deadline = kinds(referral)[DeadlineKind.CHAIR_CONSULTS]
    assert deadline.met_at == when.replace(second=0, microsecond=0)
    assert referral.stage == Stage.RECEIVED  # no recommendation needed
    assert AuditEvent.objects.filter(kind="CHAIR_CONSULTED", referral_id=referral.pk).count() == 1
    shown = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Panel members for police and health" in shown


def test_a_consultation_in_the_future_or_without_who_is_refused(cast, make_referral):
    referral = make_referral("received", board=cast.other_board)
    with pytest.raises(NotAllowedNow) as refused:
        services.chair_consultation_record(
            referral=referral,
            by=_chair_of(cast.other_board),
            consulted=" ",
            how="call",
            consulted_at=referral.received_at + dt.timedelta(days=30),
        )
    assert {r.field for r in refused.value.refusals} == {"consulted", "consulted_at"}
    assert not referral.chair_consultations.exists()


# --- wrong 14: a chair who agrees need not type the sub group's reasons again ----------------


def test_a_chair_agreeing_with_a_recommendation_that_departs_adopts_its_reasons(
    cast, make_referral
):
    referral = make_referral("screening")  # criteria: must (the child died)
    services.referral_recommend(
        referral=referral,
        by=cast.manager,
        outcome=Outcome.NO_FURTHER_ACTION,
        reasons="A homicide review already covers the agencies' work.",
        participants=cast.subgroup,
        consulted_by="meeting",
    )
    decision = services.referral_decide(
        referral=referral, by=cast.chair, outcome=Outcome.NO_FURTHER_ACTION, reasons=""
    )
    assert decision.agrees and decision.departs_from_criteria
    assert decision.reasons == "A homicide review already covers the agencies' work."
    assert decision.reasons_from_sub_group
    referral.refresh_from_db()
    assert referral.stage == Stage.CLOSED


def test_a_chair_who_disagrees_still_gives_reasons_of_their_own(cast, make_referral):
    referral = make_referral("awaiting-decision")
    with pytest.raises(NotAllowedNow):
        services.referral_decide(
            referral=referral, by=cast.chair, outcome=Outcome.NO_FURTHER_ACTION, reasons=""
        )


# --- wrong 15: an agency's request closes when the sub group has recommended -----------------


def test_a_request_is_not_answerable_once_the_case_moved_on_and_its_deadline_is_not_needed(
    cast, as_person, make_referral
):
    referral = make_referral("awaiting-decision")
    request = referral.agency_requests.get(agency=cast.police)
    client = as_person(cast.police_officer)
    url = reverse("referrals:answer", args=[request.pk])
    page = client.get(url).content.decode()
    assert "This request can no longer be answered" in page
    assert 'name="answer"' not in page
    client.post(url, {"answer": "known", "information": "Late."})
    request.refresh_from_db()
    assert request.answered_at is None
    answers = kinds(referral)[DeadlineKind.AGENCY_ANSWERS]
    assert answers.state() is timescales.DeadlineState.NOT_NEEDED
    assert "2 of the 2 agencies" in answers.not_needed
    assert referral.deadlines.pending().filter(kind=DeadlineKind.AGENCY_ANSWERS).count() == 0
    services.referral_decide(referral=referral, by=cast.chair, outcome=Outcome.SCR, reasons="")
    assert "the review has opened" in client.get(url).content.decode()


def test_a_sub_group_asked_to_reconvene_takes_answers_again(cast, make_referral):
    referral = make_referral("awaiting-decision")
    services.referral_decide(
        referral=referral, by=cast.chair, outcome=None, refer_back=True, reasons="Reconvene."
    )
    answers = kinds(referral)[DeadlineKind.AGENCY_ANSWERS]
    assert answers.met_at is None and not answers.not_needed
    request = referral.agency_requests.get(agency=cast.police)
    services.agency_request_answer(
        request=request, by=cast.police_officer, answer="not-known", information=""
    )


# --- unclear 3: non-working days, extensions to them, and the bar's legend ------------------


def test_a_day_that_is_not_a_working_day_is_named():
    nation = timescales.Nation.ENGLAND_AND_WALES
    assert timescales.non_working_day(dt.date(2026, 3, 7), nation) == "a Saturday"
    assert timescales.non_working_day(dt.date(2026, 12, 25), nation) == (
        "Christmas Day, a bank holiday"
    )
    assert timescales.non_working_day(dt.date(2026, 3, 9), nation) is None


def test_a_deadline_on_a_weekend_says_so_and_the_bar_has_a_legend(cast, as_person):
    # Manchester: 1 month from Saturday 7 February 2026 is Saturday 7 March.
    referral = services.referral_log(
        board=cast.board, by=cast.manager, **referral_data(received_at=at(2026, 2, 7, 10))
    )
    assert kinds(referral)[DeadlineKind.DECISION].falls_on == "a Saturday"
    page = as_person(cast.manager).get(reverse("referrals:detail", args=[referral.pk]))
    body = page.content.decode()
    assert "This is a Saturday" in body
    assert 'id="deadline-legend"' in body
    assert "Due within 5 working days, whatever share of its time has gone" in body
    assert "share of the time gone" in body


def test_an_extension_to_christmas_day_warns_before_it_is_requested(cast, as_person, make_referral):
    referral = make_referral("screening")
    deadline = kinds(referral)[DeadlineKind.DECISION]
    client = as_person(cast.manager)
    url = reverse("referrals:deadline-extend", args=[referral.pk, deadline.pk])
    data = {"new_due_0": "25", "new_due_1": "12", "new_due_2": "2030", "reasons": "Records."}
    warned = client.post(url, data)
    body = warned.content.decode()
    assert warned.status_code == 200
    assert "25 December 2030 is Christmas Day, a bank holiday, not a working day" in body
    assert 'name="non_working_day"' in body and 'type="checkbox"' in body
    deadline.refresh_from_db()
    assert deadline.extension_to is None
    confirmed = client.post(url, {**data, "non_working_day": "on"})
    assert confirmed.status_code == 302
    deadline.refresh_from_db()
    assert deadline.extension_to.date() == dt.date(2030, 12, 25)


def test_facts_of_a_death_case_still_record_as_before(cast, make_referral):
    referral = make_referral("information-gathering")
    result = services.referral_record_facts(
        referral=referral, by=cast.manager, facts=DEATH_FACTS, other_children_note="None."
    )
    assert result.outcome.value == "must"
