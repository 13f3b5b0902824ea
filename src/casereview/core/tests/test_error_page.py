"""The 500 page says only what is true: it cannot know whether the failed page's input was kept."""

from __future__ import annotations

import pytest
from django.urls import reverse

from casereview.referrals import services
from casereview.referrals.models import Referral
from casereview.referrals.tests.test_pages import referral_form

pytestmark = pytest.mark.django_db


def test_a_form_that_fails_on_the_server_is_not_said_to_be_kept(cast, as_person, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("forced failure")

    monkeypatch.setattr(services, "referral_log", fail)
    client = as_person(cast.admin)
    client.raise_request_exception = False
    response = client.post(reverse("referrals:new", args=[cast.board.slug]), referral_form())

    assert response.status_code == 500
    body = response.content.decode()
    assert "Nothing you saved has been lost" not in body
    assert "lost" not in body.lower()
    assert "What you typed on this page may not have been saved." in body
    assert "Go back to the page you were on and try again." in body
    assert "what you typed on this page may need to be entered again" in body
    assert "Anything you saved on an earlier page is kept" in body
    assert f"Reference: <code>{response['X-Request-ID']}</code>" in body
    assert not Referral.objects.exists()
