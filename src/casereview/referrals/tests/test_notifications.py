"""Who is told of a decision, and what each letter says (DOMAIN.md 2.4; issue 9)."""

from __future__ import annotations

import io

import pytest
from docx import Document as WordDocument

from casereview.boards.models import Membership
from casereview.boards.presets import apply_preset
from casereview.conftest import _chair_of
from casereview.core.roles import Role
from casereview.referrals import services
from casereview.referrals.lifecycle import Outcome
from casereview.referrals.notification_plan import (
    CaseFacts,
    Occasion,
    involves_coroner_and_cps,
    notification_plan,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def make_referral(make_referral, django_capture_on_commit_callbacks):
    """Cases whose letters are written: the work queued on commit runs as each is made."""

    def _make(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return make_referral(*args, **kwargs)

    return _make


@pytest.fixture(autouse=True)
def _committed(monkeypatch, django_capture_on_commit_callbacks):
    """A decision's letters are written when it commits, as in the worker."""
    real = services.referral_decide

    def decide(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return real(**kwargs)

    monkeypatch.setattr(services, "referral_decide", decide)


NOT_MET = {"abuse_or_neglect": "none"}
SCR_ONLY = {
    "ofsted",
    "dfe",
    "national-panel",
    "inspectorate-csci",
    "dfes",
    "strategic-health-authority",
}


def text_of(document) -> str:
    with document.file.open("rb") as fh:
        doc = WordDocument(io.BytesIO(fh.read()))
    parts = [p.text for p in doc.paragraphs]
    parts += [p.text for section in doc.sections for p in section.header.paragraphs]
    return "\n".join(parts)


def decided(make_referral, *, board, outcome: Outcome, reasons: str = "", **overrides):
    """A case whose chair decided ``outcome`` against the sub group's serious case review."""
    referral = make_referral("awaiting-decision", board=board, **overrides)
    services.referral_decide(
        referral=referral, by=_chair_of(board), outcome=outcome, reasons=reasons
    )
    return referral


def no_further_action_agreed(cast, make_referral, *, sub_group_reasons: str, **overrides):
    """A case the sub group recommends closing and whose chair agrees, adding nothing."""
    referral = make_referral("information-gathering", **overrides)
    services.referral_record_facts(
        referral=referral, by=cast.manager, facts=NOT_MET, other_children_note="None."
    )
    services.referral_begin_screening(referral=referral, by=cast.manager)
    services.referral_recommend(
        referral=referral,
        by=cast.manager,
        outcome=Outcome.NO_FURTHER_ACTION,
        reasons=sub_group_reasons,
        participants=cast.subgroup,
        consulted_by="meeting",
    )
    services.referral_decide(
        referral=referral, by=cast.chair, outcome=Outcome.NO_FURTHER_ACTION, reasons=""
    )
    return referral


def kinds(referral) -> set[str]:
    return set(referral.notifications.values_list("kind", flat=True))


# --- 1: after no further action, the letters carry the sub group's reasons


def test_after_no_further_action_agreed_the_referrer_and_ofsted_letters_carry_the_sub_groups_reasons(  # noqa: E501
    cast, make_referral
):
    reasons = "The harm was accidental; no agency could have foreseen it."
    referral = no_further_action_agreed(cast, make_referral, sub_group_reasons=reasons)
    decision = referral.decisions.get()
    # The chair typed none: the sub group's reasons are the decision's, recorded as theirs.
    assert decision.agrees and decision.reasons_from_sub_group and decision.reasons == reasons
    for kind in ("referrer", "ofsted"):
        text = text_of(referral.notifications.get(kind=kind).letter)
        assert f"The reasons are: {reasons}" in text, kind


# --- 2: which notifications go depends on the outcome


def test_a_near_miss_review_in_bedfordshire_does_not_notify_the_inspectorate_dfes_or_sha(
    cast, make_referral
):
    near_miss = decided(
        make_referral,
        board=cast.other_board,
        outcome=Outcome.NEAR_MISS_REVIEW,
        reasons="A near miss: the learning is in one team's practice.",
    )
    assert not kinds(near_miss) & SCR_ONLY
    assert {"chief-officers", "referrer"} <= kinds(near_miss)
    scr = make_referral("review-open", board=cast.other_board)
    assert {"inspectorate-csci", "dfes", "strategic-health-authority"} <= kinds(scr)


def test_an_inter_agency_management_review_in_south_gloucestershire_does_not_notify_ofsted_the_dfe_or_the_national_panel(  # noqa: E501
    cast, make_referral
):
    cast.board.profile = apply_preset(cast.board, "south-gloucestershire")
    review = decided(
        make_referral,
        board=cast.board,
        outcome=Outcome.INTERAGENCY_MANAGEMENT_REVIEW,
        reasons="The agencies' managers can learn this among themselves.",
    )
    assert not kinds(review) & {"ofsted", "dfe", "national-panel", "director-childrens-services"}
    scr = make_referral("review-open")
    assert {"ofsted", "dfe", "national-panel", "director-childrens-services"} <= kinds(scr)


def test_the_plan_takes_the_boards_list_for_the_decisions_occasion():
    lists = {
        Occasion.SERIOUS_CASE_REVIEW: ["chief-officers", "ofsted"],
        Occasion.OTHER_REVIEW: ["chief-officers"],
        Occasion.NO_REVIEW: ["referrer", "ofsted"],
    }
    order = ["chief-officers", "referrer", "ofsted"]
    plan = lambda outcome: notification_plan(lists, outcome, CaseFacts(), order=order)  # noqa: E731
    assert (
        plan(Outcome.SCR) == plan(Outcome.WHOLLY_INDEPENDENT_REVIEW) == ["chief-officers", "ofsted"]
    )
    assert plan(Outcome.NEAR_MISS_REVIEW) == ["chief-officers"]
    assert plan(Outcome.NO_FURTHER_ACTION) == plan(None) == ["referrer", "ofsted"]


# --- 3: the Coroner and the CPS together, for criminal proceedings or a death


@pytest.mark.parametrize(
    ("facts", "written_to"),
    [
        (CaseFacts(), False),
        (CaseFacts(died=True), True),
        (CaseFacts(criminal_proceedings=True), True),
        (CaseFacts(inquest=True), True),
    ],
)
def test_the_coroner_and_the_cps_are_both_written_to_for_criminal_proceedings_or_a_death(
    facts, written_to
):
    assert involves_coroner_and_cps(facts) is written_to
    lists = {Occasion.SERIOUS_CASE_REVIEW: ["coroner", "cps", "referrer"]}
    plan = notification_plan(lists, Outcome.SCR, facts, order=["referrer", "coroner", "cps"])
    assert plan == (["referrer", "coroner", "cps"] if written_to else ["referrer"])


def test_a_death_alone_and_criminal_proceedings_alone_each_write_to_both(cast, make_referral):
    death = make_referral("review-open", harm_type="death")
    criminal = make_referral("review-open", parallel_processes=["criminal"])
    assert {"coroner", "cps"} <= kinds(death)
    assert {"coroner", "cps"} <= kinds(criminal)


# --- 6: Manchester's family letter and Head of Safeguarding


def test_manchesters_family_letter_is_due_at_the_panels_first_meeting_not_after_the_decision(
    cast, make_referral
):
    assert cast.board.profile.family_letter_due == "panel-first-meeting"
    family = make_referral("review-open").notifications.get(kind="family")
    assert family.due_at is None
    assert family.due_when == "At the panel's first meeting"
    profile = cast.board.profile
    profile.family_letter_due = "with-notifications"
    profile.save()
    assert make_referral("review-open").notifications.get(kind="family").due_at is not None


def test_manchester_tells_the_head_of_safeguarding_and_sends_ofsted_its_reasons_via_them(
    cast, make_referral
):
    scr = make_referral("review-open")
    assert "head-of-safeguarding" in kinds(scr)
    closed = no_further_action_agreed(cast, make_referral, sub_group_reasons="Not met.")
    assert {"head-of-safeguarding", "ofsted"} <= kinds(closed)
    ofsted = closed.notifications.get(kind="ofsted")
    assert ofsted.recipient == "Ofsted, via the CSC Head of Safeguarding"
    assert "Sent via the CSC Head of Safeguarding." in text_of(ofsted.letter)


# --- 13: each kind of recipient has its own letter, filled completely

SECURE = "secure your agency's records"


def test_each_kind_of_recipient_has_its_own_letter_and_only_agencies_are_asked_to_secure_records(
    cast, make_referral
):
    referral = make_referral("review-open", harm_type="death", parallel_processes=["criminal"])
    letters = {n.kind: n.letter for n in referral.notifications.select_related("letter")}
    assert letters["chief-officers"].kind == "letter:decision-notice"
    assert letters["ofsted"].kind == "letter:inspectorate-notice"
    assert letters["board-members"].kind == "letter:information-notice"
    assert letters["coroner"].kind == letters["cps"].kind == "letter:coroner-cps-notice"
    assert letters["safeguard-other-children"].kind == "letter:safeguarding-action"
    for kind in ("ofsted", "board-members", "coroner", "cps", "director-childrens-services"):
        assert SECURE not in text_of(letters[kind]), kind
    assert SECURE in text_of(letters["chief-officers"])


def test_every_letter_carries_the_reference_and_a_signatory_named_as_the_board_names_them(
    cast, make_referral
):
    Membership.objects.filter(
        board=cast.board, role=Role.BUSINESS_MANAGER, person=cast.manager
    ).update(name="Jo Boardname")
    referral = make_referral("review-open", harm_type="death")
    for notification in referral.notifications.select_related("letter"):
        text = text_of(notification.letter)
        assert f"Our reference: {referral.reference}" in text, notification.kind
        assert "Jo Boardname\nBusiness manager, Northbrook Safeguarding Children Board" in text
        assert "{{" not in text and "{%" not in text


def test_a_board_whose_chair_signs_names_its_chair(cast, make_referral):
    profile = cast.board.profile
    profile.letters_signed_by = "chair"
    profile.save()
    Membership.objects.filter(board=cast.board, role=Role.CHAIR).update(name="Sam Chairname")
    referral = make_referral("review-open")
    text = text_of(referral.notifications.get(kind="referrer").letter)
    assert "Sam Chairname\nChair, Northbrook Safeguarding Children Board" in text


def test_the_chief_officers_letter_names_the_child_so_records_can_be_found_and_the_others_do_not(
    cast, make_referral
):
    referral = make_referral("review-open", child_name="Zebedee Canaryson")
    letters = {n.kind: text_of(n.letter) for n in referral.notifications.all()}
    assert "about Zebedee Canaryson (born 1 May 2019)" in letters["chief-officers"]
    assert "within 20 working days" in letters["chief-officers"]  # Manchester's chronology
    for kind in ("ofsted", "board-members", "referrer", "family"):
        assert "Zebedee" not in letters[kind], kind


def test_the_reasons_stand_where_they_apply_and_no_blank_stands_for_them(cast, make_referral):
    referral = decided(
        make_referral,
        board=cast.board,
        outcome=Outcome.INTERAGENCY_MANAGEMENT_REVIEW,
        reasons="The chair's own reasons for a lighter review.",
    )
    letters = {n.kind: text_of(n.letter) for n in referral.notifications.all()}
    for kind in ("referrer", "ofsted", "board-members"):
        assert "The reasons are: The chair's own reasons" in letters[kind], kind
    assert "The reasons are" not in letters["chief-officers"]
    assert all("The reasons are: \n" not in t and ": ." not in t for t in letters.values())
