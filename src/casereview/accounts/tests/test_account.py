"""A person's own account: changing the password and ending other sessions."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from casereview.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("home:dashboard")


def two_devices(person):
    return sign_in(Client(), person), sign_in(Client(), person)


def test_changing_the_password_signs_out_every_other_session(cast):
    here, there = two_devices(cast.manager)
    response = here.post(
        reverse("accounts:password-change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a new and much longer passphrase",
            "new_password2": "a new and much longer passphrase",
        },
    )
    assert response.status_code == 302
    assert here.get(DASHBOARD).status_code == 200
    assert there.get(DASHBOARD).status_code == 302


def test_a_weak_new_password_is_refused_with_a_reason(cast):
    here, _ = two_devices(cast.manager)
    response = here.post(
        reverse("accounts:password-change"),
        {
            "old_password": PASSWORD,
            "new_password1": "short",
            "new_password2": "short",
        },
    )
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()


def test_signing_out_elsewhere_keeps_this_session_only(cast):
    here, there = two_devices(cast.manager)
    here.post(reverse("accounts:sign-out-elsewhere"))
    assert here.get(DASHBOARD).status_code == 200
    assert there.get(DASHBOARD).status_code == 302


def test_an_administrator_ends_a_persons_sessions_and_deactivates_them(cast):
    here, there = two_devices(cast.police_officer)
    call_command("end_sessions", cast.police_officer.email, "--deactivate")
    assert here.get(DASHBOARD).status_code == 302
    assert there.get(DASHBOARD).status_code == 302
    cast.police_officer.refresh_from_db()
    assert not cast.police_officer.is_active


def test_set_up_issues_recovery_codes_that_each_work_once(cast):
    import pyotp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from casereview.conftest import make_person

    person = make_person("newcomer@test.test", "New Comer")
    TOTPDevice.objects.filter(user=person).delete()
    client = Client()
    client.post(reverse("accounts:sign-in"), {"email": person.email, "password": PASSWORD})
    client.get(reverse("accounts:two-factor-setup"))
    device = TOTPDevice.objects.get(user=person)
    import base64

    code = pyotp.TOTP(base64.b32encode(device.bin_key).decode()).now()
    page = client.post(reverse("accounts:two-factor-setup"), {"code": code}).content.decode()
    assert "Save your recovery codes" in page
    codes = [c for c in person.staticdevice_set.get().token_set.values_list("token", flat=True)]
    assert len(codes) == 10
    assert codes[0] in page

    def with_recovery(code):
        other = Client()
        other.post(reverse("accounts:sign-in"), {"email": person.email, "password": PASSWORD})
        return other.post(reverse("accounts:sign-in-code"), {"code": code.upper()})

    assert with_recovery(codes[0]).status_code == 302
    again = with_recovery(codes[0])
    assert again.status_code == 200
    assert "The code is not right" in again.content.decode()
