"""Sign-in with email, password and a TOTP code; two-factor set-up; sign-out."""

from __future__ import annotations

import base64
import datetime as dt
import time

import segno
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from casereview.core import models as audit
from casereview.core.permissions import gate, public

from .forms import GENERIC_FAILURE, CodeForm, SignInForm
from .models import Person

PENDING = "casereview_pending_person"


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse_lazy(settings.LOGIN_REDIRECT_URL)


@public
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Step one: email and password. The same answer whatever went wrong."""
    if request.user.is_authenticated and request.user.is_verified():
        return redirect(_safe_next(request))
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        if too_many_failures(email):
            sign_in_refused("SIGN_IN_LOCKED_OUT", request)
            form.add_error(None, GENERIC_FAILURE)
            return render(
                request, "accounts/sign_in.html", {"form": form, "next": _safe_next(request)}
            )
        person = auth.authenticate(request, email=email, password=form.cleaned_data["password"])
        if person is not None:
            device = confirmed_device(person)
            if device is None:
                auth.login(request, person)
                return redirect("accounts:two-factor-setup")
            request.session.cycle_key()
            request.session[PENDING] = person.pk
            return redirect(f"{reverse_lazy('accounts:sign-in-code')}?next={_safe_next(request)}")
        form.add_error(None, GENERIC_FAILURE)
    if request.method == "POST":
        # Unknown address, wrong password or a form not filled in: each is a failed sign-in.
        sign_in_refused("SIGN_IN_FAILED", request)
    return render(request, "accounts/sign_in.html", {"form": form, "next": _safe_next(request)})


def sign_in_refused(kind: str, request: HttpRequest) -> None:
    """Audit a refused password step (SECURITY.md AU-1) with the address typed, never the password.

    The address is the person's own typing: control characters are escaped so that a line
    break in it cannot forge a line wherever the event is printed (SECURITY.md LG-4).
    """
    typed = str(request.POST.get("email", ""))[:254]
    audit.record(
        kind,
        outcome="denied",
        detail={"username": "".join(c if c.isprintable() else repr(c)[1:-1] for c in typed)},
        request=request,
    )


MAX_FAILURES_AN_HOUR = 20


def too_many_failures(email: str) -> bool:
    """At most 20 failures an hour for one account across all addresses (SECURITY.md AU-1)."""
    from axes.models import AccessFailureLog

    since = timezone.now() - dt.timedelta(hours=1)
    recent = AccessFailureLog.objects.filter(username=email, attempt_time__gte=since)
    return recent.count() >= MAX_FAILURES_AN_HOUR


def locked_out(request: HttpRequest, credentials=None, *args, **kwargs) -> HttpResponse:
    """django-axes calls this for a locked (username, address): answer as for a wrong password."""
    form = SignInForm(request.POST or None)
    form.is_valid()
    form.add_error(None, GENERIC_FAILURE)
    sign_in_refused("SIGN_IN_LOCKED_OUT", request)
    return render(request, "accounts/sign_in.html", {"form": form, "next": _safe_next(request)})


@public
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """Step two: the TOTP code for the person who gave the right password."""
    pending = request.session.get(PENDING)
    person = Person.objects.filter(pk=pending, is_active=True).first() if pending else None
    if person is None:
        return redirect("accounts:sign-in")
    form = CodeForm(request.POST or None, allow_recovery=True)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        device = confirmed_device(person) if code.isdigit() else recovery_device(person)
        if device is not None and _verify(device, code):
            del request.session[PENDING]
            auth.login(request, person, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, device)
            audit.record("SIGNED_IN", actor=person, request=request)
            return redirect(_safe_next(request))
        audit.record("TWO_FACTOR_FAILED", actor=person, outcome="denied", request=request)
        form.add_error("code", "The code is not right. Enter the code your app shows now.")
    return render(
        request, "accounts/sign_in_code.html", {"form": form, "next": _safe_next(request)}
    )


def recovery_device(person: Person) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=person, confirmed=True).first()


def recovery_codes_issue(person: Person) -> list[str]:
    """Ten new single-use recovery codes, replacing any earlier ones (SECURITY.md AU-2)."""
    device, _ = StaticDevice.objects.get_or_create(
        user=person, defaults={"name": "Recovery codes", "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(10)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def confirmed_device(person: Person) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=person, confirmed=True).first()


def _verify(device: TOTPDevice | StaticDevice, code: str) -> bool:
    if settings.MFA_DEV_BYPASS and code == "000000":
        # Development only: casereview.core.checks refuses this setting in production.
        return True
    if isinstance(device, StaticDevice):
        return device.verify_token(code)  # deletes the token: each code works once
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return False
    # verify_token keeps last_t, so a code cannot be used twice (SECURITY.md AU-2).
    return device.verify_token(code)


@gate(None)
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: the person must prove it works before going on."""
    person = request.user
    if confirmed_device(person) is not None:
        if request.user.is_verified():
            return redirect(settings.LOGIN_REDIRECT_URL)
        auth.logout(request)
        return redirect("accounts:sign-in")
    device, _ = TOTPDevice.objects.get_or_create(
        user=person, confirmed=False, defaults={"name": "Authenticator app"}
    )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record("TWO_FACTOR_SET_UP", actor=person, request=request)
            codes = recovery_codes_issue(person)
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
        form.add_error("code", "The code is not right. Enter the code your app shows now.")
    secret = base64.b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4, omitsize=True)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "secret": secret, "qr_svg": qr},
    )


@gate(None)
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    audit.record("SIGNED_OUT", actor=request.user, request=request)
    auth.logout(request)
    messages.info(request, "You have signed out.")
    return redirect("accounts:sign-in")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-sent")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")
    post_reset_login = False  # a reset never skips two-factor (SECURITY.md AU-2)


password_reset = public(PasswordResetView.as_view())
password_reset_sent = public(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html")
)
password_reset_confirm = public(PasswordResetConfirmView.as_view())
password_reset_complete = public(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"
    )
)


@gate(None)
@require_http_methods(["GET"])
def account(request: HttpRequest) -> HttpResponse:
    """The person's own account: password and sessions."""
    return render(request, "accounts/account.html", {"person": request.user})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        response = super().form_valid(form)  # keeps this session; every other one ends
        audit.record("PASSWORD_CHANGED", actor=self.request.user, request=self.request)
        messages.success(
            self.request, "Your password is changed. You are signed out everywhere else."
        )
        return response


password_change = gate(None)(PasswordChangeView.as_view())


@gate(None)
@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """Stay signed in: the session limits middleware has just counted this as activity.

    The timeout warning's script posts here and gets the seconds left; without the script, the
    warning's button posts the form and comes back to the page.
    """
    if request.headers.get("X-Requested-With") == "fetch":
        return JsonResponse(session_seconds_left(request))
    return redirect(_safe_next(request))


def session_seconds_left(request: HttpRequest) -> dict[str, int]:
    """Seconds until the idle and the absolute limits end this session (SECURITY.md SE-1)."""
    now = time.time()
    session = request.session
    last_seen = session.get("casereview_last_seen", now)
    started = session.get("casereview_started", now)
    return {
        "idle": max(0, round(last_seen + settings.SESSION_IDLE_SECONDS - now)),
        "absolute": max(0, round(started + settings.SESSION_ABSOLUTE_SECONDS - now)),
    }


@gate(None)
@require_POST
def sign_out_elsewhere(request: HttpRequest) -> HttpResponse:
    """End every other session of this person, keeping this one."""
    person = request.user
    person.end_sessions()
    auth.update_session_auth_hash(request, person)
    audit.record("OTHER_SESSIONS_ENDED", actor=person, request=request)
    messages.success(request, "You are signed out on every other device.")
    return redirect("accounts:account")
