"""The header links to the board's administration pages, only for those who may use them."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ADMIN_PAGES = {
    "People": "boards:people",
    "Agencies": "boards:agencies",
    "Procedure profile": "boards:profile",
    "Letter templates": "boards:letter-templates",
}


def navigation(client, url: str) -> str:
    body = client.get(url).content.decode()
    return re.search(r'<ul[^>]*id="navigation".*?</ul>', body, re.S).group(0)


@pytest.mark.parametrize("who", ["manager", "admin"])
def test_process_staff_find_every_administration_page_in_the_header(who, cast, as_person):
    client = as_person(getattr(cast, who))
    nav = navigation(client, reverse("home:dashboard"))
    for label, name in ADMIN_PAGES.items():
        url = reverse(name, kwargs={"slug": cast.board.slug})
        assert f'href="{url}"' in nav and label in nav
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("who", ["chair", "police_officer", "police_author"])
def test_others_have_no_administration_links(who, cast, as_person):
    nav = navigation(as_person(getattr(cast, who)), reverse("home:dashboard"))
    for name in ADMIN_PAGES.values():
        assert reverse(name, kwargs={"slug": cast.board.slug}) not in nav


def test_on_a_board_page_every_member_may_read_its_profile_but_not_run_it(cast, as_person):
    nav = navigation(
        as_person(cast.chair), reverse("boards:profile", kwargs={"slug": cast.board.slug})
    )
    assert reverse("boards:profile", kwargs={"slug": cast.board.slug}) in nav
    assert 'aria-current="page"' in nav
    assert reverse("boards:people", kwargs={"slug": cast.board.slug}) not in nav


def test_a_manager_of_another_board_has_the_links_of_their_own_board_only(cast, as_person):
    nav = navigation(as_person(cast.outsider), reverse("home:dashboard"))
    assert reverse("boards:people", kwargs={"slug": cast.other_board.slug}) in nav
    assert cast.board.slug not in nav
