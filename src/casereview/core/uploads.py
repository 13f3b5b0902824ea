"""Checks an uploaded file must pass before anything is stored (SECURITY.md UP-1).

``check_docx`` for Word letter templates; ``check_upload`` for any allowed kind (CSV, XLSX,
DOCX): extension allowlist, then magic bytes, then structure. A zip is inflated with a byte
counter (never trusting its headers) within size, entry and ratio limits; no DOCTYPE in any XML
part; no macros, ActiveX, embedded objects or external relationships; old and macro formats and
password-protected files refused with what to do instead. The file name is only ever displayed.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

MAX_BYTES = 10 * 1024 * 1024
MAX_INFLATED = 50 * 1024 * 1024
MAX_ENTRIES = 500
ACTIVE = re.compile(r"(vbaProject|activeX|oleObject|vbaData)", re.IGNORECASE)


class UploadRefused(ValueError):
    """A file refused, with a message that says why and what to do."""


def check_docx(name: str, content: bytes) -> None:
    lower = name.lower()
    if lower.endswith((".docm", ".dotm")):
        raise UploadRefused(
            "Files with macros cannot be uploaded. Save it as a .docx and try again."
        )
    if lower.endswith(".doc"):
        raise UploadRefused("This is an old Word file. Save it as .docx and upload it again.")
    if not lower.endswith(".docx"):
        raise UploadRefused("Upload a Word document saved as .docx.")
    if len(content) > MAX_BYTES:
        raise UploadRefused("The file is larger than 10 MB. Make it smaller and try again.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise UploadRefused("This is not a Word .docx file, or it is damaged.") from None
    if len(entries) > MAX_ENTRIES:
        raise UploadRefused("The Word file has too many parts to be a letter template.")
    names = {e.filename for e in entries}
    if "word/document.xml" not in names:
        if "EncryptedPackage" in content[:4096].decode("latin-1"):
            raise UploadRefused(
                "The file is password-protected. Remove the password and upload it again."
            )
        raise UploadRefused("This is not a Word .docx file, or it is damaged.")
    inflated = 0
    for entry in entries:
        if entry.filename.startswith(("/", "..")) or ".." in entry.filename.split("/"):
            raise UploadRefused("The Word file contains a part with an unsafe name.")
        if ACTIVE.search(entry.filename):
            raise UploadRefused(
                "The Word file contains macros or embedded objects. Remove them and try again."
            )
        with archive.open(entry) as part:
            data = b""
            while chunk := part.read(65536):
                inflated += len(chunk)
                if inflated > MAX_INFLATED:
                    raise UploadRefused(
                        "The Word file expands to more than 50 MB: it cannot be accepted."
                    )
                if entry.filename.endswith((".xml", ".rels")):
                    data += chunk
        if b"<!DOCTYPE" in data or b"<!doctype" in data:
            raise UploadRefused(
                "The Word file contains a DOCTYPE declaration, which is not allowed."
            )
        if (
            entry.filename.endswith(".rels")
            and b'TargetMode="External"' in data
            and any(kind in data for kind in (b"/attachedTemplate", b"/oleObject", b"/frame"))
        ):
            raise UploadRefused(
                "The Word file links to an outside template or object. Remove the link and try again."  # noqa: E501
            )


# -- Any upload: extension allowlist, then magic bytes, then structure (SECURITY.md UP-1) ------

CHUNK = 64 * 1024
MAX_NAME_CHARS = 255
MAX_RATIO = 100  # inflated : compressed, for parts big enough to matter
RATIO_FLOOR = 1024 * 1024  # a small part may compress very well and still be harmless
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# Bidirectional controls make "fdp.exe" look like "exe.pdf" (SECURITY.md 3.3 item 6).
BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
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
KIND_WORDS = {".csv": "CSV file", ".xlsx": "Excel .xlsx file", ".docx": "Word .docx file"}
# What other kinds of file start with: a CSV must be none of them.
NOT_TEXT = (
    (b"MZ", "a program"),
    (b"\x7fELF", "a program"),
    (b"%PDF", "a PDF"),
    (b"GIF8", "an image"),
    (b"\x89PNG", "an image"),
    (b"\xff\xd8\xff", "an image"),
    (ZIP_MAGIC, "a zip or Office file"),
    (OLE_MAGIC, "an old Office file"),
)
MARKUP = re.compile(rb"^\s*<(?:!doctype|html|svg|\?xml|script|head|body)", re.IGNORECASE)
EXTERNAL = re.compile(rb"<Relationship\b[^>]*>", re.IGNORECASE)


def display_name(name: str) -> str:
    """The uploaded file's name for people to read: control characters and folders dropped.

    It is only ever shown and put in a Content-Disposition header; the stored file gets a
    random name (SECURITY.md UP-3).
    """
    name = CONTROL.sub("", name).replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name or "upload"


def check_upload(
    name: str, content: bytes, allowed: tuple[str, ...] = (".csv", ".xlsx", ".docx")
) -> str:
    """Refuse a file that is not safely one of the allowed kinds; return its extension.

    Extension allowlist AND magic bytes AND structure: a zip is inflated with a byte counter
    (never trusting its headers), and every XML part is searched for a DOCTYPE.
    """
    words = " or ".join(allowed)
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
    shown = display_name(name)
    extension = "." + shown.rsplit(".", 1)[-1].lower() if "." in shown else ""
    if extension in OLD_FORMATS:
        raise UploadRefused(
            f"{extension} is an old Office format. Save it as .xlsx/.docx"
            f" ({OLD_FORMATS[extension]}) and upload it again."
        )
    if extension in MACRO_FORMATS:
        raise UploadRefused(
            f"Files that can hold macros ({extension}) cannot be uploaded. Save it as .xlsx/.docx"
            f" ({MACRO_FORMATS[extension]}) without macros and upload it again."
        )
    if extension not in allowed:
        raise UploadRefused(
            f"Upload a {words} file. This file's name ends in {extension or 'no extension'}."
        )
    if not content:
        raise UploadRefused("The file is empty. Check you chose the right file.")
    if len(content) > MAX_BYTES:
        raise UploadRefused(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB. Split it or remove images,"
            " and upload it again."
        )
    if content.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in content or b"EncryptedPackage" in content:
            raise UploadRefused(
                "The file is password-protected. Remove the password and upload it again."
            )
        raise UploadRefused(
            "This is an old-format Office file (it may contain macros). Save it as .xlsx/.docx"
            " and upload it again."
        )
    if extension == ".csv":
        _check_text(content)
    else:
        _check_ooxml(content, extension)
    return extension


def _a(words: str) -> str:
    return ("an " if words[0] in "AEIOU" else "a ") + words


def _check_text(content: bytes) -> None:
    head = content[:8192]
    for magic, what in NOT_TEXT:
        if head.startswith(magic):
            raise UploadRefused(
                f"This file is named .csv but it is {what}. Upload the chronology saved as a CSV"
                " (comma-separated values) file."
            )
    if MARKUP.match(head):
        raise UploadRefused(
            "This file is named .csv but it is a web page or markup. Upload the chronology saved"
            " as a CSV (comma-separated values) file."
        )
    if not head.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" in head:
        raise UploadRefused(
            "This file is named .csv but it is not text. Upload the chronology saved as a CSV"
            " (comma-separated values) file."
        )


def _check_ooxml(content: bytes, extension: str) -> None:
    kind = KIND_WORDS.get(extension, extension)
    if not content.startswith(ZIP_MAGIC):
        raise UploadRefused(
            f"This file is named {extension} but it is not a real {kind}: its contents do not"
            " match its name. Open it and save it again as " + extension + "."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError):
        raise UploadRefused(f"This is not a {kind}, or it is damaged.") from None
    if len(entries) > MAX_ENTRIES:
        raise UploadRefused(
            f"The file has more than {MAX_ENTRIES} parts, which a chronology never needs: it"
            " cannot be accepted."
        )
    names = {e.filename for e in entries}
    if "EncryptedPackage" in names or any(e.flag_bits & 0x1 for e in entries):
        raise UploadRefused(
            "The file is password-protected. Remove the password and upload it again."
        )
    main = OOXML_MAIN_PART.get(extension)
    if "[Content_Types].xml" not in names or (main and main not in names):
        other = next((k for k, part in OOXML_MAIN_PART.items() if part in names), None)
        if other and other != extension:
            raise UploadRefused(
                f"This file is named {extension} but it is {_a(KIND_WORDS[other])}. Give it the"
                f" right name ({other}) and upload it again."
            )
        raise UploadRefused(f"This is not a {kind}, or it is damaged.")
    inflated = 0
    for entry in entries:
        inflated = _check_part(archive, entry, inflated, kind)


def _check_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, inflated: int, kind: str) -> int:
    name = entry.filename
    if (
        name.startswith(("/", "\\"))
        or "\\" in name
        or re.match(r"^[A-Za-z]:", name)
        or ".." in name.split("/")
    ):
        raise UploadRefused(
            f"The {kind} contains a part with an unsafe name: it cannot be accepted."
        )
    if (entry.external_attr >> 16) & 0o170000 == 0o120000:
        raise UploadRefused(f"The {kind} contains a link to another file: it cannot be accepted.")
    if ACTIVE.search(name) or "/embeddings/" in name:
        raise UploadRefused(
            f"The {kind} contains macros, ActiveX controls or embedded objects. Remove them, save"
            " it again and upload it."
        )
    is_xml = name.endswith((".xml", ".rels", ".vml")) or name == "[Content_Types].xml"
    data = bytearray()
    size = 0
    try:
        with archive.open(entry) as part:
            while chunk := part.read(CHUNK):
                size += len(chunk)
                if inflated + size > MAX_INFLATED:
                    raise UploadRefused(
                        f"The {kind} unpacks to more than {MAX_INFLATED // (1024 * 1024)} MB"
                        " (it may be a zip bomb): it cannot be accepted."
                    )
                if size > RATIO_FLOOR and size > MAX_RATIO * max(entry.compress_size, 1):
                    raise UploadRefused(
                        f"The {kind} is compressed more than {MAX_RATIO} to 1 (it may be a zip"
                        " bomb): it cannot be accepted."
                    )
                if size == len(chunk) and chunk.startswith((ZIP_MAGIC, OLE_MAGIC)):
                    raise UploadRefused(
                        f"The {kind} contains another archive or Office file inside it: it"
                        " cannot be accepted."
                    )
                if is_xml:
                    data += chunk
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error):
        raise UploadRefused(f"The {kind} is damaged: it cannot be read.") from None
    except NotImplementedError:
        raise UploadRefused(f"The {kind} uses a compression method that cannot be read.") from None
    except RuntimeError:  # zipfile: an encrypted part
        raise UploadRefused(
            "The file is password-protected. Remove the password and upload it again."
        ) from None
    if is_xml:
        upper = bytes(data).upper()
        if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
            raise UploadRefused(
                f"The {kind} contains a DOCTYPE declaration, which is not allowed in Office"
                " files. Save it again from Excel or Word and upload it."
            )
        if name.endswith(".rels"):
            for relationship in EXTERNAL.findall(bytes(data)):
                if b'targetmode="external"' in relationship.lower() and not re.search(
                    rb'Type="[^"]*/hyperlink"', relationship
                ):
                    raise UploadRefused(
                        f"The {kind} links to an outside template, image or object. Remove the"
                        " link and upload it again."
                    )
    return inflated + size
