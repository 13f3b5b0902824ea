"""End every session of a person at once: for a lost laptop or a leaver (SECURITY.md SE-1)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from casereview.accounts.hooks import roles_end_unsupported
from casereview.accounts.models import Person
from casereview.core import models as audit


class Command(BaseCommand):
    help = "Sign a person out everywhere; with --deactivate, also stop them signing in."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--deactivate", action="store_true")

    def handle(self, *args, email: str, deactivate: bool, **options):
        person = Person.objects.filter(email=email.lower()).first()
        if person is None:
            raise CommandError(f"No account has the email address {email}.")
        person.end_sessions()
        audit.record(
            "SESSIONS_ENDED_BY_ADMIN", detail={"person": person.pk, "deactivated": deactivate}
        )
        if deactivate:
            # Their roles on reviews end with the account (SECURITY.md AZ-4).
            with transaction.atomic():
                Person.objects.filter(pk=person.pk).update(is_active=False)
                person.is_active = False
                ended = roles_end_unsupported(person=person, because="account deactivated")
            self.stdout.write(f"{email} can no longer sign in; {ended} review roles ended.")
        self.stdout.write(f"Every session of {email} has ended.")
