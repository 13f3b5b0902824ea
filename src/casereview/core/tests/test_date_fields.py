"""Every date field of every form answers impossible dates with a message, never a 500."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from django import forms
from django.urls import reverse

import casereview
from casereview.core.forms import GovukDateField, GovukDateTimeField
from casereview.referrals.models import Referral

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"

# (day, month, year) the probe and the GOV.UK pattern name: too big, negative, letters, 31 February.
BAD_DATES = [
    pytest.param((HUGE, "1", "2026"), id="huge-day"),
    pytest.param(("1", HUGE, "2026"), id="huge-month"),
    pytest.param(("1", "1", HUGE), id="huge-year"),
    pytest.param(("-1", "1", "2026"), id="negative-day"),
    pytest.param(("1", "-3", "2026"), id="negative-month"),
    pytest.param(("1", "1", "-2026"), id="negative-year"),
    pytest.param(("one", "1", "2026"), id="letters-day"),
    pytest.param(("1", "Jan", "2026"), id="letters-month"),
    pytest.param(("1", "1", "twenty"), id="letters-year"),
    pytest.param(("31", "2", "2026"), id="31-february"),
    pytest.param(("0", "1", "2026"), id="day-zero"),
    pytest.param(("1", "13", "2026"), id="month-13"),
    pytest.param(("1", "1", "0000"), id="year-zero"),
    pytest.param(("1_0", "1", "2026"), id="underscore"),
    pytest.param(("\u0663", "1", "2026"), id="other-script-digit"),
]


def re_input(body: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', body)[0]


def date_fields():
    """(form class, field name, field) for every date field of every form in the code.

    Forms are found by importing every ``forms`` module of the project, so a new form is
    covered; a form that adds fields in ``__init__`` is instantiated to see them.
    """
    for module in pkgutil.walk_packages(casereview.__path__, "casereview."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    found = []
    seen = set()
    stack = [forms.BaseForm]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if not cls.__module__.startswith("casereview.") or cls in seen:
            continue
        seen.add(cls)
        try:
            fields = cls(data={}).fields
        except TypeError:  # needs arguments (a board, a person): its declared fields
            fields = cls.base_fields
        for name, field in fields.items():
            if isinstance(field, GovukDateField | GovukDateTimeField | forms.DateField):
                found.append((cls, name, field))
    return found


def data_for(name, field, day, month, year):
    if isinstance(field, GovukDateTimeField):
        return {
            f"{name}_0_0": day,
            f"{name}_0_1": month,
            f"{name}_0_2": year,
            f"{name}_1": "10:00",
        }
    if isinstance(field, GovukDateField):
        return {f"{name}_0": day, f"{name}_1": month, f"{name}_2": year}
    return {name: f"{day}/{month}/{year}"}


def test_the_forms_with_date_fields_are_found():
    names = {(cls.__name__, name) for cls, name, _ in date_fields()}
    assert {
        ("ReferralForm", "received_at"),
        ("ReferralForm", "child_date_of_birth"),
        ("ExtensionForm", "new_due"),
        ("ProfileForm", "first_meeting_on"),
        ("FilterForm", "date_from"),
    } <= names


@pytest.mark.parametrize("parts", BAD_DATES)
def test_every_date_field_refuses_an_impossible_date_with_a_message_naming_it(parts):
    problems = []
    for cls, name, field in date_fields():
        data = data_for(name, field, *parts)
        try:
            field.clean(field.widget.value_from_datadict(data, {}, name))
        except forms.ValidationError as error:
            text = " ".join(error.messages)
            if str(field.label) not in text:
                problems.append(f"{cls.__name__}.{name}: {text!r} does not name the field")
        except Exception as error:  # any other exception is the 500 of the probe
            problems.append(f"{cls.__name__}.{name}: raised {error!r}")
        else:
            problems.append(f"{cls.__name__}.{name}: accepted {parts}")
    assert not problems, "\n".join(problems)


def test_a_real_date_is_still_accepted_by_every_date_field():
    for _cls, name, field in date_fields():
        value = field.clean(
            field.widget.value_from_datadict(data_for(name, field, "29", "2", "2024"), {}, name)
        )
        assert value.day == 29 and value.month == 2 and value.year == 2024


@pytest.mark.parametrize("time_text", [f"{HUGE}:00", "10:-1", "ten:30", "24:00", "10:60"])
def test_an_impossible_time_says_how_to_write_it(time_text):
    field = GovukDateTimeField(label="Date the referral was received")
    with pytest.raises(forms.ValidationError, match="hours and minutes, like 14:30"):
        field.clean([["1", "1", "2026"], time_text])


@pytest.mark.parametrize("parts", BAD_DATES)
def test_the_referral_page_answers_an_impossible_birth_date_with_the_govuk_message(
    cast, as_person, parts
):
    from casereview.referrals.tests.test_pages import referral_form

    day, month, year = parts
    client = as_person(cast.admin)
    client.raise_request_exception = False
    response = client.post(
        reverse("referrals:new", args=[cast.board.slug]),
        referral_form(
            child_date_of_birth_0=day, child_date_of_birth_1=month, child_date_of_birth_2=year
        ),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Child&#x27;s date of birth must be a real date." in body
    # The three boxes of the wrong date are marked, as the GOV.UK date input shows them.
    for box in range(3):
        tag = re_input(body, f"child_date_of_birth_{box}")
        assert "govuk-input--error" in tag and 'aria-invalid="true"' in tag
    assert "govuk-input--error" not in re_input(body, "incident_on_0")
    assert not Referral.objects.exists()
