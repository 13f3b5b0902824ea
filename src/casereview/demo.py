"""The demo board: invented people and cases, built through every app's services.

It sits on top, beside the CLI: it reaches every app, and no app imports it. The
``load_demo`` command (the home app's) loads it idempotently.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from casereview.accounts.models import Person
from casereview.boards.models import Agency, AgencyKind, Board, Membership
from casereview.boards.presets import apply_preset
from casereview.core.roles import Role

DEMO_PASSWORD = "demo-password-not-for-real-use"  # noqa: S105 (development data)

AGENCIES = [
    ("Northbrook Police", AgencyKind.POLICE),
    ("Northbrook Children's Social Care", AgencyKind.SOCIAL_CARE),
    ("Northbrook Community Health Trust", AgencyKind.HEALTH),
    ("Northbrook Education Service", AgencyKind.EDUCATION),
    ("Northbrook Probation", AgencyKind.PROBATION),
    ("Northbrook Homes", AgencyKind.HOUSING),
    ("Northbrook Voluntary Action", AgencyKind.VOLUNTARY),
]

# email, full name, role, agency index (None for board roles)
PEOPLE = [
    ("chair@demo.test", "Avery Chair", Role.CHAIR, None),
    ("manager@demo.test", "Blair Manager", Role.BUSINESS_MANAGER, None),
    ("admin@demo.test", "Casey Admin", Role.ADMINISTRATOR, None),
    ("subgroup1@demo.test", "Dana Subgroup", Role.SUBGROUP_MEMBER, None),
    ("subgroup2@demo.test", "Ellis Subgroup", Role.SUBGROUP_MEMBER, None),
    ("subgroup3@demo.test", "Frankie Subgroup", Role.SUBGROUP_MEMBER, None),
    ("subgroup4@demo.test", "Gray Subgroup", Role.SUBGROUP_MEMBER, None),
    ("police@demo.test", "Harper Police", Role.NAMED_OFFICER, 0),
    ("socialcare@demo.test", "Indy Socialcare", Role.NAMED_OFFICER, 1),
    ("health@demo.test", "Jordan Health", Role.NAMED_OFFICER, 2),
    ("education@demo.test", "Kai Education", Role.NAMED_OFFICER, 3),
    ("probation@demo.test", "Lee Probation", Role.NAMED_OFFICER, 4),
    ("housing@demo.test", "Morgan Housing", Role.NAMED_OFFICER, 5),
    ("voluntary@demo.test", "Noel Voluntary", Role.NAMED_OFFICER, 6),
    ("author@demo.test", "Oakley Author", Role.AGENCY_AUTHOR, 0),
    ("reviewer@demo.test", "Parker Reviewer", Role.OVERVIEW_AUTHOR, None),
    ("member@demo.test", "Quinn Member", Role.BOARD_MEMBER, None),
    ("observer@demo.test", "Reese Observer", Role.OBSERVER, None),
]


def demo_secret(email: str) -> tuple[str, str]:
    """A stable TOTP key for a demo account: (hex for django-otp, base32 for the app)."""
    raw = hashlib.sha256(f"casereview-demo:{email}".encode()).digest()[:20]
    return raw.hex(), base64.b32encode(raw).decode()


@transaction.atomic
def load_demo() -> list[tuple[str, str, str]]:
    board, _ = Board.objects.get_or_create(
        slug="northbrook",
        defaults=dict(
            name="Northbrook Safeguarding Children Board",
            short_name="Northbrook",
            reference_prefix="NSCB",
        ),
    )
    if not hasattr(board, "profile"):
        profile = apply_preset(board, "manchester")
        profile.first_meeting_on = dt.date(2026, 1, 6)
        profile.save()
    agencies = [
        Agency.objects.get_or_create(board=board, name=name, defaults={"kind": kind})[0]
        for name, kind in AGENCIES
    ]
    printed = []
    people = {}
    for email, name, role, agency_index in PEOPLE:
        person = Person.objects.filter(email=email).first()
        if person is None:
            person = Person.objects.create_user(email, DEMO_PASSWORD, full_name=name)
        people[email] = person
        agency = agencies[agency_index] if agency_index is not None else None
        Membership.objects.get_or_create(
            person=person, board=board, role=role, agency=agency, defaults={"name": name}
        )
        if role is Role.NAMED_OFFICER and agency.named_officer_id is None:
            agency.named_officer = person
            agency.save(update_fields=["named_officer"])
        hex_key, b32 = demo_secret(email)
        TOTPDevice.objects.get_or_create(
            user=person, name="Demo authenticator", defaults={"key": hex_key, "confirmed": True}
        )
        printed.append((role.label + (f" ({agency.name})" if agency else ""), email, b32))
    printed.append(_other_board())
    if not board.referrals.exists():
        _demo_cases(board, agencies, people)
    _demo_waiting_work(board, people)
    return printed


def _other_board() -> tuple[str, str, str]:
    """A second board, so the separation between boards can be seen."""
    board, created = Board.objects.get_or_create(
        slug="southvale",
        defaults=dict(
            name="Southvale Safeguarding Children Partnership",
            short_name="Southvale",
            reference_prefix="SSCP",
        ),
    )
    if created:
        apply_preset(board, "bedfordshire")
    person = Person.objects.filter(email="manager@southvale.test").first()
    if person is None:
        person = Person.objects.create_user(
            "manager@southvale.test", DEMO_PASSWORD, full_name="Sam Southvale"
        )
    Membership.objects.get_or_create(
        person=person, board=board, role=Role.BUSINESS_MANAGER, defaults={"name": person.full_name}
    )
    hex_key, b32 = demo_secret(person.email)
    TOTPDevice.objects.get_or_create(
        user=person, name="Demo authenticator", defaults={"key": hex_key, "confirmed": True}
    )
    return ("Business manager of another board (Southvale)", person.email, b32)


def _demo_cases(board, agencies, people) -> None:
    from casereview.referrals import services
    from casereview.referrals.lifecycle import Outcome

    admin, manager = people["admin@demo.test"], people["manager@demo.test"]
    people["chair@demo.test"]
    subgroup = [people[f"subgroup{i}@demo.test"] for i in range(1, 5)]
    now = timezone.now()

    def log(days_ago: int, child: str, harm: str, summary: str):
        return services.referral_log(
            board=board,
            by=admin,
            received_at=now - dt.timedelta(days=days_ago),
            referrer_kind="agency",
            referrer_name="Riley Referrer",
            referrer_organisation="Northbrook Community Health Trust",
            referrer_email="referrer@demo.test",
            child_name=child,
            child_date_of_birth=dt.date(2019, 4, 2),
            child_address="1 Example Row, Northbrook",
            child_ethnicity="Not recorded",
            child_religion="Not recorded",
            child_language="English",
            incident_on=(now - dt.timedelta(days=days_ago + 2)).date(),
            harm_type=harm,
            incident_summary=summary,
            agencies_involved=agencies[:4],
        )

    log(1, "Child Alpha", "serious-harm", "Admitted to hospital with unexplained injuries.")

    gathering = log(12, "Child Bravo", "serious-harm", "Serious injury; neglect suspected.")
    services.referral_ask_agencies(referral=gathering, by=admin)
    first = gathering.agency_requests.first()
    services.agency_request_answer(
        request=first,
        by=first.agency.named_officer,
        answer="known",
        information="Two contacts in the last year about missed appointments.",
    )

    screening = log(20, "Child Charlie", "death", "Died at home; neglect suspected.")
    services.referral_ask_agencies(referral=screening, by=admin)
    services.referral_record_facts(
        referral=screening,
        by=manager,
        facts={
            "abuse_or_neglect": "suspected",
            "child_died": True,
            "abuse_or_neglect_factor_in_death": True,
            "interagency_concern": True,
        },
        other_children_note="One sibling, now living with grandparents; social care visited.",
    )
    services.referral_begin_screening(referral=screening, by=manager)

    waiting = log(40, "Child Delta", "serious-harm", "Life-threatening injuries; abuse suspected.")
    services.referral_ask_agencies(referral=waiting, by=admin)
    services.referral_record_facts(
        referral=waiting,
        by=manager,
        facts={
            "abuse_or_neglect": "suspected",
            "life_threatening_injury": True,
            "interagency_concern": True,
        },
    )
    services.referral_begin_screening(referral=waiting, by=manager)
    services.referral_recommend(
        referral=waiting,
        by=manager,
        outcome=Outcome.SCR,
        reasons="Serious harm with clear concerns about how agencies shared information.",
        participants=subgroup,
        consulted_by="meeting",
        methodology="Systems approach",
        imr_agencies=agencies[:4],
        panel_agencies=agencies,
    )

    review_case = log(60, "Child Echo", "death", "Died in hospital; neglect suspected.")
    services.referral_ask_agencies(referral=review_case, by=admin)
    services.referral_record_facts(
        referral=review_case,
        by=manager,
        facts={
            "abuse_or_neglect": "suspected",
            "child_died": True,
            "abuse_or_neglect_factor_in_death": True,
            "interagency_concern": True,
        },
        other_children_note="No other children in the household.",
    )
    services.referral_begin_screening(referral=review_case, by=manager)
    services.referral_recommend(
        referral=review_case,
        by=manager,
        outcome=Outcome.SCR,
        reasons="The child died and neglect is suspected; agencies' concerns were not shared.",
        participants=subgroup,
        consulted_by="meeting",
        methodology="Systems approach",
        imr_agencies=agencies[:3],
        panel_agencies=agencies,
    )
    services.referral_decide(
        referral=review_case, by=people["chair@demo.test"], outcome=Outcome.SCR, reasons=""
    )
    from casereview.reviews.models import ReviewRole
    from casereview.reviews.services import review_member_add

    review = review_case.review
    review_member_add(
        review=review,
        person=people["author@demo.test"],
        role=ReviewRole.AGENCY_AUTHOR,
        agency=agencies[0],
        by=manager,
    )
    review_member_add(
        review=review, person=people["subgroup1@demo.test"], role=ReviewRole.PANEL_CHAIR, by=manager
    )
    review_member_add(
        review=review,
        person=people["reviewer@demo.test"],
        role=ReviewRole.OVERVIEW_AUTHOR,
        by=manager,
    )


def _demo_waiting_work(board, people) -> None:
    """Work for every role that has some: an extension for the chair, a panel member.

    Each step is skipped when its state is already there, so that a demo loaded before these
    were added gains them, and loading again changes nothing.
    """
    from casereview.referrals import services
    from casereview.referrals.models import Deadline, DeadlineKind
    from casereview.reviews.models import Review, ReviewMember, ReviewRole
    from casereview.reviews.services import review_member_add

    manager = people["manager@demo.test"]
    pending = Deadline.objects.pending().filter(referral__board=board)
    if not pending.filter(extension_to__isnull=False).exists():
        deadline = (
            pending.filter(kind=DeadlineKind.DECISION).order_by("-referral__received_at").first()
        )
        if deadline is not None:
            services.deadline_request_extension(
                deadline=deadline,
                by=manager,
                new_due=timezone.localtime(deadline.effective_due_at).date()
                + dt.timedelta(weeks=4),
                reasons="The police have asked for time while their investigation continues.",
            )
    review = Review.objects.filter(referral__board=board).first()
    member = people["subgroup2@demo.test"]
    if (
        review is not None
        and not ReviewMember.objects.filter(review=review, person=member).exists()
    ):
        review_member_add(review=review, person=member, role=ReviewRole.PANEL_MEMBER, by=manager)
