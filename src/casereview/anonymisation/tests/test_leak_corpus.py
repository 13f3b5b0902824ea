# ruff: noqa: E501 -- one variant a line, with its OOXML snippet, reads best unwrapped.
"""A corpus of leak variants, one at a time, each blocked by the check (SECURITY.md DOC-2).

Each variant plants one identifier in an otherwise anonymised document. The check must report
something to change (so publication is blocked), and anonymising must leave no trace of it.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

import docx
import pytest

from casereview.anonymisation.anonymise import Anonymiser
from casereview.anonymisation.keyref import parse_key_csv
from casereview.anonymisation.tests.fixtures import (
    _CT,
    _REL,
    KEY_CSV,
    _add_override,
    _add_relationship,
    _jpeg_with_exif,
    _png_with_metadata,
    all_parts,
)

KEY = parse_key_csv(KEY_CSV)
Parts = dict[str, bytes]
NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)


def _zip(parts: Parts) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, value in parts.items():
            archive.writestr(name, value)
    return out.getvalue()


def _clean_base() -> Parts:
    """An anonymised document: labels only, reset properties, a picture without metadata."""
    document = docx.Document()
    document.add_paragraph("Child A was seen by Social Worker 1.")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Date"
    table.cell(0, 1).text = "Event"
    document.sections[0].header.paragraphs[0].text = "Confidential"
    document.sections[0].footer.paragraphs[0].text = "Page"
    document.add_picture(io.BytesIO(_png_with_metadata()))
    buffer = io.BytesIO()
    document.save(buffer)
    clean, _ = Anonymiser(KEY).anonymise_docx(buffer.getvalue())
    return all_parts(clean)


BASE = _clean_base()


def _edit(part: str, old: str, new: str) -> Callable[[Parts], None]:
    def change(parts: Parts) -> None:
        text = parts[part].decode()
        assert old in text, (part, old)
        parts[part] = text.replace(old, new, 1).encode()

    return change


def _body(xml: str) -> Callable[[Parts], None]:
    return _edit("word/document.xml", "<w:sectPr", xml + "<w:sectPr")


def _add_part(part: str, xml: str, kind: str, rel: str, owner="word/_rels/document.xml.rels"):
    def change(parts: Parts) -> None:
        parts[part] = xml.encode()
        parts["[Content_Types].xml"] = _add_override(
            parts["[Content_Types].xml"].decode(), part, kind
        ).encode()
        target = part.removeprefix("word/") if owner.startswith("word/") else part
        parts[owner] = _add_relationship(parts[owner].decode(), "rIdLeak", rel, target).encode()

    return change


def _link(target: str) -> Callable[[Parts], None]:
    def change(parts: Parts) -> None:
        rels = "word/_rels/document.xml.rels"
        parts[rels] = _add_relationship(
            parts[rels].decode(), "rIdLink", f"{_REL}/hyperlink", target, external=True
        ).encode()
        _body('<w:p><w:hyperlink r:id="rIdLink"><w:r><w:t>link</w:t></w:r></w:hyperlink></w:p>')(
            parts
        )

    return change


def _replace_part(part: str, content: bytes) -> Callable[[Parts], None]:
    def change(parts: Parts) -> None:
        parts[part] = content

    return change


def _paragraph(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def _note(kind: str, text: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{kind}s {NS}>'
        f'<w:{kind} w:id="1"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:{kind}></w:{kind}s>'
    )


def _comments(author: str, text: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments {NS}>'
        f'<w:comment w:id="0" w:author="{author}" w:initials="X"><w:p><w:r><w:t>{text}</w:t>'
        "</w:r></w:p></w:comment></w:comments>"
    )


_CUSTOM = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties '
    'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Worker">'
    "<vt:lpwstr>Priya Halloway</vt:lpwstr></property></Properties>"
)
_PEOPLE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w15:people '
    'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml">'
    '<w15:person w15:author="Ruth Stone"/></w15:people>'
)
_TEXT_BOX = (
    '<w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" id="Box1"><v:textbox>'
    "<w:txbxContent><w:p><w:r><w:t>Harlan Vexley</w:t></w:r></w:p></w:txbxContent>"
    "</v:textbox></v:shape></w:pict></w:r></w:p>"
)

# (variant, how to plant it, what must not survive)
VARIANTS: list[tuple[str, Callable[[Parts], None], str]] = [
    ("name in body", _body(_paragraph("Tobias was upset.")), "Tobias"),
    ("possessive", _body(_paragraph("Tobias's coat was wet.")), "Tobias"),
    ("all capitals", _body(_paragraph("TOBIAS QUENBY ATTENDED.")), "QUENBY"),
    ("lower case", _body(_paragraph("seen: tobias quenby")), "quenby"),
    ("alias", _body(_paragraph("Tobes was upset.")), "Tobes"),
    ("surname with title", _body(_paragraph("Mr Quenby called.")), "Quenby"),
    (
        "name split across runs",
        _body("<w:p><w:r><w:t>Mar</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>nie</w:t></w:r></w:p>"),
        "Marnie",
    ),
    ("name in header", _edit("word/header1.xml", "Confidential", "Quenby family"), "Quenby"),
    ("name in footer", _edit("word/footer1.xml", ">Page<", ">Ruth Stone<"), "Ruth Stone"),
    ("name in table", _edit("word/document.xml", ">Event<", ">Harlan Vexley<"), "Vexley"),
    (
        "footnote",
        _add_part(
            "word/footnotes.xml",
            _note("footnote", "Priya Halloway"),
            f"{_CT}.footnotes+xml",
            f"{_REL}/footnotes",
        ),
        "Halloway",
    ),
    (
        "endnote",
        _add_part(
            "word/endnotes.xml",
            _note("endnote", "Marnie Quenby"),
            f"{_CT}.endnotes+xml",
            f"{_REL}/endnotes",
        ),
        "Marnie",
    ),
    (
        "comment",
        _add_part(
            "word/comments.xml",
            _comments("X", "Ask Marnie"),
            f"{_CT}.comments+xml",
            f"{_REL}/comments",
        ),
        "Marnie",
    ),
    (
        "comment author",
        _add_part(
            "word/comments.xml",
            _comments("Priya Halloway", "Check"),
            f"{_CT}.comments+xml",
            f"{_REL}/comments",
        ),
        "Halloway",
    ),
    (
        "tracked deletion",
        _body(
            '<w:p><w:del w:id="1" w:author="X"><w:r><w:delText>Marnie</w:delText></w:r></w:del></w:p>'
        ),
        "Marnie",
    ),
    (
        "tracked insertion's author",
        _body(
            '<w:p><w:ins w:id="1" w:author="Ruth Stone"><w:r><w:t>text</w:t></w:r></w:ins></w:p>'
        ),
        "Ruth Stone",
    ),
    (
        "hidden text",
        _body("<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>Harlan</w:t></w:r></w:p>"),
        "Harlan",
    ),
    (
        "white text",
        _body('<w:p><w:r><w:rPr><w:color w:val="FFFFFF"/></w:rPr><w:t>Harlan</w:t></w:r></w:p>'),
        "Harlan",
    ),
    (
        "alt text",
        _edit("word/document.xml", 'name="Picture 1"', 'name="Picture 1" descr="Tobias"'),
        "Tobias",
    ),
    (
        "alt title",
        _edit("word/document.xml", 'name="Picture 1"', 'name="Picture 1" title="Priya"'),
        "Priya",
    ),
    ("text box", _body(_TEXT_BOX), "Vexley"),
    ("hyperlink email", _link("mailto:marnie.q@example.org"), "marnie.q@example.org"),
    ("hyperlink with a name", _link("https://example.org/Tobias-Quenby"), "Quenby"),
    (
        "field code",
        _body('<w:p><w:r><w:instrText> AUTHOR "Ruth Stone" </w:instrText></w:r></w:p>'),
        "Ruth Stone",
    ),
    (
        "content control title",
        _body(
            '<w:sdt><w:sdtPr><w:alias w:val="Tobias"/></w:sdtPr><w:sdtContent><w:p/></w:sdtContent></w:sdt>'
        ),
        "Tobias",
    ),
    (
        "document variable",
        _edit(
            "word/settings.xml",
            "</w:settings>",
            '<w:docVars><w:docVar w:name="x" w:val="Priya Halloway"/></w:docVars></w:settings>',
        ),
        "Halloway",
    ),
    (
        "custom property",
        _add_part(
            "docProps/custom.xml",
            _CUSTOM,
            "application/vnd.openxmlformats-officedocument.custom-properties+xml",
            f"{_REL}/custom-properties",
            owner="_rels/.rels",
        ),
        "Halloway",
    ),
    (
        "people list",
        _add_part(
            "word/people.xml",
            _PEOPLE,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.people+xml",
            "http://schemas.microsoft.com/office/2011/relationships/people",
        ),
        "Ruth Stone",
    ),
    (
        "core title",
        _edit("docProps/core.xml", "<dc:creator>", "<dc:title>Tobias</dc:title><dc:creator>"),
        "Tobias",
    ),
    (
        "core author",
        _edit("docProps/core.xml", ">Casereview</dc:creator>", ">Ruth Stone</dc:creator>"),
        "Ruth Stone",
    ),
    (
        "app company",
        _edit(
            "docProps/app.xml", "</Properties>", "<Company>Larkfield Centre</Company></Properties>"
        ),
        "Larkfield",
    ),
    (
        "thumbnail",
        _add_part(
            "docProps/thumbnail.jpeg",
            "",
            "image/jpeg",
            "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail",
            owner="_rels/.rels",
        ),
        "Halloway",
    ),
    ("image EXIF", _replace_part("word/media/image1.png", _png_with_metadata()), "Stone"),
    ("initials and date of birth", _body(_paragraph("T.Q. (born 02/04/2016)")), "02/04/2016"),
    ("key date of birth alone", _body(_paragraph("Seen (02/04/2016).")), "02/04/2016"),
    ("school or centre name", _body(_paragraph("At Larkfield Children's Centre.")), "Larkfield"),
    ("street address", _body(_paragraph("At 14 Copperbeech Road today.")), "Copperbeech"),
    ("NHS number", _body(_paragraph("NHS 943 476 5919.")), "943 476 5919"),
    ("postcode", _body(_paragraph("Lives in LK4 7QP.")), "LK4 7QP"),
    ("phone", _body(_paragraph("Call 01632 960123.")), "01632 960123"),
    ("email", _body(_paragraph("Write to marnie.q@example.org.")), "marnie.q@example.org"),
    ("NI number", _body(_paragraph("NI QQ 12 34 56 C.")), "QQ 12 34 56 C"),
]


def _planted(plant: Callable[[Parts], None]) -> bytes:
    parts = dict(BASE)
    plant(parts)
    if "docProps/thumbnail.jpeg" in parts and not parts["docProps/thumbnail.jpeg"]:
        parts["docProps/thumbnail.jpeg"] = _jpeg_with_exif()
    return _zip(parts)


def _survives(needle: str, data: bytes) -> list[str]:
    found = []
    for name, content in all_parts(data).items():
        raw = content.decode("utf-8", "replace")
        flat = re.sub(r"<[^>]+>", "", raw)
        if needle in raw or needle in flat:
            found.append(name)
    return found


def test_the_base_document_is_clean():
    _, report = Anonymiser(KEY).anonymise_docx(_zip(BASE))
    assert not report.changes_anything


def test_the_corpus_has_at_least_thirty_variants():
    assert len(VARIANTS) >= 30


@pytest.mark.parametrize(("variant", "plant", "needle"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_every_leak_variant_is_blocked_and_removed(variant, plant, needle):
    leaky = _planted(plant)
    assert _survives(needle, leaky), f"{variant}: the variant was not planted"
    out, report = Anonymiser(KEY).anonymise_docx(leaky)
    assert report.changes_anything, f"{variant}: the check let it through"
    assert _survives(needle, out) == []
    _, again = Anonymiser(KEY).anonymise_docx(out)
    assert not again.changes_anything
