"""One fixed cast of people used by every test that needs a database (STYLE.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

PASSWORD = "a-long-test-password-for-the-cast"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@dataclass
class Cast:
    board: object
    other_board: object
    police: object
    health: object
    social_care: object
    education: object
    other_agency: object
    chair: object
    manager: object
    admin: object
    subgroup: list
    police_officer: object
    health_officer: object
    police_author: object
    outsider: object


def make_person(email: str, name: str):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from casereview.accounts.models import Person

    person = Person.objects.create_user(email, PASSWORD, full_name=name)
    TOTPDevice.objects.create(user=person, name="test", confirmed=True)
    return person


def make_board(slug: str, preset: str = "manchester"):
    from casereview.boards.models import Board
    from casereview.boards.presets import apply_preset

    board = Board.objects.create(
        name=f"{slug.title()} Safeguarding Children Board",
        short_name=slug.title(),
        slug=slug,
        reference_prefix=slug[:4].upper(),
    )
    profile = apply_preset(board, preset)
    profile.first_meeting_on = dt.date(2026, 1, 6)
    profile.save()
    return board


@pytest.fixture
def cast(db) -> Cast:
    from casereview.boards.models import Agency, Membership
    from casereview.core.roles import Role

    board = make_board("northbrook")
    other = make_board("southvale", "bedfordshire")

    def agency(b, name, kind):
        return Agency.objects.create(board=b, name=name, kind=kind)

    police = agency(board, "Northbrook Police", "police")
    health = agency(board, "Northbrook Health", "health")
    social_care = agency(board, "Northbrook Social Care", "social-care")
    education = agency(board, "Northbrook Schools", "education")
    other_agency = agency(other, "Southvale Police", "police")

    def member(email, name, role, b=board, ag=None):
        person = make_person(email, name)
        Membership.objects.create(
            person=person, board=b, role=role, agency=ag, name=person.full_name
        )
        return person

    chair = member("chair@test.test", "Test Chair", Role.CHAIR)
    manager = member("manager@test.test", "Test Manager", Role.BUSINESS_MANAGER)
    admin = member("admin@test.test", "Test Admin", Role.ADMINISTRATOR)
    subgroup = [
        member(f"sub{i}@test.test", f"Sub Member {i}", Role.SUBGROUP_MEMBER) for i in range(1, 5)
    ]
    police_officer = member("police@test.test", "Police Officer", Role.NAMED_OFFICER, ag=police)
    health_officer = member("health@test.test", "Health Officer", Role.NAMED_OFFICER, ag=health)
    police_author = member("author@test.test", "Police Author", Role.AGENCY_AUTHOR, ag=police)
    for a, officer in ((police, police_officer), (health, health_officer)):
        a.named_officer = officer
        a.save()
    outsider = member("outsider@test.test", "Other Board Manager", Role.BUSINESS_MANAGER, b=other)
    other_agency.named_officer = outsider
    other_agency.save()
    return Cast(
        board=board,
        other_board=other,
        police=police,
        health=health,
        social_care=social_care,
        education=education,
        other_agency=other_agency,
        chair=chair,
        manager=manager,
        admin=admin,
        subgroup=subgroup,
        police_officer=police_officer,
        health_officer=health_officer,
        police_author=police_author,
        outsider=outsider,
    )


def sign_in(client, person):
    """Sign a person in with verified two-factor, as the real sign-in would."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = person.totpdevice_set.get().persistent_id
    session.save()
    return client


@pytest.fixture
def as_person(client):
    def _as(person):
        return sign_in(client, person)

    return _as


def referral_data(**overrides) -> dict:
    data = dict(
        received_at=timezone.now() - dt.timedelta(days=1),
        referrer_kind="agency",
        referrer_name="Test Referrer",
        referrer_organisation="Northbrook Health",
        referrer_email="referrer@test.test",
        child_name="Canary Childname",
        child_date_of_birth=dt.date(2019, 5, 1),
        child_address="1 Test Street",
        incident_on=timezone.localdate() - dt.timedelta(days=3),
        harm_type="serious-harm",
        incident_summary="Synthetic incident for tests.",
    )
    data.update(overrides)
    return data


DEATH_FACTS = {
    "abuse_or_neglect": "suspected",
    "child_died": True,
    "abuse_or_neglect_factor_in_death": True,
    "interagency_concern": True,
}


def _chair_of(board):
    from casereview.boards.models import Membership
    from casereview.core.roles import Role

    membership = Membership.objects.filter(board=board, role=Role.CHAIR).first()
    if membership is not None:
        return membership.person
    person = make_person(f"chair@{board.slug}.test", f"{board.short_name} Chair")
    Membership.objects.create(person=person, board=board, role=Role.CHAIR, name=person.full_name)
    return person


def sub_group_of(board, cast) -> list:
    """Four people who count towards the board's quorum (its own sub group, never another's)."""
    from casereview.boards.models import Membership
    from casereview.core.roles import Role

    if board == cast.board:
        return cast.subgroup
    people = []
    for i in range(1, 5):
        email = f"sub{i}@{board.slug}.test"
        person = _person_with(email) or make_person(email, f"{board.short_name} Sub Member {i}")
        Membership.objects.get_or_create(
            person=person,
            board=board,
            role=Role.SUBGROUP_MEMBER,
            defaults={"name": person.full_name},
        )
        people.append(person)
    return people


def _person_with(email: str):
    from casereview.accounts.models import Person

    return Person.objects.filter(email=email).first()


@pytest.fixture
def make_referral(cast):
    """A referral at a given stage, moved there by the real services."""
    from casereview.referrals import services
    from casereview.referrals.lifecycle import Outcome

    def _make(stage: str = "received", *, board=None, **overrides):
        board = board or cast.board
        manager = cast.manager if board == cast.board else cast.outsider
        referral = services.referral_log(board=board, by=manager, **referral_data(**overrides))
        if stage == "received":
            return referral
        services.referral_ask_agencies(referral=referral, by=manager)
        if stage == "information-gathering":
            return referral
        services.referral_record_facts(
            referral=referral, by=manager, facts=DEATH_FACTS, other_children_note="None."
        )
        services.referral_begin_screening(referral=referral, by=manager)
        if stage == "screening":
            return referral
        # A serious case review where the board's procedure has one, else its first review.
        options = [Outcome(o) for o in board.profile.decision_options]
        outcome = (
            Outcome.SCR if Outcome.SCR in options else next(o for o in options if o.opens_review)
        )
        services.referral_recommend(
            referral=referral,
            by=manager,
            outcome=outcome,
            reasons="Criteria met.",
            participants=sub_group_of(board, cast),
            consulted_by="meeting",
            methodology="Systems",
            imr_agencies=[cast.police],
            panel_agencies=[cast.police, cast.health],
        )
        if stage == "awaiting-decision":
            return referral
        chair = cast.chair if board == cast.board else _chair_of(board)
        services.referral_decide(referral=referral, by=chair, outcome=outcome, reasons="")
        return referral

    return _make
