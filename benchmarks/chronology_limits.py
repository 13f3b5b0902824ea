"""Benchmark reading files at the upload limits: a chronology and a key reference.

ISSUE 7: a file at the limits is parsed within 2 s and 256 MB. Measured here, each in a child
process of its own (best of 3; imports not counted in the time, counted in the memory):
- a CSV chronology of about 10 MB, 20,000 rows x 50 columns, read and checked;
- the same rows as an XLSX workbook written as Excel writes it (shared strings, dates as
  serial numbers with a date style), read and checked;
- a key reference CSV of 2,000 people, read, and its genogram (a family line of 2,000 people
  with partners, parents and siblings) drawn.
The limit is on the CPU time of the parse (``time.process_time``: steadier than wall time on a
shared machine; the time with the checks, and wall time, are printed beside it) and on the
child's peak memory (``ru_maxrss``).

Run: ``.venv/bin/python benchmarks/chronology_limits.py`` (``--keep DIR`` keeps the files).
The data is synthetic and seeded: invented agencies and "Child A"-style people.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import zipfile
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

ROWS = 20_000
COLUMNS = 50
KEY_ENTRIES = 2_000
TARGET_BYTES = 10 * 1024 * 1024
RUNS = 3
MAX_SECONDS = 2.0
MAX_PEAK_MB = 256
SEED = 20261201

HEADER = [
    "DATE",
    "CONTACT WITH CHILD (inc direct contact, medical information, reports, observations)",
    "CONTACT WITH PARENTS/CARERS and other family members",
    "INTER/INTRA-AGENCY COMMUNICATION Internal / interagency phone calls/letters etc",
    "SOURCE OF RECORD",
    "STAFF INVOLVED",
    "COMMENT",
    *(f"EXTRA {n}" for n in range(1, COLUMNS - 6)),
]
SENTENCE = (
    "Child A seen at home with Mother A by the health visitor; weight and feeding discussed,"
    " no concerns raised. Social worker told of the missed appointment and a joint visit"
    " planned with the school nurse for the following week after the strategy meeting."
)
WORDS = SENTENCE.split()


def _text(rng: random.Random, words: int) -> str:
    start = rng.randrange(len(WORDS))
    return " ".join(WORDS[(start + n) % len(WORDS)] for n in range(words))


def chronology_rows(rng: random.Random) -> list[list[object]]:
    """ROWS rows of COLUMNS cells, about TARGET_BYTES as CSV: a date, then text of all lengths."""
    start = date(2021, 1, 4)
    rows: list[list[object]] = []
    # Extra columns short, the narrative long: about 10 MB in all (measured when written).
    for _ in range(ROWS):
        when = start + timedelta(days=rng.randrange(0, 3 * 365))
        rows.append(
            [
                when,
                _text(rng, rng.randrange(18, 40)),
                _text(rng, rng.randrange(0, 20)),
                _text(rng, rng.randrange(0, 12)),
                "Case notes",
                rng.choice(["AB", "CD", "EF"]),
                _text(rng, rng.randrange(0, 6)),
                *(f"x{rng.randrange(1000)}" for _ in range(COLUMNS - 7)),
            ]
        )
    return rows


def write_csv(path: Path, rows: list[list[object]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Agency:", "Northshire Police"])
        writer.writerow(HEADER)
        for row in rows:
            writer.writerow([row[0].strftime("%d/%m/%Y"), *row[1:]])  # type: ignore[union-attr]


def write_xlsx(path: Path, rows: list[list[object]]) -> None:
    """A workbook as Excel writes one: shared strings, dates as serial numbers, a dimension."""
    strings: dict[str, int] = {}

    def shared(text: str) -> int:
        return strings.setdefault(text, len(strings))

    def letters(column: int) -> str:
        name = ""
        while column:
            column, rest = divmod(column - 1, 26)
            name = chr(65 + rest) + name
        return name

    names = [letters(n) for n in range(1, COLUMNS + 1)]
    sheet = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:{names[-1]}{ROWS + 1}"/><sheetData>'
    ]
    lines = [HEADER, *rows]
    epoch = date(1899, 12, 30)
    for number, row in enumerate(lines, start=1):
        cells = []
        for name, value in zip(names, row, strict=True):
            if isinstance(value, date):
                serial = (value - epoch).days
                cells.append(f'<c r="{name}{number}" s="1"><v>{serial}</v></c>')
            elif value:
                cells.append(f'<c r="{name}{number}" t="s"><v>{shared(str(value))}</v></c>')
        sheet.append(f'<row r="{number}">{"".join(cells)}</row>')
    sheet.append("</sheetData></worksheet>")
    table = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
            ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Chronology" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            "</borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            "</cellStyleXfs>"
            '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0"'
            ' applyNumberFormat="1"/></cellXfs></styleSheet>'
        ),
        "xl/sharedStrings.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
            f' count="{len(strings)}" uniqueCount="{len(strings)}">{table}</sst>'
        ),
        "xl/worksheets/sheet1.xml": "".join(sheet),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)


def write_key(directory: Path, rng: random.Random) -> None:
    """A key of KEY_ENTRIES family members and their relations: generations of couples, each
    with children, every child a sibling of the next."""
    key, relations = directory / "key.csv", directory / "relations.csv"
    labels = [f"Person {n}" for n in range(KEY_ENTRIES)]
    with open(key, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "label", "category", "aliases", "sex", "household"])
        for n, label in enumerate(labels):
            writer.writerow(
                [f"Person{n} Quill", label, "family", "", "mf"[n % 2], rng.choice(["yes", "no"])]
            )
    with open(relations, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["person", "relation", "other"])
        for n in range(0, KEY_ENTRIES - 1, 2):
            writer.writerow([labels[n], "partner-of", labels[n + 1]])
        for n in range(2, KEY_ENTRIES):
            parents = (n // 2 - 1) // 2 * 2  # each couple has up to four children
            if parents + 1 < n:
                writer.writerow([labels[parents], "parent-of", labels[n]])
            if n % 4 != 3 and n + 1 < KEY_ENTRIES:
                writer.writerow([labels[n], "sibling-of", labels[n + 1]])


CHRONOLOGY_CHILD = r"""
import json, sys, time
from datetime import date
from casereview.chronologies.proforma import read_chronology
from casereview.chronologies.checks import check_chronology
wall, cpu = time.perf_counter(), time.process_time()
chron = read_chronology(sys.argv[1])
read = time.process_time() - cpu
problems = check_chronology(chron, date(2026, 12, 1))
print(json.dumps({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                  "read": read, "rows": len(chron.rows), "columns": 7 + len(chron.extra_columns),
                  "problems": len(problems)}))
"""

KEY_CHILD = r"""
import json, sys, time
from casereview.anonymisation.keyref import read_key_csv
from casereview.anonymisation.genogram import read_relations_csv, render_svg
wall, cpu = time.perf_counter(), time.process_time()
key = read_key_csv(sys.argv[1])
read = time.process_time() - cpu
relations = read_relations_csv(sys.argv[2], key)
svg = render_svg(key, relations)
print(json.dumps({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                  "read": read, "rows": len(key), "relations": len(relations),
                  "svg_bytes": len(svg.encode())}))
"""


def measured(script: str, *arguments: str) -> tuple[dict, float]:
    """The child's own report and its peak memory in MB."""
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent / "src")}
    process = subprocess.Popen(  # noqa: S603 -- our own interpreter and script
        [sys.executable, "-c", script, *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
    )
    _, status, usage = os.wait4(process.pid, 0)
    output = process.stdout.read().decode() if process.stdout else ""
    error = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the child failed: {error}")
    return json.loads(output), usage.ru_maxrss / 1024


def best(script: str, *arguments: str) -> tuple[dict, float]:
    runs = [measured(script, *arguments) for _ in range(RUNS)]
    report = min((r for r, _ in runs), key=lambda r: r["cpu"])
    report["wall"] = min(r["wall"] for r, _ in runs)
    return report, max(peak for _, peak in runs)


def generate(directory: Path) -> None:
    rng = random.Random(SEED)  # noqa: S311 -- reproducible synthetic data, not a secret
    rows = chronology_rows(rng)
    write_csv(directory / "limits.csv", rows)
    write_xlsx(directory / "limits.xlsx", rows)
    write_key(directory, rng)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(args.generate)
        return 0
    passed = True
    with tempfile.TemporaryDirectory() as scratch:
        directory = args.keep or Path(scratch)
        directory.mkdir(parents=True, exist_ok=True)
        # Written by another process: a child's peak memory counts its parent's at the fork.
        subprocess.run(  # noqa: S603 -- this script, by our own interpreter
            [sys.executable, __file__, "--generate", str(directory)], check=True
        )
        files = {"CSV": directory / "limits.csv", "XLSX": directory / "limits.xlsx"}
        key, relations = directory / "key.csv", directory / "relations.csv"
        for kind, path in files.items():
            report, peak = best(CHRONOLOGY_CHILD, str(path))
            ok = report["read"] <= MAX_SECONDS and peak <= MAX_PEAK_MB
            passed &= ok
            print(
                f"{kind} chronology:  {path.stat().st_size / 1024 / 1024:.1f} MB,"
                f" {report['rows']:,} rows x {report['columns']} columns,"
                f" {report['problems']:,} problems"
            )
            print(
                f"  read {report['read']:.2f} s CPU; read and checked {report['cpu']:.2f} s"
                f" ({report['wall']:.2f} s wall); peak {peak:.0f} MB"
                f" (limits {MAX_SECONDS} s, {MAX_PEAK_MB} MB) {'ok' if ok else 'OVER'}"
            )
        report, peak = best(KEY_CHILD, str(key), str(relations))
        ok = report["read"] <= MAX_SECONDS and peak <= MAX_PEAK_MB
        passed &= ok
        print(f"key reference:    {report['rows']:,} people, {report['relations']:,} relations")
        print(
            f"  read {report['read']:.2f} s CPU, with the genogram drawn {report['cpu']:.2f} s"
            f" ({report['wall']:.2f} s wall, SVG {report['svg_bytes'] / 1024:.0f} KB),"
            f" peak {peak:.0f} MB (limits {MAX_SECONDS} s, {MAX_PEAK_MB} MB)"
            f" {'ok' if ok else 'OVER'}"
        )
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
