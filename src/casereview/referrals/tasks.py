"""Background work for cases: emails (a sign-in link, never case details) and letters."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from casereview.accounts.kept import forms_expire
from casereview.core import timescales
from casereview.core.models import checkpoint_write

from .models import AgencyRequest, Notification, Referral


def _sign_in_link() -> str:
    return settings.SITE_URL + reverse("accounts:sign-in")


def _email(to: str, subject: str, board_name: str) -> None:
    # ML-1: no case content in email; the person signs in to read it.
    body = (
        f"You have something to look at in Casereview for {board_name}.\n\n"
        f"Sign in to see it: {_sign_in_link()}\n\n"
        "This email does not contain any case details."
    )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


@task()
def email_agency_request(request_id: int) -> None:
    """Tell a named officer their agency has been asked; store the request letter."""
    from .letters import letter_for_agency_request

    request = AgencyRequest.objects.select_related("agency__named_officer", "referral__board").get(
        pk=request_id
    )
    letter_for_agency_request(request)
    officer = request.agency.named_officer
    if officer is not None:
        _email(
            officer.email, "A request for information from the board", request.referral.board.name
        )


@task()
def prepare_notifications(referral_id: int, notification_ids: list[int]) -> None:
    """Generate each notification's letter and email people who can sign in."""
    from .letters import letter_for_notification

    referral = Referral.objects.select_related("board").get(pk=referral_id)
    for notification in Notification.objects.filter(pk__in=notification_ids, letter__isnull=True):
        with transaction.atomic():
            letter = letter_for_notification(notification)
            Notification.objects.filter(pk=notification.pk).update(letter=letter)
        if notification.recipient_email and notification.kind == "chief-officers":
            _email(notification.recipient_email, "A decision from the board", referral.board.name)
            Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


@task()
def send_reminders() -> int:
    """Remind named officers whose answers fall due soon; idempotent, safe to run any time."""
    now = timezone.now()
    sent = 0
    pending = AgencyRequest.objects.filter(
        answered_at__isnull=True,
        reminded_at__isnull=True,
        referral__stage__in=["information-gathering", "screening"],
    ).select_related("agency__named_officer", "referral__board__profile")
    for request in pending:
        profile = request.referral.board.profile
        nation = timescales.Nation(profile.nation)
        days_left = timescales.working_days_between(
            timezone.localdate(now), timezone.localtime(request.due_at).date(), nation
        )
        if days_left > profile.reminder_working_days or request.agency.named_officer is None:
            continue
        claimed = AgencyRequest.objects.filter(pk=request.pk, reminded_at__isnull=True).update(
            reminded_at=now
        )
        if claimed:
            _email(
                request.agency.named_officer.email,
                "Reminder: an answer is due",
                request.referral.board.name,
            )
            sent += 1
    return sent


@task()
def sweep() -> None:
    """The periodic sweep: reminders, upkeep of the audit and kept forms, and itself in an hour."""
    send_reminders.call()
    checkpoint_write()  # signs the audit chain's head, so deleting its newest events shows
    forms_expire()  # what was typed after a timeout is kept 30 minutes, no longer
    sweep.using(run_after=timezone.now() + dt.timedelta(hours=1)).enqueue()
