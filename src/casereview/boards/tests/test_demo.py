"""The demo board loads on a fresh database, twice without change, with a case at each stage."""

import pytest

from casereview.boards.demo import load_demo
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
