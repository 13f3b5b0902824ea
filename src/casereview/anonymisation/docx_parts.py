"""The OOXML side of anonymising a Word document: every part, not only the body (SECURITY.md DOC-1).

Works on the zip and its XML with lxml, for speed and so that nothing is missed: body, tables,
headers, footers, footnotes, endnotes, text boxes and their fallback copies, alt text, hyperlink
targets, field codes and results, charts' text and embedded Word documents. Comments, tracked
changes, hidden text, thumbnails, custom properties and the people list go; core and app
properties are reset; image metadata is stripped. The output is deterministic: fixed zip dates,
the input's entry order, identical bytes for identical input.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from lxml import etree

from casereview.anonymisation.edits import Edit, apply_edits

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def w(tag: str) -> str:
    """The Clark name of a WordprocessingML element or attribute."""
    return f"{{{W}}}{tag}"


# Limits that keep a hostile upload from exhausting memory (SECURITY.md, upload rules).
MAX_ENTRIES = 5000
MAX_PART_BYTES = 128 * 1024 * 1024
MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_RATIO = 200
MAX_NESTING = 2

# A replacement can complete another key name ("Larkfield" + "Centre 1" where "Larkfield
# Centre" is an alias): texts are treated again until nothing changes, a few passes at most.
MAX_PASSES = 3

FIXED_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
FIXED_DATE = "2000-01-01T00:00:00Z"

_DROPPED_PART = re.compile(
    r"^(?:docProps/thumbnail\.[^/]+|docProps/custom\.xml|word/people\.xml"
    r"|word/comments[^/]*\.xml|word/_rels/comments[^/]*\.xml\.rels|word/_rels/people\.xml\.rels)$",
    re.IGNORECASE,
)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_XML_PART = re.compile(r"\.(?:xml|rels|vml)$", re.IGNORECASE)

# Paragraph-like elements whose text is matched as a whole, so a name split across runs is found.
_PARAGRAPHS = {w("p"): (w("t"), w("r")), f"{{{A}}}p": (f"{{{A}}}t", f"{{{A}}}r")}
_SEPARATORS = {w("tab"): "\t", w("br"): "\n", w("cr"): "\n", w("noBreakHyphen"): "-"}
_TEXTS = frozenset({w("t"), f"{{{A}}}t"})

_COMMENT_MARKS = frozenset(
    {w("commentRangeStart"), w("commentRangeEnd"), w("commentReference"), w("annotationRef")}
)
_REVISION_MARKS = frozenset(
    {
        w(tag)
        for tag in (
            "rPrChange",
            "pPrChange",
            "sectPrChange",
            "tblPrChange",
            "tblPrExChange",
            "trPrChange",
            "tcPrChange",
            "tblGridChange",
            "numberingChange",
            "moveFromRangeStart",
            "moveFromRangeEnd",
            "moveToRangeStart",
            "moveToRangeEnd",
            "customXmlInsRangeStart",
            "customXmlInsRangeEnd",
            "customXmlDelRangeStart",
            "customXmlDelRangeEnd",
            "customXmlMoveFromRangeStart",
            "customXmlMoveFromRangeEnd",
            "customXmlMoveToRangeStart",
            "customXmlMoveToRangeEnd",
            "cellIns",
            "cellMerge",
        )
    }
)
_PROPERTY_HOLDERS = frozenset({w("rPr"), w("pPr"), w("trPr"), w("tcPr"), w("tblPr")})
_STRAY_DELETED = frozenset({w("delText"), w("delInstrText")})

# Attributes that hold words a person wrote: alt text, titles, bookmark and field names, link
# targets, WordArt (VML textpath "string").
_TEXT_ATTRIBUTES = frozenset(
    {
        "descr",
        "title",
        "name",
        "alt",
        "tooltip",
        "alias",
        "tag",
        "Target",
        "instr",
        "author",
        "string",
    }
)
# Elements whose w:val holds free text: content control titles, form fields, document variables,
# table alt text, mail merge sources.
_TEXT_VALUE_ELEMENTS = frozenset(
    w(tag)
    for tag in (
        "alias",
        "tag",
        "name",
        "helpText",
        "statusText",
        "listEntry",
        "default",
        "docVar",
        "format",
        "tblCaption",
        "tblDescription",
        "connectString",
        "query",
    )
)
# Alt text is read by people, so it is also searched for names missing from the key.
_ALT_TEXT = frozenset({"descr", "title", "alt"})
_REVISION_PEOPLE_VALUES = etree.XPath("//@w:author | //@w:initials", namespaces={"w": W})
_ON = frozenset({"", "1", "true", "on"})


class DocxError(ValueError):
    """The file is not a Word document this module will open: the message says why."""


@dataclass
class DocxResult:
    """The treated package, what was edited and removed, and the final texts to flag."""

    data: bytes
    edits: list[Edit] = field(default_factory=list)
    removed: Counter[str] = field(default_factory=Counter)
    texts: list[str] = field(default_factory=list)
    # Parts (and outside links) dropped because they cannot be treated: part -> why.
    dropped: dict[str, str] = field(default_factory=dict)
    # Relationship ids dropped, by the part whose relationships they were.
    lost_ids: dict[str, set[str]] = field(default_factory=dict)


Planner = Callable[[str], list[Edit]]
Mentions = Callable[[str], bool]

# Parts that describe the design (styles, fonts, numbering, theme): they hold no prose and so no
# identifier by shape, only names of styles; they are searched for key names only when a quick
# scan of the whole part finds one, which keeps large style sheets cheap.
_DESIGN_PART = re.compile(
    r"^word/(?:styles|stylesWithEffects|numbering|fontTable|webSettings)\.xml$|^word/theme/"
)


def treat_docx(
    data: bytes,
    plan: Planner,
    author: str = "Casereview",
    mentions: Mentions | None = None,
) -> DocxResult:
    """Anonymise a .docx package: ``plan`` says what to replace in any text.

    ``mentions`` says quickly whether a text may hold a key name at all (design parts without
    one are not searched further).
    """
    entries = _read_package(data)
    if "[Content_Types].xml" not in entries or "word/document.xml" not in entries:
        raise DocxError("not a Word document (no word/document.xml)")
    return _treat_package(entries, plan, author, mentions, 0)


def _treat_package(
    entries: dict[str, bytes],
    plan: Planner,
    author: str,
    mentions: Mentions | None,
    depth: int,
) -> DocxResult:
    """Treat every part of an Office package (a document, or a workbook or deck inside one)."""
    result = DocxResult(b"")
    reasons = {
        name: why
        for name, content in entries.items()
        if (why := _why_dropped(name, content, depth))
    }
    dropped = set(reasons)
    for name in sorted(dropped):
        result.removed[name] += 1
        if reasons[name] != _METADATA:
            result.dropped[name] = reasons[name]
    hidden_styles = _hidden_styles(entries.get("word/styles.xml"))
    out: dict[str, bytes] = {}
    # Relationships first: the parts that used a dropped relationship lose their references.
    order = sorted(entries, key=lambda n: not n.endswith(".rels"))
    for name in order:
        content = entries[name]
        if name in dropped:
            continue
        if _XML_PART.search(name):
            if (
                _DESIGN_PART.match(name)
                and name not in result.lost_ids
                and mentions is not None
                and not mentions(content.decode("utf-8", "replace"))
            ):
                out[name] = _accept_design_revisions(name, content, result)
                continue
            out[name] = _treat_xml_part(
                name, content, dropped, hidden_styles, (plan, mentions), author, result
            )
        elif name.lower().endswith((".jpg", ".jpeg", ".png")):
            out[name] = _strip_image_metadata(name, content, result)
        elif name.lower().endswith(_TEXT_CHUNKS):
            out[name] = _treat_text_chunk(content, plan, result)
        elif name.lower().endswith(_EMBEDDED_PACKAGES) and depth < MAX_NESTING:
            inner = _treat_embedded(content, plan, author, mentions, depth + 1)
            out[name] = inner.data
            result.edits.extend(inner.edits)
            result.texts.extend(inner.texts)
            for part, count in inner.removed.items():
                result.removed[f"{name}!{part}"] += count
            for part, why in inner.dropped.items():
                result.dropped[f"{name}!{part}"] = why
        else:  # pragma: no cover - _why_dropped drops every other part
            raise DocxError(f"the document holds a part that cannot be treated ({name})")
    result.data = _write_package({name: out[name] for name in entries if name in out})
    return result


_METADATA = "comments, people, custom properties or thumbnail"
_ACTIVE_PART = re.compile(r"vbaProject|vbaData|activeX|oleObject[^/]*\.bin$", re.IGNORECASE)
_MACRO_PACKAGES = (".docm", ".dotm", ".xlsm", ".xltm", ".xlsb", ".pptm", ".potm", ".ppsm")
_ARCHIVE_MAGIC = (
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"\x1f\x8b",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
)
_IMAGES = {(".jpg", ".jpeg"): b"\xff\xd8", (".png",): b"\x89PNG\r\n\x1a\n"}


def _why_dropped(name: str, content: bytes, depth: int) -> str | None:
    """Why a part is dropped rather than kept, or None: what cannot be treated never passes.

    Kept are the parts this module treats: XML, JPEG and PNG images (their metadata
    stripped), imported text chunks, and Word, Excel and PowerPoint files embedded in the
    document (treated in turn). Macros, ActiveX controls, embedded objects, archives, files
    with macros and any other binary part (fonts, printer settings, other image formats,
    which can carry text no one sees) are dropped, each listed.
    """
    lower = name.lower()
    if _DROPPED_PART.match(name):
        return _METADATA
    if _ACTIVE_PART.search(name):
        return "macros, an ActiveX control or an embedded object"
    if lower.endswith(_MACRO_PACKAGES):
        return "an embedded file with macros"
    if _XML_PART.search(name):
        return None
    for suffixes, magic in _IMAGES.items():
        if lower.endswith(suffixes) and content.startswith(magic):
            return None
    if content.startswith(_ARCHIVE_MAGIC):
        if lower.endswith(_EMBEDDED_PACKAGES) and content.startswith(b"PK\x03\x04"):
            if depth < MAX_NESTING:
                return None
            return "an embedded document nested too deep to treat"
        return "an embedded archive that cannot be anonymised"
    if lower.endswith(_TEXT_CHUNKS):
        return None
    return "a part that cannot be anonymised"


# Office files embedded in a document (objects, a chart's workbook): treated the same way.
_EMBEDDED_PACKAGES = (".docx", ".xlsx", ".pptx")


def _treat_embedded(
    data: bytes, plan: Planner, author: str, mentions: Mentions | None, depth: int
) -> DocxResult:
    entries = _read_package(data)
    if "[Content_Types].xml" not in entries:
        raise DocxError("an embedded file is not an Office document")
    return _treat_package(entries, plan, author, mentions, depth)


# Parts imported whole into a document (w:altChunk): HTML, MHT, RTF or plain text.
_TEXT_CHUNKS = (".htm", ".html", ".mht", ".mhtml", ".rtf", ".txt", ".csv")


def _treat_text_chunk(content: bytes, plan: Planner, result: DocxResult) -> bytes:
    """An imported chunk's text, line by line, keeping its encoding where it is UTF-8 or Latin-1."""
    try:
        text, encoding = content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = content.decode("latin-1"), "latin-1"
    lines = []
    changed = False
    for line in text.splitlines(keepends=True):
        new = _rewrite_value(line, plan, result)
        changed = changed or new is not None
        lines.append(line if new is None else new)
        result.texts.append(lines[-1])
    if not changed:
        return content
    return "".join(lines).encode(encoding, errors="replace")


def _read_package(data: bytes) -> dict[str, bytes]:
    """The parts of a zip, in order, refusing bombs, DOCTYPEs and duplicate names."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise DocxError("not a Word document (not a zip file)") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise DocxError(f"too many parts in the document ({len(infos)} > {MAX_ENTRIES})")
        total = 0
        entries: dict[str, bytes] = {}
        for info in infos:
            if info.is_dir():
                continue
            if info.filename in entries:
                raise DocxError(f"the document has two parts named {info.filename}")
            declared_ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > MAX_PART_BYTES or (
                info.file_size > 1024 * 1024 and declared_ratio > MAX_RATIO
            ):
                raise DocxError(f"the document is too large to open ({info.filename})")
            try:
                with archive.open(info) as stream:
                    content = stream.read(MAX_PART_BYTES + 1)
            except (
                zipfile.BadZipFile,
                zlib.error,
                EOFError,
                OSError,
                NotImplementedError,
                RuntimeError,
            ) as exc:
                raise DocxError(f"the document is damaged ({info.filename}: {exc})") from exc
            total += len(content)
            if len(content) > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
                raise DocxError("the document is too large to open")
            if _XML_PART.search(info.filename) and _DOCTYPE.search(content):
                raise DocxError(f"the document declares a DOCTYPE in {info.filename}: refused")
            entries[info.filename] = content
    return entries


def _write_package(parts: dict[str, bytes]) -> bytes:
    """A zip of the parts with fixed dates: [Content_Types].xml first, then the input's order."""
    buffer = io.BytesIO()
    names = sorted(parts, key=lambda n: n != "[Content_Types].xml")
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_DATE)
            info.create_system = 0
            info.external_attr = 0
            compressed = _XML_PART.search(name) is not None
            info.compress_type = zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED
            archive.writestr(info, parts[name])
    return buffer.getvalue()


def _parse(name: str, content: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise DocxError(f"the document is damaged ({name}: {exc})") from exc
    if root.getroottree().docinfo.doctype:
        raise DocxError(f"the document declares a DOCTYPE in {name}: refused")
    return root


def _serialise(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _treat_xml_part(
    name: str,
    content: bytes,
    dropped: set[str],
    hidden_styles: frozenset[str],
    planners: tuple[Planner, Mentions | None],
    author: str,
    result: DocxResult,
) -> bytes:
    """Treat one XML part; the original bytes are kept when nothing in it changes."""
    plan, mentions = planners
    root = _parse(name, content)
    before = len(result.edits), sum(result.removed.values())
    removed = result.removed
    if name == "[Content_Types].xml":
        removed[name] += _drop_overrides(root, dropped)
    elif name.endswith(".rels"):
        removed[name] += _drop_relationships(name, root, dropped, result)
        _rewrite_attributes(root, plan, result)
    elif name == "docProps/core.xml":
        reset = _reset_core_properties(root, author)
        if reset is not None:
            removed[name] += reset[0]
            root = reset[1]
    else:
        if name in result.lost_ids:
            removed[name] += _drop_references(root, result.lost_ids[name])
        if name == "docProps/app.xml":
            removed[name] += _reset_app_properties(root)
        removed[name] += _remove_comment_marks(root)
        removed[name] += _accept_revisions(root)
        removed[name] += _remove_hidden_runs(root, hidden_styles)
        _rewrite_paragraphs(root, plan, result, mentions)
        _rewrite_other_text(root, plan, result)
        _rewrite_attributes(root, plan, result)
    if removed[name] == 0:
        del removed[name]
    if (len(result.edits), sum(result.removed.values())) == before:
        return content
    return _serialise(root)


def _accept_design_revisions(name: str, content: bytes, result: DocxResult) -> bytes:
    """Accept tracked changes to styles or numbering (their authors are names too)."""
    if b"Change" not in content and b"author" not in content:
        return content
    root = _parse(name, content)
    count = _accept_revisions(root)
    if not count:
        return content
    result.removed[name] += count
    return _serialise(root)


def _target_part(rels_name: str, target: str) -> str:
    """The part a relationship's relative target points at."""
    directory = posixpath.dirname(posixpath.dirname(rels_name))
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(directory, target))


def _drop_overrides(root: etree._Element, dropped: set[str]) -> int:
    count = 0
    for override in list(root.iter(f"{{{CT}}}Override")):
        if override.get("PartName", "").lstrip("/") in dropped:
            override.getparent().remove(override)
            count += 1
    return count


_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_WEB_OR_MAIL = ("http://", "https://", "mailto:")
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# Elements that mean nothing without their relationship: removed with it.
_OWNED_BY_RELATIONSHIP = frozenset(
    {
        "OLEObject",
        "control",
        "embedRegular",
        "embedBold",
        "embedItalic",
        "embedBoldItalic",
        "attachedTemplate",
        "subDoc",
        "altChunk",
    }
)


def _source_of(rels_name: str) -> str:
    """The part whose relationships a .rels part holds ("" for the package's own)."""
    folder = posixpath.dirname(posixpath.dirname(rels_name))
    return posixpath.join(folder, posixpath.basename(rels_name)[: -len(".rels")]).lstrip("/")


def _drop_relationships(
    name: str, root: etree._Element, dropped: set[str], result: DocxResult
) -> int:
    """Drop relationships to dropped parts and every outside one but a web or mail link."""
    count, ids, outside = 0, set(), []
    for rel in list(root.iter(f"{{{REL}}}Relationship")):
        target = rel.get("Target", "").strip()
        if (rel.get("TargetMode") or "").strip().lower() == "external" or "://" in target:
            kind = rel.get("Type", "").strip()
            if kind == _HYPERLINK and target.lower().startswith(_WEB_OR_MAIL):
                continue
            outside.append(kind.rpartition("/")[2] or "link")
        elif _target_part(name, target) not in dropped:
            continue
        root.remove(rel)
        ids.add(rel.get("Id", ""))
        count += 1
    if ids:
        result.lost_ids[_source_of(name)] = ids
    if outside:
        result.dropped[name] = "outside links (" + ", ".join(sorted(set(outside))) + ")"
    return count


def _drop_references(root: etree._Element, ids: set[str]) -> int:
    """Remove what pointed at a dropped relationship: the element, or only the reference."""
    count = 0
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        for attribute in [a for a in element.attrib if a.startswith(f"{{{R}}}")]:
            if element.get(attribute) not in ids:
                continue
            if etree.QName(element).localname in _OWNED_BY_RELATIONSHIP:
                _remove(element)
                count += 1
                break
            del element.attrib[attribute]
            count += 1
    return count


_CORE_CLEARED = ("title", "subject", "keywords", "description", "category", "contentStatus")


def _core_properties(author: str) -> etree._Element:
    """The core properties every anonymised document carries."""
    nsmap = {"cp": CP, "dc": DC, "dcterms": DCTERMS, "xsi": XSI}
    root = etree.Element(f"{{{CP}}}coreProperties", nsmap=nsmap)
    etree.SubElement(root, f"{{{DC}}}creator").text = author
    etree.SubElement(root, f"{{{CP}}}lastModifiedBy").text = author
    etree.SubElement(root, f"{{{CP}}}revision").text = "1"
    for tag in ("created", "modified"):
        date = etree.SubElement(root, f"{{{DCTERMS}}}{tag}")
        date.set(f"{{{XSI}}}type", "dcterms:W3CDTF")
        date.text = FIXED_DATE
    return root


def _property_values(root: etree._Element) -> dict[str, str]:
    return {child.tag: (child.text or "").strip() for child in root if isinstance(child.tag, str)}


def _reset_core_properties(root: etree._Element, author: str) -> tuple[int, etree._Element] | None:
    """The number of properties that differ from the reset ones, and the reset properties."""
    target = _core_properties(author)
    have, want = _property_values(root), _property_values(target)
    tags = have.keys() | want.keys()
    differences = sum(1 for tag in tags if have.get(tag, "") != want.get(tag, ""))
    if differences == 0:
        return None
    return differences, target


_APP_CLEARED = frozenset({f"{{{EP}}}{tag}" for tag in ("Company", "Manager", "HyperlinkBase")})


def _reset_app_properties(root: etree._Element) -> int:
    """Clear the company, manager, hyperlink base and the titles of parts."""
    count = 0
    for element in root.iter():
        clear = element.tag in _APP_CLEARED or (
            element.tag == f"{{{VT}}}lpstr"
            and any(a.tag == f"{{{EP}}}TitlesOfParts" for a in element.iterancestors())
        )
        if clear and (element.text or "").strip():
            element.text = ""
            count += 1
    return count


def _remove(element: etree._Element) -> None:
    """Remove an element, keeping its tail text (which belongs to what precedes it)."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _unwrap(element: etree._Element) -> None:
    """Replace an element by its children."""
    parent = element.getparent()
    if parent is None:
        return
    index = parent.index(element)
    for offset, child in enumerate(list(element)):
        parent.insert(index + offset, child)
    _remove(element)


def _is_run_without_content(run: etree._Element) -> bool:
    return all(child.tag == w("rPr") for child in run)


def _remove_comment_marks(root: etree._Element) -> int:
    count = 0
    for mark in list(root.iter(*_COMMENT_MARKS)):
        parent = mark.getparent()
        _remove(mark)
        count += 1
        if parent is not None and parent.tag == w("r") and _is_run_without_content(parent):
            _remove(parent)
    return count


def _accept_revisions(root: etree._Element) -> int:
    """Accept every tracked change: insertions kept, deletions dropped, no author left."""
    count = 0
    for deleted in list(root.iter(w("del"), w("moveFrom"), w("cellDel"))):
        parent = deleted.getparent()
        if parent is None:
            continue
        if parent.tag == w("trPr") and deleted.tag == w("del"):
            row = parent.getparent()
            if row is not None:
                _remove(row)
        else:
            _remove(deleted)
        count += 1
    for inserted in list(root.iter(w("ins"), w("moveTo"))):
        parent = inserted.getparent()
        if parent is not None and parent.tag in _PROPERTY_HOLDERS:
            _remove(inserted)
        else:
            _unwrap(inserted)
        count += 1
    for mark in list(root.iter(*_REVISION_MARKS, *_STRAY_DELETED)):
        _remove(mark)
        count += 1
    for value in _REVISION_PEOPLE_VALUES(root):
        del value.getparent().attrib[value.attrname]
        count += 1
    return count


def _switched_on(element: etree._Element | None) -> bool:
    return element is not None and element.get(w("val"), "").lower() in _ON


def _hidden_styles(styles: bytes | None) -> frozenset[str]:
    """The ids of styles whose text is hidden, directly or through the styles they are based on."""
    if not styles:
        return frozenset()
    root = _parse("word/styles.xml", styles)
    based_on: dict[str, str] = {}
    hidden: dict[str, bool] = {}
    for style in root.iter(w("style")):
        style_id = style.get(w("styleId"), "")
        base = style.find(w("basedOn"))
        if base is not None:
            based_on[style_id] = base.get(w("val"), "")
        properties = style.find(w("rPr"))
        if properties is not None:
            for tag in ("vanish", "specVanish"):
                mark = properties.find(w(tag))
                if mark is not None:
                    hidden[style_id] = _switched_on(mark)
    result = set()
    for style_id in list(based_on) + list(hidden):
        current, seen = style_id, set()
        while current and current not in hidden and current not in seen:
            seen.add(current)
            current = based_on.get(current, "")
        if hidden.get(current, False):
            result.add(style_id)
    return frozenset(result)


def _run_is_hidden(run: etree._Element, hidden_styles: frozenset[str]) -> bool:
    properties = run.find(w("rPr"))
    if properties is not None:
        for tag in ("vanish", "specVanish"):
            mark = properties.find(w(tag))
            if mark is not None:
                return _switched_on(mark)
        style = properties.find(w("rStyle"))
        if style is not None and style.get(w("val")) in hidden_styles:
            return True
    if not hidden_styles:
        return False
    paragraph = next(run.iterancestors(w("p")), None)
    if paragraph is None:
        return False
    paragraph_style = paragraph.find(f"{w('pPr')}/{w('pStyle')}")
    return paragraph_style is not None and paragraph_style.get(w("val")) in hidden_styles


_DIRECTLY_HIDDEN_RUNS = etree.XPath(
    "//w:r[w:rPr/w:vanish or w:rPr/w:specVanish]", namespaces={"w": W}
)


def _remove_hidden_runs(root: etree._Element, hidden_styles: frozenset[str]) -> int:
    count = 0
    runs = list(root.iter(w("r"))) if hidden_styles else _DIRECTLY_HIDDEN_RUNS(root)
    for run in runs:
        if _run_is_hidden(run, hidden_styles):
            _remove(run)
            count += 1
    return count


def _paragraph_segments(
    paragraph: etree._Element, text_tag: str, run_tag: str
) -> Iterator[tuple[etree._Element | None, str]]:
    """The paragraph's own text elements (and separators) in order, not those of nested boxes."""
    nested = paragraph.find(f".//{w('txbxContent')}") is not None
    for element in paragraph.iter(text_tag, *_SEPARATORS):
        if nested and _owning_paragraph(element) is not paragraph:
            continue
        if element.tag == text_tag:
            yield element, element.text or ""
        elif element.getparent() is not None and element.getparent().tag == run_tag:
            yield None, _SEPARATORS[element.tag]


def _owning_paragraph(element: etree._Element) -> etree._Element | None:
    return next(element.iterancestors(*_PARAGRAPHS), None)


def _rewrite_paragraphs(
    root: etree._Element, plan: Planner, result: DocxResult, mentions: Mentions | None = None
) -> None:
    """Match each paragraph's whole text; write each replacement into the run where it starts."""
    for paragraph in root.iter(*_PARAGRAPHS):
        text_tag, run_tag = _PARAGRAPHS[paragraph.tag]
        segments = list(_paragraph_segments(paragraph, text_tag, run_tag))
        text = "".join(piece for _, piece in segments)
        if not text.strip():
            continue
        for _ in range(MAX_PASSES):
            edits = plan(text)
            if not edits:
                break
            _apply_to_segments(segments, edits)
            result.edits.extend(edits)
            segments = [(e, e.text or "") if e is not None else (e, p) for e, p in segments]
            text = "".join(piece for _, piece in segments)
            # Another pass only where a key name's first word is still there to complete.
            if mentions is not None and not mentions(text):
                break
        if mentions is not None and len(segments) > 1:
            _rewrite_runs_alone(segments, plan, mentions, result)
            text = "".join(
                (element.text or "") if element is not None else piece
                for element, piece in segments
            )
        result.texts.append(text)


def _rewrite_runs_alone(
    segments: list[tuple[etree._Element | None, str]],
    plan: Planner,
    mentions: Mentions,
    result: DocxResult,
) -> None:
    """Search each run's text alone too: a name glued to the next run ("StoneRUTH") still goes."""
    for element, _ in segments:
        if element is None or not element.text or not mentions(element.text):
            continue
        new = _rewrite_value(element.text, plan, result)
        if new is not None:
            element.text = new
            if element.tag == w("t"):
                element.set(XML_SPACE, "preserve")


def _apply_to_segments(
    segments: list[tuple[etree._Element | None, str]], edits: list[Edit]
) -> None:
    """Apply edits made on the concatenated text to the text elements it came from."""
    bounds: list[tuple[int, int, etree._Element | None]] = []
    position = 0
    for element, piece in segments:
        bounds.append((position, position + len(piece), element))
        position += len(piece)
    current = {id(e): e.text or "" for e, _ in segments if e is not None}
    # Last edit first: an edit then changes only text after the spans of the edits still to do.
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        first = True
        for start, end, element in bounds:
            if element is None or end <= edit.start or start >= edit.end:
                continue
            text = current[id(element)]
            head = text[: max(edit.start - start, 0)] if first else ""
            tail = text[edit.end - start :] if edit.end < end else ""
            current[id(element)] = head + (edit.replacement if first else "") + tail
            first = False
    for element, _ in segments:
        if element is not None and current[id(element)] != (element.text or ""):
            element.text = current[id(element)]
            if element.tag == w("t"):
                element.set(XML_SPACE, "preserve")


_NAMESPACES = {"w": W, "a": A}
# XPath runs in C: only the few text nodes and attributes that matter reach Python.
_OTHER_TEXT = etree.XPath("//text()[not(parent::w:t) and not(parent::a:t)]", namespaces=_NAMESPACES)
_TEXT_ATTRIBUTE_VALUES = etree.XPath(
    " | ".join(
        [
            "//@*[" + " or ".join(f"local-name()='{n}'" for n in sorted(_TEXT_ATTRIBUTES)) + "]",
            *(f"//w:{tag.rpartition('}')[2]}/@w:val" for tag in sorted(_TEXT_VALUE_ELEMENTS)),
        ]
    ),
    namespaces=_NAMESPACES,
)


def _rewrite_other_text(root: etree._Element, plan: Planner, result: DocxResult) -> None:
    """Text outside paragraphs: field codes, document properties, custom XML, chart captions."""
    for value in _OTHER_TEXT(root):
        if not any(ch.isalnum() for ch in value):
            continue
        element = value.getparent()
        # Counts in app.xml (words, characters) are numbers, never identifiers.
        if element.tag.startswith(f"{{{EP}}}") and value.strip().isdigit():
            continue
        new = _rewrite_value(str(value), plan, result)
        if new is None:
            continue
        if value.is_tail:
            element.tail = new
        else:
            element.text = new


def _rewrite_attributes(root: etree._Element, plan: Planner, result: DocxResult) -> None:
    """Attributes holding free text: alt text, titles, hyperlink targets, form field values."""
    for value in _TEXT_ATTRIBUTE_VALUES(root):
        if not any(ch.isalpha() for ch in value):
            continue
        element, attribute = value.getparent(), value.attrname
        local = attribute.rpartition("}")[2]
        # Internal targets name parts of the package; only links out can hold identifiers.
        if local == "Target" and element.get("TargetMode") != "External":
            continue
        new = _rewrite_value(str(value), plan, result)
        if new is not None:
            if local == "Target":
                new = new.replace(" ", "%20")
            elif element.tag == w("bookmarkStart"):
                new = new.replace(" ", "_")  # bookmark names hold no spaces
            element.set(attribute, new)
        if local in _ALT_TEXT:
            result.texts.append(new if new is not None else str(value))


def _rewrite_value(value: str, plan: Planner, result: DocxResult) -> str | None:
    """The value anonymised (until nothing more changes), or None when nothing does."""
    new = value
    for _ in range(MAX_PASSES):
        edits = plan(new)
        if not edits:
            break
        result.edits.extend(edits)
        new = apply_edits(new, edits)
    return None if new == value else new


# JPEG segments that carry metadata: EXIF and XMP (APP1), APP3-APP13 (IPTC in APP13), comments.
_JPEG_METADATA = frozenset({0xE1, *range(0xE3, 0xEE), 0xEF, 0xFE})
_PNG_METADATA = frozenset({b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"})


def _strip_image_metadata(name: str, content: bytes, result: DocxResult) -> bytes:
    """The image without EXIF, XMP, IPTC and text comments (camera owner, GPS, author)."""
    if content.startswith(b"\xff\xd8"):
        stripped, count = _strip_jpeg(content)
    elif content.startswith(b"\x89PNG\r\n\x1a\n"):
        stripped, count = _strip_png(content)
    else:
        return content
    if count:
        result.removed[name] += count
    return stripped


def _strip_jpeg(content: bytes) -> tuple[bytes, int]:
    out, position, count = [content[:2]], 2, 0
    while position + 4 <= len(content) and content[position] == 0xFF:
        marker = content[position + 1]
        if marker == 0xDA:  # start of scan: the rest is image data
            break
        length = int.from_bytes(content[position + 2 : position + 4], "big")
        segment = content[position : position + 2 + length]
        if marker in _JPEG_METADATA:
            count += 1
        else:
            out.append(segment)
        position += 2 + length
    out.append(content[position:])
    return (b"".join(out), count) if count else (content, 0)


def _strip_png(content: bytes) -> tuple[bytes, int]:
    out, position, count = [content[:8]], 8, 0
    while position + 8 <= len(content):
        length = int.from_bytes(content[position : position + 4], "big")
        kind = content[position + 4 : position + 8]
        chunk = content[position : position + 12 + length]
        if kind in _PNG_METADATA:
            count += 1
        else:
            out.append(chunk)
        position += 12 + length
    out.append(content[position:])
    return (b"".join(out), count) if count else (content, 0)


def part_names(data: bytes) -> Iterable[str]:
    """The names of a package's parts (for reports and tests)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [info.filename for info in archive.infolist()]
