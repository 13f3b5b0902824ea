"""SE-1 without losing work: a warning before the idle timeout, and a form posted after it kept."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from casereview.accounts import kept
from casereview.accounts.models import KeptForm
from casereview.conftest import PASSWORD
from casereview.conftest import sign_in as force_sign_in
from casereview.core.tests.security.test_sign_in import CODE, SIGN_IN, totp
from casereview.referrals.models import Referral
from casereview.referrals.tests.test_pages import referral_form

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
KEEP_ALIVE = reverse("accounts:keep-alive")
DASHBOARD = reverse("home:dashboard")
TYPED = "CanaryTypedSummaryZq3"


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def sign_in(client, person, next_path=""):
    """The real sign-in, password then code, going on to ``next_path``."""
    query = f"?next={next_path}" if next_path else ""
    first = client.post(SIGN_IN + query, {"email": person.email, "password": PASSWORD})
    assert first.status_code == 302 and first["Location"].startswith(CODE), first.content[:300]
    second = client.post(first["Location"], {"code": totp(person)})
    assert second.status_code == 302
    return second


def new_referral_path(cast) -> str:
    return reverse("referrals:new", args=[cast.board.slug])


def post_after_timeout(client, clock, path, data, **extra):
    clock.shift(dt.timedelta(minutes=31))
    return client.post(path, data, **extra)


# --- the warning -----------------------------------------------------------------------------


def test_a_signed_in_page_carries_the_timeout_warning_and_its_script_with_the_nonce(
    cast, client, clock
):
    sign_in(client, cast.manager)
    response = client.get(DASHBOARD)
    body = response.content.decode()
    assert 'id="timeout-warning"' in body
    assert 'data-idle-seconds="1800"' in body
    assert 'data-absolute-seconds="43200"' in body
    assert 'data-warn-seconds="300"' in body
    assert "Stay signed in" in body
    assert f'action="{KEEP_ALIVE}"' in body
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]
    assert f'src="/static/js/timeout-warning.js" nonce="{nonce}"' in body


def test_the_warning_counts_the_twelve_hours_from_sign_in(cast, client, clock):
    sign_in(client, cast.manager)
    for _ in range(4 * 12 - 1):  # active all day: a page every quarter of an hour
        clock.shift(dt.timedelta(minutes=15))
        assert client.get(DASHBOARD).status_code == 200
    body = client.get(DASHBOARD).content.decode()
    assert 'data-absolute-seconds="900"' in body  # 15 minutes left of the 12 hours
    assert 'data-idle-seconds="1800"' in body


def test_the_sign_in_page_has_no_timeout_warning(client):
    assert b"timeout-warning" not in client.get(SIGN_IN).content


def test_the_timeout_warning_script_exists_where_the_page_points(client):
    from django.contrib.staticfiles import finders

    script = finders.find("js/timeout-warning.js")
    assert script is not None
    from pathlib import Path

    text = Path(script).read_text(encoding="utf-8")
    assert 'headers: { "X-Requested-With": "fetch" }' in text


# --- staying signed in ------------------------------------------------------------------------


def test_stay_signed_in_restarts_the_thirty_minutes(cast, client, clock):
    sign_in(client, cast.manager)
    clock.shift(dt.timedelta(minutes=27))
    response = client.post(KEEP_ALIVE, HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 200
    assert response.json() == {"idle": 1800, "absolute": 43200 - 27 * 60}
    clock.shift(dt.timedelta(minutes=27))
    assert client.get(DASHBOARD).status_code == 200


def test_stay_signed_in_without_the_script_comes_back_to_the_page(cast, client, clock):
    sign_in(client, cast.manager)
    path = new_referral_path(cast)
    assert client.post(KEEP_ALIVE, {"next": path})["Location"] == path
    assert client.post(KEEP_ALIVE, {"next": "https://evil.example/"})["Location"] == DASHBOARD


def test_stay_signed_in_needs_a_post_with_the_csrf_token(cast, clock):
    client = force_sign_in(Client(enforce_csrf_checks=True), cast.manager)
    client.get(DASHBOARD)  # the page sets the CSRF cookie; its token is not sent below
    assert client.get(KEEP_ALIVE).status_code == 405
    assert client.post(KEEP_ALIVE, HTTP_X_REQUESTED_WITH="fetch").status_code == 403


def test_stay_signed_in_cannot_bring_back_an_ended_session(cast, client, clock):
    sign_in(client, cast.manager)
    clock.shift(dt.timedelta(minutes=31))
    response = client.post(KEEP_ALIVE, HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)
    assert client.get(DASHBOARD)["Location"].startswith(SIGN_IN)


def test_the_anonymous_are_sent_to_sign_in_by_stay_signed_in(client):
    response = client.post(KEEP_ALIVE, HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)


# --- a form posted after the timeout -----------------------------------------------------------


def test_a_form_posted_after_the_timeout_is_kept_and_given_back_after_signing_in(
    cast, client, clock
):
    sign_in(client, cast.manager)
    path = new_referral_path(cast)
    client.get(path)
    response = post_after_timeout(
        client, clock, path, referral_form(incident_summary=TYPED, referrer_name="Kept Referrer")
    )
    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?next={path}"
    assert not Referral.objects.exists()
    assert "What you typed on that page is kept for 30 minutes" in client.get(
        response["Location"]
    ).content.decode().replace("\n", " ")

    assert sign_in(client, cast.manager, next_path=path)["Location"] == path
    page = client.get(path)
    body = page.content.decode()
    assert page.status_code == 200
    assert "We kept what you typed. Check it and submit again." in body
    assert "You need to choose the file again." not in body
    assert TYPED in body and 'value="Kept Referrer"' in body
    assert not KeptForm.objects.exists()  # given back once, then gone
    assert not Referral.objects.exists()  # a GET binds the form, never acts on it

    again = client.get(path).content.decode()
    assert TYPED not in again and "We kept what you typed" not in again


def test_the_kept_form_can_be_submitted_again_as_it_was(cast, client, clock):
    sign_in(client, cast.manager)
    path = new_referral_path(cast)
    post_after_timeout(client, clock, path, referral_form(incident_summary=TYPED))
    sign_in(client, cast.manager, next_path=path)
    assert TYPED in client.get(path).content.decode()
    response = client.post(path, referral_form(incident_summary=TYPED))
    assert response.status_code == 302
    assert Referral.objects.get().incident_summary == TYPED


def test_secrets_and_files_are_not_kept_and_the_page_says_to_choose_the_file_again(
    cast, client, clock
):
    sign_in(client, cast.manager)
    path = new_referral_path(cast)
    data = referral_form(incident_summary=TYPED)
    data |= {
        "password": "a-secret-typed-here",
        "new_password1": "another-secret",
        "code": "123456",
        "otp_token": "654321",
        "attachment": SimpleUploadedFile("family.docx", b"CanaryFileBytesQq9" * 100),
    }
    post_after_timeout(client, clock, path, data)
    stored = KeptForm.objects.get()
    assert stored.had_files
    assert set(stored.data) >= {"incident_summary", "child_name", "received_at_0_0"}
    for name in ("password", "new_password1", "code", "otp_token", "attachment"):
        assert name not in stored.data
    assert "csrfmiddlewaretoken" not in stored.data
    assert "CanaryFileBytesQq9" not in str(stored.data)

    sign_in(client, cast.manager, next_path=path)
    body = client.get(path).content.decode()
    assert f"{kept.RESTORED} {kept.CHOOSE_FILE_AGAIN}" in body
    assert kept.CHOOSE_FILE_AGAIN == "You need to choose the file again."


def test_a_kept_form_is_given_back_to_no_one_else(cast, client, clock):
    sign_in(client, cast.manager)
    path = new_referral_path(cast)
    post_after_timeout(client, clock, path, referral_form(incident_summary=TYPED))
    # Someone else signs in on the same browser and opens the same page.
    sign_in(client, cast.admin, next_path=path)
    body = client.get(path).content.decode()
    assert TYPED not in body and "We kept what you typed" not in body
    assert KeptForm.objects.get().person == cast.manager


def test_a_kept_form_is_for_its_page_only(cast, client, clock):
    sign_in(client, cast.manager)
    path = new_referral_path(cast)
    post_after_timeout(client, clock, path, referral_form(incident_summary=TYPED))
    sign_in(client, cast.manager)
    other = reverse("boards:profile-edit", args=[cast.board.slug])
    body = client.get(other).content.decode()
    assert TYPED not in body and "We kept what you typed" not in body
    assert KeptForm.objects.exists()


def test_a_page_that_does_not_take_the_kept_form_says_nothing_and_leaves_it(cast, client, clock):
    sign_in(client, cast.manager)
    post_after_timeout(client, clock, DASHBOARD, {"note": TYPED})  # a page with no form
    sign_in(client, cast.manager, next_path=DASHBOARD)
    body = client.get(DASHBOARD).content.decode()
    assert "We kept what you typed" not in body
    assert KeptForm.objects.get().path == DASHBOARD  # left to expire, not said to be kept


def test_a_kept_form_can_be_copied_as_a_view_might(cast):
    stored = KeptForm(person=cast.manager, path="/", data={"a": ["1", "2"]}, expires_at=START)
    used = []
    post = kept.KeptPost.of(stored, on_use=lambda: used.append(True))
    assert post.copy().getlist("a") == ["1", "2"]
    assert bool(post) and bool(post) and used == [True]


def test_a_kept_form_expires_after_thirty_minutes_and_is_deleted(cast, client, clock):
    sign_in(client, cast.manager)
    path = new_referral_path(cast)
    post_after_timeout(client, clock, path, referral_form(incident_summary=TYPED))
    clock.shift(dt.timedelta(minutes=30, seconds=1))
    sign_in(client, cast.manager, next_path=path)
    body = client.get(path).content.decode()
    assert TYPED not in body and "We kept what you typed" not in body
    assert not KeptForm.objects.exists()


def test_the_sweep_deletes_kept_forms_whose_thirty_minutes_are_over(cast, client, clock):
    sign_in(client, cast.manager)
    post_after_timeout(client, clock, new_referral_path(cast), referral_form())
    assert kept.forms_expire() == 0
    clock.shift(dt.timedelta(minutes=31))
    assert kept.forms_expire() == 1
    assert not KeptForm.objects.exists()


def test_a_post_from_another_site_after_the_timeout_is_not_kept(cast, clock):
    client = force_sign_in(Client(enforce_csrf_checks=True), cast.manager)
    path = new_referral_path(cast)
    client.get(path)
    # Another site can make the browser post, but cannot know the page's CSRF token.
    response = post_after_timeout(client, clock, path, referral_form(incident_summary=TYPED))
    assert response["Location"].startswith(SIGN_IN)  # signed out as before
    assert not KeptForm.objects.exists()


def test_a_post_too_big_to_read_is_not_kept_and_still_signs_out(cast, client, clock, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    sign_in(client, cast.manager)
    response = post_after_timeout(client, clock, new_referral_path(cast), referral_form())
    assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)
    assert not KeptForm.objects.exists()


def test_nothing_of_a_kept_form_is_logged(cast, client, clock, caplog):
    caplog.set_level(logging.DEBUG)
    sign_in(client, cast.manager)
    path = new_referral_path(cast)
    post_after_timeout(client, clock, path, referral_form(incident_summary=TYPED))
    sign_in(client, cast.manager, next_path=path)
    client.get(path)
    assert TYPED not in caplog.text


def test_a_sign_in_form_posted_after_the_timeout_is_not_kept(cast, client, clock):
    sign_in(client, cast.manager)
    clock.shift(dt.timedelta(minutes=31))
    client.post(reverse("accounts:password-change"), {"old_password": PASSWORD})
    assert not KeptForm.objects.exists()


@pytest.mark.parametrize(
    ("name", "is_kept"),
    [
        ("incident_summary", True),
        ("postcode", True),
        ("csrfmiddlewaretoken", False),
        ("password", False),
        ("new_password2", False),
        ("code", False),
        ("recovery_codes", False),
        ("otp_token", False),
        ("api_secret", False),
    ],
)
def test_only_a_forms_text_that_is_not_a_secret_is_kept(name, is_kept):
    from django.http import QueryDict

    assert (name in kept.keepable(QueryDict(f"{name}=typed"))) is is_kept
