"""AU-1: each failed sign-in and each lockout is an audit event, without the password."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from casereview.conftest import PASSWORD
from casereview.core.models import AuditEvent, verify_chain
from casereview.core.tests.security.test_sign_in import comparable, password_step

pytestmark = pytest.mark.django_db

WRONG = "not-the-password-at-all"


def events(kind):
    return list(AuditEvent.objects.filter(kind=kind))


def test_a_wrong_password_is_an_audit_event_naming_the_address_not_the_password(cast):
    password_step(Client(), cast.manager.email, WRONG)
    [event] = events("SIGN_IN_FAILED")
    assert event.outcome == "denied"
    assert event.detail == {"username": cast.manager.email}
    assert event.actor_id is None
    assert WRONG not in json.dumps(event.detail) + event.reasons
    assert verify_chain() == []


def test_an_unknown_address_and_an_unfilled_form_are_failed_sign_ins_too(cast):
    password_step(Client(), "nobody@test.test", WRONG)
    password_step(Client(), "not an address", "")
    assert [e.detail["username"] for e in events("SIGN_IN_FAILED")] == [
        "nobody@test.test",
        "not an address",
    ]


def test_each_of_five_failures_and_the_lockout_are_audited(cast):
    client = Client()
    for _ in range(5):
        password_step(client, cast.manager.email, WRONG)
    locked = password_step(client, cast.manager.email, PASSWORD)
    assert len(events("SIGN_IN_FAILED")) >= 5
    lockouts = events("SIGN_IN_LOCKED_OUT")
    assert lockouts and all(e.detail == {"username": cast.manager.email} for e in lockouts)
    serialised = "".join(json.dumps(e.detail) for e in AuditEvent.objects.all())
    assert PASSWORD not in serialised and WRONG not in serialised
    assert locked.status_code == 200


def test_a_line_break_in_the_address_is_encoded_in_the_event(cast):
    password_step(Client(), "chair@test.test\r\nFAKE AUDIT LINE", WRONG)
    [event] = events("SIGN_IN_FAILED")
    assert event.detail["username"] == "chair@test.test\\r\\nFAKE AUDIT LINE"
    assert "\n" not in event.detail["username"] and "\r" not in event.detail["username"]


def test_the_answer_stays_the_same_for_unknown_wrong_and_locked_people(cast):
    unknown = password_step(Client(), "nobody@test.test", WRONG)
    client = Client()
    failures = [password_step(client, cast.manager.email, WRONG) for _ in range(5)]
    wrong = failures[0]
    locked = password_step(client, cast.manager.email, PASSWORD)
    email = cast.manager.email
    assert comparable(unknown.content, "nobody@test.test") == comparable(wrong.content, email)
    assert comparable(locked.content, email) == comparable(wrong.content, email)
