"""An export whose worker died ends failed with a message, or runs again (SECURITY.md JB-1)."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from casereview.chronologies import tasks
from casereview.chronologies.models import ExportJob
from casereview.core import jobs
from casereview.core.models import Document, WorkerHeartbeat

from .conftest import HEALTH_ROWS, POLICE_ROWS, row, sent

pytestmark = pytest.mark.django_db


@pytest.fixture
def both_sent(cast, review, police_commission, health_commission, health_author):
    fixed = [POLICE_ROWS[0], row("12/03/2024", POLICE_ROWS[1][1]), POLICE_ROWS[2]]
    sent(police_commission, fixed, cast.police_author)
    sent(health_commission, HEALTH_ROWS, health_author)
    return review


def job_url(job):
    return reverse("chronologies:export-job", args=[job.review_id, job.pk])


def stuck_export(review, person, *, runs: int) -> tuple[ExportJob, DBTaskResult]:
    """An export at 10% whose task's worker was killed (the probe's "running 10%" for ever)."""
    job = ExportJob.objects.create(
        review=review, format="csv", requested_by=person, status="running", progress=10
    )
    workers = [f"killed-{n}" for n in range(runs)]
    for worker in workers:
        WorkerHeartbeat.objects.create(
            worker_id=worker, hostname="elsewhere", pid=1, seen_at=timezone.now() - jobs.LEASE * 3
        )
    result = DBTaskResult.objects.create(
        status="RUNNING",
        task_path=tasks.export_merged.module_path,
        args_kwargs={"args": [job.pk], "kwargs": {}},
        backend_name="default",
        worker_ids=workers,
        started_at=timezone.now() - dt.timedelta(minutes=2),
    )
    return job, result


def test_an_export_whose_worker_died_twice_fails_and_its_page_says_what_to_do(
    cast, as_person, both_sent
):
    job, _ = stuck_export(both_sent, cast.manager, runs=jobs.MAX_RUNS)
    jobs.lost_work_sweep()
    job.refresh_from_db()
    assert (job.status, job.progress, job.document) == ("failed", 100, None)
    assert job.finished_at is not None
    page = as_person(cast.manager).get(job_url(job)).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "The export failed" in page
    assert "the background worker stopped while making it" in page
    assert "Make the export again from the merged chronology." in page


def test_an_export_whose_worker_died_once_waits_again_and_a_new_worker_makes_it(
    cast, as_person, both_sent
):
    job, result = stuck_export(both_sent, cast.manager, runs=1)
    jobs.lost_work_sweep()
    job.refresh_from_db()
    result.refresh_from_db()
    assert (job.status, job.progress, result.status) == ("queued", 0, "READY")
    tasks.export_merged.call(job.pk)  # what the next worker does with the queued task
    job.refresh_from_db()
    assert (job.status, job.progress) == ("done", 100)
    assert Document.objects.filter(kind="chronology-export").count() == 1


def test_an_export_run_twice_makes_one_document(cast, both_sent):
    job = ExportJob.objects.create(review=both_sent, format="csv", requested_by=cast.manager)
    tasks.export_merged.call(job.pk)
    tasks.export_merged.call(job.pk)
    assert Document.objects.filter(kind="chronology-export").count() == 1


def test_an_export_failed_by_the_sweep_while_it_ran_keeps_no_document(cast, both_sent, monkeypatch):
    # The worker was only slow, not dead: the sweep failed the job; the late finish stores nothing.
    job = ExportJob.objects.create(review=both_sent, format="csv", requested_by=cast.manager)
    write = tasks.exports.write_merged

    def slow_then_failed(*args, **kwargs):
        write(*args, **kwargs)
        ExportJob.objects.filter(pk=job.pk).update(status="failed", error=tasks.LOST)

    monkeypatch.setattr(tasks.exports, "write_merged", slow_then_failed)
    tasks.export_merged.call(job.pk)
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", tasks.LOST)
    assert not Document.objects.filter(kind="chronology-export").exists()


def test_the_pages_that_start_exports_say_when_no_worker_is_alive(
    cast, as_person, both_sent, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = as_person(cast.manager)
    job = ExportJob.objects.create(review=both_sent, format="csv", requested_by=cast.manager)
    merged = reverse("chronologies:merged", args=[both_sent.pk])
    for url in (merged, job_url(job)):
        assert jobs.WORKER_DOWN_MESSAGE in client.get(url).content.decode()
    WorkerHeartbeat.objects.create(worker_id="up", hostname=jobs._HOST, pid=os.getpid())
    for url in (merged, job_url(job)):
        page = client.get(url).content.decode()
        assert jobs.WORKER_DOWN_MESSAGE not in page
    assert '<meta http-equiv="refresh" content="2">' in page
