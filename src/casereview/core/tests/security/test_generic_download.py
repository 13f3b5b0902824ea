"""SECURITY.md DL-1 through the generic download: no draft, original or other person's export.

The walk in test_serving.py covers every kind, role and route; these are the probe's findings
as sentences, against nothing but the page's URL.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from .conftest import CHRONOLOGY_CSV


def _generic(document) -> str:
    return reverse("core:document-download", kwargs={"pk": document.pk})


def test_an_agencys_chronology_is_not_served_to_the_board_before_it_is_sent(world, clients):
    from casereview.chronologies import services

    draft = services.chronology_upload(
        commission=world.own["commission"],
        name="draft.csv",
        content=CHRONOLOGY_CSV.encode(),
        by=world.people["police_author"],
    )
    url = _generic(draft.source)
    for role in ("chair", "manager", "admin", "subgroup", "health_officer", "outsider"):
        assert clients[role].get(url).status_code == 404, role
    assert clients["police_author"].get(url).status_code == 200


def test_an_export_is_served_only_to_its_requester_and_only_for_a_day(world, clients):
    from casereview.chronologies.models import ExportJob

    job = world.own["export-job"]
    url = _generic(job.document)
    for role in ("chair", "admin", "subgroup", "police_author"):
        assert clients[role].get(url).status_code == 404, role
    assert clients["manager"].get(url).status_code == 200
    ExportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - dt.timedelta(hours=25))
    assert clients["manager"].get(url).status_code == 404


def test_an_original_is_served_only_to_process_staff(world, clients):
    url = _generic(world.own["review-document"].original)
    for role in ("chair", "subgroup", "police_author", "outsider"):
        assert clients[role].get(url).status_code == 404, role
    assert clients["admin"].get(url).status_code == 200


def test_a_withdrawn_letter_is_served_to_no_one(world, clients):
    from casereview.core.models import Document

    letter = world.own["document"]
    Document.objects.filter(pk=letter.pk).update(status="withdrawn")
    for role in ("chair", "manager", "admin"):
        assert clients[role].get(_generic(letter)).status_code == 404, role
