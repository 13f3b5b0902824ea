"""Refuse chronology files that are too big, are archive bombs or carry XML entity tricks.

SECURITY.md UP-1 asks for specific messages and bounded work on hostile uploads. This is the
defensive minimum for the chronology reader, kept here until a shared upload gate exists: it looks
at the bytes before openpyxl or python-docx parse anything.
"""

from __future__ import annotations

import os
import re
import zipfile

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_INFLATED_BYTES = 50 * 1024 * 1024
MAX_ZIP_ENTRIES = 500
_CHUNK = 64 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UnsafeFileError(ValueError):
    """The file is refused before parsing; the message says why in plain words."""


def check_size(path: str | os.PathLike[str]) -> int:
    """The file's size in bytes, refusing empty files and files over MAX_FILE_BYTES."""
    size = os.stat(path).st_size
    if size == 0:
        raise UnsafeFileError("the file is empty")
    if size > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        raise UnsafeFileError(f"the file is larger than {limit} MB; split it or remove images")
    return size


def check_office_zip(path: str | os.PathLike[str], kind: str) -> None:
    """Refuse a .xlsx/.docx that is not a zip, inflates too far, or has a DOCTYPE in any part.

    The inflated size is counted while streaming, because a zip's directory can lie about it.
    """
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head == _OLE_MAGIC:
        raise UnsafeFileError(
            f"it is not a {kind} file: it is password-protected or in the old Office format;"
            f" remove the password, or save it as {kind}, and try again"
        )
    if not head.startswith(b"PK"):
        raise UnsafeFileError(f"it is not a {kind} file (it may be another kind of file renamed)")
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise UnsafeFileError(f"it is not a usable {kind} file (too many parts)")
            inflated = 0
            for entry in entries:
                inflated = _scan_entry(archive, entry, inflated, kind)
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError) as exc:
        raise UnsafeFileError(f"it is not a valid {kind} file ({exc})") from exc
    except RuntimeError as exc:  # zipfile raises RuntimeError for encrypted entries
        message = f"it is encrypted; remove the password and try again ({exc})"
        raise UnsafeFileError(message) from exc


def _scan_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, inflated: int, kind: str) -> int:
    """Inflate one part with a byte counter, looking for <!DOCTYPE; the new running total."""
    is_xml = entry.filename.endswith((".xml", ".rels", ".vml"))
    tail = b""
    with archive.open(entry) as part:
        while chunk := part.read(_CHUNK):
            inflated += len(chunk)
            if inflated > MAX_INFLATED_BYTES:
                limit = MAX_INFLATED_BYTES // (1024 * 1024)
                message = f"it is not a usable {kind} file (it unpacks to over {limit} MB)"
                raise UnsafeFileError(message)
            if is_xml:
                window = (tail + chunk).upper()
                # DTDs carry external entities and entity bombs; OOXML never needs one.
                if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                    raise UnsafeFileError(f"it is not a usable {kind} file (it declares a DOCTYPE)")
                tail = chunk[-16:]
    return inflated


MAX_MERGED_CELLS = 100_000
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"')


def check_xlsx_merges(path: str | os.PathLike[str]) -> None:
    """Refuse a workbook whose merged ranges cover more than MAX_MERGED_CELLS cells.

    openpyxl makes an object for every cell of a merged range when it loads a sheet, so one
    range of a million cells would take it a long time (call after check_office_zip).
    """
    covered = 0
    with zipfile.ZipFile(path) as archive:
        for entry in archive.infolist():
            if not entry.filename.startswith("xl/worksheets/") or not entry.filename.endswith(
                ".xml"
            ):
                continue
            for match in _MERGE_REF.finditer(archive.read(entry)):
                rows = abs(int(match[4]) - int(match[2])) + 1
                columns = abs(_column_number(match[3]) - _column_number(match[1])) + 1
                covered += rows * columns
                if covered > MAX_MERGED_CELLS:
                    raise UnsafeFileError(
                        "it is not a usable .xlsx file (its merged cells cover over"
                        f" {MAX_MERGED_CELLS:,} cells); unmerge them and try again"
                    )


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number
