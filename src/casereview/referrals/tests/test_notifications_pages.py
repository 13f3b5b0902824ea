"""The notifications list: due and overdue, every letter in one file, several sent at once."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse
from docx import Document as WordDocument

from casereview.core.models import AuditEvent
from casereview.core.serving import serve_bundle
from casereview.referrals.models import DeadlineKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(make_referral, django_capture_on_commit_callbacks):
    """A case whose chair decided a serious case review, its letters written."""
    with django_capture_on_commit_callbacks(execute=True):
        return make_referral("review-open")


def test_the_notifications_list_shows_which_are_due_and_which_overdue(cast, as_person, decided):
    url = reverse("referrals:detail", args=[decided.pk])
    client = as_person(cast.manager)
    table = client.get(url).content.decode().split('id="notifications"')[1].split("</table>")[0]
    assert "At the panel&#x27;s first meeting" in table  # Manchester's family letter
    assert "Overdue" not in table
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=14)):
        late = as_person(cast.manager).get(url).content.decode().split('id="notifications"')[1]
    assert "Overdue" in late.split("</table>")[0]


def test_every_letter_of_a_decision_downloads_as_one_zip_audited_once(cast, as_person, decided):
    client = as_person(cast.manager)
    before = AuditEvent.objects.count()
    response = client.get(reverse("referrals:letters-download", args=[decided.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f"{decided.reference}-letters.zip" in response["Content-Disposition"]
    letters = [n.letter for n in decided.notifications.select_related("letter")]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        assert sorted(names) == sorted(letter.filename for letter in letters)
        for name in names:
            WordDocument(io.BytesIO(archive.read(name)))  # each a real Word file
    (event,) = AuditEvent.objects.order_by("pk")[before:]
    assert event.kind == "LETTERS_DOWNLOADED" and event.referral_id == decided.pk
    assert sorted(f["pk"] for f in event.detail["files"]) == sorted(x.pk for x in letters)


def test_the_zip_is_for_those_who_send_the_letters(cast, as_person, decided):
    url = reverse("referrals:letters-download", args=[decided.pk])
    assert as_person(cast.subgroup[0]).get(url).status_code == 403
    assert as_person(cast.outsider).get(url).status_code == 404


def test_a_zip_holding_any_file_the_person_may_not_have_is_not_sent_at_all(
    cast, make_referral, django_capture_on_commit_callbacks, decided
):
    with django_capture_on_commit_callbacks(execute=True):
        theirs = make_referral("review-open", board=cast.other_board)
    ours = decided.notifications.first().letter
    other = theirs.notifications.first().letter
    request = RequestFactory().get("/")
    request.user = cast.manager
    before = AuditEvent.objects.count()
    with pytest.raises(Http404):
        serve_bundle(request, [ours, other], filename="mixed.zip")
    assert [e.outcome for e in AuditEvent.objects.order_by("pk")[before:]] == ["denied"]


def test_several_letters_are_recorded_as_sent_at_once_after_checking_them(cast, as_person, decided):
    url = reverse("referrals:notifications-sent", args=[decided.pk])
    client = as_person(cast.admin)
    page = client.get(url).content.decode()
    chief = list(decided.notifications.filter(kind="chief-officers"))
    assert all(f'value="{n.pk}"' in page for n in chief)
    chosen = [str(n.pk) for n in chief]

    check = client.post(url, {"notifications": chosen})
    assert check.status_code == 200
    body = check.content.decode()
    assert "Check before recording the letters as sent" in body
    assert "Record 2 letters as sent" in body
    assert not decided.notifications.filter(sent_at__isnull=False).exists()

    done = client.post(url, {"notifications": chosen, "confirm": "1"})
    assert done.status_code == 302
    assert decided.notifications.filter(sent_at__isnull=False).count() == 2
    assert AuditEvent.objects.filter(kind="NOTIFICATION_SENT", referral_id=decided.pk).count() == 2
    assert decided.deadlines.get(kind=DeadlineKind.NOTIFY_CHIEF_OFFICERS).met_at is not None
    # Sent again from a stale page: nothing is recorded twice.
    again = client.post(url, {"notifications": chosen, "confirm": "1"})
    assert again.status_code == 200
    assert "Select only letters that have not been recorded as sent" in again.content.decode()
    assert AuditEvent.objects.filter(kind="NOTIFICATION_SENT", referral_id=decided.pk).count() == 2


def test_choosing_no_letter_says_what_to_do(cast, as_person, decided):
    url = reverse("referrals:notifications-sent", args=[decided.pk])
    response = as_person(cast.admin).post(url, {})
    body = response.content.decode()
    assert "Select the letters you have sent" in body
    assert "<title>Error:" in body
