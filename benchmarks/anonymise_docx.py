"""Benchmark: `casereview anonymise` of a ~100-page IMR against python-docx open, walk and save.

Whole process against whole process, best of three each: the anonymiser (every part treated,
names matched over whole paragraphs, identifiers redacted, flags) must take at most three times
as long as a bare script that only opens the document with python-docx, reads every paragraph's
and table cell's runs, and saves it. Run: ``.venv/bin/python benchmarks/anonymise_docx.py``.
All names are invented.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import docx

LIMIT = 3.0
RUNS = 3
WORDS = 45_000

KEY_CSV = """\
name,label,category,aliases,sex,subject,household
Ellery Marchbank,Child A,family,Elle,f,yes,yes
Jonah Marchbank,Sibling 1,family,,m,no,yes
Corinne Marchbank,Mother,family,Cori,f,no,yes
Vance Tillingham,Father,family,,m,no,no
Duggie Pratley,Mother's partner,family,,m,no,yes
Odette Marchbank,Maternal grandmother,family,,f,no,no
Sorrel Ainsworth-Pike,Social Worker 1,professional,,f,no,no
Kasimir Leddington,Social Worker 2,professional,,m,no,no
Bronagh Quillan,Health Visitor 1,professional,,f,no,no
Tamsin Yelverton,Teacher 1,professional,,f,no,no
Isidore Fenwicke,GP 1,professional,,m,no,no
Wynn Castellane,Police Officer 1,professional,,u,no,no
Harrowgate Primary Academy,School 1,place,Harrowgate Primary,,,
Mossfield Children's Centre,Centre 1,place,,,,
Quarrybank Medical Practice,Surgery 1,place,,,,
"""

PEOPLE = [
    "Ellery Marchbank", "Ellery", "Elle", "Jonah", "Corinne Marchbank", "Ms Marchbank",
    "Vance Tillingham", "Mr Tillingham", "Duggie Pratley", "Odette Marchbank",
    "Sorrel Ainsworth-Pike", "Kasimir Leddington", "Bronagh Quillan", "Tamsin Yelverton",
    "Dr Fenwicke", "Wynn Castellane", "Harrowgate Primary Academy", "Mossfield Children's Centre",
    "Quarrybank Medical Practice", "Ellery's", "Corinne's",
]  # fmt: skip
PROSE = (
    "the social worker visited home and spoke with the family about school attendance concerns "
    "and the plan agreed at the meeting was reviewed by the manager who recorded that further "
    "support would be offered through early help while health colleagues shared information "
    "about appointments that had been missed over several months before the referral was made"
)
FILLER = tuple(PROSE.split())
IDENTIFIERS = [
    "on 07700 900123",
    "at 12 Larchmont Road, HG4 2XT",
    "(NHS 943 476 5919)",
    "born 14/02/2015",
    "email c.m@example.org",
]

BASELINE = """\
import sys
import docx

document = docx.Document(sys.argv[1])
count = 0
for paragraph in document.paragraphs:
    for run in paragraph.runs:
        count += len(run.text)
for table in document.tables:
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    count += len(run.text)
document.save(sys.argv[2])
"""


def sentence(rng: random.Random) -> str:
    """About twenty words of report prose, often naming someone of the key."""
    words = rng.choices(FILLER, k=rng.randint(14, 24))
    if rng.random() < 0.7:
        words.insert(rng.randrange(len(words)), rng.choice(PEOPLE))
    if rng.random() < 0.05:
        words.append(rng.choice(IDENTIFIERS))
    return " ".join(words).capitalize() + "."


def build_imr(path: Path) -> int:
    """Write a ~100-page IMR: headings, prose, tables, header and footer, split-run names."""
    rng = random.Random(20261124)  # noqa: S311 -- reproducible synthetic prose, not a secret
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "IMR: Ellery Marchbank - OFFICIAL-SENSITIVE"
    section.footer.paragraphs[0].text = "Author: Sorrel Ainsworth-Pike, Harrowgate Primary Academy"
    words = 0
    chapter = 0
    while words < WORDS:
        chapter += 1
        document.add_heading(f"Chapter {chapter}: contact with Ellery Marchbank", level=1)
        for _ in range(12):
            paragraph = document.add_paragraph()
            text = " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))
            words += len(text.split())
            if rng.random() < 0.2:
                # A name split across runs with different formatting, as Word leaves them.
                head, tail = text[:40], text[40:]
                paragraph.add_run(head + " Corinne March").bold = True
                paragraph.add_run("bank " + tail)
            else:
                paragraph.add_run(text)
        table = document.add_table(rows=5, cols=3)
        for row in table.rows:
            cells = row.cells
            cells[0].text = "12/03/2023"
            cells[1].text = sentence(rng)
            cells[2].text = rng.choice(PEOPLE)
            words += len(cells[1].text.split()) + 2
    document.save(path)
    return words


def best_of_each(*commands: list[str]) -> list[float]:
    """The fastest of several runs of each command, in seconds, the commands taking turns.

    Taking turns means a busy moment on a shared machine slows both alike.
    """
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(RUNS):
        for command, spent in zip(commands, times, strict=True):
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)  # noqa: S603 -- our own tools
            spent.append(time.perf_counter() - start)
    return [min(spent) for spent in times]


def main() -> int:
    """Build the IMR, time both processes, print the ratio; exit 1 above the limit."""
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "key.csv").write_text(KEY_CSV, encoding="utf-8")
        (work / "baseline.py").write_text(BASELINE, encoding="utf-8")
        words = build_imr(work / "imr.docx")
        anonymise = [
            str(bin_dir / "casereview"), "anonymise", "--key", str(work / "key.csv"),
            str(work / "imr.docx"), "-o", str(work / "out.docx"),
        ]  # fmt: skip
        baseline = [
            sys.executable, str(work / "baseline.py"), str(work / "imr.docx"),
            str(work / "walked.docx"),
        ]  # fmt: skip
        ours, theirs = best_of_each(anonymise, baseline)
        ratio = ours / theirs
        size = (work / "imr.docx").stat().st_size / 1024
        print(f"IMR: {words} words, {size:.0f} KiB")
        print(f"casereview anonymise:            {ours:.3f} s (best of {RUNS})")
        print(f"python-docx open, walk and save: {theirs:.3f} s (best of {RUNS})")
        print(f"ratio: {ratio:.2f} (limit {LIMIT})")
        return 0 if ratio <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
