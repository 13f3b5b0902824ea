"""LG-4: no case content, password, session key or code in the logs, nor names in URLs."""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from casereview.conftest import PASSWORD
from casereview.core import models as audit

from .test_sign_in import CODE, password_step, totp

HREF = re.compile(rb'(?:href|action|src)="([^"]+)"')


def test_a_busy_day_leaves_no_secret_in_the_logs(world, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    person = world.cast.manager
    secrets = [PASSWORD, "a-wrong-password-typed", *world.canaries]

    # Failed and locked sign-ins, with a username carrying a line break (log injection).
    for _ in range(5):
        password_step(Client(), "chair@test.test\nFAKE LOG LINE", "a-wrong-password-typed")
    client = Client()
    password_step(client, person.email, PASSWORD)
    code = totp(person)
    secrets.append(code)
    client.post(CODE, {"code": code})
    secrets.append(client.cookies[settings.SESSION_COOKIE_NAME].value)

    for key in ("received", "information-gathering", "review-open"):
        client.get(reverse("referrals:detail", kwargs={"pk": world.own[key].pk}))
    client.get(reverse("referrals:answer", kwargs={"pk": world.own["request"].pk}))
    client.get(reverse("core:document-download", kwargs={"pk": world.own["document"].pk}))
    client.post(reverse("accounts:password-reset"), {"email": person.email})

    # A server error while a case is read: the log names the path (an ID), not the child.
    def refuse(*args, **kwargs):
        raise DatabaseError("audit store unavailable")

    monkeypatch.setattr(audit, "record", refuse)
    client.raise_request_exception = False
    assert (
        client.get(reverse("referrals:detail", kwargs={"pk": world.own["received"].pk})).status_code
        >= 500
    )

    text = caplog.text
    assert "Internal Server Error" in text  # the scenario did log
    found = [s for s in secrets if s in text]
    assert not found
    assert "\nFAKE LOG LINE" not in text


def test_no_page_links_to_a_url_carrying_a_childs_name_or_birth_date(world, clients):
    client = clients["manager"]
    pages = [reverse("home:dashboard")] + [
        reverse("referrals:detail", kwargs={"pk": world.own[key].pk})
        for key in ("received", "information-gathering", "screening", "review-open")
    ]
    leaks = []
    for page in pages:
        for url in HREF.findall(client.get(page).content):
            for referral in (world.own["received"], world.own["review-open"]):
                dob = referral.child_date_of_birth.isoformat().encode()
                if referral.child_name.encode() in url or dob in url:
                    leaks.append((page, url))
    assert not leaks
