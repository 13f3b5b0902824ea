"""Session limits and two-factor for everyone (SECURITY.md SE-1, AU-2)."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

# Paths a signed-in person without verified two-factor may still reach.
_TWO_FACTOR_FREE = ("accounts:two-factor-setup", "accounts:sign-out", "accounts:sign-in")


class SessionLimitsMiddleware:
    """End sessions idle for 30 minutes or older than 12 hours."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.setdefault("casereview_started", now)
            last_seen = session.get("casereview_last_seen", now)
            if (
                now - last_seen > settings.SESSION_IDLE_SECONDS
                or now - started > settings.SESSION_ABSOLUTE_SECONDS
            ):
                logout(request)
                messages.info(request, "You were signed out to keep the information safe.")
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            session["casereview_last_seen"] = now
        response = self.get_response(request)
        if request.user.is_authenticated and "casereview_started" not in request.session:
            # Signed in by this very request: the 12 hours count from now, not the next page.
            now = time.time()
            request.session["casereview_started"] = now
            request.session["casereview_last_seen"] = now
        return response


class RequireTwoFactorMiddleware:
    """Send a signed-in person without verified two-factor to set it up."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._free: set[str] | None = None

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified():
            if self._free is None:
                self._free = {reverse(name) for name in _TWO_FACTOR_FREE}
            if request.path not in self._free and not request.path.startswith(settings.STATIC_URL):
                return redirect("accounts:two-factor-setup")
        return self.get_response(request)
