"""Start the hourly sweep (reminders) unless one is already waiting: safe to run at every start."""

from django.core.management.base import BaseCommand
from django_tasks_db.models import DBTaskResult

from casereview.referrals.tasks import sweep

SWEEP = f"{sweep.func.__module__}.{sweep.func.__name__}"


class Command(BaseCommand):
    help = "Enqueue the periodic sweep if none is waiting."

    def handle(self, *args, **options):
        if DBTaskResult.objects.filter(task_path=SWEEP, status__in=["READY", "RUNNING"]).exists():
            self.stdout.write("The sweep is already scheduled.")
            return
        sweep.enqueue()
        self.stdout.write("The sweep is scheduled.")
