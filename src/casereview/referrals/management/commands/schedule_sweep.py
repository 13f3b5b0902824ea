"""Start the hourly sweep (reminders, orphan files) unless one is already waiting: safe to
run at every start."""

from django.core.management.base import BaseCommand

from casereview.referrals.tasks import sweep_schedule


class Command(BaseCommand):
    help = "Enqueue the periodic sweep if none is waiting."

    def handle(self, *args, **options):
        if sweep_schedule():
            self.stdout.write("The sweep is scheduled.")
        else:
            self.stdout.write("The sweep is already scheduled.")
