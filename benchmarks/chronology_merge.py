"""Benchmark ``casereview chronology merge`` against a bare Python script, whole process each.

CONTRACTS.md "Chronologies": merging 20 CSV files x 2,500 rows to a .csv must take at most 4 times
as long as a script that only reads the files with ``csv``, parses the dates with ``strptime``,
sorts and writes CSV. Both run as subprocesses (start-up and imports count); best of 3 each. The
merge's peak memory (the child's ru_maxrss) must stay under 500 MB.

Run: ``.venv/bin/python benchmarks/chronology_merge.py`` (``--keep DIR`` keeps the files).
The data is synthetic and seeded: invented agencies and "Child A"-style people.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

FILES = 20
ROWS = 2_500
RUNS = 3
MAX_RATIO = 4.0
MAX_PEAK_MB = 500
SEED = 20261124

VENV_BIN = Path(sys.executable).parent
CASEREVIEW = VENV_BIN / "casereview"

HEADER = [
    "DATE",
    "CONTACT WITH CHILD (inc direct contact, medical information, reports, observations)",
    "CONTACT WITH PARENTS/CARERS and other family members",
    "INTER/INTRA-AGENCY COMMUNICATION Internal / interagency phone calls/letters etc",
    "SOURCE OF RECORD",
    "STAFF INVOLVED",
    "COMMENT",
]

AGENCIES = [
    ("Northshire Police", "police"),
    ("Northshire Children's Social Care", "social care"),
    ("Riverside GP Practice", "GP"),
    ("Southvale Primary School", "school"),
    ("Northshire Probation Service", "probation"),
    ("Eastfield Housing", "housing"),
    ("Northshire CAMHS", "CAMHS"),
    ("Westbrook Hospital NHS Trust", "hospital"),
    ("Health Visiting Service", "health visitor"),
    ("Little Acorns Nursery", "nursery"),
    ("Westbrook Academy", "school"),
    ("Southvale Early Help", "social worker"),
    ("Eastfield Constabulary", "police"),
    ("Hilltop Surgery", "GP"),
    ("Northshire Midwifery Service", "midwife"),
    ("Riverside Secondary School", "teacher"),
    ("Southvale Housing Association", "housing"),
    ("Northshire Youth Offending Service", "probation"),
    ("Westbrook Children's Services", "social care"),
    ("Northshire Ambulance Service", "paediatric"),
]

PEOPLE = [
    "Child A",
    "Child B",
    "Mother A",
    "Father A",
    "Stepfather C",
    "Sibling B",
    "Grandmother A",
    "Partner C",
    "Aunt D",
    "Neighbour E",
]
VERBS = [
    "seen",
    "visited",
    "spoke with",
    "assessed",
    "phoned",
    "wrote to",
    "met",
    "reviewed",
    "examined",
    "interviewed",
    "observed",
    "supported",
]
PLACES = [
    "at home",
    "at the clinic",
    "at the office",
    "by telephone",
    "at the park",
    "at the surgery",
    "in the car park",
    "at the contact centre",
    "at the flat",
    "at the library",
    "at a family centre",
    "on a doorstep visit",
]
TOPICS = [
    "bruising to the upper arm",
    "missed immunisation appointments",
    "attendance falling to {n}%",
    "a domestic incident reported by a neighbour",
    "weight on the {n}th centile",
    "unkempt clothes and head lice",
    "shouting heard from the flat late at night",
    "a disclosure about the new partner",
    "rent arrears of {n}00 pounds and an eviction notice",
    "low mood and poor sleep",
    "a burn on the left hand",
    "cannabis smell in the kitchen",
    "speech delay at {n} months",
    "an untreated dental abscess",
    "nappy rash and little food in the fridge",
    "a missing episode lasting {n} hours",
    "self-harm scratches on the forearm",
    "bed-wetting and nightmares",
    "a dog bite on the calf",
    "a fall from the stairs",
    "parental alcohol use at the weekend",
    "a broken window and no heating",
    "bullying on the bus",
    "a court date for breach of bail",
]
DETAILS = [
    "Explanation given was consistent.",
    "Account changed twice during the visit.",
    "Body map completed.",
    "Photographs taken with consent.",
    "Interpreter used for the whole visit.",
    "The room was cold and cluttered.",
    "The baby was asleep in a travel cot.",
    "Food bank voucher issued.",
    "Safety plan discussed and signed.",
    "Worries shared with the designated lead.",
    "No injuries were seen.",
    "Follow-up letter posted the same day.",
]
OUTCOMES = [
    "advice given and a follow-up booked.",
    "agreed to an early help assessment.",
    "no further action recorded.",
    "referred on for a strategy discussion.",
    "plan reviewed with the family.",
    "appointment rearranged for next week.",
    "case closed after review by the manager.",
    "consent obtained to share information.",
    "added to the team's weekly risk meeting.",
    "leaflet on safe sleep left with the family.",
]
SHARE = [
    "Information shared with the {other} about {topic}.",
    "Telephone call to the {other} to ask about {topic}.",
    "Letter received from the {other} about {topic}.",
    "Email sent to the {other} with the visit notes.",
    "Joint visit planned with the {other}.",
]


def generate(directory: Path) -> list[Path]:
    """Write FILES chronologies of ROWS rows each, seeded; some rows mention other agencies."""
    rng = random.Random(SEED)  # noqa: S311 -- reproducible synthetic data, not a secret
    start = date(2021, 1, 4)
    paths = []
    for index, (agency, _) in enumerate(AGENCIES[:FILES]):
        path = directory / f"agency-{index:02d}.csv"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Agency:", agency])
            writer.writerow(HEADER)
            for _ in range(ROWS):
                writer.writerow(_row(rng, start))
        paths.append(path)
    return paths


def _row(rng: random.Random, start: date) -> list[str]:
    when = start + timedelta(days=rng.randrange(0, 3 * 365))
    topic = rng.choice(TOPICS).format(n=rng.randrange(2, 99))
    text = (
        f"{rng.choice(PEOPLE)} {rng.choice(VERBS)} {rng.choice(PLACES)} about {topic}."
        f" {rng.choice(DETAILS)} {rng.choice(OUTCOMES).capitalize()}"
    )
    communication = ""
    if rng.random() < 0.3:  # sometimes the row mentions another agency
        other = rng.choice(AGENCIES)[1]
        topic = rng.choice(TOPICS).format(n=rng.randrange(2, 99))
        communication = rng.choice(SHARE).format(other=other, topic=topic)
    written = when.strftime("%d/%m/%Y")
    roll = rng.random()
    if roll < 0.01:
        written = when.strftime("%B %Y")  # a partial date, flagged
    elif roll < 0.02:
        written = when.strftime("%d/%m/%Y") + " 14:30"
    family = "" if rng.random() < 0.5 else f"{rng.choice(PEOPLE)} present throughout."
    return [written, text, family, communication, "Case notes", rng.choice(["AB", "CD", "EF"]), ""]


BARE_SCRIPT = r"""
import csv, sys
from datetime import datetime
rows = []
for order, name in enumerate(sys.argv[2:]):
    with open(name, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        for record in reader:
            if record and record[0].strip().upper() == "DATE":
                break
        for number, record in enumerate(reader, start=1):
            try:
                when = datetime.strptime(record[0], "%d/%m/%Y").date()
            except ValueError:
                when = None
            rows.append((when is None, when or datetime.min.date(), order, number, record))
rows.sort(key=lambda r: r[:4])
with open(sys.argv[1], "w", encoding="utf-8", newline="") as out:
    writer = csv.writer(out)
    for *_, record in rows:
        writer.writerow(record)
"""


def timed(command: list[str]) -> tuple[float, int, float]:
    """Wall time, peak resident memory (KB) and CPU time of one whole child process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{command[0]} failed ({process.returncode}): {error}")
    if process.stderr:
        process.stderr.close()
    return elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        directory = args.keep or Path(scratch)
        directory.mkdir(parents=True, exist_ok=True)
        files = [str(p) for p in generate(directory)]
        merge_command = [
            str(CASEREVIEW),
            "chronology",
            "merge",
            *files,
            "-o",
            str(directory / "merged.csv"),
        ]
        bare_command = [sys.executable, "-c", BARE_SCRIPT, str(directory / "bare.csv"), *files]
        merge_runs, bare_runs = [], []
        for _ in range(RUNS):  # interleaved, so a busy moment on the machine hits both alike
            merge_runs.append(timed(merge_command))
            bare_runs.append(timed(bare_command))
    merge_time = min(t for t, _, _ in merge_runs)
    bare_time = min(t for t, _, _ in bare_runs)
    peak_mb = max(kb for _, kb, _ in merge_runs) / 1024
    ratio = merge_time / bare_time
    cpu_ratio = min(c for _, _, c in merge_runs) / min(c for _, _, c in bare_runs)
    print(f"rows merged:        {FILES} files x {ROWS:,} rows = {FILES * ROWS:,}")
    print(f"casereview merge:   {merge_time:.3f} s (best of {RUNS})")
    print(f"bare csv script:    {bare_time:.3f} s (best of {RUNS})")
    print(f"ratio:              {ratio:.2f} (limit {MAX_RATIO})")
    print(f"CPU-time ratio:     {cpu_ratio:.2f} (for information: steadier on a busy machine)")
    print(f"merge peak memory:  {peak_mb:.0f} MB (limit {MAX_PEAK_MB} MB)")
    passed = ratio <= MAX_RATIO and peak_mb < MAX_PEAK_MB
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
