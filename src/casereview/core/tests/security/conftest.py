"""A small world of objects for the security tests: two boards, each object with a canary."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.test import Client

from casereview.conftest import make_person, sign_in, sub_group_of


@dataclass
class World:
    """Objects of the cast's board (``own``) and of the other board (``other``)."""

    cast: object
    own: dict = field(default_factory=dict)
    other: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)
    canaries: list = field(default_factory=list)


def _canary(label: str) -> str:
    return f"Canary{label}Xq7"


CHRONOLOGY_HEADER = (
    "DATE,CONTACT WITH CHILD,CONTACT WITH PARENTS/CARERS and other family members,"
    "INTER/INTRA-AGENCY COMMUNICATION,SOURCE OF RECORD,STAFF INVOLVED,COMMENT\n"
)
CHRONOLOGY_CSV = CHRONOLOGY_HEADER + (
    "03/02/2024,Officers attended the home after a report of shouting.,,,Case notes,AB,\n"
    "20/06/2024,,Officer visited the home after Mother A reported a fight.,,Case notes,AB,\n"
)
KEY_CSV = """\
name,label,category,aliases,dob,sex,deceased,subject,household,agency,role
Ava Canarykey,Child A,family,,03/05/2017,f,no,yes,yes,,
Lena Canarykey,Mother,family,,,f,no,no,yes,,Mother
"""
IMR_TEXT = "Ava Canarykey was seen at school with Lena Canarykey. Craig Unknownname called.\n"


def _letter_template() -> bytes:
    from casereview.core.letters import default_template

    return default_template("decision-notice")


# The files the matrix posts to the routes that accept them (policy.ACCEPTS_FILES).
FILES = {
    "letter-template.docx": _letter_template,
    "chronology.csv": lambda: CHRONOLOGY_CSV.encode(),
    "key-reference.csv": lambda: (
        KEY_CSV.splitlines()[0] + "\nMira Postedkey,Sibling B,family,,,f,no,no,yes,,\n"
    ).encode(),
    "imr.txt": lambda: b"A posted report about the family.\n",
}


def _workspace(objects: dict, cast, people: dict) -> None:
    """The review's chronologies, key reference, glossary, genogram, documents and exports."""
    from casereview.anonymisation import services as anonymise
    from casereview.anonymisation.models import RelationKind
    from casereview.chronologies import services as chronology
    from casereview.chronologies import tasks
    from casereview.chronologies.models import ExportJob

    review, commission = objects["review"], objects["commission"]
    author = people["police_author"]
    sent = chronology.chronology_upload(
        commission=commission, name="chronology.csv", content=CHRONOLOGY_CSV.encode(), by=author
    )
    chronology.chronology_submit(submission=sent, staff_ids="AB", by=author)
    objects["merged-row"] = sent.entries.order_by("pk").first()
    draft = chronology.chronology_draft_start(commission=commission, by=author)
    objects["draft-row"] = draft.entries.order_by("pk").first()
    chronology.chronology_share(review=review, by=cast.manager)
    # Exports are made by a task after commit (never, in a test's transaction): run it here.
    job = chronology.export_request(review=review, fmt="csv", by=cast.manager)
    tasks.export_merged.call(job.pk)
    objects["export-job"] = ExportJob.objects.get(pk=job.pk)

    anonymise.key_import(review=review, text=KEY_CSV, by=cast.admin)
    entries = list(review.key_entries.order_by("pk"))
    objects["key-entry"] = entries[0]
    objects["glossary-term"] = anonymise.glossary_add(
        review=review, term="IMR", meaning="Individual management review", by=cast.admin
    )
    objects["relation"] = anonymise.relation_add(
        review=review,
        person=entries[1],
        relation=RelationKind.PARENT_OF,
        other=entries[0],
        by=cast.admin,
    )
    document = anonymise.document_upload(
        review=review,
        title="Police IMR",
        filename="imr.txt",
        content=IMR_TEXT.encode(),
        by=cast.admin,
    )
    objects["review-document"] = document
    objects["run"] = anonymise.document_anonymise(document=document, by=cast.admin)


@pytest.fixture
def world(cast, make_referral) -> World:
    """Referrals at each stage the pages need, with a request, deadline, notification, document."""
    from casereview.boards.models import Membership
    from casereview.core.documents import document_store
    from casereview.core.roles import Role
    from casereview.referrals import services
    from casereview.referrals.lifecycle import Outcome
    from casereview.referrals.models import DeadlineKind

    w = World(cast=cast)
    stages = ["received", "information-gathering", "screening", "awaiting-decision"]
    for stage in [*stages, "review-open"]:
        name = _canary(stage.title().replace("-", ""))
        w.own[stage] = make_referral(stage, child_name=name)
        w.canaries.append(name)

    info = w.own["information-gathering"]
    # A second case at information gathering with its facts recorded: ready to screen.
    ready = make_referral("information-gathering", child_name=_canary("ReadyToScreen"))
    w.canaries.append(ready.child_name)
    from casereview.conftest import DEATH_FACTS

    services.referral_record_facts(
        referral=ready, by=cast.manager, facts=DEATH_FACTS, other_children_note="None."
    )
    w.own["ready-to-screen"] = ready
    w.own["request"] = info.agency_requests.get(agency=cast.police)
    w.own["health-request"] = info.agency_requests.get(agency=cast.health)
    deadline = info.deadlines.get(kind=DeadlineKind.AGENCY_ANSWERS)
    services.deadline_request_extension(
        deadline=deadline,
        by=cast.manager,
        new_due=deadline.effective_due_at.date() + dt.timedelta(days=30),
        reasons="Synthetic reasons.",
    )
    w.own["deadline"] = deadline
    # Where the profile asks for two steps: approved by the chair, awaiting the inspectorate.
    profile = cast.board.profile
    profile.extension_two_step = True
    profile.save()
    # The decision's: the recommendation's may not be extended past the decision it feeds.
    approved = w.own["screening"].deadlines.get(kind=DeadlineKind.DECISION)
    services.deadline_request_extension(
        deadline=approved,
        by=cast.manager,
        new_due=approved.effective_due_at.date() + dt.timedelta(days=30),
        reasons="Synthetic reasons.",
    )
    services.deadline_approve_extension(deadline=approved, by=cast.chair)
    w.own["approved-deadline"] = approved
    w.own["notification"] = w.own["review-open"].notifications.order_by("pk").first()
    w.own["document-bytes"] = b"%PDF-1.4 " + _canary("DocumentBytes").encode()
    w.own["document"] = document_store(
        board=cast.board,
        referral=info,
        kind="letter:decision-notice",
        title="Synthetic letter",
        filename="letter.pdf",
        content=w.own["document-bytes"],
        content_type="application/pdf",
        by=cast.manager,
    )
    w.own["board"] = cast.board
    w.own["membership"] = _bystander(cast.board, "bystander@test.test")
    w.own["agency"] = cast.education
    w.own["exclusion"] = _exclusion(w.own["received"], w.own["membership"], by=cast.manager)
    _review_objects(w.own, cast.subgroup[1], by=cast.manager)
    w.canaries += ["Ava Canarykey", "Lena Canarykey"]

    # The other board: a chair of its own so its case can reach an open review.
    other_chair = make_person("otherchair@test.test", "Other Chair")
    Membership.objects.create(person=other_chair, board=cast.other_board, role=Role.CHAIR)
    other = make_referral("screening", board=cast.other_board, child_name=_canary("OtherBoardCase"))
    w.canaries.append(other.child_name)
    services.referral_recommend(
        referral=other,
        by=cast.outsider,
        outcome=Outcome.SCR,
        reasons="Criteria met.",
        participants=sub_group_of(cast.other_board, cast),
        consulted_by="meeting",
        methodology="Systems",
        imr_agencies=[cast.other_agency],
        panel_agencies=[cast.other_agency],
    )
    services.referral_decide(referral=other, by=other_chair, outcome=Outcome.SCR, reasons="")
    # Each decided case's letters, as the worker writes them (its emails are not the point).
    from casereview.referrals.letters import letter_for_notification

    for decided in (w.own["review-open"], other):
        for notification in decided.notifications.all():
            notification.letter = letter_for_notification(notification)
            notification.save(update_fields=["letter"])
    other_info = make_referral(
        "information-gathering", board=cast.other_board, child_name=_canary("OtherBoardInfo")
    )
    w.canaries.append(other_info.child_name)
    for stage in [*stages, "review-open", "ready-to-screen"]:
        w.other[stage] = other_info if stage != "review-open" else other
    w.other["request"] = other_info.agency_requests.get()
    w.other["health-request"] = w.other["request"]
    w.other["deadline"] = other_info.deadlines.get(kind=DeadlineKind.AGENCY_ANSWERS)
    w.other["approved-deadline"] = w.other["deadline"]
    w.other["notification"] = other.notifications.order_by("pk").first()
    w.other["document-bytes"] = b"%PDF-1.4 " + _canary("OtherDocumentBytes").encode()
    w.other["document"] = document_store(
        board=cast.other_board,
        referral=other_info,
        kind="letter:decision-notice",
        title="Synthetic letter",
        filename="letter.pdf",
        content=w.other["document-bytes"],
        content_type="application/pdf",
        by=cast.outsider,
    )
    w.other["board"] = cast.other_board
    w.other["membership"] = _bystander(cast.other_board, "otherbystander@test.test")
    w.other["agency"] = cast.other_agency
    w.other["exclusion"] = _exclusion(other_info, w.other["membership"], by=cast.outsider)
    _review_objects(w.other, other_chair, by=cast.outsider)

    # Someone whose only membership of the first board has ended (AZ-4).
    former = make_person("former@test.test", "Former Manager")
    Membership.objects.create(
        person=former, board=cast.board, role=Role.BUSINESS_MANAGER, is_active=False
    )
    w.people = people = {
        "chair": cast.chair,
        "manager": cast.manager,
        "admin": cast.admin,
        "subgroup": cast.subgroup[0],
        "police_officer": cast.police_officer,
        "health_officer": cast.health_officer,
        "police_author": cast.police_author,
        "outsider": cast.outsider,
        "former_manager": former,
    }
    _workspace(w.own, cast, people)
    return w


def _bystander(board, email: str):
    """A board member whose role the matrix may end without changing any role it tests."""
    from casereview.boards.models import Membership
    from casereview.core.roles import Role

    person = make_person(email, "Board Bystander")
    return Membership.objects.create(person=person, board=board, role=Role.BOARD_MEMBER)


def _exclusion(referral, membership, *, by):
    """The bystander excluded from a case: a conflict the matrix may end."""
    from casereview.referrals.services import case_exclusion_declare

    return case_exclusion_declare(
        referral=referral, person=membership.person, reasons="Synthetic conflict.", by=by
    )


def _review_objects(objects: dict, panel_member, *, by) -> None:
    """The review opened on the case at review-open: a commission and a panel member."""
    from casereview.reviews.models import ReviewRole
    from casereview.reviews.services import review_member_add

    review = objects["review-open"].review
    objects["review"] = review
    objects["commission"] = review.commissions.order_by("pk").first()
    objects["review-member"] = review_member_add(
        review=review, person=panel_member, role=ReviewRole.PANEL_MEMBER, by=by
    )


@pytest.fixture
def clients(world) -> dict[str, Client]:
    """One signed-in client per role of the policy, and an anonymous one."""
    result = {"anonymous": Client()}
    for role, person in world.people.items():
        result[role] = sign_in(Client(), person)
    return result
