"""Checks an uploaded Word file must pass before anything is stored (SECURITY.md UP-1).

Extension, then structure: a real zip within size limits (inflated with a byte counter, not
trusting headers), no DOCTYPE in any XML part, no macros, ActiveX, embedded objects or
external relationships.
"""

from __future__ import annotations

import io
import re
import zipfile

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
