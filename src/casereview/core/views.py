"""Home, dashboard, downloads and the health check."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from casereview.accounts.views import sign_in
from casereview.core.roles import CASE_STAFF_ROLES, Role
from casereview.referrals.models import AgencyRequest, Referral, deadline_state, elapsed_percent

from .models import Document
from .permissions import access_for, gate, public
from .serving import may_have, serve_stored
from .timescales import DeadlineState

STATE_ORDER = {
    DeadlineState.OVERDUE: 0,
    DeadlineState.DUE_SOON: 1,
    DeadlineState.DUE: 2,
    DeadlineState.MET: 3,
    None: 4,
}


@public
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """A visitor sees the sign-in page; a signed-in person their dashboard."""
    if request.user.is_authenticated and request.user.is_verified():
        return redirect("core:dashboard")
    return sign_in(request)


@gate(None)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Open cases with their next deadline, overdue first; and what is asked of my agency."""
    access = access_for(request.user)
    staff_boards = {g.board_id for g in access.grants if g.role in CASE_STAFF_ROLES}
    agency_ids = {g.agency_id for g in access.grants if g.role.is_agency_role and g.agency_id}
    now = timezone.now()
    cases = list(
        Referral.objects.filter(board_id__in=staff_boards)
        .excluding_conflicts_of(request.user)
        .open()
        .select_related("board__profile")
        .with_next_deadline()
        .only(
            "reference",
            "stage",
            "received_at",
            "board__short_name",
            "board__profile__due_soon_working_days",
            "board__profile__nation",
        )
    )
    for case in cases:
        case.elapsed_percent = (
            elapsed_percent(case.next_deadline_starts_at, case.next_deadline_due_at, now)
            if case.next_deadline_due_at
            else None
        )
        case.next_state = (
            deadline_state(
                case.next_deadline_due_at,
                case.next_deadline_all_day,
                now,
                soon=case.board.profile.due_soon_working_days,
            )
            if case.next_deadline_due_at
            else None
        )
    cases.sort(key=lambda c: (STATE_ORDER[c.next_state], c.next_deadline_due_at or now))
    asks = list(
        AgencyRequest.objects.filter(
            Q(agency_id__in=agency_ids),
            answered_at__isnull=True,
            referral__stage__in=["information-gathering", "screening"],
        )
        # An agency's officer excluded from a case for a conflict is not asked about it (AZ-5).
        .filter(referral__in=Referral.objects.excluding_conflicts_of(request.user))
        .select_related("agency", "referral__board__profile")
        .order_by("due_at")
    )
    for ask in asks:
        ask.state_now = deadline_state(
            ask.due_at, True, now, None, ask.referral.board.profile.due_soon_working_days
        )
    boards = {g.board_id for g in access.grants}
    counts = {s: sum(1 for c in cases if c.next_state == s) for s in DeadlineState}
    context = {
        "cases": cases,
        "asks": asks,
        "counts": counts,
        "is_staff_view": bool(staff_boards),
        "can_log_boards": _boards_where(access, Role.BUSINESS_MANAGER, Role.ADMINISTRATOR),
        "has_boards": bool(boards),
    }
    return render(request, "core/dashboard.html", context)


def _boards_where(access, *roles):
    from casereview.boards.models import Board

    ids = {g.board_id for g in access.grants if g.role in roles}
    return list(Board.objects.filter(pk__in=ids)) if ids else []


def document_lookup(request: HttpRequest, kwargs: dict) -> Document:
    """A document of the person's boards that its kind's rule lets them have now, else 404.

    The generic download answers exactly as each kind's own page does (SECURITY.md DL-1): no
    draft, original or other person's export, and nothing of a kind without a rule.
    """
    access = access_for(request.user)
    document = get_object_or_404(
        Document.objects.select_related("board", "referral"),
        pk=kwargs.pop("pk"),
        board_id__in=access.boards(),
    )
    if not may_have(access, document):
        raise Http404
    return document


@gate("document.download", lookup=document_lookup)
@require_GET
def document_download(request: HttpRequest, obj: Document) -> HttpResponse:
    """Serve a stored document: its kind's rule asked, audited first (LG-3)."""
    return serve_stored(request, obj)


@public
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """The process answers and its database does: a plain ping, no app's tables."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
