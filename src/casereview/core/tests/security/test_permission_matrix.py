"""AZ-1 and TN-1: every URL pattern x method x role x relation, checked against policy.py.

The URL patterns come from walking the resolver, never from a hand list, so a new view is
tested (or fails the coverage gate) the day it is routed (SECURITY.md 3.2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import policy

PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    callback: object

    @property
    def params(self) -> set[str]:
        return set(PARAM.findall(self.route))

    @property
    def exempt(self) -> bool:
        module = getattr(self.callback, "__module__", "") or ""
        return module.startswith(policy.EXEMPT_VIEW_MODULES)


def walk(patterns=None, prefix: str = "", namespace: str = "") -> list[Route]:
    """Every routed view with its full route and namespaced name."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    routes: list[Route] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace or "") if n)
            routes += walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")
            routes.append(Route(name, prefix + str(pattern.pattern), pattern.callback))
    return routes


ROUTES = [r for r in walk() if not r.exempt]
BY_NAME = {r.name: r for r in ROUTES}
UNFILLED_ON_OTHER = ("chronologies:", "anonymisation:")
GATE_NAME = {policy.PUBLIC: "public", policy.SIGNED_IN: "signed-in"}


def cases(method: str) -> list[str]:
    return [r.name for r in ROUTES if method in policy.URLS.get(r.name, {}).get("methods", {})]


# --- the coverage gate (Zulip style): no database needed --------------------------------


def test_every_url_pattern_is_in_the_policy():
    missing = sorted(r.name or r.route for r in ROUTES if r.name not in policy.URLS)
    assert not missing, f"URL patterns missing from policy.py: {missing}"


def test_the_policy_names_no_pattern_that_is_gone():
    stale = sorted(set(policy.URLS) - {r.name for r in ROUTES})
    assert not stale, f"policy.py names URL patterns that are not routed: {stale}"


def test_the_file_tables_name_only_routed_patterns():
    routed = {r.name for r in ROUTES}
    stale = sorted((set(policy.SERVES) | set(policy.ACCEPTS_FILES)) - routed)
    assert not stale, f"policy.SERVES or ACCEPTS_FILES name patterns not routed: {stale}"
    assert set(policy.SERVES.values()) <= {policy.STORED, policy.MADE}


def _forms_with_a_file_field() -> set[str]:
    from django import forms

    found, todo = set(), [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        fields = getattr(cls, "base_fields", {}).values()
        if any(isinstance(f, forms.FileField) for f in fields):
            found.add(cls.__name__)
    return found


def test_every_view_using_a_form_with_a_file_field_is_declared_as_accepting_files():
    """The view's own code, not only its page: a file form shown only in some state counts."""
    import inspect

    with_files = _forms_with_a_file_field()
    assert with_files, "no form has a file field: the check would see nothing"
    undeclared = []
    for r in ROUTES:
        source = inspect.getsource(inspect.unwrap(r.callback))
        used = set(re.findall(r"\b([A-Z]\w*Form)\b", source)) & with_files
        if used and r.name not in policy.ACCEPTS_FILES:
            undeclared.append(f"{r.name}: {sorted(used)}")
    assert not undeclared, f"views with file forms missing from policy.ACCEPTS_FILES: {undeclared}"


def test_every_view_passes_through_the_gate():
    ungated = sorted(
        r.name or r.route for r in ROUTES if not hasattr(r.callback, "casereview_gate")
    )
    assert not ungated, f"views without @gate or @public: {ungated}"


def test_the_gate_on_each_view_is_the_one_the_policy_names():
    wrong = []
    for r in ROUTES:
        rules = policy.URLS.get(r.name, {}).get("methods", {}).values()
        gates = {GATE_NAME.get(rule, rule) for rule in rules}
        if gates != {getattr(r.callback, "casereview_gate", None)}:
            wrong.append((r.name, sorted(gates), getattr(r.callback, "casereview_gate", None)))
    assert not wrong, f"policy and @gate disagree (name, policy, view): {wrong}"


def test_every_page_showing_case_content_declares_its_read_event_on_the_gate():
    """LG-1 by construction: an audited GET names its read event on ``@gate(reads=...)``, so
    the gate writes it, once; a stored file's route leaves it to its kind (core.serving)."""
    wrong = []
    for r in ROUTES:
        entry = policy.URLS.get(r.name, {})
        audited = bool(entry.get("audited")) and "GET" in entry.get("methods", {})
        stored = policy.SERVES.get(r.name) == policy.STORED
        reads = getattr(r.callback, "casereview_reads", None)
        if audited and not stored and not reads:
            wrong.append(f"{r.name}: audited, but its gate declares no reads")
        if reads and (stored or not audited):
            wrong.append(f"{r.name}: declares reads={reads!r} but is not an audited page")
    assert not wrong, "\n".join(wrong)


def test_every_pattern_and_method_is_open_to_someone_so_the_matrix_sees_it_succeed():
    unreachable = [
        f"{method} {name}"
        for name, entry in policy.URLS.items()
        for method, rule in entry["methods"].items()
        if not any(policy.expected(rule, role, "own") for role in policy.ROLES)
    ]
    assert not unreachable


def test_every_gated_action_has_a_policy_row():
    from casereview.core.permissions import RULES

    assert set(RULES) == set(policy.ALLOWED)


# --- helpers -------------------------------------------------------------------------------


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


FILE_FIELD = re.compile(rb'type=["\']?file\b|multipart/form-data', re.IGNORECASE)


def sends_a_file(response) -> bool:
    """A download: a streamed file, or any response a browser is told to save."""
    from django.http import FileResponse

    disposition = response.get("Content-Disposition", "")
    return isinstance(response, FileResponse) or disposition.lower().startswith("attachment")


def file_problems(name: str, response, content: bytes, seen: set[str]) -> list[str]:
    """A file sent or a file field shown where policy.SERVES / ACCEPTS_FILES do not say so."""
    from django.http import FileResponse

    problems = []
    if sends_a_file(response):
        seen.add("serves")
        if name not in policy.SERVES:
            problems.append(f"{name}: sends a file, but is not in policy.SERVES")
        elif isinstance(response, FileResponse) and policy.SERVES[name] != policy.STORED:
            problems.append(f"{name}: streams a stored file, but is not declared STORED (DL-1)")
    elif response.status_code == 200 and FILE_FIELD.search(content):
        seen.add("files")
        if name not in policy.ACCEPTS_FILES:
            problems.append(f"{name}: shows a file field, but is not in policy.ACCEPTS_FILES")
    return problems


def kind_of(key: str | None) -> str:
    return (key or "").split(":")[0]


def obj_for(world, key: str | None, relation: str):
    if key is None or key == "reset-link":
        return None
    if key == "letter-template":
        key = "board"
    if key == "flag":
        key = "run"
    swapped = kind_of(key) in policy.SWAPPED_KINDS
    objects = world.own if relation == "own" or swapped else world.other
    if key.startswith("referral:"):
        return objects[key.split(":", 1)[1]]
    if key.startswith("review-item:"):
        return objects["review"]
    return objects[key]


def keys_for(name: str) -> list[str | None]:
    """The objects a pattern is tried on: its object, and further workflow states."""
    entry = policy.URLS[name]
    return [entry.get("object"), *entry.get("also", [])]


def url_for(world, name: str, relation: str, key: str | None = None) -> str:
    key = key or policy.URLS[name].get("object")
    obj = obj_for(world, key, relation)
    kind = (key or "").split(":")[0]
    if kind == "referral":
        kwargs = {"pk": obj.pk}
    elif kind in ("deadline", "approved-deadline"):
        kwargs = {"pk": obj.referral_id, "deadline_pk": obj.pk}
    elif kind == "notification":
        kwargs = {"pk": obj.referral_id, "notification_pk": obj.pk}
    elif kind == "exclusion":
        kwargs = {"pk": obj.referral_id, "exclusion_pk": obj.pk}
    elif kind in ("request", "document", "review"):
        kwargs = {"pk": obj.pk}
    elif kind == "review-item":
        kwargs = {"pk": obj.pk, "item": key.split(":", 1)[1]}
    elif kind == "review-member":
        kwargs = {"pk": obj.review_id, "member_pk": obj.pk}
    elif kind == "draft-row":
        commission = obj.submission.commission
        kwargs = {"pk": commission.review_id, "commission_pk": commission.pk, "row_pk": obj.pk}
    elif kind == "merged-row":
        kwargs = {"pk": obj.submission.commission.review_id, "row_pk": obj.pk}
    elif kind == "export-job":
        kwargs = {"pk": obj.review_id, "job_pk": obj.pk}
    elif kind == "key-entry":
        kwargs = {"pk": obj.review_id, "entry_pk": obj.pk}
    elif kind == "glossary-term":
        kwargs = {"pk": obj.review_id, "term_pk": obj.pk}
    elif kind == "relation":
        kwargs = {"pk": obj.review_id, "relation_pk": obj.pk}
    elif kind == "review-document":
        kwargs = {"pk": obj.review_id, "document_pk": obj.pk}
    elif kind in ("run", "flag"):
        kwargs = {"pk": obj.document.review_id, "run_pk": obj.pk}
        if kind == "flag":
            kwargs["index"] = 0
    elif kind == "commission":
        kwargs = {"pk": obj.review_id, "commission_pk": obj.pk}
    elif kind == "board":
        kwargs = {"slug": obj.slug}
    elif kind == "agency":
        kwargs = {"slug": obj.board.slug, "agency_pk": obj.pk}
    elif kind == "membership":
        kwargs = {"slug": obj.board.slug, "membership_pk": obj.pk}
    elif kind == "letter-template":
        from casereview.boards.models import LetterKind

        kwargs = {"slug": obj.slug, "kind": LetterKind.AGENCY_REQUEST.value}
    elif kind == "reset-link":
        person = world.cast.manager
        kwargs = {
            "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
            "token": default_token_generator.make_token(person),
        }
    else:
        kwargs = {}
    if kind in policy.SWAPPED_KINDS and relation == "other":
        kwargs["pk"] = world.other["review"].pk  # the other board's review, our object
    assert set(kwargs) == BY_NAME[name].params, f"{name}: the policy's object fills {kwargs}"
    return reverse(name, kwargs=kwargs)


def referral_of(obj):
    """The case an object belongs to (itself for a case or a board)."""
    for step in ("document", "submission", "commission", "review"):
        if hasattr(obj, step) and not hasattr(obj, "referral"):
            obj = getattr(obj, step)
    return getattr(obj, "referral", obj)


def post_data(world, name: str) -> dict:
    data = dict(policy.URLS[name].get("post", {}))
    for field, value in data.items():
        if isinstance(value, str) and value.startswith("@person:"):
            data[field] = str(world.people[value.removeprefix("@person:")].pk)
        if isinstance(value, str) and value.startswith("@today:"):
            # A part of today's date, for a form that refuses a day in the future.
            data[field] = str(getattr(timezone.localdate(), value.removeprefix("@today:")))
    return data


def canary_of(world, name: str, relation: str, key: str | None = None) -> bytes | None:
    entry = policy.URLS[name]
    shows = entry.get("shows")
    obj = obj_for(world, key or entry.get("object"), relation)
    objects = world.own if relation == "own" else world.other
    if shows == "document_bytes":
        return objects["document-bytes"]
    if shows == "board_name":
        return obj.name.encode()
    if shows == "key_name":
        return b"Ava Canarykey" if relation == "own" else None  # the other review has no key
    referral = referral_of(obj)
    if shows == "child_name":
        return referral.child_name.encode()
    if shows == "reference":
        return referral.reference.encode()
    return None


def secrets_of(world, name: str, relation: str, key: str | None = None) -> list[bytes]:
    """Text a refusal must never show: every case's canary, and this object's reference."""
    found = [c.encode() for c in world.canaries]
    found += [world.own["document-bytes"], world.other["document-bytes"]]
    obj = obj_for(world, key or policy.URLS[name].get("object"), relation)
    referral = referral_of(obj)
    if hasattr(referral, "reference"):
        found.append(referral.reference.encode())
    return found


EXCLUDED_TABLES = {"core.AuditEvent", "sessions.Session", "auth.Permission"}
SKIPPED_APPS = ("axes", "django_tasks_db", "contenttypes")


def _watched_tables() -> list[tuple[str, str]]:
    tables = []
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        if label in EXCLUDED_TABLES or model._meta.app_label in SKIPPED_APPS:
            continue
        tables.append((label, model._meta.db_table))
    return sorted(set(tables))


def snapshot() -> dict[str, list]:
    """Every row of every table the app owns (small world: cheap), for 'nothing changed'."""
    from django.db import connection

    state = {}
    with connection.cursor() as cursor:
        for label, table in _watched_tables():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            state[label] = sorted(cursor.fetchall(), key=repr)
    return state


def relations_for(name: str) -> list[str]:
    key = policy.URLS[name].get("object")
    return ["other", "own"] if key and key != "reset-link" else ["own"]


def is_sign_in_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse(settings.LOGIN_URL)
    )


def audit_count() -> int:
    from casereview.core.models import AuditEvent

    return AuditEvent.objects.count()


# --- the matrix ----------------------------------------------------------------------------


def get_problems(name: str, world, clients) -> list[str]:
    """Every role's GET of one pattern, on each relation and state, against the policy."""
    from casereview.core.models import AuditEvent

    entry = policy.URLS[name]
    rule = entry["methods"]["GET"]
    owner = entry.get("owner", "")
    problems = []
    seen: set[str] = set()  # what the pattern was seen to do: "serves", "files"
    tries = [(rel, key) for rel in relations_for(name) for key in keys_for(name)]
    for relation, key in tries:
        url = url_for(world, name, relation, key)
        canary = canary_of(world, name, relation, key)
        for role in policy.ROLES:
            before = audit_count()
            response = clients[role].get(url)
            content = body(response)
            status = response.status_code
            new_events = AuditEvent.objects.order_by("pk")[before:]
            allowed = policy.expected(rule, role, relation, kind_of(key), owner)
            where = f"{role} GET {name} ({relation}, {key})"
            problems += [f"{role} GET {p}" for p in file_problems(name, response, content, seen)]
            if role == "anonymous" and not allowed:
                if not is_sign_in_redirect(response):
                    problems.append(f"{where}: {status}, not a redirect to sign-in")
            elif allowed and rule in (policy.PUBLIC, policy.SIGNED_IN):
                # No object to show: a page, or a redirect onwards (set-up already done).
                sent_away = rule == policy.SIGNED_IN and is_sign_in_redirect(response)
                if status >= 400 or sent_away:
                    problems.append(f"{where}: {status} on a page open to them")
            elif allowed:
                # The other board's review has no chronology or key: its pages may send the
                # outsider onwards, and show nothing of ours to look for.
                unfilled = relation == "other" and name.startswith(UNFILLED_ON_OTHER)
                onwards = unfilled and status == 302 and not is_sign_in_redirect(response)
                if status != 200 and not onwards:
                    problems.append(f"{where}: unexpected denial {status}")
                elif canary is not None and canary not in content and not unfilled:
                    problems.append(f"{where}: 200 without the object's canary")
                if entry.get("audited") and status == 200 and len(new_events) != 1 and not unfilled:
                    problems.append(f"{where}: {len(new_events)} audit events, not 1 (LG-1)")
            else:
                if status not in policy.denial_statuses(role, relation, kind_of(key)):
                    problems.append(f"{where}: {status}, expected a refusal")
                leaked = [s for s in secrets_of(world, name, relation, key) if s in content]
                if leaked:
                    problems.append(f"{where}: refusal shows {leaked}")
                outcomes = [e.outcome for e in new_events]
                # A refusal by the view itself (not the gate: an object of another parent,
                # someone else's export) may leave no event; never a successful read.
                by_view = owner or kind_of(key) in policy.SWAPPED_KINDS
                expected_events = ([], ["denied"]) if by_view else (["denied"],)
                if role != "anonymous" and outcomes not in expected_events:
                    problems.append(f"{where}: refusal audited as {outcomes}, not 1 denied")
    # A declaration the app never bears out is stale, and would hide the next route's file.
    if name in policy.SERVES and "serves" not in seen:
        problems.append(f"{name}: in policy.SERVES, but no allowed GET sent a file")
    if name in policy.ACCEPTS_FILES and "files" not in seen:
        problems.append(f"{name}: in policy.ACCEPTS_FILES, but no page showed a file field")
    return problems


# One world per app rather than per pattern keeps the matrix fast; GETs change nothing
# but the audit trail, so the patterns of an app can share it.
NAMESPACES = sorted({name.split(":")[0] for name in cases("GET")})


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_get_matches_the_policy_for_every_role_and_relation(namespace, world, clients):
    problems = []
    for name in cases("GET"):
        if name.split(":")[0] == namespace:
            problems += get_problems(name, world, clients)
    assert not problems, "\n".join(problems)


def _post_order(rule: str, relation: str) -> list[str]:
    """Refused roles first, so their POST meets the object in the state it was built in."""
    return sorted(policy.ROLES, key=lambda role: policy.expected(rule, role, relation))


STRAY_FILE = b"%PDF-1.4 CanaryStrayUploadXq7"


def media_files() -> set:
    """Every file in the file store (a test's own tmp folder: small)."""
    from pathlib import Path

    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def files_for(name: str) -> dict:
    """A file for every POST (fresh each time): the route's own, else a stray one it must
    not keep, under the field names upload forms use."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .conftest import FILES

    accepts = policy.ACCEPTS_FILES.get(name)
    if accepts:
        filename = accepts["file"]
        return {accepts["field"]: SimpleUploadedFile(filename, FILES[filename]())}
    return {
        field: SimpleUploadedFile("stray.pdf", STRAY_FILE, "application/pdf")
        for field in ("file", "upload")
    }


@pytest.mark.parametrize("name", cases("POST"))
def test_post_matches_the_policy_and_refusals_change_nothing(name, world, clients):
    entry = policy.URLS[name]
    rule = entry["methods"]["POST"]
    accepts = policy.ACCEPTS_FILES.get(name)
    data = {**post_data(world, name), **(accepts["post"] if accepts else {})}
    # A POST-only action, or one given valid data (or its file), must change something when
    # allowed: that proves the refused POSTs would have changed something without the gate.
    should_change = (
        rule not in (policy.PUBLIC, policy.SIGNED_IN)
        and entry.get("changes", True)
        and ("post" in entry or "GET" not in entry["methods"] or accepts is not None)
    )
    kind = kind_of(entry.get("object"))
    owner = entry.get("owner", "")
    problems = []
    for relation in relations_for(name):
        url = url_for(world, name, relation)
        changed_once = False
        for role in _post_order(rule, relation):
            allowed = policy.expected(rule, role, relation, kind, owner)
            watch = not allowed or not changed_once
            before = snapshot() if watch else None
            events_before = audit_count()
            stored_before = media_files()
            response = clients[role].post(url, {**data, **files_for(name)})
            status = response.status_code
            after = snapshot() if watch else None
            stored = media_files() - stored_before
            if not allowed and role != "anonymous":
                from casereview.core.models import AuditEvent

                outcomes = [e.outcome for e in AuditEvent.objects.order_by("pk")[events_before:]]
                by_view = owner or (kind in policy.SWAPPED_KINDS and relation == "other")
                if outcomes not in (([], ["denied"]) if by_view else (["denied"],)):
                    problems.append(f"{role} POST {name}: refusal audited as {outcomes}")
            where = f"{role} POST {name} ({relation})"
            if status >= 500:
                problems.append(f"{where}: server error {status}")
            elif role == "anonymous" and not allowed:
                if not is_sign_in_redirect(response):
                    problems.append(f"{where}: {status}, not a redirect to sign-in")
            elif allowed:
                # Once an allowed POST has used the object up (a row removed, a draft sent),
                # the next one may find it gone; the other board's review has no draft.
                unfilled = relation == "other" and name.startswith(UNFILLED_ON_OTHER)
                if status == 403 or (status == 404 and not (changed_once or unfilled)):
                    problems.append(f"{where}: unexpected denial {status}")
            elif status not in policy.denial_statuses(role, relation, kind):
                problems.append(f"{where}: {status}, expected a refusal")
            if not allowed and after != before:
                changed = [k for k in after if after[k] != before.get(k)]
                problems.append(f"{where}: refused, yet changed {changed}")
            if not allowed and stored:
                problems.append(f"{where}: refused, yet stored {len(stored)} file(s)")
            if accepts is None and any(STRAY_FILE in p.read_bytes() for p in stored):
                problems.append(f"{where}: takes no files, yet stored the one posted")
            if allowed and after != before:
                changed_once = True
        if should_change and relation == "own" and not changed_once:
            problems.append(f"POST {name} ({relation}): no allowed role changed anything")
    assert not problems, "\n".join(problems)


def test_a_method_no_view_takes_is_refused_with_405(world, clients):
    """DELETE, sent by someone the policy lets in, is 405 everywhere and changes nothing."""
    wrong = []
    before = snapshot()
    for name in [r.name for r in ROUTES if r.name in policy.URLS]:
        rule = next(iter(policy.URLS[name]["methods"].values()))
        role = next(r for r in policy.ROLES if policy.expected(rule, r, "own"))
        response = clients[role].generic("DELETE", url_for(world, name, "own"))
        if response.status_code == 302:  # the reset link first swaps its token for the session
            response = clients[role].generic("DELETE", response["Location"])
        if response.status_code != 405:
            wrong.append(f"{role} DELETE {name}: {response.status_code}")
    assert not wrong
    assert snapshot() == before


# --- named scenarios of the brief ----------------------------------------------------------


def test_a_police_named_officer_answers_for_police_but_cannot_open_health_or_the_case(
    world, clients
):
    police = clients["police_officer"]
    own = police.get(reverse("referrals:answer", kwargs={"pk": world.own["request"].pk}))
    assert own.status_code == 200
    assert world.own["information-gathering"].child_name.encode() in own.content

    health = police.get(reverse("referrals:answer", kwargs={"pk": world.own["health-request"].pk}))
    assert health.status_code in (403, 404)
    case = police.get(
        reverse("referrals:detail", kwargs={"pk": world.own["information-gathering"].pk})
    )
    assert case.status_code in (403, 404)
    for response in (health, case):
        assert world.own["information-gathering"].child_name.encode() not in response.content


def test_the_other_boards_manager_gets_404_for_every_object_of_the_first_board(world, clients):
    outsider = clients["outsider"]
    leaks = []
    for name in policy.URLS:
        key = policy.URLS[name].get("object")
        if not key or key == "reset-link":
            continue
        url = url_for(world, name, "own")
        for method in policy.URLS[name]["methods"]:
            response = outsider.generic(method, url)
            content = body(response)
            if response.status_code != 404 or any(
                s in content for s in secrets_of(world, name, "own")
            ):
                leaks.append(f"{method} {name}: {response.status_code}")
    assert not leaks


@pytest.mark.parametrize("role", [r for r in policy.ROLES if r != "anonymous"])
def test_a_dashboard_shows_no_case_outside_the_persons_scope(role, world, clients):
    from casereview.referrals.models import Referral

    person = world.people[role]
    visible = set(Referral.objects.visible_to(person).values_list("pk", flat=True))
    response = clients[role].get(reverse("home:dashboard"))
    assert response.status_code == 200
    hidden = Referral.objects.exclude(pk__in=visible)
    shown = [r.reference for r in hidden if r.reference.encode() in response.content]
    shown += [c for c in world.canaries if c.encode() in response.content]
    assert not shown
