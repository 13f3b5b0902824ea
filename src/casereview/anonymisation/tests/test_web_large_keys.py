"""A key reference at its limit: its pages are shown a page at a time, in the same number of
queries for ten entries or a thousand, and the genogram of 2,000 people is drawn quickly."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casereview.anonymisation.keyref import MAX_ENTRIES
from casereview.anonymisation.models import KeyEntry, Relation

from .web import *  # noqa: F403

pytestmark = [pytest.mark.django_db, pytest.mark.heavy]  # once, on SQLite (script/test)


def _fill(review, by, count: int, *, start: int = 0) -> None:
    """Family members Person N Quill, each the parent of the one before (a long line)."""
    KeyEntry.objects.bulk_create(
        KeyEntry(
            review=review,
            created_by=by,
            category="family",
            name=f"Person{n} Quill",
            label=f"Person {n}",
            sex="mf"[n % 2],
        )
        for n in range(start, start + count)
    )
    people = list(review.key_entries.order_by("pk"))
    Relation.objects.bulk_create(
        Relation(review=review, person=parent, relation="sibling-of", other=child)
        for parent, child in zip(people[start:], people[start + 1 :], strict=False)
    )


def _url(name, review):
    return reverse(f"anonymisation:{name}", args=[review.pk])


@pytest.mark.parametrize("name", ["key-reference", "genogram"])
def test_the_key_pages_use_the_same_number_of_queries_for_10_or_1000_entries(
    cast, as_person, review, django_assert_num_queries, name
):
    client = as_person(cast.admin)
    counted = 0
    for total in (10, 1_000):
        kept = review.key_entries.count()
        _fill(review, cast.admin, total - kept, start=kept)
        last_page = _url(name, review) + "?page=999"
        client.get(last_page)
        if total == 10:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(last_page)
            counted = len(queries)
        else:
            with django_assert_num_queries(counted):
                response = client.get(last_page)
        page = response.content.decode()
        assert f"Person {total - 1}<" in page  # the last entry, on the last page
        assert len(response.content) < 1_000_000


def test_the_key_reference_page_shows_a_hundred_entries_with_gov_uk_pagination(
    cast, as_person, review
):
    _fill(review, cast.admin, 250)
    client = as_person(cast.admin)
    first = client.get(_url("key-reference", review)).content.decode()
    assert "Showing 1 to 100 of 250 people and places." in first
    assert 'class="govuk-pagination"' in first
    assert 'href="?page=2" rel="next"' in first
    assert "Person 99<" in first and "Person 100<" not in first
    second = client.get(_url("key-reference", review) + "?page=2").content.decode()
    assert "Person 100<" in second and "Person 99<" not in second
    assert 'aria-current="page">2</a>' in second
    assert 'rel="prev"' in second
    nonsense = client.get(_url("key-reference", review) + "?page=nonsense")
    assert nonsense.status_code == 200
    assert "Showing 1 to 100" in nonsense.content.decode()


def test_the_genogram_of_a_full_key_is_drawn_in_reasonable_time(cast, as_person, review):
    _fill(review, cast.admin, MAX_ENTRIES)
    client = as_person(cast.admin)
    started = time.perf_counter()
    response = client.get(_url("genogram", review))
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="genogram"' in page
    assert "Person 1999" in page  # in the drawing, though not on the first page of the table
    assert elapsed < 5, elapsed  # measured about 1 s (benchmarks/chronology_limits.py)
