"""HD-3: an exception in any page gives the generic error page with a reference, nothing more."""

from __future__ import annotations

import pytest
from django.template import loader

from . import policy
from .test_permission_matrix import ROUTES, secrets_of, url_for

ERROR_TEMPLATE = "core/error.html"


@pytest.fixture
def rendering_fails(monkeypatch):
    """Every page template raises while rendering; only the error page still renders."""
    real = loader.render_to_string

    def render_to_string(template_name, *args, **kwargs):
        if template_name != ERROR_TEMPLATE:
            raise RuntimeError("forced failure SELECT * FROM referrals_referral")
        return real(template_name, *args, **kwargs)

    monkeypatch.setattr(loader, "render_to_string", render_to_string)


def test_every_page_fails_closed_with_a_generic_page_and_a_reference(
    world, clients, rendering_fails
):
    problems = []
    checked = 0
    for route in ROUTES:
        rule = policy.URLS.get(route.name, {}).get("methods", {}).get("GET")
        if rule is None:
            continue
        role = next(r for r in policy.ROLES if policy.expected(rule, r, "own"))
        client = clients[role]
        client.raise_request_exception = False
        response = client.get(url_for(world, route.name, "own"))
        if response.status_code != 500:
            continue  # a redirect or a download: no template rendered
        checked += 1
        content = response.content
        where = f"{role} GET {route.name}"
        if b"Sorry, there is a problem with the service" not in content:
            problems.append(f"{where}: not the generic page")
        if response["X-Request-ID"].encode() not in content:
            problems.append(f"{where}: no reference to quote")
        for bad in (b"Traceback", b"forced failure", b"SELECT", b"File &quot;", b'File "'):
            if bad in content:
                problems.append(f"{where}: shows {bad!r}")
        leaked = [s for s in secrets_of(world, route.name, "own") if s in content]
        if leaked:
            problems.append(f"{where}: shows {leaked}")
    assert checked >= 12
    assert not problems, "\n".join(problems)
