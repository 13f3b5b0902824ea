"""What every page's frame needs: the board in view and whether links apply."""

from __future__ import annotations

from casereview.core.permissions import can


def casereview(request):
    board = getattr(request, "casereview_board", None)
    user = getattr(request, "user", None)
    can_log = (
        board is not None
        and user is not None
        and user.is_authenticated
        and can(user, "referral.create", board)
    )
    return {"casereview_board": board, "casereview_can_log": can_log}
