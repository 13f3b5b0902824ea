"""Work with side effects is done once however often its task runs (SECURITY.md JB-1)."""

from __future__ import annotations

import pytest
from django.core import mail

from casereview.core import jobs
from casereview.core.models import Document, SideEffect
from casereview.referrals import tasks

pytestmark = pytest.mark.django_db


def test_an_agency_request_task_run_twice_sends_one_email_and_stores_one_letter(
    cast, make_referral, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral("information-gathering")
    request = referral.agency_requests.get(agency=cast.police)
    before = (len(mail.outbox), Document.objects.filter(kind="letter:agency-request").count())

    tasks.email_agency_request.call(request.pk)
    tasks.email_agency_request.call(request.pk)

    after = (len(mail.outbox), Document.objects.filter(kind="letter:agency-request").count())
    assert before == (2, 2) and after == (2, 2)


def test_a_notifications_task_queued_again_sends_each_email_and_stores_each_letter_once(
    cast, make_referral, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral("review-open")
    ids = list(referral.notifications.values_list("pk", flat=True))
    emails, letters = len(mail.outbox), Document.objects.filter(kind__startswith="letter:").count()
    assert emails > 0

    tasks.prepare_notifications.call(referral.pk, ids)
    tasks.prepare_notifications.call(referral.pk, ids)

    assert len(mail.outbox) == emails
    assert Document.objects.filter(kind__startswith="letter:").count() == letters
    assert referral.notifications.filter(letter__isnull=True).count() == 0


def test_a_letter_whose_key_is_taken_is_not_stored_again(cast, make_referral):
    # The letter's key commits with the letter; a rerun that finds the key stores nothing.
    referral = make_referral("review-open")
    notification = referral.notifications.first()
    SideEffect.objects.get_or_create(key=f"notification-letter:{notification.pk}")
    letters = Document.objects.count()
    tasks.prepare_notifications.call(referral.pk, [notification.pk])
    assert Document.objects.count() == letters


def test_an_email_that_fails_to_send_is_sent_by_the_retry(monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(jobs, "send_mail", down)
    with pytest.raises(ConnectionRefusedError):
        jobs.email_once("k:1", to="a@test.test", subject="S", body="B")
    monkeypatch.undo()
    assert jobs.email_once("k:1", to="a@test.test", subject="S", body="B") is True
    assert jobs.email_once("k:1", to="a@test.test", subject="S", body="B") is False
    assert len(mail.outbox) == 1
    assert SideEffect.objects.get(key="k:1").done_at is not None


def test_a_letter_that_fails_releases_its_key_so_the_rerun_stores_it():
    with pytest.raises(RuntimeError), jobs.once("letter:1"):
        raise RuntimeError("template broken")
    assert not SideEffect.objects.filter(key="letter:1").exists()
    with jobs.once("letter:1"):
        pass
    with pytest.raises(jobs.AlreadyDone), jobs.once("letter:1"):
        pytest.fail("a done side effect must not run again")
