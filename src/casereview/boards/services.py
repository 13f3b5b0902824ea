"""Changes to a board's people and agencies; each one audited."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from casereview.accounts.models import Person
from casereview.core import models as audit
from casereview.core.permissions import require

from .models import Agency, Membership


@transaction.atomic
def membership_grant(*, board, by, email: str, role: str, full_name: str = "", agency=None):
    """Give a person a role on the board, creating their account (no password) if needed.

    The board names the person as its manager typed (``Membership.name``): an account that
    already exists, perhaps on another board, keeps its own name, which is not shown here.
    """
    require(by, "board.manage_people", board)
    email = email.lower()
    person = Person.objects.filter(email=email).first()
    created = person is None
    if created:
        person = Person.objects.create_user(email, None, full_name=full_name.strip())
    name = full_name.strip()
    membership, _ = Membership.objects.get_or_create(
        person=person, board=board, role=role, agency=agency, defaults={"name": name}
    )
    if not membership.is_active or (name and membership.name != name):
        Membership.objects.filter(pk=membership.pk).update(
            is_active=True, name=name or membership.name
        )
        membership.refresh_from_db()
    audit.record(
        "MEMBERSHIP_GRANTED",
        actor=by,
        board_id=board.pk,
        obj=membership,
        detail={"person": person.pk, "role": role, "new_account": created},
    )
    if created:
        transaction.on_commit(lambda: _invite(person))
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, by) -> None:
    """End a role: the person's next request no longer has it (SECURITY.md AZ-4).

    The roles they hold on the board's reviews that rested on it end with it.
    """
    # Imported here: reviews build on boards, and this is the one place boards reach up.
    from casereview.reviews.services import review_roles_end_unsupported

    require(by, "board.manage_people", membership.board)
    Membership.objects.filter(pk=membership.pk).update(is_active=False)
    audit.record(
        "MEMBERSHIP_ENDED",
        actor=by,
        board_id=membership.board_id,
        obj=membership,
        detail={"person": membership.person_id, "role": membership.role},
    )
    review_roles_end_unsupported(person=membership.person, by=by, because="board role ended")


@transaction.atomic
def agency_add(*, board, by, name: str, kind: str, named_officer=None) -> Agency:
    require(by, "board.manage_people", board)
    agency = Agency.objects.create(board=board, name=name, kind=kind, named_officer=named_officer)
    audit.record("AGENCY_ADDED", actor=by, board_id=board.pk, obj=agency, detail={"kind": kind})
    return agency


def _invite(person: Person) -> None:
    """Email a link to choose a password; the email holds no case details (ML-1)."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.urls import reverse

    link = settings.SITE_URL + reverse(
        "accounts:password-reset-confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
            "token": default_token_generator.make_token(person),
        },
    )
    send_mail(
        "Your Casereview account",
        "An account has been made for you in Casereview.\n\n"
        f"Choose a password here (the link works once): {link}\n\n"
        "You will then set up two-factor authentication with an authenticator app.",
        settings.DEFAULT_FROM_EMAIL,
        [person.email],
    )


@transaction.atomic
def agency_change(*, agency: Agency, by, named_officer, kind: str, is_active: bool) -> None:
    require(by, "board.manage_people", agency.board)
    Agency.objects.filter(pk=agency.pk).update(
        named_officer=named_officer, kind=kind, is_active=is_active
    )
    audit.record(
        "AGENCY_CHANGED",
        actor=by,
        board_id=agency.board_id,
        obj=agency,
        detail={
            "named_officer": named_officer.pk if named_officer else None,
            "kind": kind,
            "is_active": is_active,
        },
    )
