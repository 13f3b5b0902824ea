"""Checks for the files this app accepts, before anything is stored (SECURITY.md UP-1).

Word documents go through the shared ``core.uploads.check_docx``; plain text and Markdown
documents, and the key reference CSV, are checked here: size, a known text encoding, no NUL or
other control bytes, and content that is text, not a renamed archive, PDF or web page.
"""

from __future__ import annotations

import re

from casereview.core.uploads import UploadRefused, check_docx

DOCUMENT_SUFFIXES = (".docx", ".txt", ".md")
MAX_TEXT_BYTES = 2 * 1024 * 1024
MAX_CSV_BYTES = 1024 * 1024
MAX_NAME = 200
# Controls other than tab, line feed, form feed and carriage return never occur in text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_BINARY_STARTS = (b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")
_MARKUP_STARTS = ("<!doctype", "<html", "<svg", "<?xml", "<script", "<body", "<head")


def suffix_of(name: str) -> str:
    base = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].lower()
    return base[base.rfind(".") :] if "." in base else ""


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


def _check_text_content(content: bytes, what: str) -> str:
    if b"\x00" in content or content.startswith(_BINARY_STARTS):
        raise UploadRefused(f"The file is not {what}: it holds binary data.")
    text = decode_text(content)
    if _CONTROL.search(text):
        raise UploadRefused(f"The file is not {what}: it holds control characters.")
    if text.lstrip().lower().startswith(_MARKUP_STARTS):
        raise UploadRefused(f"The file is a web page or markup, not {what}.")
    return text


def check_name(name: str) -> None:
    if len(name) > MAX_NAME:
        raise UploadRefused(
            f"The file name is longer than {MAX_NAME} characters. Rename the file and try again."
        )


def check_document(name: str, content: bytes) -> None:
    """Refuse, with a message saying why, any document that is not a safe .docx, .txt or .md."""
    check_name(name)
    suffix = suffix_of(name)
    if suffix in (".docx", ".docm", ".dotm", ".doc"):
        check_docx(name, content)
        return
    if suffix not in DOCUMENT_SUFFIXES:
        raise UploadRefused(
            "Upload a Word document (.docx) or a text file (.txt or .md). "
            "Save a PDF or other file as .docx first."
        )
    if not content:
        raise UploadRefused("The file is empty.")
    if len(content) > MAX_TEXT_BYTES:
        raise UploadRefused("The text file is larger than 2 MB. Make it smaller and try again.")
    _check_text_content(content, "a text file")


def check_csv(name: str, content: bytes) -> str:
    """The text of an uploaded key reference CSV, or a refusal saying why."""
    check_name(name)
    if suffix_of(name) != ".csv":
        raise UploadRefused("Upload the key reference as a .csv file.")
    if not content:
        raise UploadRefused("The file is empty.")
    if len(content) > MAX_CSV_BYTES:
        raise UploadRefused("The CSV file is larger than 1 MB. Make it smaller and try again.")
    return _check_text_content(content, "a CSV file")


__all__ = ["UploadRefused", "check_csv", "check_document", "decode_text", "suffix_of"]
