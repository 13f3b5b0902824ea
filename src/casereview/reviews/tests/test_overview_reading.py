"""The overview author reads what they write from, and nothing more (004 §13).

The merged chronology once it is shared with the panel, each agency report's anonymised and
checked copy, and the key reference with the family's names; professionals only by their
labels, and never an original upload.
"""

import pytest
from django.urls import reverse

from casereview.anonymisation import services as anonymise
from casereview.boards.models import Membership
from casereview.chronologies import services as chronology
from casereview.conftest import make_person
from casereview.core.roles import Role
from casereview.reviews import services
from casereview.reviews.models import ReviewRole

pytestmark = pytest.mark.django_db

CHRONOLOGY_CSV = (
    "DATE,CONTACT WITH CHILD,CONTACT WITH PARENTS/CARERS and other family members,"
    "INTER/INTRA-AGENCY COMMUNICATION,SOURCE OF RECORD,STAFF INVOLVED,COMMENT\n"
    "03/02/2024,Officers attended the home after a report of shouting.,,,Case notes,AB,\n"
)
KEY_CSV = """\
name,label,category,aliases,dob,sex,deceased,subject,household,agency,role
Ava Readkey,Child A,family,,03/05/2017,f,no,yes,yes,,
Lena Readkey,Mother,family,,,f,no,no,yes,,Mother
Dr Petra Profname,Professional 1,professional,,,f,no,no,no,Northbrook Health,GP
"""


@pytest.fixture
def review(make_referral):
    return make_referral("review-open").review


@pytest.fixture
def reviewer(cast, review):
    """The independent reviewer: an overview author on the board, and on this review."""
    person = make_person("reviewer@test.test", "Ivy Reviewer")
    Membership.objects.create(
        person=person, board=cast.board, role=Role.OVERVIEW_AUTHOR, name="Ivy Reviewer"
    )
    services.review_member_add(
        review=review, person=person, role=ReviewRole.OVERVIEW_AUTHOR, by=cast.manager
    )
    return person


@pytest.fixture
def sent(cast, review):
    submission = chronology.chronology_upload(
        commission=review.commissions.get(),
        name="chronology.csv",
        content=CHRONOLOGY_CSV.encode(),
        by=cast.police_author,
    )
    chronology.chronology_submit(submission=submission, staff_ids="AB", by=cast.police_author)
    return review


@pytest.fixture
def reports(cast, review):
    """A checked report (every flag resolved) and one with a name still to resolve."""
    anonymise.key_import(review=review, text=KEY_CSV, by=cast.admin)
    checked = anonymise.document_upload(
        review=review,
        title="Police IMR",
        filename="police.txt",
        content=b"Ava Readkey was seen with Lena Readkey by Dr Petra Profname.\n",
        by=cast.admin,
    )
    older = anonymise.document_anonymise(document=checked, by=cast.admin)
    latest = anonymise.document_anonymise(document=checked, by=cast.admin)
    flagged = anonymise.document_upload(
        review=review,
        title="Health IMR",
        filename="health.txt",
        content=b"Ava Readkey was seen. Craig Unknownname called.\n",
        by=cast.admin,
    )
    unchecked = anonymise.document_anonymise(document=flagged, by=cast.admin)
    assert unchecked.flags, "the fixture needs a flag still to resolve"
    assert not latest.flags
    return {"checked": checked, "older": older, "latest": latest, "unchecked": unchecked}


def _url(name, review, **kwargs):
    return reverse(name, kwargs={"pk": review.pk, **kwargs})


def test_the_overview_author_reads_the_merged_chronology_once_it_is_shared(
    cast, as_person, sent, reviewer
):
    client = as_person(reviewer)
    url = _url("chronologies:merged", sent)
    assert client.get(url).status_code == 403
    chronology.chronology_share(review=sent, by=cast.manager)
    response = client.get(url)
    assert response.status_code == 200
    assert b"Officers attended the home" in response.content
    # Reading is not marking: the panel's own function.
    assert client.get(_url("chronologies:approve", sent)).status_code == 403


def test_the_overview_author_downloads_each_reports_checked_anonymised_copy(
    as_person, review, reviewer, reports
):
    client = as_person(reviewer)
    page = client.get(_url("anonymisation:copies", review))
    assert page.status_code == 200
    listed = page.content.decode()
    latest = reports["latest"]
    link = reverse("core:document-download", kwargs={"pk": latest.output_id})
    assert link in listed
    assert "Health IMR" not in listed  # a name still to resolve: not for reading yet
    download = client.get(link)
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert b"Child A" in content
    assert b"Readkey" not in content


def test_the_overview_author_is_refused_an_older_or_unchecked_copy_and_every_original(
    as_person, review, reviewer, reports
):
    client = as_person(reviewer)
    for run in (reports["older"], reports["unchecked"]):
        url = reverse("core:document-download", kwargs={"pk": run.output_id})
        assert client.get(url).status_code == 404
        # The run's own page (what was replaced, names and all) is the anonymisers'.
        assert client.get(_url("anonymisation:run", review, run_pk=run.pk)).status_code == 403
        download = _url("anonymisation:run-download", review, run_pk=run.pk)
        assert client.get(download).status_code == 403
    for document in review.documents.all():
        original = _url("anonymisation:document-original", review, document_pk=document.pk)
        assert client.get(original).status_code == 403
        generic = reverse("core:document-download", kwargs={"pk": document.original_id})
        response = client.get(generic)
        assert response.status_code == 404
        assert b"Readkey" not in response.content
    assert client.get(_url("anonymisation:documents", review)).status_code == 403


def test_the_overview_author_reads_the_family_names_and_only_the_labels_of_professionals(
    as_person, review, reviewer, reports
):
    client = as_person(reviewer)
    response = client.get(_url("anonymisation:key-reference-read", review))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ava Readkey" in page and "Child A" in page and "Lena Readkey" in page
    assert "Professional 1" in page and "GP, Northbrook Health" in page
    assert "Profname" not in page
    for name in ("anonymisation:key-reference", "anonymisation:key-export-csv"):
        refused = client.get(_url(name, review))
        assert refused.status_code == 403
        assert b"Profname" not in refused.content


def test_the_review_page_leads_the_overview_author_to_their_reading(
    cast, as_person, sent, reviewer
):
    chronology.chronology_share(review=sent, by=cast.manager)
    page = as_person(reviewer).get(_url("reviews:detail", sent)).content.decode()
    assert _url("anonymisation:copies", sent) in page
    copies = as_person(reviewer).get(_url("anonymisation:copies", sent)).content.decode()
    assert _url("chronologies:merged", sent) in copies
    assert _url("anonymisation:key-reference-read", sent) in copies


def test_an_overview_author_of_another_review_reads_nothing_of_this_one(
    cast, as_person, make_referral, reviewer, reports
):
    other = make_referral("review-open").review
    review = reports["checked"].review
    services.review_member_remove(member=review.members.get(person=reviewer), by=cast.manager)
    services.review_member_add(
        review=other, person=reviewer, role=ReviewRole.OVERVIEW_AUTHOR, by=cast.manager
    )
    client = as_person(reviewer)
    for name in ("anonymisation:copies", "anonymisation:key-reference-read", "reviews:detail"):
        assert client.get(_url(name, review)).status_code == 404
    link = reverse("core:document-download", kwargs={"pk": reports["latest"].output_id})
    assert client.get(link).status_code == 404
