"""Background work for cases: emails (a sign-in link, never case details) and letters."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from casereview.accounts.kept import forms_expire
from casereview.core import jobs, timescales
from casereview.core.models import checkpoint_write
from casereview.core.storage import files_sweep

from .deadlines import deadline_mark_missed
from .models import AgencyRequest, CaseExclusion, Deadline, Notification, Referral


def _sign_in_link() -> str:
    return settings.SITE_URL + reverse("accounts:sign-in")


def _email(key: str, to: str, subject: str, board_name: str) -> bool:
    """Send once under ``key`` (a rerun of the task sends nothing); True if sent now."""
    # ML-1: no case content in email; the person signs in to read it.
    body = (
        f"You have something to look at in Casereview for {board_name}.\n\n"
        f"Sign in to see it: {_sign_in_link()}\n\n"
        "This email does not contain any case details."
    )
    return jobs.email_once(key, to=to, subject=subject, body=body)


@task()
def email_agency_request(request_id: int) -> None:
    """Tell a named officer their agency has been asked; store the request letter."""
    from .letters import letter_for_agency_request

    request = AgencyRequest.objects.select_related("agency__named_officer", "referral__board").get(
        pk=request_id
    )
    with contextlib.suppress(jobs.AlreadyDone), jobs.once(f"agency-request-letter:{request.pk}"):
        letter_for_agency_request(request)
    officer = request.agency.named_officer
    if officer is not None:
        _email(
            f"agency-request-email:{request.pk}",
            officer.email,
            "A request for information from the board",
            request.referral.board.name,
        )


@task()
def prepare_notifications(referral_id: int, notification_ids: list[int]) -> None:
    """Generate each notification's letter and email people who can sign in."""
    from .letters import letter_for_notification

    referral = Referral.objects.select_related("board").get(pk=referral_id)
    for notification in Notification.objects.filter(pk__in=notification_ids):
        # Each letter and each email once, however often this task runs (JB-1).
        if notification.letter_id is None:
            with (
                contextlib.suppress(jobs.AlreadyDone),
                jobs.once(f"notification-letter:{notification.pk}"),
            ):
                letter = letter_for_notification(notification)
                Notification.objects.filter(pk=notification.pk).update(letter=letter)
        if notification.recipient_email and notification.kind == "chief-officers":
            sent = _email(
                f"notification-email:{notification.pk}",
                notification.recipient_email,
                "A decision from the board",
                referral.board.name,
            )
            if sent:
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
        if claimed and _email(
            f"reminder:{request.pk}",
            request.agency.named_officer.email,
            "Reminder: an answer is due",
            request.referral.board.name,
        ):
            sent += 1
    return sent


@task()
def remind_missed_deadlines() -> int:
    """Claim each deadline that ran out unmet, then remind its people once; safe to rerun.

    Two steps, each once however often the sweep runs or its worker restarts: the claim
    (``missed_at`` and the ``DEADLINE_MISSED`` event, in one transaction), then one email to
    each of the board's business managers and, for an agency's deadline, the agency's named
    officer, each under its own ``email_once`` key. A worker killed between the two finds
    the claimed deadline still waiting for its reminders at the next sweep.
    Returns how many emails were sent now.
    """
    now = timezone.now()
    for deadline in Deadline.objects.newly_missed(now).select_related("referral__board"):
        deadline_mark_missed(deadline, now=now)
    sent = 0
    waiting = Deadline.objects.filter(
        missed_at__isnull=False, missed_reminded_at__isnull=True, met_at__isnull=True
    ).select_related("referral__board", "agency__named_officer")
    for deadline in waiting:
        stamp = deadline.effective_due_at.strftime("%Y%m%d%H%M")
        for person in _told_of_miss(deadline):
            # ML-1: the subject and body name no case, child or agency.
            sent += _email(
                f"deadline-missed:{deadline.pk}:{stamp}:{person.pk}",
                person.email,
                "A deadline has passed",
                deadline.referral.board.name,
            )
        Deadline.objects.filter(pk=deadline.pk, missed_at=deadline.missed_at).update(
            missed_reminded_at=timezone.now()
        )
    return sent


def _told_of_miss(deadline: Deadline) -> list:
    """The board's business managers and, for an agency's deadline, its named officer.

    Never someone excluded from the case for a conflict of interest (AZ-5).
    """
    from casereview.accounts.models import Person
    from casereview.core.roles import Role

    excluded = CaseExclusion.objects.in_force().filter(referral_id=deadline.referral_id)
    people = list(
        Person.objects.filter(
            is_active=True,
            memberships__board_id=deadline.referral.board_id,
            memberships__role=Role.BUSINESS_MANAGER,
            memberships__is_active=True,
        )
        .exclude(pk__in=excluded.values("person_id"))
        .distinct()
        .order_by("pk")
    )
    officer = deadline.agency.named_officer if deadline.agency_id else None
    if (
        officer is not None
        and officer.is_active
        and officer not in people
        and not excluded.filter(person=officer).exists()
    ):
        people.append(officer)
    return people


@task()
def sweep() -> None:
    """The periodic sweep: reminders, missed deadlines, orphan files, upkeep of the audit and
    kept forms, and itself again in an hour (no cron)."""
    send_reminders.call()
    remind_missed_deadlines.call()
    files_sweep()
    checkpoint_write()  # signs the audit chain's head, so deleting its newest events shows
    forms_expire()  # what was typed after a timeout is kept 30 minutes, no longer
    sweep_schedule(run_after=timezone.now() + dt.timedelta(hours=1))


def sweep_schedule(*, run_after: dt.datetime | None = None) -> bool:
    """Queue the sweep unless one is already waiting: one chain, however often it is asked."""
    waiting = DBTaskResult.objects.filter(task_path=sweep.module_path, status="READY")
    if waiting.exists():
        return False
    (sweep.using(run_after=run_after) if run_after else sweep).enqueue()
    return True


@jobs.when_lost(sweep)
def _sweep_lost(*, requeued: bool) -> None:
    if not requeued:  # the chain goes on: a failed sweep would otherwise be the last one
        sweep_schedule()
