"""django-tasks-db's worker, with a heartbeat and a sweep of work left by dead workers.

``core`` comes before ``django_tasks_db`` in INSTALLED_APPS, so ``manage.py db_worker`` is
this command: every worker anyone starts keeps a lease (``casereview.core.jobs``).
"""

from __future__ import annotations

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from casereview.core import jobs
from casereview.core.storage import files_sweep


class Command(db_worker.Command):
    help = "Run the background worker: tasks, a heartbeat, and a sweep of lost work."

    def handle(self, *args, **options):
        # Under --reload the parent only watches files; the child runs the tasks.
        runs_tasks = not options["reload"] or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        if not runs_tasks:
            return super().handle(*args, **options)
        heartbeat = jobs.worker_started(options["worker_id"])
        files_sweep()
        try:
            return super().handle(*args, **options)
        finally:
            jobs.worker_stopped(heartbeat)
