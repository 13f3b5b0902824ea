"""Every form's errors name the field and say what to do (GOV.UK), and an error page's title
begins "Error:": walked over the forms of the referral journey and the board's pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

DJANGO_DEFAULTS = (
    "This field is required.",
    "Select a valid choice.",
    "Enter a valid value.",
    "Enter a whole number.",
    "Enter a list of values.",
)

# What a browser sends for a form left empty: its token, nothing else (an empty POST would
# leave `request.POST or None` unbound).
EMPTY = {"csrfmiddlewaretoken": "token"}


def _forms(cast, make_referral):
    screening = make_referral("screening")
    awaiting = make_referral("awaiting-decision")
    gathering = make_referral("information-gathering")
    deadline = gathering.deadlines.first()
    request = gathering.agency_requests.get(agency=cast.police)
    slug = cast.board.slug
    return [
        (cast.admin, reverse("referrals:new", args=[slug])),
        (cast.manager, reverse("referrals:facts", args=[gathering.pk])),
        (cast.manager, reverse("referrals:recommend", args=[screening.pk])),
        (cast.chair, reverse("referrals:decide", args=[awaiting.pk])),
        (cast.police_officer, reverse("referrals:answer", args=[request.pk])),
        (cast.manager, reverse("referrals:deadline-extend", args=[gathering.pk, deadline.pk])),
        (cast.manager, reverse("referrals:exclusion-new", args=[gathering.pk])),
        (cast.admin, reverse("boards:profile-edit", args=[slug])),
        (cast.manager, reverse("boards:people", args=[slug])),
        (cast.manager, reverse("boards:agencies", args=[slug])),
        (cast.manager, reverse("boards:agency-change", args=[slug, cast.police.pk])),
    ]


def _summary(body: str) -> list[str]:
    found = re.search(r'govuk-error-summary__list">(.*?)</ul>', body, re.S)
    assert found, "no error summary"
    return [
        re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", found[1])
    ]


def test_every_form_posted_empty_names_each_field_and_says_what_to_do(
    cast, as_person, make_referral
):
    problems = []
    for person, url in _forms(cast, make_referral):
        response = as_person(person).post(url, EMPTY)
        body = response.content.decode()
        title = re.search(r"<title>(.*?)</title>", body, re.S)[1].strip()
        if not title.startswith("Error: "):
            problems.append(f"{url}: title {title!r}")
        if "govuk-error-summary__list" not in body:
            problems.append(f"{url}: {response.status_code}, no error summary")
            continue
        messages = _summary(body)
        if not messages:
            problems.append(f"{url}: no messages")
        for message in messages:
            if any(default in message for default in DJANGO_DEFAULTS):
                problems.append(f"{url}: {message!r}")
            if not re.match(r"(Enter|Select|Choose|Give|Summarise|.+ must )", message):
                problems.append(f"{url}: {message!r} does not say what to do")
    assert not problems, "\n".join(problems)


def test_the_referral_form_says_which_answer_is_missing(cast, as_person):
    body = as_person(cast.admin).post(reverse("referrals:new", args=[cast.board.slug]), EMPTY)
    messages = _summary(body.content.decode())
    for expected in (
        "Enter the date the referral was received.",
        "Select who made the referral.",
        "Enter the referrer&#x27;s name.",
        "Enter the child&#x27;s full name.",
        "Select the harm to the child.",
        "Enter the summary of the incident.",
    ):
        assert expected in messages, messages


def test_the_sign_in_page_with_an_error_has_a_title_beginning_error():
    body = Client().post(reverse("accounts:sign-in"), EMPTY).content.decode()
    title = re.search(r"<title>(.*?)</title>", body, re.S)[1].strip()
    assert title.startswith("Error: ")
    assert "This field is required." not in body


def test_a_page_without_errors_has_no_error_in_its_title(cast, as_person):
    body = as_person(cast.admin).get(reverse("referrals:new", args=[cast.board.slug]))
    title = re.search(r"<title>(.*?)</title>", body.content.decode(), re.S)[1]
    assert "Error" not in title
