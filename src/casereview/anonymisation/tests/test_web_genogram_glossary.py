"""The genogram drawn from the key in the page, and the glossary kept with the review."""

from __future__ import annotations

import pytest
from django.urls import reverse

from casereview.anonymisation import services
from casereview.anonymisation.glossary import STARTER_ACRONYMS
from casereview.anonymisation.models import GlossaryEntry, Relation
from casereview.core.models import AuditEvent

from .web import *  # noqa: F403

pytestmark = pytest.mark.django_db


def _url(name, review, *args):
    return reverse(f"anonymisation:{name}", args=[review.pk, *args])


def _add_relation(client, review, person, relation, other):
    entries = {e.label: e.pk for e in review.key_entries.all()}
    return client.post(
        _url("genogram", review),
        {"person": entries[person], "relation": relation, "other": entries[other]},
    )


def test_the_genogram_is_drawn_in_the_page_with_labels_only_beside_its_table(
    cast, as_person, keyed_review
):
    client = as_person(cast.admin)
    services.key_entry_add(
        review=keyed_review,
        by=cast.admin,
        category="family",
        name="Owen Thompson",
        label="Father",
        sex="m",
        deceased=True,
    )
    for person, relation, other in (
        ("Mother", "parent-of", "Child B"),
        ("Father", "parent-of", "Child B"),
        ("Mother", "separated-from", "Father"),
    ):
        assert _add_relation(client, keyed_review, person, relation, other).status_code == 302
    page = client.get(_url("genogram", keyed_review)).content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg and "<?xml" not in page
    assert 'data-label="Child B"' in svg and 'class="person male deceased"' in svg
    assert "style=" not in svg and "<script" not in svg
    for name in ("Mia", "Thompson", "Lauren", "Owen", "Alice Brown", "Southvale Primary"):
        assert name not in page
    table = page[page.index('id="genogram-relations"') :]
    assert "Mother is separated from Father" in table
    assert AuditEvent.objects.last().kind == "GENOGRAM_VIEWED"


def test_a_relation_to_oneself_or_to_another_reviews_person_is_refused(
    cast, as_person, keyed_review, make_referral
):
    client = as_person(cast.admin)
    response = _add_relation(client, keyed_review, "Mother", "sibling-of", "Mother")
    assert "a person cannot be related to themselves" in response.content.decode()
    other = make_referral("review-open").review
    stranger = services.key_entry_add(
        review=other, by=cast.admin, category="family", name="Ana Voss", label="Aunt"
    )
    mother = keyed_review.key_entries.get(label="Mother")
    response = client.post(
        _url("genogram", keyed_review),
        {"person": mother.pk, "relation": "sibling-of", "other": stranger.pk},
    )
    assert response.status_code == 200
    assert "Choose the other person from the options shown." in response.content.decode()
    assert not Relation.objects.exists()


def test_a_relation_is_removed_and_goes_with_a_removed_person(cast, as_person, keyed_review):
    client = as_person(cast.admin)
    _add_relation(client, keyed_review, "Mother", "parent-of", "Child B")
    relation = Relation.objects.get()
    assert client.post(_url("relation-remove", keyed_review, relation.pk)).status_code == 302
    assert not Relation.objects.exists()
    _add_relation(client, keyed_review, "Mother", "parent-of", "Child B")
    services.key_entry_remove(entry=keyed_review.key_entries.get(label="Mother"), by=cast.admin)
    assert not Relation.objects.exists()


def test_parents_in_a_circle_are_explained_not_drawn(cast, as_person, keyed_review):
    client = as_person(cast.admin)
    _add_relation(client, keyed_review, "Mother", "parent-of", "Child B")
    _add_relation(client, keyed_review, "Child B", "parent-of", "Mother")
    page = client.get(_url("genogram", keyed_review)).content.decode()
    assert "The genogram cannot be drawn" in page and "go round in a circle" in page


def test_the_glossary_starts_from_the_starter_list_and_keeps_its_own_acronyms(
    cast, as_person, keyed_review
):
    client = as_person(cast.admin)
    assert client.post(_url("glossary-starter", keyed_review)).status_code == 302
    assert GlossaryEntry.objects.filter(review=keyed_review).count() == len(STARTER_ACRONYMS)
    response = client.post(
        _url("glossary", keyed_review),
        {"term": "PCSO", "meaning": "Police Community Support Officer"},
    )
    assert response.status_code == 302
    duplicate = client.post(_url("glossary", keyed_review), {"term": "pcso", "meaning": "Again"})
    assert "&#x27;pcso&#x27; is already in the glossary." in duplicate.content.decode()
    # Adding the starter list again adds nothing twice and loses nothing added.
    client.post(_url("glossary-starter", keyed_review))
    assert GlossaryEntry.objects.filter(review=keyed_review).count() == len(STARTER_ACRONYMS) + 1
    camhs = GlossaryEntry.objects.get(review=keyed_review, term="CAMHS")
    client.post(_url("glossary-remove", keyed_review, camhs.pk))
    page = client.get(_url("glossary", keyed_review)).content.decode()
    acronyms = page[page.index('id="acronyms"') :]
    assert "PCSO" in acronyms and "CAMHS" not in acronyms
    assert "Teacher 1" in page and "Class teacher, Southvale Schools" in page
    places = page[page.index('id="glossary-places"') :]
    assert "School 1" in places and "School" in places.replace("School 1", "")
    assert "Alice Brown" not in page and "Southvale Primary" not in page


def test_the_review_page_sums_up_the_key_and_documents(cast, as_person, keyed_review):
    services.glossary_add(
        review=keyed_review, term="PLO", meaning="Public Law Outline", by=cast.admin
    )
    page = as_person(cast.admin).get(reverse("reviews:detail", args=[keyed_review.pk]))
    text = page.content.decode()
    assert "2 family members or significant people, 1 professional, 1 place" in text
    assert "1 acronym" in text and "0 relationships" in text


def test_the_review_page_links_to_the_anonymisation_pages_for_process_staff(
    cast, as_person, review
):
    page = as_person(cast.admin).get(reverse("reviews:detail", args=[review.pk])).content.decode()
    for name in ("key-reference", "glossary", "genogram", "documents"):
        assert _url(name, review) in page
    assert "Empty" in page and "0 documents, 0 anonymised" in page
    chair = as_person(cast.chair).get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert _url("key-reference", review) not in chair
