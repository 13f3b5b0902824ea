"""The one gate every uploaded file passes before anything is stored (SECURITY.md UP-1).

``check_upload(name, content, kind)`` for every upload route, with ``read_upload`` to read the
posted file no further than one byte past its kind's limit. The rules, in order: the name (only
ever displayed; hidden reversing characters refused), the extension allowlist of the kind, the
byte limit of the kind, then the magic bytes at offset 0 AND a structural open:

- text files (CSV, .txt, .md) must be text from their first byte: no program, image, PDF,
  archive or Office magic, no markup start (HTML or SVG, perhaps with a zip appended), no NUL;
- Office files (.docx, .xlsx) must start with the zip magic at offset 0 and end with the zip's
  own directory (nothing before or after it); every part is inflated with a byte counter that
  stops at the bound (headers are never trusted); at most 500 parts; a part compressed over
  100:1 is refused; no archive or old Office file inside (by the magic of each part), no
  macros, ActiveX, embedded objects or macro workbooks, no symlink entries, no unsafe names;
  every XML part is decoded by its declared encoding (byte-order mark or ``encoding=``) and
  refused if it declares a DOCTYPE, and parsed with defusedxml; relationships are read AS XML,
  and any outside target except a web or mail hyperlink is refused;
- a password-protected file (an OLE compound file holding ``EncryptedPackage``, or an encrypted
  zip entry) gets its own message.

Hyperlinks stay allowed: agencies' reports link to guidance, Word fetches nothing from a
hyperlink until someone clicks it, and the anonymiser treats hyperlink targets like any text.
Only ``http``, ``https`` and ``mailto`` links pass: a ``file:`` or ``\\\\server`` link would
send the reader's Windows credentials to whoever named the server.
"""

from __future__ import annotations

import codecs
import io
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from django import forms
from django.core.files.uploadhandler import FileUploadHandler

MB = 1024 * 1024


@dataclass(frozen=True)
class UploadKind:
    """What one upload route accepts: its extensions and its byte limit."""

    label: str  # for messages: "a chronology"
    extensions: tuple[str, ...]
    max_bytes: int
    asked: str  # what to upload, for the message that refuses another kind of file


# The one table of limits: every upload route names its kind (ISSUE7 item 7).
KINDS = {
    "chronology": UploadKind(
        "a chronology", (".csv", ".xlsx", ".docx"), 10 * MB, "a .csv or .xlsx or .docx file"
    ),
    "document": UploadKind(
        "a document",
        (".docx", ".txt", ".md"),
        20 * MB,
        "a Word document (.docx) or a text file (.txt or .md); save a PDF or other file as .docx"
        " first",
    ),
    "letter-template": UploadKind(
        "a letter template", (".docx",), 5 * MB, "a Word template saved as .docx"
    ),
    # A key reference of 2,000 people with aliases is about 200 KB.
    "key-reference": UploadKind(
        "a key reference", (".csv",), 1 * MB, "the key reference as a .csv file"
    ),
}
LARGEST = max(kind.max_bytes for kind in KINDS.values())

# The one table of content types for stored and exported files.
CONTENT_TYPES = {
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    # Sent only (a case's letters as one download, core.serving.serve_bundle); never accepted.
    ".zip": "application/zip",
}


def content_type_of(name: str) -> str:
    """A file's content type by its extension, from the one table (else plain bytes)."""
    return CONTENT_TYPES.get(extension_of(name), "application/octet-stream")


MAX_INFLATED = 50 * MB
MAX_ENTRIES = 500
MAX_RATIO = 100  # inflated : compressed
RATIO_FLOOR = 64 * 1024  # a tiny part may compress very well and still be harmless
CHUNK = 64 * 1024
HEAD = 64 * 1024  # of an XML part, decoded to look for a DOCTYPE (the prolog comes first)
MAX_NAME_CHARS = 200  # Django cuts a posted name to 255; the record keeps 255
LOCKED_FILE = "The file is password-protected. Remove the password and upload it again."

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_END_OF_DIRECTORY = b"PK\x05\x06"
# Archives and old Office files: never inside a document (ISSUE7 item 4, "a zip inside").
ARCHIVE_MAGIC = (
    ZIP_MAGIC,
    b"PK\x05\x06",
    b"PK\x07\x08",
    OLE_MAGIC,
    b"\x1f\x8b",  # gzip
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"BZh",
    b"\xfd7zXZ\x00",
    b"MSCF",  # cabinet
)
# Bidirectional controls make "fdp.exe" look like "exe.pdf" (SECURITY.md 3.3 item 6).
BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Controls other than tab, line feed, form feed and carriage return never occur in text.
TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
OLD_FORMATS = {".xls": ".xlsx", ".doc": ".docx", ".xlt": ".xlsx", ".dot": ".docx"}
MACRO_FORMATS = {
    ".xlsm": ".xlsx",
    ".xltm": ".xlsx",
    ".xlsb": ".xlsx",
    ".docm": ".docx",
    ".dotm": ".docx",
    ".pptm": ".pptx",
}
OOXML_MAIN_PART = {".xlsx": "xl/workbook.xml", ".docx": "word/document.xml"}
KIND_WORDS = {
    ".csv": "CSV file",
    ".xlsx": "Excel .xlsx file",
    ".docx": "Word .docx file",
    ".txt": "text file",
    ".md": "Markdown text file",
}
# What other kinds of file start with: a text file must be none of them.
NOT_TEXT = (
    (b"MZ", "a program"),
    (b"\x7fELF", "a program"),
    (b"%PDF", "a PDF"),
    (b"GIF8", "an image"),
    (b"\x89PNG", "an image"),
    (b"\xff\xd8\xff", "an image"),
    (ZIP_MAGIC, "a zip or Office file"),
    (b"PK\x05\x06", "a zip or Office file"),
    (OLE_MAGIC, "an old Office file"),
    (b"{\\rtf", "a rich text (RTF) file"),
)
MARKUP = re.compile(r"^\s*<(?:!doctype|html|svg|\?xml|script|head|body|iframe|object)", re.I)
ACTIVE_PART = re.compile(r"(vbaProject|vbaData|activeX|oleObject[^/]*\.bin$)", re.IGNORECASE)
MACRO_PART = re.compile(r"\.(?:xlsm|xltm|xlsb|docm|dotm|pptm|potm|ppsm)$", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_HYPERLINK_SCHEMES = ("http://", "https://", "mailto:")


class UploadRefused(ValueError):
    """A file refused, with a message that says why and what to do.

    ``inflated`` is how many bytes of an archive were inflated before it was refused.
    """

    inflated: int = 0


def display_name(name: str) -> str:
    """The uploaded file's name for people to read: control characters and folders dropped.

    It is only ever shown and put in a Content-Disposition header; the stored file gets a
    random name (SECURITY.md UP-3).
    """
    name = CONTROL.sub("", name).replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name or "upload"


def extension_of(name: str) -> str:
    shown = display_name(name)
    return "." + shown.rsplit(".", 1)[-1].lower() if "." in shown else ""


def _megabytes(limit: int) -> str:
    return f"{limit // MB} MB" if limit >= MB else f"{limit // 1024} KB"


def too_large(kind: str) -> str:
    """The message for a file over its kind's limit: it names the limit."""
    upload = KINDS[kind]
    advice = "Make it smaller" if upload.extensions == (".csv",) else "Split it or remove images"
    return (
        f"The file is larger than {_megabytes(upload.max_bytes)}, the most {upload.label} may be."
        f" {advice}, and upload it again."
    )


def read_upload(upload, kind: str) -> bytes:
    """The posted file's bytes, read in chunks and never past one byte over the kind's limit.

    ``upload`` is a Django ``UploadedFile`` (or any file object with ``read``).
    """
    limit = KINDS[kind].max_bytes
    if (getattr(upload, "size", 0) or 0) > limit:
        raise UploadRefused(too_large(kind))
    if hasattr(upload, "seek"):
        upload.seek(0)
    chunks, total = [], 0
    while total <= limit and (chunk := upload.read(min(CHUNK, limit + 1 - total))):
        chunks.append(chunk)
        total += len(chunk)
    if total > limit:
        raise UploadRefused(too_large(kind))
    return b"".join(chunks)


class BoundedUploadHandler(FileUploadHandler):
    """Keeps no more of a posted file than one byte over the largest limit; drops the rest.

    First in ``FILE_UPLOAD_HANDLERS``: the memory and temporary-file handlers after it never
    hold a body larger than that, and the form's check then refuses it with its limit.
    """

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        room = LARGEST + 1 - self.received
        if room <= 0:
            return None
        kept = raw_data[:room]
        self.received += len(kept)
        return kept

    def file_complete(self, file_size):
        return None


@dataclass(frozen=True)
class Upload:
    """A posted file that passed the gate: its name (for display only), bytes and extension."""

    name: str
    content: bytes
    extension: str


class UploadField(forms.FileField):
    """A form's file field that reads no further than its kind's limit and runs the gate.

    Its cleaned value is an ``Upload``. Every upload form uses it, so a new upload page cannot
    skip a rule.
    """

    def __init__(self, *, kind: str, **kwargs) -> None:
        self.kind = kind
        upload = KINDS[kind]
        kwargs["error_messages"] = {
            "empty": "The file is empty. Check you chose the right file.",
            **kwargs.get("error_messages", {}),
        }
        kwargs.setdefault(
            "help_text",
            f"A {' or '.join(upload.extensions)} file, up to {_megabytes(upload.max_bytes)}.",
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return upload
        try:
            content = read_upload(upload, self.kind)
            extension = check_upload(upload.name, content, self.kind)
        except UploadRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None
        return Upload(display_name(upload.name), content, extension)


def check_upload(name: str, content: bytes, kind: str) -> str:
    """Refuse a file that is not safely one of the kind's formats; return its extension.

    ``kind`` is a key of ``KINDS``: ``"chronology"``, ``"document"``, ``"letter-template"``
    or ``"key-reference"``.
    """
    upload = KINDS[kind]
    extension = _check_name(name, upload)
    if not content:
        raise UploadRefused("The file is empty. Check you chose the right file.")
    if len(content) > upload.max_bytes:
        raise UploadRefused(too_large(kind))
    if content.startswith(OLE_MAGIC):
        if is_encrypted_package(content):
            raise UploadRefused(LOCKED_FILE)
        raise UploadRefused(
            "This is an old-format Office file (it may contain macros). Save it as .xlsx/.docx"
            " and upload it again."
        )
    if extension in (".csv", ".txt", ".md"):
        check_text(content, extension, strict=kind != "chronology")
    else:
        check_package(content, extension)
    return extension


def _check_name(name: str, upload: UploadKind) -> str:
    if len(name) > MAX_NAME_CHARS:
        raise UploadRefused(
            f"The file name is longer than {MAX_NAME_CHARS} characters. Rename the file with a"
            " shorter name and upload it again."
        )
    if BIDI.search(name):
        raise UploadRefused(
            "The file name contains hidden characters that reverse its text, which can disguise"
            " the kind of file. Rename the file and upload it again."
        )
    extension = extension_of(name)
    if extension in OLD_FORMATS:
        raise UploadRefused(
            f"{extension} is an old Office format. Save it as {OLD_FORMATS[extension]} and"
            " upload it again."
        )
    if extension in MACRO_FORMATS:
        raise UploadRefused(
            f"Files that can hold macros ({extension}) cannot be uploaded. Save it as"
            f" {MACRO_FORMATS[extension]} without macros and upload it again."
        )
    if extension not in upload.extensions:
        raise UploadRefused(
            f"Upload {upload.asked}. This file's name ends in {extension or 'no extension'}."
        )
    return extension


def is_encrypted_package(content: bytes) -> bool:
    """Whether an OLE compound file holds Office's encrypted package (its stream names)."""
    return any(
        marker.encode("utf-16-le") in content for marker in ("EncryptedPackage", "EncryptionInfo")
    )


def _a(words: str) -> str:
    return ("an " if words[0] in "AEIOU" else "a ") + words


# -- text files ----------------------------------------------------------------------------------


def check_text(content: bytes, extension: str, *, strict: bool = True) -> None:
    """Refuse a file named as text that starts as something else, is markup or holds binary.

    ``strict`` also refuses control characters (documents and the key reference; chronology
    CSVs from some exports carry stray ones, which the reader copes with).
    """
    kind = KIND_WORDS.get(extension, "text file")
    head = content[:8192]
    for magic, what in NOT_TEXT:
        if head.startswith(magic):
            raise UploadRefused(
                f"This file is named {extension} but it is {what}. Upload it saved as {_a(kind)}."
            )
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    text = _decode_head(head)
    if MARKUP.match(text.lstrip("\ufeff")):
        raise UploadRefused(
            f"This file is named {extension} but it is a web page or markup. Upload it saved as"
            f" {_a(kind)}."
        )
    if not utf16 and b"\x00" in content:
        raise UploadRefused(
            f"This file is named {extension} but it is not text: it holds binary data. Upload it"
            f" saved as {_a(kind)}."
        )
    if strict:
        if utf16:
            raise UploadRefused(f"Save the {kind} as UTF-8 text and upload it again.")
        if TEXT_CONTROL.search(decode_text(content)):
            raise UploadRefused(
                f"This file is named {extension} but it is not text: it holds control"
                f" characters. Upload it saved as {_a(kind)}."
            )


def _decode_head(head: bytes) -> str:
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, "ignore")
    return head.decode("utf-8", "ignore")


def decode_text(content: bytes) -> str:
    """Text as UTF-8 (a byte-order mark allowed) or, failing that, Windows-1252."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return content.decode("cp1252")
        except UnicodeDecodeError:
            raise UploadRefused(
                "The file is not readable text. Save it as UTF-8 text and try again."
            ) from None


# -- Office files --------------------------------------------------------------------------------


def check_package(content: bytes, extension: str) -> int:
    """Refuse an Office file (.docx, .xlsx) that breaks a rule; the bytes it inflated to."""
    kind = KIND_WORDS.get(extension, extension)
    scan = _PackageScan(kind)
    try:
        scan.check(content, extension)
    except UploadRefused as refusal:
        refusal.inflated = scan.inflated
        raise
    return scan.inflated


class _PackageScan:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.inflated = 0

    def check(self, content: bytes, extension: str) -> None:
        kind = self.kind
        if not content.startswith(ZIP_MAGIC) or not _directory_ends_the_file(content):
            raise UploadRefused(
                f"This file is named {extension} but it is not a real {kind}: its contents do"
                f" not match its name. Open it and save it again as {extension}."
            )
        try:
            archive = zipfile.ZipFile(io.BytesIO(content))
            entries = archive.infolist()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            raise UploadRefused(f"This is not a {kind}, or it is damaged.") from None
        if len(entries) > MAX_ENTRIES:
            raise UploadRefused(
                f"The file has more than {MAX_ENTRIES} parts, which a {kind} never needs: it"
                " cannot be accepted."
            )
        if entries and min(e.header_offset for e in entries) != 0:
            raise UploadRefused(
                f"This file is named {extension} but something else comes before the {kind}"
                " inside it: it cannot be accepted."
            )
        names = [e.filename for e in entries]
        if len(set(names)) != len(names):
            raise UploadRefused(
                f"The {kind} has two parts with the same name: it cannot be accepted."
            )
        if "EncryptedPackage" in names or any(e.flag_bits & 0x1 for e in entries):
            raise UploadRefused(LOCKED_FILE)
        # Every part first: a hostile part gets its own message, not "damaged".
        for entry in entries:
            self.part(archive, entry)
        main = OOXML_MAIN_PART.get(extension)
        if "[Content_Types].xml" not in names or (main and main not in names):
            other = next((k for k, part in OOXML_MAIN_PART.items() if part in names), None)
            if other and other != extension:
                raise UploadRefused(
                    f"This file is named {extension} but it is {_a(KIND_WORDS[other])}. Give it"
                    f" the right name ({other}) and upload it again."
                )
            raise UploadRefused(f"This is not a {kind}, or it is damaged.")

    def part(self, archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
        kind, name = self.kind, entry.filename
        if (
            name.startswith(("/", "\\"))
            or "\\" in name
            or re.match(r"^[A-Za-z]:", name)
            or ".." in name.split("/")
            or CONTROL.search(name)
        ):
            raise UploadRefused(
                f"The {kind} contains a part with an unsafe name: it cannot be accepted."
            )
        if stat.S_ISLNK(entry.external_attr >> 16):
            raise UploadRefused(
                f"The {kind} contains a link to another file: it cannot be accepted."
            )
        if MACRO_PART.search(name):
            raise UploadRefused(
                f"The {kind} contains an embedded workbook or document with macros. Remove it,"
                " save the file again and upload it."
            )
        if ACTIVE_PART.search(name) or "/embeddings/" in f"/{name}":
            raise UploadRefused(
                f"The {kind} contains macros, ActiveX controls or embedded objects. Remove them,"
                " save it again and upload it."
            )
        if name.lower().endswith((".zip", ".7z", ".rar", ".gz", ".cab", ".jar")):
            raise UploadRefused(
                f"The {kind} contains another archive or Office file inside it: it cannot be"
                " accepted."
            )
        if entry.is_dir():
            return
        is_xml = name.lower().endswith((".xml", ".rels", ".vml"))
        keep_whole = name.endswith(".rels") or name == "[Content_Types].xml"
        xml = _XmlCheck(name, kind, keep_whole) if is_xml else None
        size = 0
        try:
            with archive.open(entry) as part:
                while True:
                    # Never ask for more than one byte past the bound: the count stops there.
                    chunk = part.read(min(CHUNK, MAX_INFLATED - self.inflated + 1))
                    if not chunk:
                        break
                    if size == 0 and chunk.startswith(ARCHIVE_MAGIC):
                        raise UploadRefused(
                            f"The {kind} contains another archive or Office file inside it: it"
                            " cannot be accepted."
                        )
                    size += len(chunk)
                    self.inflated += len(chunk)
                    if self.inflated > MAX_INFLATED:
                        raise UploadRefused(
                            f"The {kind} unpacks to more than {MAX_INFLATED // MB} MB (it may be"
                            " a zip bomb): it cannot be accepted."
                        )
                    if size > RATIO_FLOOR and size > MAX_RATIO * max(entry.compress_size, 1):
                        raise UploadRefused(
                            f"The {kind} is compressed more than {MAX_RATIO} to 1 (it may be a"
                            " zip bomb): it cannot be accepted."
                        )
                    if xml is not None:
                        xml.feed(chunk)
        except (zipfile.BadZipFile, EOFError, OSError, zlib.error):
            raise UploadRefused(f"The {kind} is damaged: it cannot be read.") from None
        except NotImplementedError:
            raise UploadRefused(
                f"The {kind} uses a compression method that cannot be read."
            ) from None
        except RuntimeError:  # zipfile: an encrypted part
            raise UploadRefused(LOCKED_FILE) from None
        if xml is not None:
            xml.close()


def _directory_ends_the_file(content: bytes) -> bool:
    """Whether the zip's end-of-directory record (and its comment) ends the file exactly."""
    end = content.rfind(_END_OF_DIRECTORY, max(0, len(content) - 22 - 65535))
    if end < 0 or end + 22 > len(content):
        return False
    comment = int.from_bytes(content[end + 20 : end + 22], "little")
    return end + 22 + comment == len(content)


class _Discard:
    """A parser target that keeps nothing: the part is parsed to prove it is sound XML."""

    def start(self, tag, attrib):
        pass

    def end(self, tag):
        pass

    def data(self, data):
        pass

    def close(self):
        return None


class _XmlCheck:
    """One XML part, fed as it inflates: DOCTYPE looked for in its decoded start; parsed."""

    def __init__(self, name: str, kind: str, keep_whole: bool) -> None:
        self.name, self.kind = name, kind
        self.head = b""
        self.checked_head = False
        target = TreeBuilder() if keep_whole else _Discard()
        self.parser = DefusedXMLParser(target=target, forbid_dtd=True)

    def doctype(self) -> UploadRefused:
        return UploadRefused(
            f"The {self.kind} contains a DOCTYPE declaration, which is not allowed in Office"
            " files. Save it again from Excel or Word and upload it."
        )

    def unreadable(self) -> UploadRefused:
        """The refusal for a part the parser cannot read: a DOCTYPE's message if it has one."""
        if not self.checked_head:
            self._check_head(final=True)
        return UploadRefused(f"The {self.kind} is damaged ({self.name} cannot be read).")

    def feed(self, chunk: bytes) -> None:
        if not self.checked_head:
            self.head += chunk
            if len(self.head) >= HEAD:
                self._check_head(final=False)
        try:
            self.parser.feed(chunk)
        except DefusedXmlException:
            raise self.doctype() from None
        except (ParseError, ValueError, LookupError):
            raise self.unreadable() from None

    def _check_head(self, *, final: bool) -> None:
        self.checked_head = True
        text = _decode_declared(self.head, final=final)
        if text is None:
            raise UploadRefused(
                f"The {self.kind} is damaged ({self.name} is in an encoding that cannot be read)."
            )
        folded = text.casefold()
        if "<!doctype" in folded or "<!entity" in folded:
            raise self.doctype()

    def close(self) -> None:
        if not self.checked_head:
            self._check_head(final=True)
        try:
            root = self.parser.close()
        except DefusedXmlException:
            raise self.doctype() from None
        except (ParseError, ValueError, LookupError):
            raise self.unreadable() from None
        if root is None:
            return
        if self.name.endswith(".rels"):
            _check_relationships(root, self.kind)
        elif self.name == "[Content_Types].xml":
            for element in root.iter():
                if "macroenabled" in (element.get("ContentType") or "").lower():
                    raise UploadRefused(
                        f"The {self.kind} is a file with macros renamed. Save it as .docx or"
                        " .xlsx without macros and upload it again."
                    )


def _decode_declared(head: bytes, *, final: bool) -> str | None:
    """An XML part's start decoded by its byte-order mark or declared encoding; None if unknown."""
    boms = (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    )
    for bom, codec in boms:
        if head.startswith(bom):
            head, encoding = head[len(bom) :], codec
            break
    else:
        # No mark: the first characters "<?" tell the width and order (XML 1.0 appendix F).
        widths = {
            b"<\0\0\0": "utf-32-le",
            b"\0\0\0<": "utf-32-be",
            b"<\0?\0": "utf-16-le",
            b"\0<\0?": "utf-16-be",
        }
        encoding = widths.get(head[:4], "")
        if not encoding:
            declared = _DECLARED_ENCODING.match(head)
            encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    except LookupError:
        return None
    return decoder.decode(head, final=final)


def _check_relationships(root, kind: str) -> None:
    """Refuse a relationship that points outside the package, except a web or mail link."""
    for element in root.iter():
        if not isinstance(element.tag, str) or not element.tag.endswith("Relationship"):
            continue
        attributes = {key.rpartition("}")[2].lower(): value for key, value in element.items()}
        mode = (attributes.get("targetmode") or "").strip().lower()
        target = (attributes.get("target") or "").strip()
        kind_of = (attributes.get("type") or "").strip()
        outside = mode == "external" or "://" in target or target.startswith(("\\\\", "//"))
        if not outside:
            continue
        if kind_of.endswith("/hyperlink") and target.lower().startswith(_HYPERLINK_SCHEMES):
            continue
        what = kind_of.rpartition("/")[2] or "object"
        raise UploadRefused(
            f"The {kind} links to an outside template, image or object ({what}). Remove the"
            " link and upload it again."
        )
