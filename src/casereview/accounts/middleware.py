"""Session limits and two-factor for everyone (SECURITY.md SE-1, AU-2)."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import SuspiciousOperation
from django.core.files.uploadhandler import FileUploadHandler
from django.http import UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect
from django.urls import reverse

from . import kept
from .models import KeptForm

# Paths a signed-in person without verified two-factor may still reach.
_TWO_FACTOR_FREE = ("accounts:two-factor-setup", "accounts:sign-out", "accounts:sign-in")


class SessionLimitsMiddleware:
    """End sessions idle for 30 minutes or older than 12 hours, keeping what was being posted.

    A form posted just after the session ended is kept for 30 minutes (``accounts.kept``) and
    put back into the page the first time the person opens it again, signed in.
    """

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
                person = request.user
                was_kept = request.method == "POST" and _keep_posted_form(request, person)
                logout(request)
                message = "You were signed out to keep the information safe."
                if was_kept:
                    message += " " + kept.KEPT_WHILE_SIGNED_OUT
                messages.info(request, message)
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            session["casereview_last_seen"] = now
            if session.get(_HAS_KEPT) and request.method == "GET" and request.user.is_verified():
                _restore_kept_form(request)
        response = self.get_response(request)
        if request.user.is_authenticated and "casereview_started" not in request.session:
            # Signed in by this very request: the 12 hours count from now, not the next page.
            now = time.time()
            request.session["casereview_started"] = now
            request.session["casereview_last_seen"] = now
            if KeptForm.objects.filter(person=request.user).exists():
                request.session[_HAS_KEPT] = True
        return response


# Set at sign-in when the person has a kept form, so that other pages cost no query.
_HAS_KEPT = "casereview_has_kept_form"


class _NoteFiles(FileUploadHandler):
    """Reads past the files of a post without keeping a byte of them, noting that there were."""

    had_files = False

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        if file_name:
            self.had_files = True

    def receive_data_chunk(self, raw_data, start):
        return None

    def file_complete(self, file_size):
        return None


def _keep_posted_form(request, person) -> bool:
    """Keep the text of a post to a page of the service, if its CSRF token is good."""
    if not kept.is_keepable_page(request.path):
        return False
    noter = _NoteFiles(request)
    request.upload_handlers = [noter]
    try:
        # Only a post the person's own page made is kept: another site's post is not.
        if CsrfViewMiddleware(lambda r: None).process_view(request, _view, (), {}) is not None:
            return False
        data = kept.keepable(request.POST)
    except (SuspiciousOperation, MultiPartParserError, UnreadablePostError):
        # Too big, too many fields or files, or cut short: signed out as before, nothing kept.
        return False
    return kept.form_keep(person=person, path=request.path, data=data, had_files=noter.had_files)


def _view(request):  # pragma: no cover - only its csrf_exempt attribute is read
    return None


def _restore_kept_form(request) -> None:
    form = kept.form_offered(request)
    if form is None:
        if not KeptForm.objects.filter(person=request.user).exists():
            del request.session[_HAS_KEPT]
        return

    def given_back() -> None:
        if kept.form_take(form):
            message = kept.RESTORED
            if form.had_files:
                message += " " + kept.CHOOSE_FILE_AGAIN
            messages.info(request, message)

    # The page's form is bound to what was typed, not acted on: this is a GET.
    request.POST = kept.KeptPost.of(form, on_use=given_back)


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
