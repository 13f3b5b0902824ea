"""What the timeout warning of every signed-in page needs (SECURITY.md SE-1)."""

from __future__ import annotations

from django.conf import settings

# The GOV.UK timeout warning comes a few minutes before the end, so there is time to act.
WARN_SECONDS_BEFORE = 5 * 60


def session_timeout(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_verified():
        return {}
    from .views import session_seconds_left

    left = session_seconds_left(request)
    return {
        "casereview_timeout": {
            "idle_seconds": left["idle"],
            "absolute_seconds": left["absolute"],
            "warn_seconds": WARN_SECONDS_BEFORE,
            "idle_minutes": settings.SESSION_IDLE_SECONDS // 60,
        }
    }
