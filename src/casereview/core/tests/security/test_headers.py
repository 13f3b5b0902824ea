"""HD-1 and HD-2: the headers every page carries, and the production settings' own check."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from casereview.boards.models import LetterKind

ROOT = Path(__file__).resolve().parents[5]
NONCE = re.compile(r"'nonce-([^']+)'")
SCRIPT_TAG = re.compile(rb"<script\b[^>]*>", re.IGNORECASE)


def directives(csp: str) -> dict[str, list[str]]:
    result = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            result[words[0]] = words[1:]
    return result


def signed_in_pages(world) -> list[str]:
    own = world.own
    slug = world.cast.board.slug
    return [
        reverse("home:dashboard"),
        reverse("referrals:detail", kwargs={"pk": own["received"].pk}),
        reverse("referrals:detail", kwargs={"pk": own["review-open"].pk}),
        reverse("referrals:new", kwargs={"slug": slug}),
        reverse("referrals:facts", kwargs={"pk": own["information-gathering"].pk}),
        reverse("referrals:recommend", kwargs={"pk": own["screening"].pk}),
        reverse(
            "referrals:deadline-extend",
            kwargs={"pk": own["deadline"].referral_id, "deadline_pk": own["deadline"].pk},
        ),
        reverse("referrals:answer", kwargs={"pk": own["request"].pk}),
        reverse("boards:profile", kwargs={"slug": slug}),
        reverse("boards:profile-edit", kwargs={"slug": slug}),
        reverse("boards:letter-templates", kwargs={"slug": slug}),
        # Refusals and the not-found page carry the same headers.
        reverse("referrals:decide", kwargs={"pk": own["awaiting-decision"].pk}),
        reverse("referrals:detail", kwargs={"pk": world.other["received"].pk}),
        "/no-such-page/",
    ]


def visitor_pages(world) -> list[str]:
    person = world.cast.manager
    return [
        reverse("home:home"),
        reverse("accounts:sign-in"),
        reverse("accounts:password-reset"),
        reverse("accounts:password-reset-sent"),
        reverse(
            "accounts:password-reset-confirm",
            kwargs={"uidb64": urlsafe_base64_encode(force_bytes(person.pk)), "token": "bad"},
        ),
        reverse("accounts:password-reset-complete"),
        "/no-such-page/",
    ]


def header_problems(url: str, response, *, signed_in: bool) -> list[str]:
    problems = []
    csp = response.get("Content-Security-Policy", "")
    parts = directives(csp)
    script_src = parts.get("script-src", parts.get("default-src", []))
    nonces = {m for s in script_src for m in NONCE.findall(s)}
    if not nonces:
        problems.append(f"{url}: no nonce in script-src ({csp!r})")
    if "'unsafe-inline'" in script_src:
        problems.append(f"{url}: 'unsafe-inline' in script-src")
    if parts.get("frame-ancestors") != ["'none'"]:
        problems.append(f"{url}: frame-ancestors is not 'none'")
    # Every inline script the page carries uses the header's nonce.
    for tag in SCRIPT_TAG.findall(response.content):
        if b"src=" not in tag and not any(f'nonce="{n}"'.encode() in tag for n in nonces):
            problems.append(f"{url}: inline script without the nonce: {tag[:80]!r}")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{url}: no nosniff")
    if not response.get("Referrer-Policy"):
        problems.append(f"{url}: no Referrer-Policy")
    if response.get("Cross-Origin-Opener-Policy") != "same-origin":
        problems.append(f"{url}: no Cross-Origin-Opener-Policy: same-origin")
    if response.get("X-Frame-Options") != "DENY":
        problems.append(f"{url}: X-Frame-Options is not DENY")
    if signed_in and "no-store" not in response.get("Cache-Control", ""):
        problems.append(f"{url}: a signed-in page without Cache-Control: no-store")
    return problems


def test_every_page_a_business_manager_reaches_carries_the_security_headers(world, clients):
    client = clients["manager"]
    problems = []
    checked = 0
    for url in signed_in_pages(world):
        response = client.get(url)
        if "text/html" not in response.get("Content-Type", ""):
            problems.append(f"{url}: {response.status_code} {response.get('Content-Type')}")
            continue
        checked += 1
        problems += header_problems(url, response, signed_in=True)
    assert checked >= 12
    assert not problems, "\n".join(problems)


def test_every_page_a_visitor_reaches_carries_the_security_headers(world):
    client = Client()
    problems = []
    for url in visitor_pages(world):
        response = client.get(url, follow=True)
        assert "text/html" in response["Content-Type"], url
        problems += header_problems(url, response, signed_in=False)
    assert not problems, "\n".join(problems)


def test_the_sign_in_code_page_and_an_invalid_form_carry_the_headers(world):
    client = Client()
    response = client.post(reverse("accounts:sign-in"), {"email": "x", "password": ""})
    assert response.status_code == 200
    assert not header_problems("sign-in (errors)", response, signed_in=False)


def test_each_page_gets_a_fresh_nonce(world, clients):
    url = reverse("home:dashboard")
    first = clients["manager"].get(url)["Content-Security-Policy"]
    second = clients["manager"].get(url)["Content-Security-Policy"]
    assert NONCE.findall(first) != NONCE.findall(second)


def test_downloads_are_sandboxed_attachments(world, clients):
    client = clients["manager"]
    doc = client.get(reverse("core:document-download", kwargs={"pk": world.own["document"].pk}))
    template = client.get(
        reverse(
            "boards:letter-template-download",
            kwargs={"slug": world.cast.board.slug, "kind": LetterKind.AGENCY_REQUEST.value},
        )
    )
    for response in (doc, template):
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]
    assert doc["Content-Security-Policy"] == "sandbox"


# --- HD-2: the production settings -----------------------------------------------------------


def run_manage(tmp_path, *args, **env) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("CASEREVIEW_", "DJANGO_"))}
    environ.pop("DEBUG", None)
    environ.update(
        CASEREVIEW_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        AUDIT_CHECKPOINT_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="casereview.example",
        CASEREVIEW_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="casereview.settings",
        PYTHONPATH=str(ROOT / "src"),  # this checkout's code, not the one installed
    )
    environ.update({k: v for k, v in env.items() if v is not None})
    for k in [k for k, v in env.items() if v is None]:
        environ.pop(k)
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = run_manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_with_the_two_factor_bypass(tmp_path):
    result = run_manage(tmp_path, "check", CASEREVIEW_MFA_DEV_BYPASS="1")
    assert result.returncode != 0
    assert "CASEREVIEW_MFA_DEV_BYPASS" in result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_manage(tmp_path, "check", SECRET_KEY=None)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("key", [None, "", "  "])
def test_production_refuses_to_start_without_an_audit_checkpoint_key(tmp_path, key):
    result = run_manage(tmp_path, "check", AUDIT_CHECKPOINT_KEY=key)
    assert result.returncode != 0
    assert "AUDIT_CHECKPOINT_KEY" in result.stderr


PRODUCTION_PROBE = """
import json
from django.conf import settings
import pytest
from django.test import Client
secure = Client().get("/dashboard/", secure=True, HTTP_HOST="casereview.example")
plain = Client().get("/dashboard/", HTTP_HOST="casereview.example")
print(json.dumps({
    "hsts": secure.get("Strict-Transport-Security", ""),
    "secure_status": secure.status_code,
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location", ""),
    "session_cookie": [settings.SESSION_COOKIE_NAME, settings.SESSION_COOKIE_SECURE,
                       settings.SESSION_COOKIE_HTTPONLY, settings.SESSION_COOKIE_SAMESITE],
    "csrf_cookie": [settings.CSRF_COOKIE_NAME, settings.CSRF_COOKIE_SECURE],
    "debug": settings.DEBUG,
}))
"""


def test_production_sends_hsts_redirects_to_https_and_uses_host_cookies(tmp_path):
    import json

    result = run_manage(tmp_path, "shell", "--no-imports", "-c", PRODUCTION_PROBE)
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    hsts = [part.strip() for part in probe["hsts"].split(";")]
    assert int(hsts[0].removeprefix("max-age=")) >= 31536000
    assert "includeSubDomains" in hsts
    assert probe["secure_status"] == 302  # to sign in
    assert probe["plain_status"] == 301
    assert probe["plain_location"].startswith("https://")
    assert probe["session_cookie"] == ["__Host-sessionid", True, True, "Lax"]
    assert probe["csrf_cookie"] == ["__Host-csrftoken", True]
    assert probe["debug"] is False


def test_every_page_of_the_policy_carries_the_headers_and_downloads_are_attachments(world, clients):
    """The whole crawl: each GET pattern as someone the policy lets in (HD-1, UP-3)."""
    from . import policy
    from .test_permission_matrix import ROUTES, url_for

    problems = []
    pages = downloads = 0
    for route in ROUTES:
        entry = policy.URLS.get(route.name, {})
        rule = entry.get("methods", {}).get("GET")
        if rule is None:
            continue
        owner = entry.get("owner", "")
        role = owner or next(r for r in policy.ROLES if policy.expected(rule, r, "own"))
        url = url_for(world, route.name, "own")
        response = clients[role].get(url)
        kind = response.get("Content-Type", "")
        signed_in = role != "anonymous"
        if 300 <= response.status_code < 400:
            continue  # a redirect: no page, nothing to run
        if "text/html" in kind:
            pages += 1
            problems += header_problems(f"{role} {route.name}", response, signed_in=signed_in)
        elif response.status_code == 200 and "json" not in kind:
            downloads += 1
            where = f"{role} {route.name}"
            if not response.get("Content-Disposition", "").startswith("attachment"):
                problems.append(f"{where}: a download not sent as an attachment")
            if response.get("X-Content-Type-Options") != "nosniff":
                problems.append(f"{where}: a download without nosniff")
            if signed_in and "no-store" not in response.get("Cache-Control", ""):
                problems.append(f"{where}: a download without Cache-Control: no-store")
    assert pages >= 30
    assert downloads >= 5
    assert not problems, "\n".join(problems)
