"""The procedure profile page and presets, read against the seed procedures (issue 9)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from casereview.boards.presets import presets, profile_fields, stated

pytestmark = pytest.mark.django_db


def test_bedfordshires_decisions_are_those_its_procedure_lists():
    assert profile_fields("bedfordshire")["decision_options"] == [
        "scr",
        "interagency-management-review",
        "near-miss-review",
        "wholly-independent-review",
        "no-further-action",
    ]


@pytest.mark.parametrize("name", sorted(presets()))
def test_a_preset_sets_quorum_and_panel_minimum_only_where_its_seed_states_them(name):
    given = presets()[name]
    for setting in ("quorum", "panel_minimum"):
        assert (setting in given) == (setting in stated(name)), (name, setting)
    assert set(stated(name)) <= set(profile_fields(name)), name


def test_only_manchester_states_a_quorum_and_south_gloucestershire_no_panel_minimum():
    assert [n for n in presets() if "quorum" in stated(n)] == ["manchester"]
    assert "panel_minimum" not in stated("south-gloucestershire")
    assert profile_fields("south-gloucestershire")["quorum"] == 4  # Casereview's default


def _row(body: str, name: str) -> str:
    match = re.search(rf'id="setting-{name}".*?</div>', body, re.S)
    assert match, name
    return match.group(0)


def test_the_profile_page_marks_what_a_seed_states_and_what_is_casereviews_default(cast, as_person):
    body = as_person(cast.manager).get(reverse("boards:profile", args=[cast.board.slug]))
    body = body.content.decode()
    assert "Stated by the procedure (003)" in _row(body, "quorum")
    assert "Casereview&#x27;s default" in _row(body, "due_soon_working_days")
    other = as_person(cast.outsider).get(reverse("boards:profile", args=[cast.other_board.slug]))
    assert "Casereview&#x27;s default" in _row(other.content.decode(), "quorum")


def test_a_value_the_board_changed_is_marked_as_the_boards(cast, as_person):
    profile = cast.board.profile
    profile.quorum = 5
    profile.save()
    body = as_person(cast.manager).get(reverse("boards:profile", args=[cast.board.slug]))
    assert "Changed by the board" in _row(body.content.decode(), "quorum")


def test_settings_that_change_nothing_yet_are_marked_used_from_a_later_stage(cast, as_person):
    body = as_person(cast.manager).get(reverse("boards:profile", args=[cast.board.slug]))
    body = body.content.decode()
    for name in (
        "imr_author_on_panel",
        "terms_change",
        "minutes_draft_within",
        "monitored",
        "follow_up",
        "panel_minimum",
        "panel_required_members",
    ):
        assert "Used from a later stage" in _row(body, name), name
    assert "Used from a later stage" not in _row(body, "decision_within")


def test_the_profile_page_names_settings_in_words_with_uk_dates(cast, as_person):
    body = as_person(cast.manager).get(reverse("boards:profile", args=[cast.board.slug]))
    body = body.content.decode()
    assert "6 January 2026" in _row(body, "first_meeting_on")
    assert "The chair&#x27;s decision is due within" in _row(body, "decision_within")
    for code_like in ("Imr author on panel", "Meeting cadence days", "Quorum<"):
        assert code_like not in body


def test_the_profile_form_offers_no_dashes_option(cast, as_person):
    body = as_person(cast.admin).get(reverse("boards:profile-edit", args=[cast.board.slug]))
    assert "---------" not in body.content.decode()


def test_a_span_error_names_the_setting_and_lists_the_forms_it_accepts(cast, as_person):
    from casereview.boards.forms import ProfileForm

    form = ProfileForm(instance=cast.board.profile)
    data = {
        k: v
        for k, v in form.initial.items()
        if k != "first_meeting_on" and v is not None and not isinstance(v, bool)
    }
    data["decision_within"] = "a fortnight"
    body = (
        as_person(cast.admin)
        .post(reverse("boards:profile-edit", args=[cast.board.slug]), data)
        .content.decode()
    )
    assert (
        "Enter the time the chair&#x27;s decision is due within as a whole number of working "
        "days, days, weeks, months or hours" in body
    )


def test_who_counts_towards_the_quorum_is_a_setting_the_form_and_service_share(cast, make_referral):
    from casereview.boards.models import quorum_people
    from casereview.core.lifecycle import NotAllowedNow
    from casereview.referrals import services
    from casereview.referrals.forms import RecommendationForm
    from casereview.referrals.lifecycle import Outcome

    board = cast.board
    assert set(quorum_people(board)) == set(cast.subgroup)
    form = RecommendationForm(board=board, members=quorum_people(board), term="IMR")
    assert cast.chair not in form.fields["participants"].queryset

    referral = make_referral("screening")
    three_and_the_chair = [*cast.subgroup[:3], cast.chair]
    recommend = {
        "referral": referral,
        "by": cast.manager,
        "outcome": Outcome.SCR,
        "reasons": "Synthetic.",
        "participants": three_and_the_chair,
        "consulted_by": "meeting",
        "methodology": "Systems",
        "imr_agencies": [cast.police],
        "panel_agencies": [cast.police],
    }
    with pytest.raises(NotAllowedNow):  # the chair does not count here
        services.referral_recommend(**recommend)

    board.profile.quorum_roles = ["chair", "subgroup-member"]  # a chair-led panel (004)
    board.profile.save()
    assert cast.chair in quorum_people(board)
    services.referral_recommend(**recommend)


def test_bedfordshires_chair_counts_towards_its_panels_quorum():
    assert profile_fields("bedfordshire")["quorum_roles"] == ["chair", "subgroup-member"]
    assert profile_fields("manchester")["quorum_roles"] == ["subgroup-member"]
