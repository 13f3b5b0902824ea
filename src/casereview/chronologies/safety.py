"""The chronology reader's file checks: thin callers of the one upload gate (``core.uploads``).

The web pages check every upload with ``core.uploads.check_upload`` before the reader sees it.
The ``casereview`` command reads the person's own files, so it keeps no byte limit (ISSUE7 item
7), but a .xlsx or .docx still goes through the gate's package rules (archive bombs, DOCTYPEs,
macros, outside links) before openpyxl or python-docx parse anything.
"""

from __future__ import annotations

import os
import re
import zipfile


class UnsafeFileError(ValueError):
    """The file is refused before parsing; the message says why in plain words."""


def check_size(path: str | os.PathLike[str]) -> int:
    """The file's size in bytes, refusing an empty file."""
    size = os.stat(path).st_size
    if size == 0:
        raise UnsafeFileError("the file is empty")
    return size


def check_office_zip(path: str | os.PathLike[str], kind: str) -> None:
    """Refuse a .xlsx/.docx that breaks a rule of the upload gate (``check_package``)."""
    # Imported here: a CSV-only run of the command never loads Django's upload machinery.
    from casereview.core.uploads import (
        OLE_MAGIC,
        UploadRefused,
        check_package,
        is_encrypted_package,
    )

    with open(path, "rb") as handle:
        content = handle.read()
    if content.startswith(OLE_MAGIC):
        if is_encrypted_package(content):
            raise UnsafeFileError("it is password-protected; remove the password and try again")
        raise UnsafeFileError(
            f"it is not a {kind} file: it is password-protected or in the old Office format;"
            f" remove the password, or save it as {kind}, and try again"
        )
    try:
        check_package(content, kind)
    except UploadRefused as refusal:
        text = str(refusal).rstrip(".")
        raise UnsafeFileError(text[:1].lower() + text[1:]) from None


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
