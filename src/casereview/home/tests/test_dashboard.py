"""The dashboard: overdue first, a fixed number of queries whatever the number of cases."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from casereview.referrals.models import Deadline, Referral

pytestmark = pytest.mark.django_db


def bulk_cases(board, by, n, start=0):
    now = timezone.now()
    cases = Referral.objects.bulk_create(
        [
            Referral(
                board=board,
                reference=f"BULK-{start + i:05d}",
                received_at=now,
                logged_by=by,
                referrer_kind="agency",
                referrer_name="R",
                child_name=f"Bulk Child {i}",
                incident_on=now.date(),
                harm_type="serious-harm",
                incident_summary="x",
            )
            for i in range(n)
        ]
    )
    Deadline.objects.bulk_create(
        [
            Deadline(
                referral=c,
                kind="decision",
                label="Chair's decision",
                span="1 month",
                counts_from="referral",
                starts_at=now,
                due_at=now + dt.timedelta(days=i % 60 - 20),
                effective_due_at=now + dt.timedelta(days=i % 60 - 20),
            )
            for i, c in enumerate(cases)
        ]
    )


def count_queries(client, django_assert_max_num_queries, captured):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("home:dashboard"))
    assert response.status_code == 200
    captured.append(len(ctx.captured_queries))
    return response


def test_the_dashboard_answers_with_the_same_queries_for_10_and_1000_cases(
    cast, as_person, django_assert_max_num_queries
):
    client = as_person(cast.manager)
    bulk_cases(cast.board, cast.manager, 10)
    counts: list[int] = []
    count_queries(client, django_assert_max_num_queries, counts)
    bulk_cases(cast.board, cast.manager, 990, start=10)
    response = count_queries(client, django_assert_max_num_queries, counts)
    assert counts[0] == counts[1], counts
    assert counts[0] <= 16
    assert response.content.decode().count("BULK-") == 1000


def test_overdue_cases_come_first(cast, as_person, make_referral):
    client = as_person(cast.manager)
    fresh = make_referral("received")
    old = make_referral("received", received_at=timezone.now() - dt.timedelta(days=70))
    body = client.get(reverse("home:dashboard")).content.decode()
    assert body.index(old.reference) < body.index(fresh.reference)
    assert "Overdue" in body


def test_an_agency_user_sees_what_is_asked_of_their_agency_only(cast, as_person, make_referral):
    referral = make_referral("information-gathering")
    other = make_referral("information-gathering", board=cast.other_board)
    body = as_person(cast.police_officer).get(reverse("home:dashboard")).content.decode()
    assert referral.reference in body and other.reference not in body
    assert "Northbrook Health" not in body
    assert "Open cases" not in body


def test_a_person_of_another_board_sees_none_of_its_cases(cast, as_person, make_referral):
    referral = make_referral("received")
    body = as_person(cast.outsider).get(reverse("home:dashboard")).content.decode()
    assert referral.reference not in body
