"""DL-1: one serving rule per kind of stored file, asked by every route that can send one.

The walk takes every route the policy declares as sending stored files (checked against the
resolver by the matrix), points it at a stored file of every kind in every state the policy
names, and asks as every role of the matrix: the file is sent exactly when the kind's row of
``policy.MAY_HAVE`` allows it (narrowed only by the route's own gate). A route whose path
names a parent object (an export job, a review document, a run) is also pointed at parents
made to hold files of other kinds, so a route that trusted its parent instead of asking the
file's kind would show.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone

from casereview.core import serving

from . import policy
from .conftest import CHRONOLOGY_CSV
from .test_permission_matrix import BY_NAME, body, is_sign_in_redirect, sends_a_file

pytestmark = pytest.mark.heavy  # the DL-1 walk runs once, on SQLite (script/test)

SOURCE = Path(serving.__file__).resolve().parents[1]  # src/casereview
UNREGISTERED = ("unregistered", "stored")  # a row whose kind has no rule: no one, by no route


def _sources() -> list[Path]:
    return [p for p in SOURCE.rglob("*.py") if "tests" not in p.relative_to(SOURCE).parts]


# --- every kind the code can store has a rule, and only the helper streams files ----------------


def _kinds_passed_to_document_store() -> list[tuple[str, ast.expr]]:
    found = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called != "document_store":
                continue
            kind = next((k.value for k in node.keywords if k.arg == "kind"), None)
            found.append((f"{path.relative_to(SOURCE)}:{node.lineno}", kind))
    return found


def test_every_kind_the_code_stores_has_a_serving_rule():
    calls = _kinds_passed_to_document_store()
    assert len(calls) >= 6  # the letters, the chronology sources and exports, the reviews'
    registered = set(serving.kinds())
    missing = []
    for where, kind in calls:
        if isinstance(kind, ast.Constant):
            if kind.value not in registered:
                missing.append(f"{where}: {kind.value!r}")
        elif isinstance(kind, ast.JoinedStr) and isinstance(kind.values[0], ast.Constant):
            # f"letter:{kind}": each value it can take is registered by name (the walk checks)
            prefix = kind.values[0].value
            if not any(name.startswith(prefix) for name in registered):
                missing.append(f"{where}: {prefix}…")
        else:
            missing.append(f"{where}: a kind the test cannot read; pass a literal")
    assert not missing, f"document_store kinds with no rule in core/serving.py: {missing}"


def test_every_file_field_of_a_model_is_a_kind_with_a_rule():
    from casereview.core.models import Document

    fields = [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]
    assert (Document, "file") in fields
    missing = [
        f"{model._meta.label}.{name}"
        for model, name in fields
        if model is not Document and model._meta.label_lower not in serving.kinds()
    ]
    assert not missing, f"stored files with no serving rule in core/serving.py: {missing}"


def test_only_the_serving_helper_streams_a_file():
    streaming = [
        str(p.relative_to(SOURCE))
        for p in _sources()
        if "FileResponse" in p.read_text() and p != Path(serving.__file__).resolve()
    ]
    assert not streaming, f"stream stored files only through core.serving: {streaming}"


def test_no_view_reads_a_stored_file_itself():
    reading = re.compile(r"\.file\.(open|read|path|url|chunks)\b")
    found = [
        f"{p.relative_to(SOURCE)}:{n}"
        for p in _sources()
        if p.name == "views.py"
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if reading.search(line)
    ]
    assert not found, f"a view sends a stored file with core.serving.serve_stored: {found}"


def test_attachment_refuses_a_stored_document(world):
    from casereview.core.documents import attachment

    with pytest.raises(TypeError):
        attachment(world.own["document"], filename="x.pdf", content_type="application/pdf")


def test_a_kind_without_a_rule_is_never_stored(world, settings):
    from casereview.core.documents import document_store
    from casereview.core.models import Document

    before = (Document.objects.count(), sorted(Path(settings.MEDIA_ROOT).rglob("*")))
    with pytest.raises(ValueError, match="No serving rule"):
        document_store(
            board=world.cast.board,
            kind="letter",  # the shape of a kind, but no letter is stored without its own
            title="Unruled",
            filename="x.pdf",
            content=b"%PDF-1.4 unruled",
            by=world.cast.manager,
        )
    assert (Document.objects.count(), sorted(Path(settings.MEDIA_ROOT).rglob("*"))) == before


def test_every_kind_with_a_rule_has_a_row_of_who_may_have_it():
    assert set(policy.MAY_HAVE) == set(serving.kinds())


# --- the fixtures: a stored file of every kind, in every state MAY_HAVE names -------------------


def _letter(world, kind: str, *, board="own", status=None):
    from casereview.core.documents import document_store

    objects = world.own if board == "own" else world.other
    document = document_store(
        board=objects["board"],
        referral=objects["information-gathering"],
        kind=kind,
        title="Synthetic letter",
        filename="letter.docx",
        content=f"Synthetic {kind} {board} {status}".encode(),
        by=world.people["manager" if board == "own" else "outsider"],
    )
    if status:
        type(document).objects.filter(pk=document.pk).update(status=status)
        document.refresh_from_db()
    return document


def _export(world, person: str, *, age_hours: float = 0):
    from casereview.chronologies import services, tasks
    from casereview.chronologies.models import ExportJob

    job = services.export_request(review=world.own["review"], fmt="csv", by=world.people[person])
    tasks.export_merged.call(job.pk)
    finished = timezone.now() - dt.timedelta(hours=age_hours)
    ExportJob.objects.filter(pk=job.pk).update(finished_at=finished)
    return ExportJob.objects.get(pk=job.pk).document


def _chronology_sources(world):
    from casereview.chronologies import services

    author = world.people["police_author"]
    commission = world.own["commission"]
    first = services.chronology_upload(
        commission=commission, name="first.csv", content=CHRONOLOGY_CSV.encode(), by=author
    )
    again = CHRONOLOGY_CSV + "21/06/2024,Seen again.,,,Case notes,AB,\n"
    draft = services.chronology_upload(
        commission=commission, name="again.csv", content=again.encode(), by=author
    )
    first.refresh_from_db()
    assert first.status == "superseded" and first.submitted_at is None
    sent = world.own["merged-row"].submission
    return {"draft": draft.source, "set-aside": first.source, "sent": sent.source}


def _unregistered(world):
    from django.core.files.base import ContentFile

    from casereview.core.models import Document

    document = Document(
        board=world.cast.board,
        referral=world.own["information-gathering"],
        kind=UNREGISTERED[0],
        title="Of no known kind",
        filename="unknown.pdf",
        content_type="application/pdf",
        sha256="0" * 64,
        size=20,
    )
    document.file.save("upload", ContentFile(b"%PDF-1.4 unregistered"), save=True)
    return document


@pytest.fixture
def stored(world) -> dict[tuple[str, str], object]:
    """(kind, state) -> a stored file in that state, for every row of policy.MAY_HAVE."""
    from django.core.files.base import ContentFile

    from casereview.boards.models import LetterTemplate

    files: dict[tuple[str, str], object] = {}
    for kind, states in policy.MAY_HAVE.items():
        if kind.startswith("letter:"):
            files[(kind, "issued")] = _letter(world, kind)
            for state in set(states) - {"issued", "other-board"}:
                files[(kind, state)] = _letter(world, kind, status=state)
            if "other-board" in states:
                files[(kind, "other-board")] = _letter(world, kind, board="other")
    for state, document in _chronology_sources(world).items():
        files[("chronology-source", state)] = document
    files[("chronology-export", "fresh")] = world.own["export-job"].document
    files[("chronology-export", "admins")] = _export(world, "admin")
    files[("chronology-export", "expired")] = _export(world, "manager", age_hours=25)
    files[("review-original", "issued")] = world.own["review-document"].original
    files[("review-anonymised", "issued")] = world.own["run"].output
    template = LetterTemplate(board=world.cast.board, kind="agency-request")
    template.file.save("template.docx", ContentFile(b"Synthetic board template"), save=True)
    files[("boards.lettertemplate", "issued")] = template
    files[UNREGISTERED] = _unregistered(world)
    wanted = {(k, s) for k, states in policy.MAY_HAVE.items() for s in states} | {UNREGISTERED}
    assert set(files) == wanted, "every row of policy.MAY_HAVE needs a fixture here"
    return files


# --- how each serving route is pointed at a stored file ----------------------------------------


def _role_of(world, person) -> str:
    return next(role for role, p in world.people.items() if p.pk == person.pk)


def _export_download(world, document):
    from casereview.chronologies.models import ExportJob, ExportStatus

    job = ExportJob.objects.filter(document=document).first() or ExportJob.objects.create(
        review=world.own["review"],
        format="csv",
        status=ExportStatus.DONE,
        requested_by=world.people["manager"],
        finished_at=timezone.now(),
        document=document,
    )
    url = reverse("chronologies:export-download", kwargs={"pk": job.review_id, "job_pk": job.pk})
    return url, _role_of(world, job.requested_by)  # the page finds only its requester's jobs


def _document_original(world, document):
    from casereview.reviews.models import ReviewDocument

    owner = ReviewDocument.objects.filter(original=document).first()
    if owner is None:
        owner = ReviewDocument.objects.create(
            review=world.own["review"], title="Made to hold another kind", original=document
        )
    url = reverse(
        "anonymisation:document-original",
        kwargs={"pk": owner.review_id, "document_pk": owner.pk},
    )
    return url, ""


def _run_download(world, document):
    from casereview.anonymisation.models import AnonymisationRun

    run = AnonymisationRun.objects.filter(output=document).first()
    if run is None:
        run = AnonymisationRun.objects.create(
            document=world.own["review-document"], output=document, key_size=0
        )
    url = reverse(
        "anonymisation:run-download", kwargs={"pk": run.document.review_id, "run_pk": run.pk}
    )
    return url, ""


def _letter_template_download(world, template):
    url = reverse(
        "boards:letter-template-download",
        kwargs={"slug": template.board.slug, "kind": template.kind},
    )
    return url, ""


# Route -> (world, stored file) -> (its URL, the one role whose parent object it is, or "").
# A route that takes Documents by their parent is given every Document; the letter template
# route takes the board's own templates.
ADDRESS = {
    "core:document-download": lambda world, d: (
        reverse("core:document-download", kwargs={"pk": d.pk}),
        "",
    ),
    "chronologies:export-download": _export_download,
    "anonymisation:document-original": _document_original,
    "anonymisation:run-download": _run_download,
    "boards:letter-template-download": _letter_template_download,
}
TAKES = {"boards:letter-template-download": "boards.lettertemplate"}  # else core.document

STORED_ROUTES = sorted(n for n, what in policy.SERVES.items() if what == policy.STORED)


def test_every_route_that_serves_stored_files_is_walked():
    assert STORED_ROUTES, "policy.SERVES declares no route serving stored files"
    assert set(STORED_ROUTES) <= set(BY_NAME), "policy.SERVES names a pattern not routed"
    assert set(STORED_ROUTES) == set(ADDRESS), "tell the walk how to point each route at a file"


def _expected(route: str, kind: str, state: str, role: str, owner: str) -> bool:
    entry = policy.URLS[route]
    rule = entry["methods"]["GET"]
    # The generic download's own rule is the kind's: the route narrows nothing.
    by_route = rule in policy.KIND_GATED or policy.expected(rule, role, "own")
    if owner and role != owner:
        by_route = False
    return by_route and role in policy.MAY_HAVE.get(kind, {}).get(state, frozenset())


def _bytes_of(stored_file) -> bytes:
    with stored_file.file.open("rb") as handle:
        return handle.read()


def test_each_stored_kind_is_served_by_every_route_exactly_as_its_rule_says(world, clients, stored):
    from casereview.core.models import AuditEvent

    problems = []
    walked = {key: 0 for key in stored}
    for route in STORED_ROUTES:
        for (kind, state), stored_file in stored.items():
            if stored_file._meta.label_lower != TAKES.get(route, "core.document"):
                continue
            url, owner = ADDRESS[route](world, stored_file)
            content_expected = _bytes_of(stored_file)
            walked[(kind, state)] += 1
            for role in policy.ROLES:
                before = AuditEvent.objects.count()
                response = clients[role].get(url)
                content = body(response)
                events = list(AuditEvent.objects.order_by("pk")[before:])
                outcomes = [e.outcome for e in events]
                allowed = _expected(route, kind, state, role, owner)
                where = f"{role} GET {route} ({kind}, {state})"
                served = (
                    response.status_code == 200
                    and sends_a_file(response)
                    and content == content_expected
                )
                if allowed and not served:
                    problems.append(f"{where}: {response.status_code}, not served")
                elif allowed and outcomes != ["ok"]:
                    problems.append(f"{where}: served, audited as {outcomes}, not 1 event")
                elif not allowed and content_expected in content:
                    problems.append(f"{where}: {response.status_code}, served")
                elif not allowed and role == "anonymous":
                    if not is_sign_in_redirect(response):
                        problems.append(f"{where}: {response.status_code}, not sign-in")
                elif not allowed and response.status_code not in (403, 404):
                    problems.append(f"{where}: {response.status_code}, not a refusal")
                elif not allowed and "ok" in outcomes:
                    problems.append(f"{where}: refused, yet audited as served")
    unwalked = [key for key, count in walked.items() if not count]
    assert not unwalked, f"stored files no route was pointed at: {unwalked}"
    assert not problems, "\n".join(problems)


def test_the_generic_download_is_pointed_at_every_stored_document(stored):
    documents = [k for k, f in stored.items() if f._meta.label_lower == "core.document"]
    assert len(documents) == len(stored) - 1  # all but the board's letter template
