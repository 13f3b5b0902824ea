# ruff: noqa: E501 -- OOXML snippets read best as the one-line XML Word writes.
"""Synthetic key and documents for the anonymisation tests: every name here is invented.

``leaky_docx`` plants identifiers in every part a Word document can hide them in (SECURITY.md
DOC-1, DOC-2): body, table, header, footer, footnote, endnote, comment (and its author), tracked
insertion and deletion (and their authors), hidden text, a name split across runs, a text box
and its fallback copy, alt text, a hyperlink target, a field code and its result, a content
control's title, a document variable, core, app and custom properties, the people list, the
thumbnail and an image's metadata.
"""

from __future__ import annotations

import io
import re
import zipfile

import docx
from docx.shared import Pt
from PIL import Image, PngImagePlugin

KEY_CSV = """\
name,label,category,aliases,dob,sex,deceased,subject,household,agency,role
Tobias Quenby,Child A,family,Toby Q;Tobes,2016-04-02,m,no,yes,yes,,
Marnie Quenby,Mother,family,,,f,no,no,yes,,
Dean Quenby,Father,family,,,m,no,no,no,,
Harlan Vexley,Lodger,other,,,m,no,no,yes,,
Ruth Stone,Social Worker 1,professional,,,f,no,no,no,Children's Social Care,Social worker
Priya Halloway,Health Visitor 1,professional,,,f,no,no,no,Community Health,Health visitor
Larkfield Children's Centre,Centre 1,place,Larkfield Centre,,u,no,no,no,,
"""

# What must never survive, in any part, in any case (a key name's words that are not ordinary
# words, plus the planted identifiers of every redaction kind).
DENY_WORDS = ("Tobias", "Quenby", "Marnie", "Harlan", "Vexley", "Priya", "Halloway", "Larkfield")
DENY_CASED = ("Ruth Stone", "Stone", "STONE", "Tobes", "Dean")
DENY_IDENTIFIERS = (
    "LK4 7QP",
    "943 476 5919",
    "QQ 12 34 56 C",
    "07700 900461",
    "01632 960123",
    "marnie.q@example.org",
    "02/04/2016",
    "14 Copperbeech Road",
)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml"

_BODY = """
<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Tob</w:t></w:r><w:r><w:t xml:space="preserve">ias Quen</w:t></w:r><w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">by was seen.</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Seen by </w:t></w:r><w:ins w:id="11" w:author="Ruth Stone" w:date="2024-01-02T00:00:00Z"><w:r><w:t>Harlan Vexley</w:t></w:r></w:ins><w:del w:id="12" w:author="Priya Halloway" w:date="2024-01-02T00:00:00Z"><w:r><w:delText>Dean Quenby and Larkfield</w:delText></w:r></w:del><w:r><w:t xml:space="preserve"> at home.</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Visible. </w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>Hidden note on Marnie Quenby</w:t></w:r></w:p>
<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>Commented text about Ms Quenby's visit.</w:t></w:r><w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Contact: </w:t></w:r><w:hyperlink r:id="rIdLink1" w:tooltip="Email Marnie Quenby"><w:r><w:t>email the mother</w:t></w:r></w:hyperlink><w:r><w:t xml:space="preserve"> or </w:t></w:r><w:hyperlink r:id="rIdLink2"><w:r><w:t>profile</w:t></w:r></w:hyperlink></w:p>
<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> MERGEFIELD Priya_Halloway \\* MERGEFORMAT </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t xml:space="preserve">Priya Halloway </w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:fldSimple w:instr=" AUTHOR Ruth Stone "><w:r><w:t>RUTH STONE</w:t></w:r></w:fldSimple></w:p>
<w:p><w:r><w:t>Footnoted</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r><w:r><w:t xml:space="preserve"> and endnoted</w:t></w:r><w:r><w:endnoteReference w:id="1"/></w:r></w:p>
<w:sdt><w:sdtPr><w:alias w:val="Name of Tobias Quenby"/><w:tag w:val="Marnie Quenby"/></w:sdtPr><w:sdtContent><w:p><w:r><w:t>Toby Q lives at 14 Copperbeech Road, LK4 7QP.</w:t></w:r></w:p></w:sdtContent></w:sdt>
<w:p><w:r><w:t xml:space="preserve">NHS 943 476 5919, NI QQ 12 34 56 C, phone 07700 900461 or 01632 960123, email marnie.q@example.org, Tobias was born 02/04/2016.</w:t></w:r></w:p>
<w:p><w:r><w:t>DEAN QUENBY and Dean's brother; the Quenbys; tobias; Ms Stone; a stone wall.</w:t></w:r></w:p>
<w:p><w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" Requires="wps"><w:drawing><wp:anchor xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH><wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV><wp:extent cx="914400" cy="457200"/><wp:wrapNone/><wp:docPr id="20" name="Text Box 20" descr="Box about Harlan Vexley"/><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>Box: Harlan Vexley and Tobias</w:t></w:r></w:p></w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" id="Box20" alt="Harlan Vexley"><v:textbox><w:txbxContent><w:p><w:r><w:t>Box: Harlan Vexley and Tobias</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t xml:space="preserve"> after the box, Marnie.</w:t></w:r></w:p>
<w:p><w:pPr><w:rPr><w:ins w:id="30" w:author="Dean Quenby" w:date="2024-01-02T00:00:00Z"/></w:rPr></w:pPr><w:moveFrom w:id="31" w:author="Dean Quenby"><w:r><w:t>Moved from Larkfield</w:t></w:r></w:moveFrom><w:moveTo w:id="32" w:author="Dean Quenby"><w:r><w:rPr><w:b/><w:rPrChange w:id="33" w:author="Priya Halloway"><w:rPr/></w:rPrChange></w:rPr><w:t>Moved text.</w:t></w:r></w:moveTo></w:p>
"""

_FOOTNOTES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes {_NS}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>Told by Priya Halloway on 07700 900461.</w:t></w:r></w:p></w:footnote></w:footnotes>"""

_ENDNOTES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:endnotes {_NS}><w:endnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:endnote><w:endnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:endnote><w:endnote w:id="1"><w:p><w:r><w:t>Records of Larkfield Children's Centre, LK4 7QP.</w:t></w:r></w:p></w:endnote></w:endnotes>"""

_COMMENTS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:comments {_NS}><w:comment w:id="0" w:author="Ruth Stone" w:initials="RS" w:date="2024-01-02T00:00:00Z"><w:p><w:r><w:annotationRef/></w:r><w:r><w:t>Check with Marnie Quenby first.</w:t></w:r></w:p></w:comment></w:comments>"""

_PEOPLE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"><w15:person w15:author="Ruth Stone"><w15:presenceInfo w15:providerId="None" w15:userId="Priya Halloway"/></w15:person></w15:people>"""

_CUSTOM = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Caseworker"><vt:lpwstr>Priya Halloway</vt:lpwstr></property></Properties>"""

_CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>Review of Tobias Quenby</dc:title><dc:subject>Quenby family</dc:subject><dc:creator>Ruth Stone</dc:creator><cp:keywords>Quenby; Larkfield</cp:keywords><dc:description>Draft by Priya Halloway</dc:description><cp:lastModifiedBy>Priya Halloway</cp:lastModifiedBy><cp:revision>7</cp:revision><cp:lastPrinted>2024-01-01T00:00:00Z</cp:lastPrinted><dcterms:created xsi:type="dcterms:W3CDTF">2024-01-01T09:00:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">2024-01-03T09:00:00Z</dcterms:modified><cp:category>Harlan Vexley</cp:category></cp:coreProperties>"""

_APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Template>C:\\Users\\marnie.quenby\\Normal.dotm</Template><Pages>1</Pages><Words>1234567890</Words><Company>Larkfield Children's Centre</Company><Manager>Dean Quenby</Manager><TitlesOfParts><vt:vector size="1" baseType="lpstr"><vt:lpstr>Review of Tobias Quenby</vt:lpstr></vt:vector></TitlesOfParts></Properties>"""


def _png_with_metadata() -> bytes:
    """A tiny PNG whose text chunk names a person, as cameras and editors do."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Ruth Stone")
    info.add_text("Comment", "Photo of Tobias Quenby at Larkfield")
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _jpeg_with_exif() -> bytes:
    """A tiny JPEG with an APP1 (EXIF) segment and a comment naming a person."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "JPEG")
    plain = out.getvalue()
    exif_payload = b"Exif\x00\x00Artist: Priya Halloway"
    app1 = b"\xff\xe1" + (len(exif_payload) + 2).to_bytes(2, "big") + exif_payload
    comment = b"Marnie Quenby"
    com = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    return plain[:2] + app1 + com + plain[2:]


def base_document() -> docx.Document:
    """A python-docx document with a heading, paragraphs, a table, a header, a footer, a picture."""
    document = docx.Document()
    document.add_heading("Individual Management Review: Larkfield Children's Centre", level=1)
    paragraph = document.add_paragraph("Tobias Quenby's mother, ")
    bold = paragraph.add_run("Marnie")
    bold.bold = True
    paragraph.add_run(" Quenby, spoke to Ruth Stone.")
    paragraph.runs[0].font.size = Pt(11)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Priya Halloway"
    table.cell(0, 1).text = "Health visitor"
    table.cell(1, 0).text = "Dean Quenby"
    table.cell(1, 1).text = "Father, phone 07700 900461"
    section = document.sections[0]
    section.header.paragraphs[0].text = "Confidential: Quenby family"
    section.footer.paragraphs[0].text = "Prepared by Ruth Stone"
    document.add_picture(io.BytesIO(_png_with_metadata()))
    return document


def _add_override(content_types: str, part: str, content_type: str) -> str:
    override = f'<Override PartName="/{part}" ContentType="{content_type}"/>'
    return content_types.replace("</Types>", override + "</Types>")


def _add_relationship(rels: str, rel_id: str, kind: str, target: str, external=False) -> str:
    mode = ' TargetMode="External"' if external else ""
    rel = f'<Relationship Id="{rel_id}" Type="{kind}" Target="{target}"{mode}/>'
    return rels.replace("</Relationships>", rel + "</Relationships>")


def leaky_docx() -> bytes:
    """A .docx with identifiers planted in every part that can hold them."""
    buffer = io.BytesIO()
    base_document().save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    text = {name: parts[name].decode("utf-8") for name in parts if name.endswith((".xml", ".rels"))}
    document = text["word/document.xml"]
    document = re.sub(
        r"(<wp:docPr [^>]*?)(/>)",
        r'\1 title="Marnie Quenby" descr="Photo of Tobias Quenby"\2',
        document,
        count=1,
    )
    document = document.replace("<w:sectPr", _BODY.replace("\n", "") + "<w:sectPr", 1)
    text["word/document.xml"] = document
    text["word/footnotes.xml"] = _FOOTNOTES
    text["word/endnotes.xml"] = _ENDNOTES
    text["word/comments.xml"] = _COMMENTS
    text["word/people.xml"] = _PEOPLE
    text["docProps/custom.xml"] = _CUSTOM
    text["docProps/core.xml"] = _CORE
    text["docProps/app.xml"] = _APP
    text["word/settings.xml"] = text["word/settings.xml"].replace(
        "</w:settings>",
        '<w:docVars><w:docVar w:name="caseworker" w:val="Priya Halloway"/></w:docVars>'
        "</w:settings>",
    )
    types = text["[Content_Types].xml"]
    for part, kind in (
        ("word/footnotes.xml", f"{_CT}.footnotes+xml"),
        ("word/endnotes.xml", f"{_CT}.endnotes+xml"),
        ("word/comments.xml", f"{_CT}.comments+xml"),
        (
            "word/people.xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.people+xml",
        ),
        (
            "docProps/custom.xml",
            "application/vnd.openxmlformats-officedocument.custom-properties+xml",
        ),
        ("word/media/photo.jpeg", "image/jpeg"),
    ):
        types = _add_override(types, part, kind)
    text["[Content_Types].xml"] = types
    rels = text["word/_rels/document.xml.rels"]
    rels = _add_relationship(rels, "rIdFoot", f"{_REL}/footnotes", "footnotes.xml")
    rels = _add_relationship(rels, "rIdEnd", f"{_REL}/endnotes", "endnotes.xml")
    rels = _add_relationship(rels, "rIdComments", f"{_REL}/comments", "comments.xml")
    rels = _add_relationship(
        rels,
        "rIdPeople",
        "http://schemas.microsoft.com/office/2011/relationships/people",
        "people.xml",
    )
    rels = _add_relationship(
        rels, "rIdLink1", f"{_REL}/hyperlink", "mailto:marnie.q@example.org", external=True
    )
    rels = _add_relationship(
        rels, "rIdLink2", f"{_REL}/hyperlink", "https://example.org/people/Tobias-Quenby", True
    )
    rels = _add_relationship(rels, "rIdPhoto", f"{_REL}/image", "media/photo.jpeg")
    text["word/_rels/document.xml.rels"] = rels
    text["_rels/.rels"] = _add_relationship(
        text["_rels/.rels"],
        "rIdCustom",
        f"{_REL}/custom-properties",
        "docProps/custom.xml",
    )
    parts.update({name: value.encode("utf-8") for name, value in text.items()})
    parts["docProps/thumbnail.jpeg"] = _jpeg_with_exif()
    parts["word/media/photo.jpeg"] = _jpeg_with_exif()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, value in parts.items():
            archive.writestr(name, value)
    return out.getvalue()


def all_parts(data: bytes) -> dict[str, bytes]:
    """Every part of a package, by name."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def leaks(data: bytes) -> list[str]:
    """Every denied word or identifier found in any part, raw or with the XML tags removed."""
    found = []
    for name, content in all_parts(data).items():
        raw = content.decode("utf-8", errors="replace")
        flat = re.sub(r"<[^>]+>", "", raw)
        for haystack in (raw, flat):
            for word in DENY_WORDS:
                if word.casefold() in haystack.casefold():
                    found.append(f"{name}: {word}")
            for word in DENY_CASED + DENY_IDENTIFIERS:
                if re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", haystack):
                    found.append(f"{name}: {word}")
    return sorted(set(found))
