"""AU-1, AU-2 and SE-1 through the real sign-in pages: lockout, two-factor, sessions, reset."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pyotp
import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from casereview.conftest import PASSWORD, make_person

from . import policy
from .test_permission_matrix import ROUTES, url_for

SIGN_IN = reverse("accounts:sign-in")
CODE = reverse("accounts:sign-in-code")
DASHBOARD = reverse("home:dashboard")
OFFICE = "203.0.113.10"
HOME = "198.51.100.20"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def totp(person, at: dt.datetime | None = None) -> str:
    device = person.totpdevice_set.get(confirmed=True)
    secret = base64.b32encode(device.bin_key).decode()
    return pyotp.TOTP(secret).at(at or timezone.now())


def password_step(client, email, password, ip=OFFICE):
    return client.post(SIGN_IN, {"email": email, "password": password}, REMOTE_ADDR=ip)


def sign_in_fully(client, person, ip=OFFICE):
    first = password_step(client, person.email, PASSWORD, ip)
    assert first.status_code == 302, first.content[:500]
    assert first["Location"].startswith(CODE)
    second = client.post(CODE, {"code": totp(person)}, REMOTE_ADDR=ip)
    assert second.status_code == 302
    return second


def comparable(content: bytes, typed: str = "") -> bytes:
    """A page with its per-response tokens (CSRF, CSP nonce) and the typed address taken out."""
    if typed:
        content = content.replace(typed.encode(), b"EMAIL")
    content = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)
    return re.sub(rb'nonce="[^"]+"', b"", content)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


# --- a full sign-in ----------------------------------------------------------------------


def test_a_full_sign_in_with_password_and_code_opens_the_dashboard(cast, client, clock):
    response = sign_in_fully(client, cast.manager)
    assert response["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200


def test_the_password_alone_does_not_sign_in(cast, client, clock):
    password_step(client, cast.manager.email, PASSWORD)
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)


def test_a_wrong_code_does_not_sign_in(cast, client, clock):
    password_step(client, cast.manager.email, PASSWORD)
    good = totp(cast.manager)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    response = client.post(CODE, {"code": wrong})
    assert response.status_code == 200
    assert client.get(DASHBOARD)["Location"].startswith(SIGN_IN)


# --- AU-1: lockout by (username, address) ------------------------------------------------


def fail_five_times(client, email, ip=OFFICE) -> list:
    return [password_step(client, email, "not-the-password-at-all", ip) for _ in range(5)]


def test_five_wrong_passwords_lock_out_even_the_right_one_with_the_same_answer(cast, client, clock):
    unknown = password_step(Client(), "nobody@test.test", "whatever-password-1", OFFICE)
    failures = fail_five_times(client, cast.manager.email)
    locked = password_step(client, cast.manager.email, PASSWORD)

    assert locked.status_code == 200
    assert client.get(DASHBOARD)["Location"].startswith(SIGN_IN)
    wrong = failures[0]
    assert unknown.status_code == wrong.status_code == locked.status_code == 200
    email = cast.manager.email
    assert comparable(locked.content, email) == comparable(wrong.content, email)
    assert comparable(unknown.content, "nobody@test.test") == comparable(wrong.content, email)
    assert b"wait 15 minutes" in wrong.content  # the one message says what to do


def test_a_lockout_lasts_fifteen_minutes_from_the_last_attempt(cast, client, clock):
    fail_five_times(client, cast.manager.email)
    clock.shift(dt.timedelta(minutes=14, seconds=59))
    assert password_step(client, cast.manager.email, PASSWORD).status_code == 200
    # That attempt, refused, counts too: the 15 minutes start again from it.
    clock.shift(dt.timedelta(minutes=15, seconds=1))
    response = password_step(client, cast.manager.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"].startswith(CODE)


def test_a_lockout_ends_fifteen_minutes_after_the_fifth_failure(cast, client, clock):
    fail_five_times(client, cast.manager.email)
    clock.shift(dt.timedelta(minutes=15, seconds=1))
    response = password_step(client, cast.manager.email, PASSWORD)
    assert response["Location"].startswith(CODE)


def test_a_colleague_behind_the_same_address_is_not_locked_out(cast, client, clock):
    fail_five_times(client, cast.manager.email)
    response = sign_in_fully(Client(), cast.chair, ip=OFFICE)
    assert response["Location"] == DASHBOARD


def test_the_same_person_from_another_address_is_not_locked_out(cast, client, clock):
    fail_five_times(client, cast.manager.email, ip=OFFICE)
    response = sign_in_fully(Client(), cast.manager, ip=HOME)
    assert response["Location"] == DASHBOARD


def test_the_lockout_is_audited_and_each_failure_logged(cast, client, clock):
    from axes.models import AccessFailureLog

    from casereview.core.models import AuditEvent

    fail_five_times(client, cast.manager.email)
    password_step(client, cast.manager.email, PASSWORD)
    assert AccessFailureLog.objects.filter(username=cast.manager.email).count() >= 5
    assert AuditEvent.objects.filter(kind="SIGN_IN_LOCKED_OUT", outcome="denied").exists()


def test_at_most_twenty_failures_an_hour_for_one_person_across_addresses(cast, clock):
    for n in range(5):
        for _ in range(4):  # below the per-address limit each time
            password_step(Client(), cast.manager.email, "wrong-password-here", f"192.0.2.{n}")
    response = password_step(Client(), cast.manager.email, PASSWORD, "192.0.2.99")
    assert response.status_code == 200


# --- AU-2: two-factor ------------------------------------------------------------------


def test_a_code_cannot_be_used_twice(cast, clock):
    code = totp(cast.manager)
    sign_in_fully(Client(), cast.manager)
    second = Client()
    password_step(second, cast.manager.email, PASSWORD)
    response = second.post(CODE, {"code": code})
    assert response.status_code == 200
    assert second.get(DASHBOARD)["Location"].startswith(SIGN_IN)
    # The next step's code works.
    clock.shift(dt.timedelta(seconds=30))
    assert second.post(CODE, {"code": totp(cast.manager)})["Location"] == DASHBOARD


def test_a_code_older_than_one_step_is_refused(cast, client, clock):
    stale = totp(cast.manager)
    clock.shift(dt.timedelta(seconds=61))
    password_step(client, cast.manager.email, PASSWORD)
    assert client.post(CODE, {"code": stale}).status_code == 200
    assert client.get(DASHBOARD)["Location"].startswith(SIGN_IN)


def non_public_requests(world) -> list[tuple[str, str, str]]:
    found = []
    for route in ROUTES:
        # A pattern missing from the policy fails the matrix's coverage gate instead.
        for method, rule in policy.URLS.get(route.name, {}).get("methods", {}).items():
            if rule != policy.PUBLIC:
                found.append((route.name, method, url_for(world, route.name, "own")))
    return found


FREE_OF_TWO_FACTOR = {"accounts:two-factor-setup", "accounts:sign-out"}


def test_a_person_without_two_factor_is_sent_to_set_it_up_from_every_page(world, clock):
    from casereview.boards.models import Membership
    from casereview.core.models import AuditEvent
    from casereview.core.roles import Role

    newcomer = make_person("newcomer@test.test", "New Manager")
    newcomer.totpdevice_set.all().delete()
    Membership.objects.create(person=newcomer, board=world.cast.board, role=Role.BUSINESS_MANAGER)
    client = Client()
    first = password_step(client, newcomer.email, PASSWORD)
    assert first["Location"] == reverse("accounts:two-factor-setup")
    setup = reverse("accounts:two-factor-setup")
    reads = AuditEvent.objects.count()
    escaped = []
    checked = 0
    for name, method, url in non_public_requests(world):
        if name in FREE_OF_TWO_FACTOR:
            continue
        response = client.generic(method, url)
        checked += 1
        if response.status_code != 302 or response["Location"] != setup:
            escaped.append(f"{method} {name}: {response.status_code}")
    assert checked >= 20
    assert not escaped
    assert AuditEvent.objects.count() == reads  # nothing was read or changed
    assert client.get(setup).status_code == 200


def test_setting_up_two_factor_signs_the_person_in(world, clock):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    newcomer = make_person("newcomer@test.test", "New Manager")
    newcomer.totpdevice_set.all().delete()
    client = Client()
    password_step(client, newcomer.email, PASSWORD)
    client.get(reverse("accounts:two-factor-setup"))
    device = TOTPDevice.objects.get(user=newcomer)
    code = pyotp.TOTP(base64.b32encode(device.bin_key).decode()).now()
    response = client.post(reverse("accounts:two-factor-setup"), {"code": code})
    assert response.status_code == 200  # the recovery codes, shown once
    assert "Save your recovery codes" in response.content.decode()
    assert client.get(DASHBOARD).status_code == 200


# --- SE-1: sessions ---------------------------------------------------------------------


def test_an_idle_session_ends_after_thirty_minutes(cast, client, clock):
    sign_in_fully(client, cast.manager)
    clock.shift(dt.timedelta(minutes=29))
    assert client.get(DASHBOARD).status_code == 200
    clock.shift(dt.timedelta(minutes=29))
    assert client.get(DASHBOARD).status_code == 200
    clock.shift(dt.timedelta(minutes=30, seconds=1))
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)
    assert b"signed out to keep the information safe" in client.get(SIGN_IN).content
    assert client.get(DASHBOARD)["Location"].startswith(SIGN_IN)


def test_a_busy_session_still_ends_after_twelve_hours(cast, client, clock):
    sign_in_fully(client, cast.manager)
    elapsed = dt.timedelta()
    while elapsed + dt.timedelta(minutes=25) < dt.timedelta(hours=12):
        clock.shift(dt.timedelta(minutes=25))
        elapsed += dt.timedelta(minutes=25)
        assert client.get(DASHBOARD).status_code == 200, elapsed
    clock.shift(dt.timedelta(hours=12) - elapsed + dt.timedelta(seconds=1))
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)


def test_signing_in_gives_a_new_session_key(cast, client, clock):
    planted = SessionStore()
    planted["planted"] = True
    planted.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    password_step(client, cast.manager.email, PASSWORD)
    after_password = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(CODE, {"code": totp(cast.manager)})
    after_code = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert len({planted.session_key, after_password, after_code}) == 3
    assert not SessionStore().exists(planted.session_key)
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    assert replay.get(DASHBOARD)["Location"].startswith(SIGN_IN)


def test_signing_out_kills_the_old_cookie(cast, client, clock):
    sign_in_fully(client, cast.manager)
    old = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("accounts:sign-out"))
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old
    assert replay.get(DASHBOARD)["Location"].startswith(SIGN_IN)


def test_the_session_cookie_is_http_only_and_same_site(cast, client, clock):
    sign_in_fully(client, cast.manager)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"].lower() in ("lax", "strict")


# --- password reset ----------------------------------------------------------------------

NEW_PASSWORD = "violet-harbour-lantern-41-quietly"


def test_a_password_reset_sends_a_link_and_does_not_sign_the_person_in(world, client, clock):
    person = world.cast.manager
    response = client.post(reverse("accounts:password-reset"), {"email": person.email})
    assert response["Location"] == reverse("accounts:password-reset-sent")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [person.email]
    assert not [c for c in world.canaries if c in message.body]  # ML-1: no case content
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.body)
    assert link, message.body

    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done["Location"] == reverse("accounts:password-reset-complete")
    assert "_auth_user_id" not in client.session
    assert client.get(DASHBOARD)["Location"].startswith(SIGN_IN)

    # The new password still needs the code: a reset never skips two-factor.
    step = password_step(client, person.email, NEW_PASSWORD)
    assert step["Location"].startswith(CODE)
    assert client.get(DASHBOARD)["Location"].startswith(SIGN_IN)
    # And the link works once.
    assert b"set-password" not in client.get(link.group(1)).get("Location", "").encode()


def test_a_reset_for_an_unknown_address_answers_the_same_and_sends_nothing(cast, client):
    known = client.post(reverse("accounts:password-reset"), {"email": cast.manager.email})
    unknown = client.post(reverse("accounts:password-reset"), {"email": "nobody@test.test"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1
