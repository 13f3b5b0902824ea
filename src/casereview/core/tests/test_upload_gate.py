"""SECURITY.md UP-1 on every upload route: each hostile file of the corpus is refused with its
own message and nothing is kept (rows, documents, files, queued work); benign files pass."""

from __future__ import annotations

import functools
import io
import os
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from casereview.core import uploads
from casereview.core.tests import upload_corpus as corpus
from casereview.core.uploads import (
    KINDS,
    LARGEST,
    MAX_INFLATED,
    MB,
    BoundedUploadHandler,
    UploadRefused,
    check_upload,
    read_upload,
)
from casereview.samples import SAMPLES

pytestmark = [pytest.mark.django_db, pytest.mark.heavy]  # once, on SQLite (script/test)


@functools.cache
def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


@functools.cache
def letter_template() -> bytes:
    from casereview.core import letters

    return letters.default_template("decision-notice")


@dataclass(frozen=True)
class Route:
    kind: str  # the upload gate's kind
    names: dict[str, str]  # corpus format -> the name the route's own file of it has
    bases: dict[str, Callable[[], bytes]]  # corpus format -> a benign file of it

    @property
    def formats(self) -> tuple[str, ...]:
        return tuple(self.names)

    def file_for(self, hostile: corpus.Hostile) -> tuple[str, bytes]:
        """The hostile file as posted to this route: its own name where it takes the format."""
        own = hostile.format in self.names
        name = hostile.name or self.names.get(hostile.format) or next(iter(self.names.values()))
        base = (self.bases if own else OTHER_BASES).get(hostile.format, lambda: b"")()
        return name, hostile.build(base)


OTHER_BASES = {
    "docx": lambda: sample("imr-school.docx"),
    "xlsx": lambda: sample("chronology-gp.xlsx"),
    "text": lambda: sample("key-reference.csv"),
}
ROUTES = {
    "chronology": Route(
        "chronology",
        {"docx": "rows.docx", "xlsx": "rows.xlsx", "text": "rows.csv"},
        {
            "docx": lambda: sample("chronology-social-care.docx"),
            "xlsx": lambda: sample("chronology-gp.xlsx"),
            "text": lambda: sample("chronology-education.csv"),
        },
    ),
    "document": Route(
        "document",
        {"docx": "imr.docx", "text": "notes.txt"},
        {"docx": lambda: sample("imr-school.docx"), "text": lambda: b"A note of the meeting.\n"},
    ),
    "key-reference": Route(
        "key-reference", {"text": "key.csv"}, {"text": lambda: sample("key-reference.csv")}
    ),
    "letter-template": Route("letter-template", {"docx": "letter.docx"}, {"docx": letter_template}),
}


@pytest.fixture
def post(cast, make_referral, as_person):
    """Post a file to one upload route, as a person allowed to use it."""
    review = make_referral("review-open").review
    commission = review.commissions.get(agency=cast.police)

    def _post(kind: str, name: str, content: bytes):
        upload = SimpleUploadedFile(name, content)
        if kind == "chronology":
            client = as_person(cast.police_author)
            url = reverse("chronologies:upload", args=[review.pk, commission.pk])
            return client.post(url, {"file": upload})
        client = as_person(cast.admin)
        if kind == "document":
            url = reverse("anonymisation:documents", args=[review.pk])
            return client.post(url, {"title": "School IMR", "file": upload})
        if kind == "key-reference":
            return client.post(
                reverse("anonymisation:key-import", args=[review.pk]), {"file": upload}
            )
        return client.post(
            reverse("boards:letter-templates", args=[cast.board.slug]),
            {"kind": "decision-notice", "file": upload},
        )

    return _post


def _files() -> list[str]:
    found = []
    for folder, _, names in os.walk(settings.MEDIA_ROOT):
        found.extend(os.path.join(folder, n) for n in names)
    return sorted(found)


STORED = [
    "core.Document",
    "chronologies.ChronologySubmission",
    "chronologies.ChronologyEntry",
    "chronologies.ExportJob",
    "reviews.ReviewDocument",
    "anonymisation.AnonymisationRun",
    "anonymisation.KeyEntry",
    "boards.LetterTemplate",
    "django_tasks_database.DBTaskResult",
]


def _snapshot() -> tuple:
    from casereview.core.models import AuditEvent

    counts = tuple(apps.get_model(label).objects.count() for label in STORED)
    changes = AuditEvent.objects.exclude(kind__endswith="_VIEWED").count()
    return counts, changes, _files()


def _refused(response, expected: tuple[str, ...]) -> None:
    body = response.content.decode()
    assert response.status_code in (200, 400), response.status_code
    assert 'class="govuk-error-message"' in body
    assert any(escape(text) in body for text in expected), expected


CASES = [(route, hostile) for route in ROUTES for hostile in corpus.CORPUS]


def test_the_corpus_holds_more_than_60_kinds_of_hostile_file():
    assert len(corpus.CORPUS) >= 60


@pytest.mark.parametrize(("route", "hostile"), CASES, ids=[f"{r}-{h}" for r, h in CASES])
def test_every_hostile_file_is_refused_on_every_upload_route_and_nothing_is_kept(
    post, route, hostile
):
    chosen = ROUTES[route]
    found = corpus.CORPUS[hostile]
    name, content = chosen.file_for(found)
    before = _snapshot()
    started = time.perf_counter()
    response = post(route, name, content)
    elapsed = time.perf_counter() - started
    _refused(response, corpus.expected(found, chosen.formats))
    assert _snapshot() == before
    assert elapsed < 2, f"{route} {hostile} took {elapsed:.1f} s"


@pytest.mark.parametrize("route", list(ROUTES))
def test_a_file_one_byte_over_its_kinds_limit_is_refused_with_the_limit(post, route):
    limit = KINDS[route].max_bytes
    name = next(iter(ROUTES[route].names.values()))
    before = _snapshot()
    response = post(route, name, b"a" * (limit + 1))
    _refused(response, (f"larger than {limit // MB} MB",))
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("route", "name", "build"),
    [
        ("chronology", "social-care.docx", lambda: sample("chronology-social-care.docx")),
        ("chronology", "gp.xlsx", lambda: sample("chronology-gp.xlsx")),
        ("chronology", "education.csv", lambda: sample("chronology-education.csv")),
        ("document", "imr-school.docx", lambda: sample("imr-school.docx")),
        ("document", "notes.md", lambda: b"# Notes\n\nMet on Tuesday.\n"),
        ("key-reference", "key-reference.csv", lambda: sample("key-reference.csv")),
        ("letter-template", "letter.docx", letter_template),
    ],
)
def test_todays_benign_files_pass_the_gate(route, name, build):
    assert check_upload(name, build(), route) == "." + name.rsplit(".", 1)[1]


@pytest.mark.parametrize(
    "target",
    ["https://www.gov.uk/government/publications/working-together", "mailto:lscp@test.test"],
)
def test_a_web_or_mail_hyperlink_is_not_an_outside_template(target):
    link = corpus.relationships(
        f'<Relationship Id="rId5" Type="{corpus.RELS}/hyperlink" Target="{target}"'
        ' TargetMode="External"/>'
    )
    document = corpus.with_relationships(sample("imr-school.docx"), link, corpus.HEADER_RELS)
    assert check_upload("imr.docx", document, "document") == ".docx"


def test_a_120_mb_bomb_is_refused_after_inflating_no_more_than_the_bound():
    bomb = corpus.bomb(120 * MB)
    assert len(bomb) < 5 * MB
    started = time.perf_counter()
    with pytest.raises(UploadRefused, match="unpacks to more than 50 MB") as refused:
        check_upload("bomb.docx", bomb, "document")
    assert refused.value.inflated <= MAX_INFLATED + 1
    assert time.perf_counter() - started < 2


def test_a_bomb_of_zeros_is_refused_by_its_ratio_long_before_the_bound():
    bomb = corpus.zeros_bomb(120 * MB)
    part = zipfile.ZipFile(io.BytesIO(bomb)).getinfo("word/media/zeros.bin")
    with pytest.raises(UploadRefused, match="more than 100 to 1") as refused:
        check_upload("bomb.docx", bomb, "document")
    # What came before the bomb, and the bomb no further than 100 times its compressed size.
    assert refused.value.inflated <= MB + uploads.MAX_RATIO * part.compress_size + uploads.CHUNK
    assert refused.value.inflated < 20 * MB


def test_the_password_protected_message_is_its_own():
    with pytest.raises(UploadRefused) as refused:
        check_upload("locked.docx", corpus.password_protected(), "letter-template")
    assert str(refused.value) == (
        "The file is password-protected. Remove the password and upload it again."
    )


def test_a_posted_file_is_read_no_further_than_one_byte_past_its_limit():
    class Counting(io.BytesIO):
        read_bytes = 0

        def read(self, size=-1):
            data = super().read(size)
            self.read_bytes += len(data)
            return data

    limit = KINDS["key-reference"].max_bytes
    body = Counting(b"a" * (limit * 8))
    with pytest.raises(UploadRefused, match="larger than 1 MB"):
        read_upload(body, "key-reference")
    assert body.read_bytes == limit + 1


def test_the_upload_handler_keeps_no_more_than_one_byte_past_the_largest_limit():
    handler = BoundedUploadHandler()
    handler.new_file("file", "big.csv", "text/csv", None)
    kept = sum(
        len(handler.receive_data_chunk(b"a" * MB, 0) or b"") for _ in range(LARGEST // MB + 5)
    )
    assert kept == LARGEST + 1


def _forms(base):
    for form in base.__subclasses__():
        yield form
        yield from _forms(form)


def test_every_upload_form_uses_the_gates_field():
    """A new form with a file field that skips the gate fails here (ISSUE7 item 4)."""
    import importlib
    import pkgutil

    from django import forms

    import casereview

    for module in pkgutil.walk_packages(casereview.__path__, "casereview."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    kinds = {}
    for form in set(_forms(forms.BaseForm)):
        if not form.__module__.startswith("casereview."):
            continue
        for name, field in form.base_fields.items():
            if isinstance(field, forms.FileField):
                assert isinstance(field, uploads.UploadField), f"{form.__name__}.{name}"
                kinds[field.kind] = form.__name__
    assert set(kinds) == set(KINDS), kinds
