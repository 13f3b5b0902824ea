"""The home page: sign-in for a visitor, and for a signed-in person what is waiting for them."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from casereview.accounts.views import sign_in
from casereview.boards.models import Board
from casereview.core.permissions import access_for, gate, public
from casereview.core.roles import Role
from casereview.core.timescales import DeadlineState
from casereview.referrals.oversight import oversight_boards

from .waiting import waiting_for


@public
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """A visitor sees the sign-in page; a signed-in person their dashboard."""
    if request.user.is_authenticated and request.user.is_verified():
        return redirect("home:dashboard")
    return sign_in(request)


@gate(None)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """What is waiting for me, across my cases and boards, by kind: overdue first."""
    access = access_for(request.user)
    groups = waiting_for(request.user)
    items = [item for group in groups for item in group.items]
    logging = {
        g.board_id for g in access.grants if g.role in (Role.BUSINESS_MANAGER, Role.ADMINISTRATOR)
    }
    context = {
        "groups": groups,
        "counts": {s.value: sum(1 for i in items if i.state == s) for s in DeadlineState},
        "total": len(items),
        "can_log_boards": list(Board.objects.filter(pk__in=logging)) if logging else [],
        "has_boards": bool(access.grants),
        # Board members and observers: their boards' decisions and deadlines.
        "oversees": oversight_boards(request.user),
    }
    return render(request, "home/dashboard.html", context)
