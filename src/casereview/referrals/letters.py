"""Letters for a case, from the board's templates (or the defaults)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from casereview.boards.models import LetterKind, LetterTemplate, LetterTemplateStatus
from casereview.core import letters
from casereview.core.documents import document_store
from casereview.core.formats import long_date
from casereview.core.templating import TemplateRefused

from .models import Notification, NotificationKind, Referral

TEMPLATE_FOR = {
    NotificationKind.REFERRER: LetterKind.REFERRER_OUTCOME,
    NotificationKind.FAMILY: LetterKind.FAMILY_INVITATION,
}
# Letters that may name the child: only to agencies that must check their records.
NAMES_CHILD = {LetterKind.AGENCY_REQUEST}


def _in_use(board, kind: str) -> LetterTemplate | None:
    return LetterTemplate.objects.filter(
        board=board, kind=kind, status=LetterTemplateStatus.IN_USE
    ).first()


def template_bytes(board, kind: str) -> bytes:
    """The board's own template in use for a letter, or the default."""
    stored = _in_use(board, kind)
    if stored is not None:
        with stored.file.open("rb") as fh:
            return fh.read()
    return letters.default_template(kind)


def render_letter(board, kind: str, context: dict) -> bytes:
    """Fill the board's template, or the default; a template refused now is withdrawn (TP-1).

    The sandbox checks a template before rendering any of it, so one that reached storage by
    any path is refused with nothing rendered; the board is told, and the letter comes from
    the default so that the case does not wait.
    """
    stored = _in_use(board, kind)
    if stored is not None:
        with stored.file.open("rb") as fh:
            content = fh.read()
        try:
            return letters.render(kind, content, context, author=board.name)
        except TemplateRefused as exc:
            from casereview.boards.services import letter_template_withdraw

            letter_template_withdraw(template=stored, reasons=exc.messages)
    return letters.render(kind, letters.default_template(kind), context, author=board.name)


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
    content = render_letter(
        referral.board,
        kind,
        letter_context(
            referral, kind=kind, recipient=notification.recipient, due=notification.due_at
        ),
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
    content = render_letter(
        referral.board,
        kind,
        letter_context(referral, kind=kind, recipient=recipient, due=agency_request.due_at),
    )
    return document_store(
        board=referral.board,
        referral=referral,
        kind=f"letter:{kind}",
        title=f"Request to {agency_request.agency.name}",
        filename=f"{referral.reference}-request-{agency_request.agency_id}.docx",
        content=content,
    )
