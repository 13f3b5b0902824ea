"""Redactions made whatever the key: postcodes, NHS and NI numbers, phones, emails, DOBs, addresses.

Each detector recognises a UK identifier by its shape (CONTRACTS.md, "casereview anonymise") and
yields the span to replace by its token; ``find_redactions`` resolves overlaps, first found wins.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterator

from casereview.anonymisation.edits import REDACTION, Edit, without_overlaps

TOKENS: dict[str, str] = {
    "postcode": "[postcode]",
    "nhs-number": "[NHS number]",
    "ni-number": "[NI number]",
    "phone": "[phone]",
    "email": "[email]",
    "date-of-birth": "[date of birth]",
    "address": "[address]",
}

_DIGIT = re.compile(r"\d")
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)

# Outward code, optional space, inward code (Royal Mail format); the inward letters exclude CIKMOV.
_POSTCODE = re.compile(
    r"(?<![\w])(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})(?![\w])",
    re.IGNORECASE,
)

# By shape only (two letters, six digits, a final A-D): HMRC's example prefix QQ is redacted too.
_NI_NUMBER = re.compile(r"(?<![\w])[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![\w])", re.IGNORECASE)

_NHS_CANDIDATE = re.compile(r"(?<![\w+])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\w])")

# 0 and nine or ten more digits (or +44 and nine or ten), spaced by blanks, hyphens or brackets.
# The count is in the expression so that a longer run ("07700 07700 02/04/2016") still yields
# the number it starts with; the first digit after 0 is checked afterwards.
_PHONE_CANDIDATE = re.compile(
    r"(?<![\w+])(?:\+\s?44[\s-]?(?:\(0\)[\s-]?)?|\(?0)\d(?:[\s()-]{0,3}\d){8,9}(?![\w])"
)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}"
    r"|\d{4}-\d{1,2}-\d{1,2}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH},?\s+\d{{2,4}}"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{2,4}}"
    rf"|{_MONTH}\s+\d{{4}})"
)
_DOB = re.compile(
    r"(?:\bborn(?:\s+(?:on|in))?|\bDOB|\bD\.O\.B\.?|\bdate\s+of\s+birth)(?:\s*[:=\-\u2013]\s*|\s+)"
    r"(?:(?:is|was)\s+)?"
    rf"(?P<date>{_DATE})(?![\w])",
    re.IGNORECASE,
)

_STREET_WORDS = (
    "Street|St|Road|Rd|Lane|Ln|Avenue|Ave|Close|Drive|Dr|Way|Court|Ct|Crescent|Cres|Place|Pl"
    "|Gardens|Gdns|Grove|Terrace|Hill|Park|Square|Sq|Row|Mews|Walk|View|Rise|Green|Parade"
    "|Gate|Vale|Wharf|Yard|Fields|Meadow|Meadows|Heights|Boulevard|Approach|Croft|Chase"
    "|Crossing|Embankment|Hollow|Lawn|Lawns|Orchard|Passage|Path|Quay|Ridge|Wynd|Brae"
)
# A house number, one to three capitalised words, then a capitalised street word ("6 In view" is
# not an address).
_ADDRESS = re.compile(
    r"(?<![\w/.])\d{1,4}[A-Za-z]?,?\s+(?:[A-Z][\w'\u2019-]*\s+){1,3}"
    rf"(?:{_STREET_WORDS}|{_STREET_WORDS.upper()})\b\.?"
)


def _postcodes(text: str) -> Iterator[tuple[int, int]]:
    for m in _POSTCODE.finditer(text):
        yield m.span()


def _nhs_numbers(text: str) -> Iterator[tuple[int, int]]:
    for m in _NHS_CANDIDATE.finditer(text):
        if nhs_checksum_valid(m.group()):
            yield m.span()


def nhs_checksum_valid(candidate: str) -> bool:
    """Whether ten digits (spaces and hyphens ignored) pass the NHS number modulus 11 check."""
    digits = [int(c) for c in candidate if c.isdigit()]
    if len(digits) != 10:
        return False
    remainder = sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = 11 - remainder
    if check == 11:
        check = 0
    return check != 10 and check == digits[9]


def _ni_numbers(text: str) -> Iterator[tuple[int, int]]:
    for m in _NI_NUMBER.finditer(text):
        yield m.span()


def _phones(text: str) -> Iterator[tuple[int, int]]:
    for m in _PHONE_CANDIDATE.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if digits.startswith("44"):
            digits = "0" + digits[2:].removeprefix("0")
        # UK numbers are 0 + 9 or 10 digits; the first digit after 0 is never 0 or 6.
        if len(digits) in (10, 11) and digits[1] in "1234579" and digits[1] != "0":
            yield m.span()


def _emails(text: str) -> Iterator[tuple[int, int]]:
    if "@" not in text:
        return
    for m in _EMAIL.finditer(text):
        yield m.span()


def _dates_of_birth(text: str) -> Iterator[tuple[int, int]]:
    for m in _DOB.finditer(text):
        yield m.span("date")


def _addresses(text: str) -> Iterator[tuple[int, int]]:
    for m in _ADDRESS.finditer(text):
        start, end = m.span()
        if text[end - 1] == "." and not text[start:end].endswith(("St.", "Rd.", "Ave.", "Dr.")):
            end -= 1
        yield start, end


# Order matters where shapes overlap: an email may hold digits, an NHS number looks like a phone.
DETECTORS: tuple[tuple[str, Callable[[str], Iterator[tuple[int, int]]]], ...] = (
    ("email", _emails),
    ("date-of-birth", _dates_of_birth),
    ("nhs-number", _nhs_numbers),
    ("ni-number", _ni_numbers),
    ("phone", _phones),
    ("postcode", _postcodes),
    ("address", _addresses),
)


def find_redactions(text: str, birth_dates: Collection[dt.date] = ()) -> list[Edit]:
    """Every identifier found by shape in the text, as non-overlapping edits in text order.

    ``birth_dates`` (from the key) are redacted wherever they appear, in any usual format, not
    only after "born" or "DOB".
    """
    # Every identifier but an email holds a digit; most paragraphs hold neither.
    if not _DIGIT.search(text) and "@" not in text:
        return []
    found: list[Edit] = []
    for kind, detect in DETECTORS:
        token = TOKENS[kind]
        edits = [Edit(s, e, token, REDACTION, kind, token) for s, e in detect(text)]
        found = without_overlaps(found, edits)
    if birth_dates:
        token = TOKENS["date-of-birth"]
        known = [
            Edit(m.start(), m.end(), token, REDACTION, "date-of-birth", token)
            for m in _ANY_DATE.finditer(text)
            if parse_date(m.group()) in birth_dates
        ]
        found = without_overlaps(found, known)
    return found


_ANY_DATE = re.compile(rf"(?<![\w/.-]){_DATE}(?![\w/-])", re.IGNORECASE)
_TEXT_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%d %B %y", "%d %b %y")


def parse_date(text: str) -> dt.date | None:
    """A full date written in any of the usual UK forms (day first), or None."""
    text = " ".join(text.replace(",", " ").split())
    numeric = re.fullmatch(r"(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})", text)
    try:
        if numeric:
            first, month, last = (int(part) for part in numeric.groups())
            year, day = (first, last) if len(numeric.group(1)) == 4 else (last, first)
            if year < 100:
                year += 2000 if year < 50 else 1900
            return dt.date(year, month, day)
        cleaned = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b|\bof\b|\.", "", text, flags=re.IGNORECASE)
        cleaned = " ".join(cleaned.split())
        for pattern in _TEXT_DATE_FORMATS:
            try:
                return dt.datetime.strptime(cleaned, pattern).date()  # noqa: DTZ007 -- a date
            except ValueError:
                continue
    except ValueError:
        return None
    return None
