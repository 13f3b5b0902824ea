"""The profile's settings take their words from the apps that act on them, never by import."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from casereview.boards import vocabulary
from casereview.referrals.criteria import CriteriaTest
from casereview.referrals.lifecycle import Outcome
from casereview.referrals.models import NotificationKind
from casereview.reviews.lifecycle import PUBLICATION_GATES


def test_referrals_and_reviews_register_the_words_of_the_profiles_settings():
    assert vocabulary.choices("criteria_test") == [(t.value, t.label) for t in CriteriaTest]
    assert vocabulary.choices("decision_options") == [(o.value, o.label) for o in Outcome]
    assert vocabulary.choices("notifications") == NotificationKind.choices
    assert vocabulary.choices("publication_gates") == [
        (g.value, g.label) for g in PUBLICATION_GATES
    ]


def test_the_profile_form_offers_the_registered_words():
    from casereview.boards.forms import ProfileForm

    form = ProfileForm()
    for name in vocabulary.SETTINGS:
        offered = [choice for choice in form.fields[name].choices if choice[0]]
        assert offered == vocabulary.choices(name), name


def test_a_setting_whose_words_no_app_gave_fails_loudly(monkeypatch):
    monkeypatch.setattr(vocabulary, "_WORDS", {})
    with pytest.raises(ImproperlyConfigured):
        vocabulary.criteria_tests()


def test_words_for_a_setting_the_profile_lacks_are_refused():
    with pytest.raises(ImproperlyConfigured):
        vocabulary.register("quorum", [("4", "Four")])


@pytest.mark.django_db
def test_the_profile_page_names_each_chosen_decision_notification_and_gate(cast, as_person):
    profile = cast.board.profile
    page = as_person(cast.chair).get(reverse("boards:profile", args=[cast.board.slug]))
    assert page.status_code == 200
    text = page.content.decode()
    assert profile.get_criteria_test_display() in text
    for name in ("decision_options", "notifications", "publication_gates"):
        chosen = getattr(profile, name)
        assert chosen, name
        for label in vocabulary.labels(name, chosen):
            assert label.replace("'", "&#x27;") in text, label
