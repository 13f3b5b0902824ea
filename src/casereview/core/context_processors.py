"""What every page's frame needs: the board in view and whether links apply."""

from __future__ import annotations

from casereview.core.permissions import access_for


def casereview(request):
    board = getattr(request, "casereview_board", None)
    can_log = False
    user = getattr(request, "user", None)
    if board is not None and user is not None and user.is_authenticated:
        from casereview.core.permissions import can

        can_log = can(user, "referral.create", board)
    elif user is not None and user.is_authenticated:
        access_for(user)
    return {"casereview_board": board, "casereview_can_log": can_log}
