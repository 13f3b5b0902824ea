"""The referral pages through the client: good input moves the case, bad input says why."""

import pytest
from django.urls import reverse

from casereview.referrals.lifecycle import Stage
from casereview.referrals.models import Referral

pytestmark = pytest.mark.django_db


def referral_form(**overrides):
    data = {
        "received_at_0_0": "3",
        "received_at_0_1": "11",
        "received_at_0_2": "2026",
        "received_at_1": "14:30",
        "referrer_kind": "coroner",
        "referrer_name": "Test Coroner",
        "child_name": "Pagetest Child",
        "child_date_of_birth_0": "1",
        "child_date_of_birth_1": "2",
        "child_date_of_birth_2": "2020",
        "incident_on_0": "1",
        "incident_on_1": "11",
        "incident_on_2": "2026",
        "harm_type": "death",
        "incident_summary": "Synthetic.",
    }
    data.update(overrides)
    return data


def test_an_administrator_logs_a_referral(cast, as_person):
    client = as_person(cast.admin)
    response = client.post(reverse("referrals:new", args=[cast.board.slug]), referral_form())
    referral = Referral.objects.get(child_name="Pagetest Child")
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", args=[referral.pk])
    assert referral.received_at.hour == 14


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"incident_on_0": "31", "incident_on_1": "6"}, "Date of the incident must be a real date"),
        ({"incident_on_1": ""}, "must include a month"),
        ({"child_name": ""}, "Enter the child&#x27;s full name."),
        ({"received_at_1": "25:99"}, "hours and minutes"),
        ({"incident_on_2": "2027"}, "on or before the date the referral was received"),
    ],
)
def test_bad_input_says_what_is_wrong_and_where(cast, as_person, overrides, message):
    client = as_person(cast.admin)
    response = client.post(
        reverse("referrals:new", args=[cast.board.slug]), referral_form(**overrides)
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert 'value="Test Coroner"' in body  # nothing typed is lost
    assert not Referral.objects.exists()


def test_a_refused_transition_shows_its_reason_on_the_case_page(cast, as_person, make_referral):
    referral = make_referral("information-gathering")
    client = as_person(cast.manager)
    response = client.post(reverse("referrals:begin-screening", args=[referral.pk]), follow=True)
    assert "Record the facts for the criteria check before screening." in response.content.decode()
    referral.refresh_from_db()
    assert referral.stage == Stage.INFORMATION_GATHERING


def test_the_quorum_message_appears_on_the_recommendation_page(cast, as_person, make_referral):
    referral = make_referral("screening")
    client = as_person(cast.manager)
    response = client.post(
        reverse("referrals:recommend", args=[referral.pk]),
        {
            "outcome": "scr",
            "reasons": "Met.",
            "consulted_by": "meeting",
            "participants": [p.pk for p in cast.subgroup[:2]],
            "methodology": "Systems",
            "imr_agencies": [cast.police.pk],
            "panel_agencies": [cast.police.pk],
        },
    )
    body = response.content.decode()
    assert "quorum" in body
    assert "Systems" in body  # nothing typed is lost
    referral.refresh_from_db()
    assert referral.stage == Stage.SCREENING


def test_the_chair_decides_through_the_page(cast, as_person, make_referral):
    referral = make_referral("awaiting-decision")
    client = as_person(cast.chair)
    page = client.get(reverse("referrals:decide", args=[referral.pk])).content.decode()
    assert "Review must be held" in page
    response = client.post(
        reverse("referrals:decide", args=[referral.pk]),
        {"decision": "scr", "reasons": "", "confirmed": "yes"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.stage == Stage.REVIEW_OPEN


def test_the_chairs_decision_form_opens_with_nothing_chosen(cast, as_person, make_referral):
    referral = make_referral("awaiting-decision")
    page = as_person(cast.chair).get(reverse("referrals:decide", args=[referral.pk]))
    body = page.content.decode()
    assert 'name="decision"' in body
    assert " checked" not in body


def test_the_chair_checks_the_decision_before_it_is_recorded_and_can_change_it(
    cast, as_person, make_referral
):
    referral = make_referral("awaiting-decision")
    client = as_person(cast.chair)
    url = reverse("referrals:decide", args=[referral.pk])
    response = client.post(url, {"decision": "scr", "reasons": "Synthetic reasons."})
    body = response.content.decode()
    assert response.status_code == 200 and "Check your decision" in body
    assert "A serious case review opens" in body and "Letters are prepared" in body
    assert 'name="confirmed" value="yes"' in body and "{#" not in body
    referral.refresh_from_db()
    assert referral.stage == Stage.AWAITING_DECISION and not referral.notifications.exists()

    back = client.post(url, {"decision": "scr", "reasons": "Synthetic reasons.", "change": "yes"})
    assert (
        "Your decision" in back.content.decode() and "Synthetic reasons." in back.content.decode()
    )
    referral.refresh_from_db()
    assert referral.stage == Stage.AWAITING_DECISION

    done = client.post(
        url, {"decision": "scr", "reasons": "Synthetic reasons.", "confirmed": "yes"}
    )
    assert done.status_code == 302
    referral.refresh_from_db()
    assert referral.stage == Stage.REVIEW_OPEN


def test_a_decision_that_would_be_refused_is_refused_before_the_check_page(
    cast, as_person, make_referral
):
    referral = make_referral("awaiting-decision")
    response = as_person(cast.chair).post(
        reverse("referrals:decide", args=[referral.pk]),
        {"decision": "near-miss-review", "reasons": ""},
    )
    body = response.content.decode()
    assert "Check your decision" not in body and "give the reasons in writing" in body


def test_the_chair_who_disagrees_without_reasons_is_told_at_the_reasons_box(
    cast, as_person, make_referral
):
    referral = make_referral("awaiting-decision")
    client = as_person(cast.chair)
    response = client.post(
        reverse("referrals:decide", args=[referral.pk]),
        {"decision": "near-miss-review", "reasons": ""},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "give the reasons in writing" in body
    assert 'href="#id_reasons"' in body


def test_an_administrator_adjusts_the_profile(cast, as_person):
    from casereview.boards.forms import ProfileForm

    client = as_person(cast.admin)
    form = ProfileForm(instance=cast.board.profile)
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name == "first_meeting_on":
            data.update(
                {"first_meeting_on_0": "6", "first_meeting_on_1": "1", "first_meeting_on_2": "2026"}
            )
        elif isinstance(value, list):
            data[name] = value
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    data["quorum"] = 5
    data["decision_within"] = "six weeks"
    response = client.post(reverse("boards:profile-edit", args=[cast.board.slug]), data)
    assert response.status_code == 200
    assert "six weeks" in response.content.decode()
    data["decision_within"] = "6 weeks"
    response = client.post(reverse("boards:profile-edit", args=[cast.board.slug]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    cast.board.profile.refresh_from_db()
    assert cast.board.profile.quorum == 5 and cast.board.profile.decision_within == "6 weeks"


def test_a_named_officer_cannot_change_the_profile(cast, as_person):
    client = as_person(cast.police_officer)
    assert client.get(reverse("boards:profile", args=[cast.board.slug])).status_code == 200
    assert client.get(reverse("boards:profile-edit", args=[cast.board.slug])).status_code == 403


def _case_page_queries(client, referral) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 200
    return len(ctx.captured_queries)


def test_the_case_page_makes_the_same_queries_whatever_the_number_of_agencies(
    cast, as_person, make_referral
):
    from casereview.boards.models import Agency
    from casereview.conftest import make_person

    client = as_person(cast.manager)
    few = make_referral("review-open")
    for i in range(10):
        officer = make_person(f"officer{i}@test.test", f"Officer {i}")
        Agency.objects.create(
            board=cast.board, name=f"Extra Agency {i}", kind="other", named_officer=officer
        )
    many = make_referral("review-open")
    assert many.agency_requests.count() == 12
    assert _case_page_queries(client, few) == _case_page_queries(client, many)


def test_asking_every_agency_goes_through_a_check_page_that_names_who_is_asked(
    cast, as_person, make_referral
):
    referral = make_referral("received")
    client = as_person(cast.manager)
    url = reverse("referrals:ask-agencies", args=[referral.pk])
    detail = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert f'href="{url}"' in detail
    body = client.get(url).content.decode()
    assert "Check before asking the agencies" in body and "Ask the agencies" in body
    assert "Northbrook Police" in body and "police@test.test" in body
    referral.refresh_from_db()
    assert referral.stage == Stage.RECEIVED and not referral.agency_requests.exists()
    assert client.post(url).status_code == 302
    assert referral.agency_requests.count() == 2


def test_agencies_without_a_named_officer_are_named_with_a_link_to_fix_it(
    cast, as_person, make_referral
):
    referral = make_referral("received")
    fix = reverse("boards:agency-change", args=[cast.board.slug, cast.education.pk])
    for url in (
        reverse("referrals:ask-agencies", args=[referral.pk]),
        reverse("referrals:detail", args=[referral.pk]),
    ):
        body = as_person(cast.manager).get(url).content.decode()
        assert "no named officer" in body, url
        assert "Northbrook Schools" in body and f'href="{fix}"' in body, url
    chair = as_person(cast.chair).get(reverse("referrals:detail", args=[referral.pk]))
    body = chair.content.decode()
    assert "no named officer" in body and f'href="{fix}"' not in body
    assert "Ask the board's business manager" in body


def test_the_case_history_says_what_happened_and_who_caused_it(
    cast, as_person, make_referral, django_capture_on_commit_callbacks
):
    from casereview.core.models import AuditEvent
    from casereview.referrals import services
    from casereview.referrals.history import lines, titles_for
    from casereview.referrals.lifecycle import Outcome

    referral = make_referral("awaiting-decision")
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_decide(referral=referral, by=cast.chair, outcome=Outcome.SCR, reasons="")
    history = lines(AuditEvent.objects.filter(referral_id=referral.pk), titles_for(referral))
    said = [(line.who, line.what) for line in history]
    assert ("Test Manager", "Referral logged") in said
    assert ("Test Manager", "2 agencies asked whether they know the child") in said
    assert (
        "Test Chair",
        "The chair decided: serious case review (agrees with the sub group)",
    ) in said
    letters = [line for line in history if line.what.startswith("Letters prepared")]
    assert len(letters) == 1, said  # one line, not one "Document stored" per letter
    assert letters[0].cause.startswith("Test Chair: The chair decided")
    assert len(letters[0].items) == referral.notifications.count()
    body = as_person(cast.manager).get(reverse("referrals:detail", args=[referral.pk]))
    body = body.content.decode()
    assert "Document stored" not in body and "Letters prepared" in body


def test_the_agencys_answer_page_shows_the_incident_not_only_the_child(
    cast, as_person, make_referral
):
    referral = make_referral("information-gathering")
    request = referral.agency_requests.get(agency=cast.police)
    body = as_person(cast.police_officer).get(reverse("referrals:answer", args=[request.pk]))
    incident = body.content.decode().split('id="incident">', 1)[1].split("</dd>", 1)[0]
    assert referral.get_harm_type_display() in incident
    assert referral.incident_summary in incident
