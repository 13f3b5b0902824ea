"""Load the demo board (idempotent) and print how to sign in as each role."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from casereview.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo board with one account per role, and print their sign-in details."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("The demo board is not for production.")
        accounts = load_demo()
        self.stdout.write(f"Demo accounts (invented people; password for all: {DEMO_PASSWORD})")
        self.stdout.write("Add the two-factor key to an authenticator app, or compute a code with")
        self.stdout.write("  .venv/bin/python -c \"import pyotp; print(pyotp.TOTP('KEY').now())\"")
        role_width = max(len(role) for role, _, _ in accounts)
        email_width = max(len(email) for _, email, _ in accounts)
        for role, email, secret in accounts:
            self.stdout.write(f"  {role:<{role_width}}  {email:<{email_width}}  {secret}")
