"""What every page's frame needs: the board in view and whether links apply."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from casereview.core import jobs
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
    return {
        "casereview_board": board,
        "casereview_can_log": can_log,
        # Asked only by the pages that start background work (one query when asked).
        "casereview_worker_down": SimpleLazyObject(lambda: not jobs.worker_alive()),
        "casereview_worker_down_message": jobs.WORKER_DOWN_MESSAGE,
    }
