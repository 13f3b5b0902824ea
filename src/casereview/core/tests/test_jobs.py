"""Background work survives its worker: heartbeats, lost work queued again or failed (JB-1)."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.management import call_command, get_commands
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from casereview.core import jobs
from casereview.core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
NOOP = "casereview.core.tests.test_jobs.noop"


def noop() -> None:  # pragma: no cover - never run, only named
    pass


def heartbeat(worker_id: str, *, age: float, host: str = "elsewhere", pid: int = 1, **kw):
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        hostname=host,
        pid=pid,
        seen_at=timezone.now() - dt.timedelta(seconds=age),
        **kw,
    )


def running(task_path: str = NOOP, *, workers: list[str], args: list | None = None):
    return DBTaskResult.objects.create(
        status="RUNNING",
        task_path=task_path,
        args_kwargs={"args": args or [], "kwargs": {}},
        backend_name="default",
        worker_ids=workers,
        started_at=timezone.now() - dt.timedelta(minutes=5),
    )


def test_a_task_whose_worker_stopped_beating_is_queued_again_once_then_failed():
    heartbeat("first", age=120)
    result = running(workers=["first"])
    assert jobs.lost_work_sweep() == [(str(result.pk), "requeued")]
    result.refresh_from_db()
    assert result.status == "READY" and result.run_after <= timezone.now()

    # A second worker claims it and dies too: the task fails with a message.
    heartbeat("second", age=120)
    DBTaskResult.objects.filter(pk=result.pk).update(
        status="RUNNING", worker_ids=["first", "second"]
    )
    assert jobs.lost_work_sweep() == [(str(result.pk), "failed")]
    result.refresh_from_db()
    assert result.status == "FAILED" and result.finished_at is not None
    assert result.traceback == jobs.LOST_MESSAGE
    assert result.exception_class_path == "casereview.core.jobs.WorkerLost"


def test_a_task_whose_worker_is_alive_is_left_running():
    heartbeat("alive", age=2)
    result = running(workers=["alive"])
    assert jobs.lost_work_sweep() == []
    result.refresh_from_db()
    assert result.status == "RUNNING"


def test_a_worker_on_this_machine_whose_process_is_gone_is_dead_before_its_lease():
    import subprocess
    import sys

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    heartbeat("killed", age=1, host=jobs._HOST, pid=gone.pid)
    heartbeat("this", age=1, host=jobs._HOST, pid=os.getpid())
    assert jobs.live_worker_ids() == {"this"}


def test_a_worker_that_stopped_cleanly_is_not_alive():
    heartbeat("stopped", age=1, stopped_at=timezone.now())
    assert jobs.live_worker_ids() == set()


def test_a_task_claimed_by_a_worker_without_a_heartbeat_gets_the_lease_before_it_is_lost():
    result = running(workers=["new"])
    DBTaskResult.objects.filter(pk=result.pk).update(started_at=timezone.now())
    assert jobs.lost_work_sweep() == []
    later = timezone.now() + jobs.LEASE + dt.timedelta(seconds=1)
    assert jobs.lost_work_sweep(now=later) == [(str(result.pk), "requeued")]


def test_db_worker_is_cores_own_so_every_worker_keeps_a_heartbeat():
    assert get_commands()["db_worker"] == "casereview.core"


def test_the_worker_registers_sweeps_at_start_and_says_when_it_stopped(settings, monkeypatch):
    from django_tasks_db.management.commands import db_worker

    # The worker loop closes stale connections between tasks, as it must in production; on
    # PostgreSQL that would close the connection holding this test's transaction.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    settings.TASKS = DB_TASKS
    heartbeat("dead", age=600)
    lost = running(workers=["dead"])
    call_command(
        "db_worker", batch=True, reload=False, worker_id="drill", startup_delay=False, verbosity=0
    )
    beat = WorkerHeartbeat.objects.get(worker_id="drill")
    assert beat.pid == os.getpid() and beat.stopped_at is not None
    lost.refresh_from_db()
    # Queued again at start, then run by this very worker in its batch (noop succeeds).
    assert lost.status in ("SUCCESSFUL", "FAILED") and "drill" in lost.worker_ids


def test_worker_alive_reads_the_heartbeats_when_the_database_backend_runs_tasks(settings):
    assert jobs.worker_alive()  # the immediate backend needs no worker
    settings.TASKS = DB_TASKS
    assert not jobs.worker_alive()
    heartbeat("here", age=1, host=jobs._HOST, pid=os.getpid())
    assert jobs.worker_alive()


def test_a_task_queued_with_the_database_backend_lives_and_dies_with_its_transaction(settings):
    from django.db import transaction

    from casereview.referrals.tasks import send_reminders

    settings.TASKS = DB_TASKS

    def rolled_back():
        with transaction.atomic():
            jobs.enqueue(send_reminders)
            raise RuntimeError("the request failed after queueing")

    with pytest.raises(RuntimeError):
        rolled_back()
    assert not DBTaskResult.objects.exists()
    with transaction.atomic():
        jobs.enqueue(send_reminders)
        # Written with the work, not after the commit: a kill -9 after the commit keeps it.
        assert DBTaskResult.objects.filter(task_path=send_reminders.module_path).exists()
