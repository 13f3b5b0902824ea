"""The one place a template a board supplies is checked and filled (SECURITY.md TP-1).

A Word template is Jinja source, and Jinja is a programming language: unchecked, a board's
``{{ lipsum.__globals__['os'].popen('id').read() }}`` runs shell commands on the server. So a
template may use only what its kind's row in ``KINDS`` lists: plain ``{{ field }}`` for the
documented fields, and the few tags of ``TAGS``. No attribute, subscript, call, filter, test or
other tag is allowed at all, so no walk (``__class__``, ``__mro__``, ``__globals__``) can start.

``check`` refuses a template at upload with messages that name what is not allowed and where.
``render_docx`` runs the same check first and renders nothing if it fails, so a template that
got into storage by any path still cannot run; it then renders in a sandbox that checks every
source it compiles again, lets no attribute be read and nothing be called, and escapes every
value. Nothing else in the code base may use docxtpl or Jinja (a test walks the source tree).

Later kinds (the overview report, the executive summary) are new rows of ``KINDS``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, nodes
from jinja2.exceptions import SecurityError, TemplateSyntaxError
from jinja2.filters import FILTERS
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.tests import TESTS

# The tags a template may use, with what the help page says of each.
TAGS: Mapping[str, str] = MappingProxyType(
    {
        "if": "{% if field %} … {% endif %}: the words between appear only when the field has a "
        "value ({% if not field %}: only when it is empty). Write {%p if field %} alone in a "
        "paragraph to keep or drop whole paragraphs.",
        "elif": "{% elif field %}: inside an if, words for when the first field is empty and "
        "this one has a value.",
        "else": "{% else %}: inside an if, words for when none of the fields has a value.",
        "endif": "{% endif %}: ends an if.",
    }
)
IF_TAGS = ("if", "elif", "else", "endif")

_LETTER_FIELDS = {
    "board_name": "The board's name",
    "marking": "The protective marking",
    "reference": "The case reference",
    "today": "Today's date",
    "recipient": "Who the letter is for",
    "due": "When an answer or action is due",
    "outcome": "The chair's decision",
    "review_kind": "The kind of review to be held (empty where no review is held)",
    "reasons": "The reasons for the decision (the sub group's, where the chair agreed)",
    "sign_in_url": "Where to sign in to answer",
    "signatory": "Who signs the letter, as the board names them",
    "signatory_role": "Their role on the board",
}
# Only letters to those who must find their own records of the child name the child: the
# agencies (who check and secure their records), children's social care (who act for the
# other children) and the Coroner and the CPS (who link it to their own case). Data
# minimisation: the others have the case reference only.
_CHILD_FIELDS = {
    "child_name": "The child's name",
    "child_date_of_birth": "The child's date of birth",
}
_TIMESCALE_FIELDS = {
    "agency_report_term": "What the board calls an agency's report",
    "chronology_within": "When an agency's chronology is due, from its commissioning",
    "agency_report_within": "When an agency's report is due, from its commissioning",
}
_VIA_FIELDS = {"via": "Who passes the letter on (empty where the board writes directly)"}


@dataclass(frozen=True)
class TemplateKind:
    """What one kind of template may use: its fields, tags, filters and tests."""

    name: str
    label: str
    noun: str  # how messages speak of it: "a letter"
    fields: Mapping[str, str]  # field name -> what it holds
    tags: tuple[str, ...] = IF_TAGS
    filters: frozenset[str] = field(default_factory=frozenset)
    tests: frozenset[str] = field(default_factory=frozenset)


def _kinds(*rows: TemplateKind) -> Mapping[str, TemplateKind]:
    for row in rows:
        unknown = set(row.tags) - set(TAGS)
        if unknown:  # the help page lists every tag a kind allows
            raise ValueError(f"{row.name}: no help for tags {unknown}")
    return MappingProxyType({row.name: row for row in rows})


def _letter(name: str, label: str, *extra: Mapping[str, str]) -> TemplateKind:
    fields = dict(_LETTER_FIELDS)
    for more in extra:
        fields |= more
    return TemplateKind(name, label, "a letter", MappingProxyType(fields))


# One letter for each kind of recipient (boards.models.LetterKind has the same rows).
KINDS: Mapping[str, TemplateKind] = _kinds(
    _letter("agency-request", "Request to agencies: is the child known?", _CHILD_FIELDS),
    _letter(
        "decision-notice",
        "To chief officers: the chair's decision",
        _CHILD_FIELDS,
        _TIMESCALE_FIELDS,
    ),
    _letter(
        "safeguarding-action",
        "To children's social care: safeguard other children",
        _CHILD_FIELDS,
    ),
    _letter(
        "information-notice",
        "For information: board members, directors, communications and legal",
    ),
    _letter(
        "inspectorate-notice",
        "To the inspectorate and government: Ofsted, the DfE, the national panel",
        _VIA_FIELDS,
    ),
    _letter(
        "coroner-cps-notice", "To the Coroner and the Crown Prosecution Service", _CHILD_FIELDS
    ),
    _letter("referrer-outcome", "Letter to the referrer"),
    _letter("family-invitation", "Invitation to the family to contribute"),
)


class TemplateRefused(ValueError):
    """A template uses something its kind does not allow; ``messages`` say what and where."""

    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages))
        self.messages = messages


# --- checking


MAX_MESSAGES = 5


def check(kind: str, content: bytes) -> None:
    """Refuse a .docx template that uses anything its kind does not allow."""
    rules = _rules(kind)
    try:
        template = DocxTemplate(io.BytesIO(content))
        template.init_docx()
    except Exception as exc:  # python-docx raises many kinds on a file it cannot read
        raise TemplateRefused(
            ["The file could not be read as a Word template. Save it in Word as a .docx file."]
        ) from exc
    problems = []
    for where, source in _sources(template):
        problems += _problems(rules, source, where)
    if problems:
        unique = list(dict.fromkeys(problems))
        shown = unique[:MAX_MESSAGES]
        if len(unique) > MAX_MESSAGES:
            shown.append(f"There are {len(unique) - MAX_MESSAGES} more problems like these.")
        raise TemplateRefused(shown)


def check_source(kind: str, source: str) -> None:
    """Refuse Jinja source (one part of a template) that its kind does not allow."""
    problems = _problems(_rules(kind), source, "the template")
    if problems:
        raise TemplateRefused(list(dict.fromkeys(problems)))


def _rules(kind: str) -> TemplateKind:
    try:
        return KINDS[kind]
    except KeyError:  # fail closed: a kind without a row allows nothing
        raise TemplateRefused([f"There are no rules for templates of kind “{kind}”."]) from None


_PARAGRAPH = re.compile(r"<w:p([ >])")
# The string properties docxtpl renders as templates (DocxTemplate.render_properties).
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def _sources(template: DocxTemplate) -> Iterator[tuple[str, str]]:
    """Every text docxtpl renders, as it renders it, with where it is in Word's words.

    docxtpl starts each paragraph on a new line before parsing (``render_xml_part``); we do the
    same, so a Jinja line number is a paragraph number (line 1 is the part's opening tag).
    Tags docxtpl rewrites (``{%p``, ``{%tr``) move to the previous paragraph's line.
    """
    yield "the body", _lined(template.patch_xml(template.get_xml()))
    for uri, name in ((template.HEADER_URI, "header"), (template.FOOTER_URI, "footer")):
        parts = [part for _, part in template.get_headers_footers(uri)]
        for number, part in enumerate(parts, start=1):
            label = f"the {name}" if len(parts) == 1 else f"{name} {number}"
            yield label, _lined(template.patch_xml(template.get_part_xml(part)))
    for part in template.docx.part.package.parts:
        if part.content_type == _FOOTNOTES:
            blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
            yield "the footnotes", _lined(template.patch_xml(blob))
    properties = template.docx.core_properties
    for name in _PROPERTIES:
        yield f"the document's properties: {name}", getattr(properties, name) or ""


def _lined(xml: str) -> str:
    return _PARAGRAPH.sub(r"\n<w:p\1", xml)


def _problems(rules: TemplateKind, source: str, where: str) -> list[str]:
    """What in one source its kind does not allow: tags first, then every expression."""
    paragraphs = "\n<w:p" in source

    def at(lineno: int | None) -> str:
        if not paragraphs:
            return f"in {where}"
        return f"in {where}, paragraph {max((lineno or 2) - 1, 1)}"

    env = _Sandbox(rules, checking=False)
    try:
        tokens = list(env.lex(source))
    except TemplateSyntaxError as exc:
        return [_syntax_message(exc, at(exc.lineno))]
    problems = _tags(rules, tokens, at)
    if problems:
        return problems
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        return [_syntax_message(exc, at(exc.lineno))]
    return list(_statements(rules, tree.body, at))


def _tags(rules: TemplateKind, tokens: list[tuple[int, str, str]], at) -> list[str]:
    """Each tag not on the kind's list, by the name after its ``{%`` (and every ``raw``)."""
    problems = []
    for index, (lineno, kind, _) in enumerate(tokens):
        if kind == "raw_begin":
            problems.append(_tag_message(rules, "raw", at(lineno)))
        elif kind == "block_begin":
            following = [t for t in tokens[index + 1 : index + 4] if t[1] != "whitespace"]
            name = following[0][2] if following and following[0][1] == "name" else "?"
            # An end tag goes with its opening tag, which has its own message.
            if name not in rules.tags and not name.startswith("end"):
                problems.append(_tag_message(rules, name, at(lineno)))
    return problems


def _tag_message(rules: TemplateKind, name: str, where: str) -> str:
    allowed = ", ".join(f"{{% {t} %}}" for t in rules.tags[:-1]) + f" and {{% {rules.tags[-1]} %}}"
    return (
        f"The template uses the tag “{{% {name} %}}”, which is not one of the tags {rules.noun} "
        f"can use ({where}). Use only {allowed}, and fields written as {{{{ field }}}}."
    )


def _syntax_message(exc: TemplateSyntaxError, where: str) -> str:
    return (
        f"The template's tags could not be read ({where}): {(exc.message or '').rstrip('.')}. "
        "Check each tag is typed in one go, in the same style, and that every {% if %} has its "
        "{% endif %}."
    )


_TAG_OF = {
    nodes.For: "for",
    nodes.Macro: "macro",
    nodes.CallBlock: "call",
    nodes.FilterBlock: "filter",
    nodes.With: "with",
    nodes.Block: "block",
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "from … import",
    nodes.Extends: "extends",
    nodes.Assign: "set",
    nodes.AssignBlock: "set",
    nodes.ExprStmt: "do",
    nodes.Scope: "scope",
    nodes.ScopedEvalContextModifier: "autoescape",
    nodes.EvalContextModifier: "autoescape",
}


def _statements(rules: TemplateKind, body: list[nodes.Node], at) -> Iterator[str]:
    for node in body:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    problem = _expression(rules, child, at)
                    if problem:
                        yield problem
        elif isinstance(node, nodes.If) and "if" in rules.tags:
            problem = _expression(rules, node.test, at)
            if problem:
                yield problem
            yield from _statements(rules, node.body, at)
            yield from _statements(rules, node.elif_, at)
            yield from _statements(rules, node.else_, at)
        else:
            name = _TAG_OF.get(type(node), type(node).__name__.lower())
            yield _tag_message(rules, name, at(node.lineno))


def _expression(rules: TemplateKind, node: nodes.Node, at) -> str | None:
    """The first thing not allowed in an expression, innermost first (so a walk names its root)."""
    if isinstance(node, nodes.Name):
        if node.ctx == "load" and node.name in rules.fields:
            return None
        return (
            f"The template uses “{node.name}”, which is not one of the fields {rules.noun} can use "
            f"({at(node.lineno)}). Use only the fields listed on this page, spelt as they are."
        )
    if isinstance(node, nodes.Not):
        return _expression(rules, node.node, at)
    if isinstance(node, nodes.And | nodes.Or):
        return _expression(rules, node.left, at) or _expression(rules, node.right, at)
    if isinstance(node, nodes.Filter | nodes.Test) and node.node is not None:
        inner = _expression(rules, node.node, at)
        if inner:
            return inner
        allowed = rules.filters if isinstance(node, nodes.Filter) else rules.tests
        plain = not (node.args or node.kwargs or node.dyn_args or node.dyn_kwargs)
        if node.name in allowed and plain:
            return None
        what = (
            f"the filter “|{node.name}”"
            if isinstance(node, nodes.Filter)
            else (f"the test “is {node.name}”")
        )
        return f"The template uses {what}, which {rules.noun} cannot use ({at(node.lineno)})."
    # Of a walk, the object is checked first (so the message names its root), not its arguments.
    children = (
        [node.node]
        if isinstance(node, nodes.Getattr | nodes.Getitem | nodes.Call)
        else (list(node.iter_child_nodes()))
    )
    for child in children:
        inner = _expression(rules, child, at)
        if inner:
            return inner
    shown, where = _show(node), at(node.lineno)
    if isinstance(node, nodes.Getattr):
        return (
            f"The template uses “{shown}”, reading “.{node.attr}” from a field, which a template "
            f"cannot do ({where}). Write a field by its name alone, like {{{{ reference }}}}."
        )
    if isinstance(node, nodes.Getitem):
        return (
            f"The template uses “{shown}”, with square brackets after a field, which a template "
            f"cannot do ({where}). Write a field by its name alone, like {{{{ reference }}}}."
        )
    if isinstance(node, nodes.Call):
        return (
            f"The template uses “{shown}”, a call, which a template cannot make ({where}). "
            "Write a field by its name alone, like {{ reference }}."
        )
    return (
        f"The template uses “{shown}”, which is not a field {rules.noun} can use ({where}). "
        "Write a field by its name alone, like {{ reference }}."
    )


def _show(node: nodes.Node) -> str:
    """A short rendering of an expression for a message."""
    if isinstance(node, nodes.Name):
        text = node.name
    elif isinstance(node, nodes.Getattr):
        text = f"{_show(node.node)}.{node.attr}"
    elif isinstance(node, nodes.Getitem):
        text = f"{_show(node.node)}[{_show(node.arg)}]"
    elif isinstance(node, nodes.Call):
        text = f"{_show(node.node)}(…)"
    elif isinstance(node, nodes.Const):
        text = repr(node.value)
    else:
        text = "…"
    return text if len(text) <= 60 else text[:59] + "…"


# --- rendering


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja that reads no attribute, calls nothing, and compiles only what the rules allow.

    The check in ``_parse`` sees every source docxtpl compiles (body, headers, footers,
    footnotes, properties), so nothing reaches the compiler unchecked even if ``check`` were
    skipped; the overrides below hold even if the check had a gap.
    """

    def __init__(self, rules: TemplateKind, *, checking: bool = True):
        super().__init__(autoescape=True, undefined=StrictUndefined)
        self.rules = rules
        self.checking = checking
        self.globals.clear()
        self.filters = {name: FILTERS[name] for name in rules.filters}
        self.tests = {name: TESTS[name] for name in rules.tests}

    def _parse(self, source, name, filename):
        if self.checking:
            check_source(self.rules.name, source)
        return super()._parse(source, name, filename)

    def is_safe_attribute(self, obj, attr, value) -> bool:
        return False

    def is_safe_callable(self, obj) -> bool:
        return False

    def call(__self, __context, __obj, *args, **kwargs):  # Jinja's signature
        raise SecurityError("a template cannot call anything")


def render_docx(kind: str, template: bytes, context: Mapping, *, author: str) -> bytes:
    """Check a .docx template, then fill it in the sandbox with the kind's fields only.

    Raises ``TemplateRefused`` before rendering anything if the template uses anything its kind
    does not allow. Only the kind's fields reach the template (missing or None ones are empty);
    every value is escaped, so case text cannot inject markup. The document's properties carry
    ``author`` (the board's name), never a person's (SECURITY.md DOC-1).
    """
    check(kind, template)
    rules = KINDS[kind]
    values = {name: "" if context.get(name) is None else context[name] for name in rules.fields}
    document = DocxTemplate(io.BytesIO(template))
    document.render(values, jinja_env=_Sandbox(rules))
    neutral_properties(document.docx, author)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def neutral_properties(doc, author: str) -> None:
    """Properties that name the board and nothing of the case or of who wrote it."""
    props = doc.core_properties
    props.author = author
    props.last_modified_by = author
    props.title = ""
    props.subject = ""
    props.keywords = ""
    props.comments = ""
    props.created = props.modified = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
