"""Anonymising .docx: every part treated, nothing of the key left, formatting kept (DOC-1)."""

from __future__ import annotations

import io
import zipfile

import docx
import openpyxl
import pytest
from lxml import etree
from PIL import Image

from casereview.anonymisation import docx_parts
from casereview.anonymisation.anonymise import AnonymiseError, Anonymiser
from casereview.anonymisation.keyref import parse_key_csv, read_key_csv
from casereview.anonymisation.tests.fixtures import KEY_CSV, all_parts, leaks, leaky_docx
from casereview.samples import SAMPLES

KEY = parse_key_csv(KEY_CSV)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SAMPLE_DOCX = str(SAMPLES / "imr-school.docx")
SAMPLE_KEY = str(SAMPLES / "key-reference.csv")


@pytest.fixture(scope="module")
def leaky() -> bytes:
    return leaky_docx()


@pytest.fixture(scope="module")
def anonymised(leaky) -> tuple[bytes, dict]:
    out, report = Anonymiser(KEY).anonymise_docx(leaky)
    return out, report.as_json()


def xml(data: bytes, part: str) -> etree._Element:
    return etree.fromstring(all_parts(data)[part])


def test_the_fixture_plants_identifiers_in_every_part(leaky):
    parts = {leak.split(":")[0] for leak in leaks(leaky)}
    assert {
        "word/document.xml",
        "word/header1.xml",
        "word/footer1.xml",
        "word/footnotes.xml",
        "word/endnotes.xml",
        "word/comments.xml",
        "word/people.xml",
        "word/settings.xml",
        "word/_rels/document.xml.rels",
        "docProps/core.xml",
        "docProps/app.xml",
        "docProps/custom.xml",
        "docProps/thumbnail.jpeg",
        "word/media/photo.jpeg",
        "word/media/image1.png",
    } <= parts


def test_no_identifier_survives_in_any_part(anonymised):
    out, _ = anonymised
    assert leaks(out) == []


def test_comments_people_custom_properties_and_thumbnail_are_removed(anonymised):
    out, report = anonymised
    names = set(all_parts(out))
    for part in ("word/comments.xml", "word/people.xml", "docProps/custom.xml"):
        assert part not in names
        assert "/" + part not in all_parts(out)["[Content_Types].xml"].decode()
    assert not any(name.startswith("docProps/thumbnail") for name in names)
    rels = all_parts(out)["word/_rels/document.xml.rels"].decode()
    assert "comments.xml" not in rels
    assert "people.xml" not in rels
    assert "thumbnail" not in all_parts(out)["_rels/.rels"].decode()
    removed = {item["part"] for item in report["removed"]}
    assert {"word/comments.xml", "word/people.xml", "docProps/custom.xml"} <= removed


def test_tracked_changes_are_accepted_and_no_author_survives(anonymised):
    out, _ = anonymised
    for name, content in all_parts(out).items():
        if not name.endswith(".xml"):
            continue
        root = etree.fromstring(content)
        for tag in ("ins", "del", "delText", "moveFrom", "moveTo", "rPrChange", "comment"):
            assert root.find(f".//{W}{tag}") is None, (name, tag)
        for tag in ("commentRangeStart", "commentRangeEnd", "commentReference"):
            assert root.find(f".//{W}{tag}") is None, (name, tag)
        assert not root.xpath("//@*[local-name()='author']"), name
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(out)).paragraphs)
    assert "Seen by Lodger at home." in text
    assert "Moved text." in text
    assert "Moved from" not in text


def test_hidden_text_is_removed(anonymised):
    out, _ = anonymised
    body = xml(out, "word/document.xml")
    assert body.find(f".//{W}vanish") is None
    assert "Hidden note" not in all_parts(out)["word/document.xml"].decode()


def test_core_and_app_properties_are_reset(leaky):
    out, _ = Anonymiser(KEY, author="Northbrook Safeguarding Partnership").anonymise_docx(leaky)
    core = docx.Document(io.BytesIO(out)).core_properties
    assert core.author == "Northbrook Safeguarding Partnership"
    assert core.last_modified_by == "Northbrook Safeguarding Partnership"
    assert (core.title, core.subject, core.keywords, core.comments, core.category) == ("",) * 5
    app = all_parts(out)["docProps/app.xml"].decode()
    assert "<Company></Company>" in app or "<Company/>" in app
    assert "Larkfield" not in app


def test_replacements_keep_the_formatting_of_the_first_run(anonymised):
    out, _ = anonymised
    document = docx.Document(io.BytesIO(out))
    paragraph = document.paragraphs[1]
    assert paragraph.text == "Child A's mother, Mother, spoke to Social Worker 1."
    mother = next(run for run in paragraph.runs if run.text == "Mother")
    assert mother.bold
    split = next(p for p in document.paragraphs if p.text.endswith("was seen."))
    assert split.text == "Child A was seen."
    assert split.runs[0].bold
    assert split.runs[0].text == "Child A"
    assert split.runs[2].italic
    assert split.runs[2].text == " was seen."


def test_every_part_is_treated_with_consistent_labels(anonymised):
    out, _ = anonymised
    parts = {name: content.decode("utf-8", "replace") for name, content in all_parts(out).items()}
    assert "Prepared by Social Worker 1" in parts["word/footer1.xml"]
    assert "Confidential: [family name] family" in parts["word/header1.xml"]
    assert "Told by Health Visitor 1 on [phone]." in parts["word/footnotes.xml"]
    assert "Records of Centre 1, [postcode]." in parts["word/endnotes.xml"]
    assert parts["word/document.xml"].count("Box: Lodger and Child A") == 2  # choice and fallback
    assert 'descr="Photo of Child A"' in parts["word/document.xml"]
    assert 'descr="Box about Lodger"' in parts["word/document.xml"]
    assert 'w:val="Name of Child A"' in parts["word/document.xml"]
    assert "AUTHOR Social Worker 1" in parts["word/document.xml"]
    assert 'Target="mailto:[email]"' in parts["word/_rels/document.xml.rels"]
    assert 'w:val="Health Visitor 1"' in parts["word/settings.xml"]
    table = docx.Document(io.BytesIO(out)).tables[0]
    assert [c.text for c in table.rows[1].cells] == ["Father", "Father, phone [phone]"]


def test_image_metadata_is_stripped_and_images_still_open(anonymised):
    out, _ = anonymised
    parts = all_parts(out)
    for name in ("word/media/photo.jpeg", "word/media/image1.png"):
        Image.open(io.BytesIO(parts[name])).load()
    assert b"\xff\xe1" not in parts["word/media/photo.jpeg"][:200]
    assert b"tEXt" not in parts["word/media/image1.png"]


def test_the_output_opens_in_python_docx_and_checks_clean(anonymised):
    out, _ = anonymised
    document = docx.Document(io.BytesIO(out))
    assert document.paragraphs
    _, again = Anonymiser(KEY).anonymise_docx(out)
    assert not again.changes_anything
    assert again.as_json() == {
        "replacements": [],
        "redactions": [],
        "removed": [],
        "possible_identifiers": [],
    }


def test_the_output_is_byte_identical_on_every_run(leaky, anonymised):
    out, _ = anonymised
    again, _ = Anonymiser(KEY).anonymise_docx(leaky)
    assert again == out
    with zipfile.ZipFile(io.BytesIO(out)) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_the_report_counts_names_redactions_and_removals(anonymised):
    _, report = anonymised
    replaced = {(r["text"], r["label"]) for r in report["replacements"]}
    assert ("Tobias Quenby", "Child A") in replaced
    assert ("Quenby", "[family name]") in replaced
    kinds = {r["kind"] for r in report["redactions"]}
    assert kinds == {
        "postcode",
        "nhs-number",
        "ni-number",
        "phone",
        "email",
        "date-of-birth",
        "address",
    }
    assert all(item["count"] > 0 for item in report["removed"])


def test_the_sample_imr_is_anonymised():
    data = open(SAMPLE_DOCX, "rb").read()  # noqa: SIM115 -- read once, closed at exit
    key = read_key_csv(SAMPLE_KEY)
    out, report = Anonymiser(key).anonymise_docx(data)
    text = [p.text for p in docx.Document(io.BytesIO(out)).paragraphs]
    assert text == [
        "Individual Management Review: School 1",
        "Child B (born [date of birth]) joined School 1 in September 2023 and lived with her "
        "mother Mother at [address], Southvale [postcode].",
        "Child B's teacher, Teacher 1, noticed that Child B was often hungry. Child B said that "
        "Mother's friend, her mother's friend, shouted at her.",
        "Ms [family name]'s phone number is [phone].",
    ]
    assert report.possible_identifiers == []
    assert "Rachel Stone" not in all_parts(out)["docProps/core.xml"].decode()
    _, again = Anonymiser(key).anonymise_docx(out)
    assert not again.changes_anything


def test_only_chosen_categories_are_replaced_in_a_document(leaky):
    out, _ = Anonymiser(KEY, categories=["professional"]).anonymise_docx(leaky)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(out)).paragraphs)
    assert "Social Worker 1" in text
    assert "Marnie" in text


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, value in parts.items():
            archive.writestr(name, value)
    return out.getvalue()


def test_a_doctype_in_any_part_is_refused(leaky):
    parts = all_parts(leaky)
    parts["word/footnotes.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "Quenby">]><x>&e;</x>'
    )
    with pytest.raises(AnonymiseError, match="DOCTYPE"):
        Anonymiser(KEY).anonymise_docx(_zip(parts))


def test_a_file_that_is_not_a_word_document_is_refused():
    with pytest.raises(AnonymiseError, match="not a zip"):
        Anonymiser(KEY).anonymise_docx(b"plain text, not a zip")
    with pytest.raises(AnonymiseError, match="not a Word document"):
        Anonymiser(KEY).anonymise_docx(_zip({"a.txt": b"x"}))


def test_an_oversized_document_is_refused(leaky, monkeypatch):
    monkeypatch.setattr(docx_parts, "MAX_TOTAL_BYTES", 10_000)
    with pytest.raises(AnonymiseError, match="too large"):
        Anonymiser(KEY).anonymise_docx(leaky)


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b" " * (64 * 1024 * 1024))
    with pytest.raises(AnonymiseError, match="too large"):
        Anonymiser(KEY).anonymise_docx(bomb.getvalue())


def test_a_name_glued_to_the_next_run_is_still_replaced():
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("Seen by Priya Halloway")
    paragraph.add_run("RUTH STONE today")
    buffer = io.BytesIO()
    document.save(buffer)
    out, _ = Anonymiser(KEY).anonymise_docx(buffer.getvalue())
    text = docx.Document(io.BytesIO(out)).paragraphs[0].text
    for word in ("Priya", "Halloway", "RUTH", "STONE"):
        assert word not in text


def test_the_key_dates_of_birth_are_redacted(leaky):
    out, _ = Anonymiser(KEY).anonymise_docx(leaky)
    parts = all_parts(out)
    assert "02/04/2016" not in parts["word/document.xml"].decode()


def test_an_embedded_word_document_is_anonymised_too(leaky):
    parts = all_parts(leaky)
    parts["word/embeddings/Microsoft_Word_Document1.docx"] = leaky
    out, report = Anonymiser(KEY).anonymise_docx(_zip(parts))
    inner = all_parts(out)["word/embeddings/Microsoft_Word_Document1.docx"]
    assert leaks(inner) == []
    assert any(item["part"].startswith("word/embeddings/") for item in report.as_json()["removed"])


def test_an_imported_html_chunk_is_anonymised(leaky):
    parts = all_parts(leaky)
    parts["word/afchunk.htm"] = b"<html><body><p>Tobias Quenby, LK4 7QP</p></body></html>"
    out, _ = Anonymiser(KEY).anonymise_docx(_zip(parts))
    assert all_parts(out)["word/afchunk.htm"] == (
        b"<html><body><p>Child A, [postcode]</p></body></html>"
    )


def test_a_damaged_or_truncated_document_is_refused_cleanly(leaky):
    damaged = bytearray(leaky)
    with zipfile.ZipFile(io.BytesIO(leaky)) as archive:
        info = archive.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 50
    for index in range(start, start + 200):
        damaged[index] ^= 0x5A
    for data in (bytes(damaged), leaky[: len(leaky) // 2]):
        with pytest.raises(AnonymiseError):
            Anonymiser(KEY).anonymise_docx(data)


def test_table_alt_text_and_wordart_are_anonymised():
    document = docx.Document()
    table = document.add_table(rows=1, cols=1)
    table.cell(0, 0).text = "Contacts"
    properties = table._tbl.tblPr
    for tag, value in (
        ("tblCaption", "Tobias Quenby"),
        ("tblDescription", "Calls to 07700 900461"),
    ):
        element = properties.makeelement(f"{W}{tag}", {f"{W}val": value})
        properties.append(element)
    buffer = io.BytesIO()
    document.save(buffer)
    parts = all_parts(buffer.getvalue())
    wordart = (
        '<w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" id="WordArt1">'
        '<v:textpath string="Marnie Quenby"/></v:shape></w:pict></w:r></w:p>'
    )
    parts["word/document.xml"] = (
        parts["word/document.xml"].decode().replace("<w:sectPr", wordart + "<w:sectPr", 1).encode()
    )
    out, _ = Anonymiser(KEY).anonymise_docx(_zip(parts))
    body = all_parts(out)["word/document.xml"].decode()
    assert 'w:val="Child A"' in body
    assert 'w:val="Calls to [phone]"' in body
    assert 'string="Mother"' in body


def test_an_embedded_workbook_is_anonymised_too(leaky):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Contacts"
    sheet["A1"] = "Tobias Quenby"
    sheet["A2"] = "Call 07700 900461"
    workbook.properties.creator = "Ruth Stone"
    buffer = io.BytesIO()
    workbook.save(buffer)
    parts = all_parts(leaky)
    parts["word/embeddings/Microsoft_Excel_Worksheet.xlsx"] = buffer.getvalue()
    out, _ = Anonymiser(KEY).anonymise_docx(_zip(parts))
    inner = all_parts(out)["word/embeddings/Microsoft_Excel_Worksheet.xlsx"]
    assert leaks(inner) == []
    cells = openpyxl.load_workbook(io.BytesIO(inner)).active
    assert (cells["A1"].value, cells["A2"].value) == ("Child A", "Call [phone]")


# -- what cannot be treated is dropped and listed (ISSUE7 item 4) ------------------------------

_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _family_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("family.txt", "Tobias Quenby lives with Marnie Quenby.")
    return out.getvalue()


def _with_outside_links(leaky: bytes) -> bytes:
    parts = all_parts(leaky)
    parts["word/_rels/settings.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlfo'
        'rmats.org/package/2006/relationships">'
        f"<Relationship Id='rId1' Type='{_R}/attachedTemplate'"
        " Target='http://evil.test/t.dotm' TargetMode='External'/>"
        f'<Relationship Id = "rId2" Type = "{_R}/image" Target = "http://evil.test/p.png"'
        ' TargetMode = "External"/>'
        f'<Relationship Id="rId3" Type="{_R}/hyperlink" Target="file://evil.test/share"'
        ' TargetMode="External"/>'
        f'<Relationship Id="rId4" Type="{_R}/hyperlink" Target="https://www.gov.uk/"'
        ' TargetMode="External"/>'
        "</Relationships>"
    ).encode()
    return _zip(parts)


def test_outside_relationships_are_dropped_and_listed_but_web_links_kept(leaky):
    out, report = Anonymiser(KEY).anonymise_docx(_with_outside_links(leaky))
    rels = all_parts(out)["word/_rels/settings.xml.rels"].decode()
    assert "evil.test" not in rels
    assert "https://www.gov.uk/" in rels
    assert report.dropped["word/_rels/settings.xml.rels"] == (
        "outside links (attachedTemplate, hyperlink, image)"
    )
    assert {"part": "word/_rels/settings.xml.rels", "count": 3} in report.as_json()["removed"]


def test_embedded_objects_archives_macro_workbooks_and_unknown_parts_are_dropped(leaky):
    parts = all_parts(leaky)
    planted = {
        "word/embeddings/Book1.xlsm": _family_zip(),
        "word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1Tobias Quenby",
        "word/vbaProject.bin": b"Attribute VB_Name Marnie Quenby",
        "word/activeX/activeX1.bin": b"\1\2Tobias",
        "word/family.zip": _family_zip(),
        "word/media/image9.png": _family_zip(),  # a zip under an image's name
        "word/fonts/font1.odttf": b"\0\1Tobias Quenby",
        "word/printerSettings/printerSettings1.bin": b"\\\\QUENBY-PC\\printer",
    }
    parts.update(planted)
    out, report = Anonymiser(KEY).anonymise_docx(_zip(parts))
    kept = all_parts(out)
    for name in planted:
        assert name not in kept
        assert name in report.dropped
        assert {"part": name, "count": 1} in report.as_json()["removed"]
    assert b"Quenby" not in out
    assert report.dropped["word/family.zip"] == "an embedded archive that cannot be anonymised"
    assert report.dropped["word/embeddings/Book1.xlsm"] == "an embedded file with macros"


def test_what_referred_to_a_dropped_object_goes_with_it(leaky):
    parts = all_parts(leaky)
    parts["word/embeddings/oleObject1.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    rels = parts["word/_rels/document.xml.rels"].decode()
    parts["word/_rels/document.xml.rels"] = rels.replace(
        "</Relationships>",
        f'<Relationship Id="rIdOle" Type="{_R}/oleObject" Target="embeddings/oleObject1.bin"/>'
        "</Relationships>",
    ).encode()
    document = parts["word/document.xml"].decode()
    parts["word/document.xml"] = document.replace(
        "</w:body>",
        '<w:p><w:r><w:object><o:OLEObject xmlns:o="urn:schemas-microsoft-com:office:office"'
        f' xmlns:r="{_R}" ProgID="Excel.Sheet.12" r:id="rIdOle"/></w:object></w:r></w:p>'
        "</w:body>",
    ).encode()
    out, _ = Anonymiser(KEY).anonymise_docx(_zip(parts))
    kept = all_parts(out)
    assert b"rIdOle" not in kept["word/_rels/document.xml.rels"]
    assert b"OLEObject" not in kept["word/document.xml"]


def test_a_document_anonymised_has_nothing_left_to_drop(leaky):
    out, _ = Anonymiser(KEY).anonymise_docx(_with_outside_links(leaky))
    _, again = Anonymiser(KEY).anonymise_docx(out)
    assert not again.dropped
    assert not again.removed
