"""Background work that survives its worker (SECURITY.md JB-1).

django-tasks-db's worker claims a task by marking it RUNNING and adding its id to
``worker_ids``; if the process dies the row stays RUNNING for ever. So each worker process
(``manage.py db_worker``, which ``core`` wraps) keeps a ``WorkerHeartbeat`` row fresh every
``HEARTBEAT_EVERY`` from a thread, and a worker is alive while its heartbeat is younger than
``LEASE`` (or, on the same machine, while its process exists: a worker restarted after a
kill -9 need not wait out the lease). ``lost_work_sweep``, run by every worker as it starts
and then every ``SWEEP_EVERY``, takes each RUNNING task whose worker is not alive and queues
it again once (``MAX_RUNS``) or fails it with ``LOST_MESSAGE``; the app's own row for the work
(an export's progress) is told through the handler registered with ``when_lost``.

Work with side effects is done once however often its task runs: ``once`` records a unique key
in the same transaction as a stored letter, and ``email_once`` claims its key before sending,
so a rerun sees the key and does nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, close_old_connections, connections, transaction
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import TaskResultStatus, task_backends
from django_tasks_db.models import DBTaskResult

from .models import SideEffect, WorkerHeartbeat

log = logging.getLogger(__name__)

HEARTBEAT_EVERY = dt.timedelta(seconds=5)
# Six missed heartbeats: a worker busy in a long SQLite write still beats well within it.
LEASE = dt.timedelta(seconds=30)
SWEEP_EVERY = dt.timedelta(seconds=15)
# A task whose worker died runs once more; if that worker dies too, it fails.
MAX_RUNS = 2
LOST_MESSAGE = "The worker stopped while this was running. Start it again."
WORKER_DOWN_MESSAGE = "Background work is not running: exports will wait until it starts."

_HOST = socket.gethostname()


class WorkerLost(Exception):
    """The worker running a task stopped before the task finished."""


# -- who is alive ------------------------------------------------------------------------------


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:  # a killed child nobody has reaped yet is a zombie: gone all the same
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def live_worker_ids(now: dt.datetime | None = None) -> set[str]:
    now = now or timezone.now()
    live = set()
    for beat in WorkerHeartbeat.objects.filter(stopped_at__isnull=True, seen_at__gte=now - LEASE):
        if beat.hostname == _HOST and _process_gone(beat.pid):
            continue
        live.add(beat.worker_id)
    return live


def worker_alive(now: dt.datetime | None = None) -> bool:
    """Whether any worker is alive to run background work (the pages' notice asks this)."""
    if not isinstance(task_backends["default"], DatabaseBackend):
        return True  # another backend (the immediate one in tests) runs work without a worker
    return bool(live_worker_ids(now))


# -- the worker's heartbeat ----------------------------------------------------------------------


def beat(worker_id: str, *, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    if not WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=now):
        WorkerHeartbeat.objects.create(
            worker_id=worker_id, hostname=_HOST, pid=os.getpid(), started_at=now, seen_at=now
        )


class Heartbeat(threading.Thread):
    """Keeps one worker's heartbeat fresh and sweeps lost work, until stopped."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.stopping = threading.Event()

    def run(self) -> None:
        swept = timezone.now()
        try:
            while not self.stopping.wait(HEARTBEAT_EVERY.total_seconds()):
                close_old_connections()
                try:
                    beat(self.worker_id)
                    if timezone.now() - swept >= SWEEP_EVERY:
                        lost_work_sweep()
                        swept = timezone.now()
                except Exception:  # a locked database now is a heartbeat later, not a crash
                    log.exception("worker %s: heartbeat failed", self.worker_id)
        finally:
            connections.close_all()


def worker_started(worker_id: str) -> Heartbeat:
    """Register a worker process, sweep what dead ones left, and start its heartbeat."""
    beat(worker_id)
    lost_work_sweep()
    heartbeat = Heartbeat(worker_id)
    heartbeat.start()
    return heartbeat


def worker_stopped(heartbeat: Heartbeat) -> None:
    """Say at once that this worker stopped (a second signal may end the process any moment)."""
    heartbeat.stopping.set()
    WorkerHeartbeat.objects.filter(worker_id=heartbeat.worker_id).update(stopped_at=timezone.now())


# -- lost work -----------------------------------------------------------------------------------

LostHandler = Callable[..., None]
_handlers: dict[str, LostHandler] = {}


def when_lost(task) -> Callable[[LostHandler], LostHandler]:
    """Register ``handler(*args, requeued=bool, **kwargs)`` for a task whose worker died.

    It runs in the sweep's transaction: queued again (``requeued=True``), the app's row goes
    back to waiting; failed, the row fails with a message a person can act on.
    """

    def register(handler: LostHandler) -> LostHandler:
        _handlers[task.module_path] = handler
        return handler

    return register


def _handler(task_path: str) -> LostHandler | None:
    if task_path not in _handlers:
        # The handler sits beside its task: importing the task's module registers it.
        module = task_path.rpartition(".")[0]
        with contextlib.suppress(ImportError):
            __import__(module)
    return _handlers.get(task_path)


def lost_work_sweep(*, now: dt.datetime | None = None) -> list[tuple[str, str]]:
    """Queue again, or fail, every running task whose worker is no longer alive."""
    now = now or timezone.now()
    live = live_worker_ids(now)
    known = set(WorkerHeartbeat.objects.values_list("worker_id", flat=True))
    outcomes: list[tuple[str, str]] = []
    for result in DBTaskResult.objects.running():
        worker = result.worker_ids[-1] if result.worker_ids else ""
        if worker in live:
            continue
        if worker not in known and result.started_at and now - result.started_at < LEASE:
            continue  # a worker that has not written its first heartbeat yet
        requeue = len(result.worker_ids) < MAX_RUNS
        with transaction.atomic():
            claimed = DBTaskResult.objects.filter(
                pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at
            )
            if requeue:
                changed = claimed.update(status=TaskResultStatus.READY, run_after=now)
            else:
                changed = claimed.update(
                    status=TaskResultStatus.FAILED,
                    finished_at=now,
                    return_value=None,
                    exception_class_path=f"{__name__}.{WorkerLost.__name__}",
                    traceback=LOST_MESSAGE,
                )
            if not changed:
                continue
            handler = _handler(result.task_path)
            if handler is not None:
                args, kwargs = result.args_kwargs["args"], result.args_kwargs["kwargs"]
                handler(*args, requeued=requeue, **kwargs)
        outcome = "requeued" if requeue else "failed"
        log.warning(
            "task %s (%s): worker %s lost, %s", result.pk, result.task_path, worker, outcome
        )
        outcomes.append((str(result.pk), outcome))
    # Old heartbeats say nothing any more.
    WorkerHeartbeat.objects.filter(seen_at__lt=now - dt.timedelta(days=1)).delete()
    return outcomes


# -- queueing with the transaction -------------------------------------------------------------


def enqueue(task, *args, **kwargs) -> None:
    """Queue a task as part of the current transaction: it exists if and only if the work does.

    With the database backend the task row is written in the transaction itself, so a kill -9
    just after the commit cannot lose it (``on_commit`` would) and a rollback drops it; the
    worker sees it only once committed. Other backends (the immediate one in tests) queue on
    commit, as before.
    """
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))


# -- side effects done once ----------------------------------------------------------------------


class AlreadyDone(Exception):
    """The side effect under this key has been done."""


@contextlib.contextmanager
def once(key: str) -> Iterator[SideEffect]:
    """Do a database side effect (a stored letter) once: the key commits with it or not at all.

    Raises ``AlreadyDone`` before the body when the key is taken; a rollback of the body
    releases the key, so a rerun does the work.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                effect = SideEffect.objects.create(key=key)
        except IntegrityError:
            raise AlreadyDone(key) from None
        yield effect
        effect.done_at = timezone.now()
        effect.save(update_fields=["done_at", "detail"])


def email_once(key: str, *, to: str, subject: str, body: str) -> bool:
    """Send an email once under ``key``; False when it was sent (or is being sent) already.

    The key is committed before sending, so a task run again never sends twice; a kill
    between the claim and the send leaves the key without ``done_at`` (an email in doubt,
    never sent twice). A send that raises releases the key, so a retry sends it.
    """
    try:
        with transaction.atomic():
            effect = SideEffect.objects.create(key=key, detail={"to": to, "subject": subject})
    except IntegrityError:
        return False
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    except Exception:
        SideEffect.objects.filter(pk=effect.pk, done_at__isnull=True).delete()
        raise
    SideEffect.objects.filter(pk=effect.pk).update(done_at=timezone.now())
    return True
