"""Letters for a case, from the board's templates (or the defaults)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from casereview.boards.models import LetterKind, LetterTemplate
from casereview.core import letters
from casereview.core.documents import document_store
from casereview.core.formats import long_date

from .models import Notification, NotificationKind, Referral

TEMPLATE_FOR = {
    NotificationKind.REFERRER: LetterKind.REFERRER_OUTCOME,
    NotificationKind.FAMILY: LetterKind.FAMILY_INVITATION,
}
# Letters that may name the child: only to agencies that must check their records.
NAMES_CHILD = {LetterKind.AGENCY_REQUEST}


def template_bytes(board, kind: str) -> bytes:
    stored = LetterTemplate.objects.filter(board=board, kind=kind).first()
    if stored is not None:
        with stored.file.open("rb") as fh:
            return fh.read()
    return letters.default_template(kind)


def letter_context(referral: Referral, *, kind: str, recipient: str, due=None) -> dict:
    decision = referral.decisions.first()
    context = {
        "board_name": referral.board.name,
        "marking": referral.board.marking,
        "reference": referral.reference,
        "today": long_date(timezone.localdate()),
        "recipient": recipient,
        "due": long_date(timezone.localtime(due)) if due else "",
        "outcome": decision.get_outcome_display() if decision and decision.outcome else "",
        "reasons": decision.reasons if decision else "",
        "sign_in_url": settings.SITE_URL + reverse("accounts:sign-in"),
        "child_name": "",
        "child_date_of_birth": "",
    }
    if kind in NAMES_CHILD:
        context["child_name"] = referral.child_name
        context["child_date_of_birth"] = (
            long_date(referral.child_date_of_birth) if referral.child_date_of_birth else "not known"
        )
    return context


def letter_for_notification(notification: Notification):
    referral = notification.referral
    kind = TEMPLATE_FOR.get(notification.kind, LetterKind.DECISION_NOTICE)
    content = letters.render(
        template_bytes(referral.board, kind),
        letter_context(
            referral, kind=kind, recipient=notification.recipient, due=notification.due_at
        ),
        author=referral.board.name,
    )
    return document_store(
        board=referral.board,
        referral=referral,
        kind=f"letter:{kind}",
        title=f"Letter: {notification.get_kind_display()} — {notification.recipient}",
        filename=f"{referral.reference}-{notification.kind}-{notification.pk}.docx",
        content=content,
    )


def letter_for_agency_request(agency_request):
    referral = agency_request.referral
    kind = LetterKind.AGENCY_REQUEST
    recipient = f"{agency_request.agency.named_officer}, {agency_request.agency.name}"
    content = letters.render(
        template_bytes(referral.board, kind),
        letter_context(referral, kind=kind, recipient=recipient, due=agency_request.due_at),
        author=referral.board.name,
    )
    return document_store(
        board=referral.board,
        referral=referral,
        kind=f"letter:{kind}",
        title=f"Request to {agency_request.agency.name}",
        filename=f"{referral.reference}-request-{agency_request.agency_id}.docx",
        content=content,
    )
