"""One set of clocks: every deadline of a case and its review, counted in the board's nation,
extendable keeping its original, and a miss told once however often the sweep runs."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from casereview.boards.models import Board, ProcedureProfile
from casereview.boards.presets import apply_preset, presets, profile_fields
from casereview.core.lifecycle import NotAllowedNow
from casereview.core.models import AuditEvent, SideEffect
from casereview.core.timescales import DeadlineState
from casereview.referrals import services, tasks
from casereview.referrals.models import Deadline, DeadlineKind
from casereview.reviews.services import commission_mark_received, commission_set_dates

LONDON = zoneinfo.ZoneInfo("Europe/London")
D = dt.date.fromisoformat


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def _board_with(cast, preset: str, nation: str) -> Board:
    profile = apply_preset(cast.board, preset)
    profile.nation = nation
    profile.save()
    return Board.objects.select_related("profile").get(pk=cast.board.pk)


# Each start is a Monday whose spans cross a bank holiday of that nation only, or of it first:
# Christmas, Boxing Day (substitute) and New Year's Day in England and Wales (Scotland adds
# its 4 January substitute day); St Andrew's Day, 30 November, in Scotland; the Battle of the
# Boyne, 12 July, in Northern Ireland. Calendar weeks skip no holiday anywhere.
CROSSINGS = {
    "england-and-wales": (
        at(2026, 12, 14, 10),
        {"20 working days": D("2027-01-14"), "30 working days": D("2027-01-28")},
    ),
    "scotland": (
        at(2026, 11, 16, 10),
        {"20 working days": D("2026-12-15"), "30 working days": D("2026-12-31")},
    ),
    "northern-ireland": (
        at(2027, 6, 28, 10),
        {"20 working days": D("2027-07-27"), "30 working days": D("2027-08-10")},
    ),
}
# Where the same start, counted in England and Wales, would fall instead: the nation matters.
IN_ENGLAND = {
    "scotland": (D("2026-12-14"), D("2026-12-30")),
    "northern-ireland": (D("2027-07-26"), D("2027-08-09")),
}


def _expected(start: dt.datetime, table: dict, span: str) -> dt.date:
    if span in table:
        return table[span]
    weeks = {"4 weeks": 4, "6 weeks": 6}[span]
    return start.date() + dt.timedelta(weeks=weeks)


@pytest.mark.parametrize("nation", sorted(CROSSINGS))
@pytest.mark.parametrize("preset", sorted(presets()))
def test_commission_deadlines_count_the_presets_spans_across_the_nations_bank_holidays(
    cast, make_referral, preset, nation
):
    board = _board_with(cast, preset, nation)
    start, table = CROSSINGS[nation]
    with time_machine.travel(start, tick=False):
        review = make_referral("review-open", board=board, received_at=start).review
    [commission] = review.commissions.select_related("chronology_deadline", "report_deadline")
    fields = profile_fields(preset)
    chronology = _expected(start, table, fields["chronology_within"])
    report = _expected(start, table, fields["agency_report_within"])
    assert (commission.chronology_due_on, commission.report_due_on) == (chronology, report)
    assert chronology < report  # chronology first (DOMAIN.md 2.7)
    if fields["chronology_within"].endswith("working days") and nation in IN_ENGLAND:
        assert (chronology, report) != IN_ENGLAND[nation]
    # Each is a tracked deadline of the case, one per kind and agency, that counts from the
    # commissioning and owes to the agency.
    for deadline, kind, span in (
        (commission.chronology_deadline, DeadlineKind.CHRONOLOGY, fields["chronology_within"]),
        (commission.report_deadline, DeadlineKind.AGENCY_REPORT, fields["agency_report_within"]),
    ):
        assert (deadline.referral_id, deadline.kind, deadline.agency) == (
            review.referral_id,
            kind,
            cast.police,
        )
        assert (deadline.span, deadline.counts_from) == (span, "the agency was commissioned")
        assert deadline.original_due == deadline.due
        assert review.referral.deadlines.filter(kind=kind).count() == 1


def test_the_report_label_uses_the_boards_word_for_it(cast, make_referral):
    board = _board_with(cast, "bedfordshire", "england-and-wales")
    review = make_referral("review-open", board=board).review
    assert review.commissions.get().report_deadline.label == "Northbrook Police: SAMR"


@pytest.mark.parametrize("preset", sorted(presets()))
def test_every_preset_asks_for_the_chronology_before_the_report(preset):
    profile = ProcedureProfile(**profile_fields(preset))
    profile.clean()  # raises if the report would fall due first


def test_a_profile_whose_report_falls_due_before_its_chronology_is_refused():
    profile = ProcedureProfile(
        **profile_fields("generic")
        | {"chronology_within": "6 weeks", "agency_report_within": "20 working days"}
    )
    with pytest.raises(ValidationError) as refused:
        profile.clean()
    assert "agency_report_within" in refused.value.message_dict


def test_a_second_deadline_of_a_kind_needs_its_own_key(cast, make_referral):
    from django.db import IntegrityError, transaction

    referral = make_referral("review-open")
    deadline = referral.deadlines.get(kind=DeadlineKind.CHRONOLOGY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Deadline.objects.create(
            referral=referral,
            kind=DeadlineKind.CHRONOLOGY,
            key=deadline.key,
            label="Again",
            span="1 week",
            counts_from="x",
            starts_at=deadline.starts_at,
            due_at=deadline.due_at,
            effective_due_at=deadline.due_at,
        )


# --- due soon in the board's nation ------------------------------------------------------

# From Friday 20 December 2024, 2 January 2025 is the 6th working day in England and Wales but
# the 5th in Scotland, where 2 January is a bank holiday: due soon (5 working days) only there.
SOON_NOW = at(2024, 12, 20, 9)


@pytest.mark.parametrize(
    ("nation", "state"),
    [("england-and-wales", DeadlineState.DUE), ("scotland", DeadlineState.DUE_SOON)],
)
def test_due_soon_counts_the_working_days_of_the_boards_nation(
    cast, make_referral, as_person, nation, state
):
    board = _board_with(cast, "manchester", nation)
    referral = make_referral("received", board=board, received_at=at(2024, 12, 2, 9))
    decision = referral.deadlines.get(kind=DeadlineKind.DECISION)
    assert decision.due == D("2025-01-02")
    assert decision.state(SOON_NOW) is state
    with time_machine.travel(SOON_NOW, tick=False):
        client = as_person(cast.manager)
        page = client.get(reverse("referrals:detail", args=[referral.pk]))
        dashboard = client.get(reverse("home:dashboard"))
    shown = {d.kind: d.state_now for d in page.context["deadlines"]}
    assert shown[DeadlineKind.DECISION] is state
    [case] = [
        i
        for g in dashboard.context["groups"]
        if g.kind == "Cases by next deadline"
        for i in g.items
        if i.reference == referral.reference
    ]
    assert case.state is state


def test_due_soon_on_the_review_page_counts_the_boards_nation(cast, make_referral, as_person):
    board = _board_with(cast, "manchester", "scotland")
    review = make_referral("review-open").review
    commission = review.commissions.get()
    commission_set_dates(
        commission=commission,
        by=cast.manager,
        chronology_due_on=D("2025-01-02"),
        report_due_on=D("2025-02-28"),
    )
    assert board.profile.nation == "scotland"
    with time_machine.travel(SOON_NOW, tick=False):
        page = as_person(cast.manager).get(reverse("reviews:detail", args=[review.pk]))
    [shown] = page.context["commissions"]
    assert shown.chronology_deadline.state_now is DeadlineState.DUE_SOON
    assert shown.report_deadline.state_now is DeadlineState.DUE
    assert "Due soon" in page.content.decode()


# --- set at scoping, extended, met -----------------------------------------------------------


def test_scoping_sets_a_commissions_dates_as_its_deadlines(cast, make_referral):
    review = make_referral("review-open").review
    commission = review.commissions.get()
    commission_set_dates(
        commission=commission,
        by=cast.manager,
        chronology_due_on=D("2027-03-01"),
        report_due_on=D("2027-04-01"),
    )
    chronology = Deadline.objects.get(pk=commission.chronology_deadline_id)
    assert (chronology.due, chronology.original_due) == (D("2027-03-01"), D("2027-03-01"))
    assert chronology.counts_from == "the scoping meeting"
    commission.refresh_from_db()
    assert commission.report_due_on == D("2027-04-01")


def test_extending_a_commission_deadline_keeps_its_original_date(cast, make_referral):
    review = make_referral("review-open").review
    commission = review.commissions.get()
    deadline = commission.chronology_deadline
    original, report = deadline.due, commission.report_due_on
    new_due = original + dt.timedelta(days=21)
    services.deadline_request_extension(
        deadline=deadline, by=cast.manager, new_due=new_due, reasons="The author is ill."
    )
    # Scoping cannot move a date under an extension: only the extension's approvals do.
    with pytest.raises(NotAllowedNow) as refused:
        commission_set_dates(
            commission=commission,
            by=cast.manager,
            chronology_due_on=original + dt.timedelta(days=7),
            report_due_on=report,
        )
    assert list(refused.value.by_field()) == ["chronology_due_on"]
    services.deadline_approve_extension(deadline=deadline, by=cast.chair)
    # Manchester asks for two approvals: the chair's, then the inspectorate's (003 §3.1).
    deadline.refresh_from_db()
    assert deadline.due == original
    services.deadline_record_inspectorate_agreement(deadline=deadline, by=cast.manager)
    commission.refresh_from_db()
    assert commission.chronology_due_on == new_due
    assert commission.chronology_deadline.original_due == original
    assert commission.chronology_deadline.extended
    assert commission.report_due_on == report  # counted from commissioning, not moved
    kinds = set(
        AuditEvent.objects.filter(object_id=str(deadline.pk)).values_list("kind", flat=True)
    )
    assert {
        "EXTENSION_REQUESTED",
        "EXTENSION_APPROVED",
        "EXTENSION_AGREED_BY_INSPECTORATE",
    } <= kinds


def test_a_received_chronology_meets_its_deadline_once(cast, make_referral):
    review = make_referral("review-open").review
    commission = review.commissions.get()
    first, later = at(2027, 1, 4, 12), at(2027, 1, 9, 12)
    assert commission_mark_received(commission=commission, part="chronology", at=first)
    assert not commission_mark_received(commission=commission, part="chronology", at=later)
    commission.refresh_from_db()
    assert commission.chronology_received_at == first
    assert commission.chronology_deadline.met_at == first
    assert commission.report_deadline.met_at is None
    assert commission.chronology_deadline.state() is DeadlineState.MET


# --- missed: one event and one reminder ------------------------------------------------------

OPENED = at(2026, 12, 14, 10)  # Manchester: chronology due 14 January, report 28 January 2027
AFTER_CHRONOLOGY = at(2027, 1, 15, 9)


class WorkerKilled(BaseException):
    """The worker process dies (a kill -9 takes no except clause with it)."""


@pytest.fixture
def missed(cast, make_referral, settings):
    # The sweep queues itself again in an hour: a backend that keeps it rather than runs it.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with time_machine.travel(OPENED, tick=False):
        review = make_referral("review-open", received_at=OPENED).review
    mail.outbox.clear()
    return review


def _sweep_at(moment: dt.datetime) -> None:
    with time_machine.travel(moment, tick=False):
        tasks.sweep.call()


def _missed_events():
    return list(AuditEvent.objects.filter(kind="DEADLINE_MISSED"))


def _to(person) -> list:
    return [m for m in mail.outbox if m.to == [person.email]]


def _assert_told_once(cast, review):
    chronology = review.commissions.get().chronology_deadline
    events = _missed_events()
    assert [e.object_id for e in events].count(str(chronology.pk)) == 1
    missed = Deadline.objects.filter(missed_at__isnull=False)
    assert sorted(int(e.object_id) for e in events) == sorted(d.pk for d in missed)
    assert not missed.filter(kind=DeadlineKind.AGENCY_REPORT).exists()  # not due yet
    # The business manager hears of every miss once; the police officer of their agency's own.
    assert len(_to(cast.manager)) == len(events)
    assert len(_to(cast.police_officer)) == 1
    assert len(mail.outbox) == len(events) + 1


def test_a_missed_deadline_writes_one_event_and_sends_one_reminder_however_often_it_sweeps(
    cast, missed
):
    referral = missed.referral
    for hours in (0, 0, 1, 5):
        _sweep_at(AFTER_CHRONOLOGY + dt.timedelta(hours=hours))
    _assert_told_once(cast, missed)
    chronology = Deadline.objects.get(pk=missed.commissions.get().chronology_deadline_id)
    assert chronology.missed_at == AFTER_CHRONOLOGY
    assert chronology.missed_reminded_at is not None
    # ML-1: the email names no case, child or agency.
    for message in mail.outbox:
        text = message.subject + message.body
        assert referral.reference not in text
        assert referral.child_name not in text
        assert "Police" not in text


def test_a_deadline_not_yet_passed_is_not_missed(cast, missed):
    chronology = missed.commissions.get().chronology_deadline
    _sweep_at(at(2027, 1, 14, 23, 0))  # its last day is not over
    assert str(chronology.pk) not in [e.object_id for e in _missed_events()]
    assert _to(cast.police_officer) == []


def test_a_worker_killed_between_the_claim_and_the_email_reminds_once_when_it_restarts(
    cast, missed, monkeypatch
):
    def killed(*args, **kwargs):
        raise WorkerKilled

    with monkeypatch.context() as patched:
        patched.setattr(tasks, "_email", killed)
        with pytest.raises(WorkerKilled):
            _sweep_at(AFTER_CHRONOLOGY)
    # The claim and its event stand; no reminder went.
    assert _missed_events()
    assert mail.outbox == []
    # The restarted worker's sweeps send each reminder once, and claim nothing again.
    _sweep_at(AFTER_CHRONOLOGY + dt.timedelta(hours=1))
    _sweep_at(AFTER_CHRONOLOGY + dt.timedelta(hours=2))
    _assert_told_once(cast, missed)


def test_a_worker_killed_after_the_email_before_recording_it_sends_nothing_twice(cast, missed):
    _sweep_at(AFTER_CHRONOLOGY)
    # As if the worker died after sending, before it recorded the reminders as sent.
    Deadline.objects.update(missed_reminded_at=None)
    _sweep_at(AFTER_CHRONOLOGY + dt.timedelta(hours=1))
    _assert_told_once(cast, missed)
    assert SideEffect.objects.filter(key__startswith="deadline-missed:").count() == len(mail.outbox)


def test_an_extended_deadline_is_watched_again_and_its_new_date_missed_once(cast, missed):
    _sweep_at(AFTER_CHRONOLOGY)
    chronology = Deadline.objects.get(pk=missed.commissions.get().chronology_deadline_id)
    with time_machine.travel(AFTER_CHRONOLOGY + dt.timedelta(hours=2), tick=False):
        services.deadline_request_extension(
            deadline=chronology, by=cast.manager, new_due=D("2027-01-20"), reasons="Records late."
        )
        services.deadline_approve_extension(deadline=chronology, by=cast.chair)
        services.deadline_record_inspectorate_agreement(deadline=chronology, by=cast.manager)
    chronology.refresh_from_db()
    assert chronology.missed_at is None
    assert chronology.original_due == D("2027-01-14")
    _sweep_at(at(2027, 1, 20, 12))  # not yet
    officer_mails = len(_to(cast.police_officer))
    for day in (21, 21, 22):
        _sweep_at(at(2027, 1, day, 9))
    events = [e for e in _missed_events() if e.object_id == str(chronology.pk)]
    assert len(events) == 2  # the original date, then the extended one
    assert len(_to(cast.police_officer)) == officer_mails + 1


def test_a_met_deadline_is_never_missed(cast, missed):
    commission = missed.commissions.get()
    commission_mark_received(commission=commission, part="chronology", at=at(2027, 1, 14, 16))
    _sweep_at(AFTER_CHRONOLOGY)
    assert str(commission.chronology_deadline_id) not in [e.object_id for e in _missed_events()]
    assert _to(cast.police_officer) == []
