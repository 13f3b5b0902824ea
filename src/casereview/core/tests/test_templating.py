"""User-supplied templates: only the registry's fields and tags, checked before rendering (TP-1)."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import pytest
from docx import Document as WordDocument

from casereview.core import letters, templating

PAYLOAD = "{{ lipsum.__globals__['os'].popen('id').read() }}"
# The default letter to chief officers has 14 paragraphs (its "{%p" tags join the one before).
LOCATION = "(in the body, paragraph 15)"


def _docx(
    *paragraphs: str,
    header: str = "",
    footer: str = "",
    title: str = "",
    base: str = "decision-notice",
) -> bytes:
    doc = WordDocument(io.BytesIO(letters.default_template(base)))
    for text in paragraphs:
        doc.add_paragraph(text)
    if header:
        doc.sections[0].header.paragraphs[0].text = header
    if footer:
        doc.sections[0].footer.paragraphs[0].text = footer
    if title:
        doc.core_properties.title = title
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _refusal(content: bytes, kind: str = "decision-notice") -> str:
    with pytest.raises(templating.TemplateRefused) as refused:
        templating.check(kind, content)
    return " ".join(refused.value.messages)


REFUSED = [
    (PAYLOAD, "“lipsum”, which is not one of the fields a letter can use"),
    ("{{ reference.__class__ }}", "“reference.__class__”, reading “.__class__”"),
    ("{{ reference.__class__.__mro__[1] }}", "reading “.__class__”"),
    ("{{ outcome.__class__.__subclasses__() }}", "“outcome.__class__”"),
    ("{{ reasons.__init__.__globals__ }}", "“reasons.__init__”"),
    ("{{ reference['os'] }}", "“reference['os']”, with square brackets"),
    ("{{ reference.upper() }}", "“reference.upper”, reading “.upper”"),
    ("{{ reference|upper }}", "the filter “|upper”, which a letter cannot use"),
    ("{% if reference is defined %}x{% endif %}", "the test “is defined”"),
    ("{{ 'text' }}", "“'text'”, which is not a field a letter can use"),
    ("{{ cycler() }}", "“cycler”, which is not one of the fields"),
    ("{{ via }}", "“via”, which is not one of the fields a letter can use"),
    ("{% import 'os' as os %}", "the tag “{% import %}”"),
    ("{% from 'x' import y %}", "the tag “{% from %}”"),
    ("{% include 'x.xml' %}", "the tag “{% include %}”"),
    ("{% extends 'x.xml' %}", "the tag “{% extends %}”"),
    ("{% macro m() %}x{% endmacro %}", "the tag “{% macro %}”"),
    ("{% set x = reference %}", "the tag “{% set %}”"),
    ("{% call m() %}x{% endcall %}", "the tag “{% call %}”"),
    ("{% raw %}{{ x }}{% endraw %}", "the tag “{% raw %}”"),
    ("{% for x in reference %}{{ x }}{% endfor %}", "the tag “{% for %}”"),
    ("{% with x = 1 %}{% endwith %}", "the tag “{% with %}”"),
    ("{% filter upper %}x{% endfilter %}", "the tag “{% filter %}”"),
    ("{% do reference %}", "the tag “{% do %}”"),
    ("{% if reasons %}unclosed", "could not be read"),
]


@pytest.mark.parametrize(("text", "message"), REFUSED)
def test_a_template_using_what_a_letter_cannot_is_refused_with_what_and_where(text, message):
    refusal = _refusal(_docx(text))
    assert message in refusal
    assert LOCATION in refusal or "could not be read (in the body" in refusal


def test_the_payload_names_the_field_and_where_it_is():
    assert _refusal(_docx(PAYLOAD)).startswith(
        "The template uses “lipsum”, which is not one of the fields a letter can use "
        "(in the body, paragraph 15)."
    )


@pytest.mark.parametrize(
    ("content", "where"),
    [
        (_docx(header=PAYLOAD), "in the header, paragraph 1"),
        (_docx(footer=PAYLOAD), "in the footer, paragraph 1"),
        (_docx(title=PAYLOAD), "in the document's properties: title"),
    ],
)
def test_every_part_docxtpl_renders_is_checked(content, where):
    assert where in _refusal(content)


@pytest.mark.parametrize(
    ("kind", "names_child"),
    [
        ("agency-request", True),
        ("decision-notice", True),  # the chief officers find their records by the name
        ("safeguarding-action", True),
        ("coroner-cps-notice", True),
        ("referrer-outcome", False),
        ("information-notice", False),
        ("inspectorate-notice", False),
        ("family-invitation", False),
    ],
)
def test_the_child_fields_are_for_letters_to_those_who_must_find_their_records(kind, names_child):
    content = _docx("{{ child_name }}, {{ child_date_of_birth }}", base=kind)
    if names_child:
        templating.check(kind, content)
    else:
        assert "“child_name”" in _refusal(content, kind)


def test_a_kind_without_rules_allows_nothing():
    with pytest.raises(templating.TemplateRefused, match="no rules"):
        templating.check("overview-report", _docx())


def test_every_letter_kind_has_a_row_in_the_registry():
    from casereview.boards.models import LetterKind

    assert set(LetterKind.values) <= set(templating.KINDS)
    for kind in LetterKind.values:
        templating.check(kind, letters.default_template(kind))


def test_the_listed_tags_fill_a_letter_and_values_are_escaped():
    content = _docx(
        "{% if reasons %}Reasons: {{ reasons }}{% else %}No reasons.{% endif %}",
        "{% if not outcome %}Undecided.{% elif reference and outcome %}{{ outcome }}{% endif %}",
        "{%p if reasons %}",
        "A paragraph kept with the reasons.",
        "{%p endif %}",
    )
    out = templating.render_docx(
        "decision-notice",
        content,
        {"reasons": "<w:p>B & C</w:p>", "outcome": "A review", "reference": "NORT-1"},
        author="Northbrook Safeguarding Children Board",
    )
    doc = WordDocument(io.BytesIO(out))
    text = [p.text for p in doc.paragraphs]
    assert "Reasons: <w:p>B & C</w:p>" in text
    assert "A review" in text
    assert "A paragraph kept with the reasons." in text
    assert doc.core_properties.author == "Northbrook Safeguarding Children Board"


def test_a_template_refused_at_render_time_renders_nothing(monkeypatch):
    from docxtpl import DocxTemplate

    rendered = []
    monkeypatch.setattr(DocxTemplate, "render", lambda *a, **k: rendered.append(a))
    monkeypatch.setattr(templating._Sandbox, "from_string", lambda *a, **k: rendered.append(a))
    with pytest.raises(templating.TemplateRefused, match="lipsum"):
        templating.render_docx("decision-notice", _docx(PAYLOAD), {}, author="Board")
    assert rendered == []


def test_the_sandbox_checks_every_source_it_compiles_even_if_the_first_check_is_skipped(
    monkeypatch, tmp_path
):
    monkeypatch.setattr(templating, "check", lambda kind, content: None)
    marker = tmp_path / "ran"
    payload = f"{{{{ lipsum.__globals__['os'].popen('touch {marker}').read() }}}}"
    with pytest.raises(templating.TemplateRefused, match="lipsum"):
        templating.render_docx("decision-notice", _docx(payload), {}, author="Board")
    assert not marker.exists()


@pytest.mark.parametrize(
    "source",
    ["{{ reference.__class__ }}", "{{ reference.upper() }}", "{{ lipsum }}", "{{ range(3) }}"],
)
def test_the_sandbox_reads_no_attribute_and_calls_nothing_even_unchecked(source):
    from jinja2.exceptions import SecurityError, UndefinedError

    env = templating._Sandbox(templating.KINDS["decision-notice"], checking=False)
    with pytest.raises((SecurityError, UndefinedError)):
        env.from_string(source).render(reference="NORT-1")


# --- The static check: no template rendering outside core/templating.py

SRC = Path(templating.__file__).resolve().parents[1]
# The helper, and this file, which tests the helper's sandbox from inside.
HELPER = {Path(templating.__file__).resolve(), Path(__file__).resolve()}
ENGINES = ("jinja2", "docxtpl")
ENGINE_NAMES = {"DocxTemplate", "Environment", "SandboxedEnvironment", "Template", "from_string"}


def _engine_uses(source: str) -> list[str]:
    """Each use of docxtpl or Jinja in a module: imports, their names, and dynamic imports."""
    found = []
    engine_names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in ENGINES:
                    found.append(f"line {node.lineno}: import {alias.name}")
                    engine_names.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in ENGINES:
            found.append(f"line {node.lineno}: from {node.module} import …")
            engine_names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Call):
            for arg in node.args:
                if isinstance(arg, ast.Constant) and str(arg.value).split(".")[0] in ENGINES:
                    found.append(f"line {node.lineno}: a dynamic import of {arg.value}")
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "from_string":
                found.append(f"line {node.lineno}: .from_string(")
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in ENGINES
        ):
            found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in engine_names & ENGINE_NAMES
        ):
            found.append(f"line {node.lineno}: {node.func.id}(")
    return found


def test_no_template_is_rendered_outside_the_one_sandboxed_helper():
    uses = {
        str(path.relative_to(SRC)): _engine_uses(path.read_text())
        for path in sorted(SRC.rglob("*.py"))
        if path.resolve() not in HELPER
    }
    assert {path: found for path, found in uses.items() if found} == {}


@pytest.mark.parametrize(
    "source",
    [
        "from docxtpl import DocxTemplate\nDocxTemplate(f).render({})",
        "import jinja2\njinja2.Environment().from_string(s).render()",
        "from jinja2 import Template\nTemplate(s).render()",
        "from jinja2.sandbox import SandboxedEnvironment as E\nE()",
        "import importlib\nimportlib.import_module('jinja2')",
        "env.from_string(s)",
    ],
)
def test_the_static_check_finds_each_way_of_rendering(source):
    assert _engine_uses(source)


def test_the_default_letter_is_the_same_bytes_whenever_it_is_made():
    import datetime as dt

    import time_machine

    from casereview.core import letters

    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=dt.UTC), tick=False):
        first = letters.default_template("decision-notice")
    with time_machine.travel(dt.datetime(2027, 8, 9, 17, 30, 45, tzinfo=dt.UTC), tick=False):
        assert letters.default_template("decision-notice") == first
