"""The demo board loads on a fresh database, twice without change, with a case at each stage."""

import pytest

from casereview.demo import load_demo
from casereview.referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_the_demo_loads_idempotently_with_one_account_per_role(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        printed = load_demo()
    stages = set(Referral.objects.values_list("stage", flat=True))
    assert stages == {
        "received",
        "information-gathering",
        "screening",
        "awaiting-decision",
        "review-open",
    }
    counts = Referral.objects.count()
    assert len({email for _, email, _ in printed}) == len(printed)
    assert all(len(secret) == 32 for _, _, secret in printed)
    assert load_demo() == printed
    assert Referral.objects.count() == counts


# Read-only roles (board member, observer) have nothing to do: what they see is their own page.
READ_ONLY = {"member@demo.test", "observer@demo.test"}


def test_every_demo_role_that_does_work_finds_some_waiting(django_capture_on_commit_callbacks):
    from casereview.accounts.models import Person
    from casereview.core.models import AuditEvent
    from casereview.demo import PEOPLE
    from casereview.home.waiting import waiting_for

    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    events = AuditEvent.objects.count()
    load_demo()
    assert AuditEvent.objects.count() == events  # the second load writes nothing
    kinds = {}
    for email, _, role, _ in PEOPLE:
        if email in READ_ONLY:
            continue
        groups = waiting_for(Person.objects.get(email=email))
        kinds.setdefault(role, set()).update(g.kind for g in groups)
        assert groups, f"nothing is waiting for {email}"
    assert "Decisions awaiting" in kinds["chair"]
    assert "Extensions awaiting approval" in kinds["chair"]
    assert "Notifications to send" in kinds["administrator"]
    assert "Cases at screening" in kinds["subgroup-member"]
    assert "Reviews you sit on" in kinds["subgroup-member"]
    assert "Chronologies and reports due" in kinds["agency-author"]
    assert "Reviews you write" in kinds["overview-author"]


def test_the_demo_accounts_print_in_aligned_columns():
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("load_demo", stdout=out)
    from casereview.demo import PEOPLE

    emails = [email for email, *_ in PEOPLE]
    rows = [line for line in out.getvalue().splitlines() if any(e in line for e in emails)]
    assert len(rows) >= len(emails)
    starts = {line.index(next(e for e in emails if e in line)) for line in rows}
    assert len(starts) == 1, rows  # every address starts in the same column
    keys = {len(line.rstrip()) for line in rows}
    assert len(keys) == 1, rows  # and every key ends in the same one
