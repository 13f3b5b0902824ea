"""Letters for a case, from the board's templates (or the defaults)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from casereview.boards.models import (
    LetterKind,
    LettersSignedBy,
    LetterTemplate,
    LetterTemplateStatus,
    Membership,
)
from casereview.core import letters
from casereview.core.documents import document_store
from casereview.core.formats import long_date
from casereview.core.roles import Role
from casereview.core.templating import KINDS, TemplateRefused

from .models import Decision, Notification, NotificationKind, Referral

K = NotificationKind
# Each kind of recipient has its own letter (issue 9, 13): only the agencies are asked to
# secure their records; the inspectorate, government, the Coroner and board members are not.
TEMPLATE_FOR = {
    K.SAFEGUARD_OTHER_CHILDREN: LetterKind.SAFEGUARDING_ACTION,
    K.CHIEF_OFFICERS: LetterKind.DECISION_NOTICE,
    K.REFERRER: LetterKind.REFERRER_OUTCOME,
    K.BOARD_MEMBERS: LetterKind.INFORMATION_NOTICE,
    K.DIRECTOR: LetterKind.INFORMATION_NOTICE,
    K.HEAD_OF_SAFEGUARDING: LetterKind.INFORMATION_NOTICE,
    K.COMMUNICATIONS: LetterKind.INFORMATION_NOTICE,
    K.LEGAL: LetterKind.INFORMATION_NOTICE,
    K.OFSTED: LetterKind.INSPECTORATE_NOTICE,
    K.DFE: LetterKind.INSPECTORATE_NOTICE,
    K.NATIONAL_PANEL: LetterKind.INSPECTORATE_NOTICE,
    K.CSCI: LetterKind.INSPECTORATE_NOTICE,
    K.DFES: LetterKind.INSPECTORATE_NOTICE,
    K.SHA: LetterKind.INSPECTORATE_NOTICE,
    K.CORONER: LetterKind.CORONER_CPS_NOTICE,
    K.CPS: LetterKind.CORONER_CPS_NOTICE,
    K.FAMILY: LetterKind.FAMILY_INVITATION,
}
# Letters naming the child are those whose kind lists the child's fields (core.templating).
NAMES_CHILD = {kind for kind in LetterKind.values if "child_name" in KINDS[kind].fields}


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


def decision_reasons(decision: Decision | None) -> str:
    """The reasons a letter gives: the chair's, and the sub group's where the chair agreed.

    A chair who agrees adopts the sub group's reasons (003 §1.3: "this information must be
    sent to Ofsted"; 004 §4: discussed with the referrer), so a letter never stands blank.
    """
    if decision is None:
        return ""
    own = decision.reasons.strip()
    if not decision.agrees:
        return own
    theirs = decision.recommendation.reasons.strip()
    return "\n".join(dict.fromkeys(r for r in (theirs, own) if r))


def signatory(board) -> tuple[str, str]:
    """Who signs the board's letters, named as the board names them, and their role."""
    role = (
        Role.CHAIR
        if board.profile.letters_signed_by == LettersSignedBy.CHAIR
        else Role.BUSINESS_MANAGER
    )
    title = "Chair" if role == Role.CHAIR else "Business manager"
    name = (
        Membership.objects.filter(board=board, role=role, is_active=True, person__is_active=True)
        .exclude(name="")
        .order_by("pk")
        .values_list("name", flat=True)
        .first()
    )
    return name or f"The {title.lower()}", f"{title}, {board.name}"


def letter_context(
    referral: Referral, *, kind: str, recipient: str, due=None, via: str = ""
) -> dict:
    decision = referral.decisions.select_related("recommendation").first()
    profile = referral.board.profile
    outcome = decision.get_outcome_display() if decision and decision.outcome else ""
    opens_review = bool(decision and decision.outcome and decision.outcome != "no-further-action")
    name, role = signatory(referral.board)
    context = {
        "board_name": referral.board.name,
        "marking": referral.board.marking,
        "reference": referral.reference,
        "today": long_date(timezone.localdate()),
        "recipient": recipient,
        "due": long_date(timezone.localtime(due)) if due else "",
        "outcome": outcome,
        "review_kind": outcome if opens_review else "",
        "reasons": decision_reasons(decision),
        "sign_in_url": settings.SITE_URL + reverse("accounts:sign-in"),
        "signatory": name,
        "signatory_role": role,
        "via": via,
        "agency_report_term": profile.agency_report_term,
        "chronology_within": "",
        "agency_report_within": "",
        "child_name": "",
        "child_date_of_birth": "",
    }
    review = getattr(referral, "review", None) if opens_review else None
    if review is not None and review.path.commissions:
        context["chronology_within"] = profile.chronology_within
        context["agency_report_within"] = profile.agency_report_within
    if kind in NAMES_CHILD:
        context["child_name"] = referral.child_name
        context["child_date_of_birth"] = (
            long_date(referral.child_date_of_birth) if referral.child_date_of_birth else "not known"
        )
    return context


def letter_for_notification(notification: Notification):
    referral = notification.referral
    kind = TEMPLATE_FOR.get(notification.kind, LetterKind.INFORMATION_NOTICE)
    via = referral.board.profile.inspectorate_via if kind == LetterKind.INSPECTORATE_NOTICE else ""
    content = render_letter(
        referral.board,
        kind,
        letter_context(
            referral, kind=kind, recipient=notification.recipient, due=notification.due_at, via=via
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
