"""STYLE.md "one helper per concern": each concern has its one place, and nothing else holds it.

Static checks over the source tree, no database: one table of content types, one upload gate.
"""

from __future__ import annotations

import pathlib
import re

import casereview

SRC = pathlib.Path(casereview.__file__).parent


def _sources(*, tests: bool = False):
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).parts
        if "migrations" in parts or (
            not tests and ("tests" in parts or path.name == "conftest.py")
        ):
            continue
        yield path, path.read_text(encoding="utf-8")


def test_content_types_are_named_only_in_the_one_table():
    # A file's type, as a string: only core/uploads.CONTENT_TYPES holds them. (A part inside a
    # .docx, "...+xml", is not a file's type.)
    literal = re.compile(
        r"[\"'](application/(vnd\.openxml[\w.-]*(?<!\+xml)|pdf)|text/(csv|plain|markdown))"
    )
    found = [
        f"{path.relative_to(SRC)}:{n}"
        for path, text in _sources()
        if path.relative_to(SRC).as_posix() != "core/uploads.py"
        for n, line in enumerate(text.splitlines(), 1)
        if literal.search(line) and "+xml" not in line
    ]
    assert not found, f"content types outside core.uploads.CONTENT_TYPES: {found}"


def test_every_file_field_of_a_form_is_the_upload_gates():
    from django import forms
    from django.urls import get_resolver

    from casereview.core.uploads import UploadField

    get_resolver().url_patterns  # noqa: B018 -- every view, so every form, is imported

    seen, todo, wrong = 0, [forms.BaseForm], []
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        for name, field in getattr(cls, "base_fields", {}).items():
            if isinstance(field, forms.FileField):
                seen += 1
                if not isinstance(field, UploadField):
                    wrong.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert seen >= 3
    assert not wrong, f"file fields that bypass core.uploads.check_upload: {wrong}"


def test_no_template_tag_queries_the_database():
    # What a page shows is worked out in its view (a section of the review page: its app's
    # sections.py); a tag formats what it is given. So no tag imports a model or a queryset.
    query = re.compile(
        r"\.objects\b|\b(filter|exclude|aggregate|annotate|values_list|count)\(|models\b"
    )
    found = [
        f"{path.relative_to(SRC)}:{n}: {line.strip()}"
        for path, text in _sources()
        if "templatetags" in path.parts
        for n, line in enumerate(text.splitlines(), 1)
        if query.search(line)
    ]
    assert not found, f"template tags that query: {found}"


def test_the_review_page_sections_are_registered_by_their_apps():
    from casereview.reviews.sections import SECTIONS

    assert {s.__module__ for s in SECTIONS} == {
        "casereview.chronologies.sections",
        "casereview.anonymisation.sections",
    }


def test_the_cases_app_provides_the_exclusions_and_without_a_provider_the_gate_denies(
    monkeypatch,
):
    import pytest

    from casereview.core import permissions

    assert permissions._exclusions is not None  # referrals registered it when it loaded
    monkeypatch.setattr(permissions, "_exclusions", None)
    with pytest.raises(RuntimeError):
        permissions.Access(person_id=7).excluded_cases()
    assert permissions.Access(person_id=None).excluded_cases() == frozenset()
