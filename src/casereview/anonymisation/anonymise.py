"""Anonymising a document against the key reference, or checking what anonymising would change.

One entry point for .docx, .txt and .md (CONTRACTS.md, "casereview anonymise"): identifiers found
by shape are redacted first, then the key's names are replaced by labels in what is left, then the
result is searched for likely names the key does not hold. Checking is anonymising without
writing: it reports the same changes, so ``check(anonymise(x))`` finds nothing to change.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casereview.anonymisation.detectors import TOKENS, find_redactions, parse_date
from casereview.anonymisation.docx_parts import MAX_PASSES, DocxError, treat_docx
from casereview.anonymisation.edits import NAME, REDACTION, Edit, apply_edits, without_overlaps
from casereview.anonymisation.flags import Flag, NameFlagger
from casereview.anonymisation.glossary import glossary_words
from casereview.anonymisation.keyref import CATEGORIES, KeyReference
from casereview.anonymisation.matching import FAMILY_NAME, SHARED_NAME, NameMatcher

FORMATS = (".docx", ".txt", ".md")
DEFAULT_AUTHOR = "Casereview"
# Words of tokens are never names ("[family name]", "[NHS number]").
_TOKEN_WORDS = frozenset(
    word.strip("[]").casefold()
    for token in (*TOKENS.values(), FAMILY_NAME, SHARED_NAME)
    for word in token.split()
)


class AnonymiseError(ValueError):
    """The document cannot be anonymised: unreadable, of another format, or not what it claims."""


@dataclass
class Report:
    """What anonymising changed (or would change) and what it flagged, in the JSON of CONTRACTS."""

    replacements: Counter[tuple[str, str]] = field(default_factory=Counter)
    redactions: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)
    possible_identifiers: list[Flag] = field(default_factory=list)
    # Of the removed parts, those dropped because they cannot be treated: part -> why.
    dropped: dict[str, str] = field(default_factory=dict)

    def count_edits(self, edits: Iterable[Edit]) -> None:
        """Count replaced names (by key name and label) and redactions (by kind)."""
        for edit in edits:
            if edit.kind == NAME:
                self.replacements[edit.source, edit.label] += 1
            elif edit.kind == REDACTION:
                self.redactions[edit.source] += 1

    def add_flags(self, flags: Iterable[Flag]) -> None:
        """Add flags, each text once."""
        seen = {flag.text for flag in self.possible_identifiers}
        for flag in flags:
            if flag.text not in seen:
                seen.add(flag.text)
                self.possible_identifiers.append(flag)

    @property
    def changes_anything(self) -> bool:
        """Whether anything was (or would be) replaced, redacted or removed; flags do not count."""
        return bool(self.replacements or self.redactions or self.removed)

    def as_json(self) -> dict[str, Any]:
        """The report in the JSON shape of CONTRACTS.md, in a stable order."""
        return {
            "replacements": [
                {"text": text, "label": label, "count": count}
                for (text, label), count in sorted(self.replacements.items())
            ],
            "redactions": [
                {"kind": kind, "count": count} for kind, count in sorted(self.redactions.items())
            ],
            "removed": [
                {"part": part, "count": count} for part, count in sorted(self.removed.items())
            ],
            "possible_identifiers": [
                {"text": flag.text, "kind": flag.kind, "context": flag.context}
                for flag in self.possible_identifiers
            ],
        }


class Anonymiser:
    """Anonymises texts and documents against one key reference."""

    def __init__(
        self,
        key: KeyReference,
        categories: Iterable[str] | None = None,
        allow: Iterable[str] = (),
        author: str = DEFAULT_AUTHOR,
    ) -> None:
        chosen = tuple(categories) if categories is not None else CATEGORIES
        unknown = [c for c in chosen if c not in CATEGORIES]
        if unknown:
            raise AnonymiseError(
                f"unknown category {', '.join(unknown)} (use {', '.join(CATEGORIES)})"
            )
        self.key = key
        self.author = author
        self._matcher = NameMatcher(key, chosen)
        # Dates of birth are identifiers whoever they belong to, whatever the categories chosen.
        self._birth_dates = frozenset(
            date for entry in key if entry.dob and (date := parse_date(entry.dob)) is not None
        )
        self._flagger = NameFlagger(key, allow, known_words=_TOKEN_WORDS | glossary_words())
        labels = sorted((e.label for e in key), key=len, reverse=True)
        self._labels = (
            re.compile(rf"(?<![^\W_])(?:{'|'.join(map(re.escape, labels))})(?![^\W_])")
            if labels
            else None
        )

    def plan(self, text: str) -> list[Edit]:
        """The edits that anonymise a text: redactions first, then names outside them.

        Labels already in the text are left whole: a label is never part of a name or of an
        identifier, even where "Centre 1" follows a stray "Larkfield" to spell the alias
        "Larkfield Centre", or "Social Worker 1 Child A Road" looks like an address. This keeps
        anonymised text clean when it is checked again.
        """
        labels = [m.span() for m in self._labels.finditer(text)] if self._labels else []
        redactions = find_redactions(text, self._birth_dates)
        names = self._matcher.find(text)
        if labels:
            # An identifier may end in a label ("12 Mother Lane") but never start inside one.
            redactions = [e for e in redactions if not any(a <= e.start < b for a, b in labels)]
            # A name may contain a label's words ("Mother Shipton Inn") but not run into a label.
            names = [e for e in names if not _runs_into(e, labels)]
        return without_overlaps(redactions, names)

    def flags(self, text: str) -> list[Flag]:
        """Likely names in an (anonymised) text that nothing accounts for."""
        return self._flagger.find(text)

    def anonymise_text(self, text: str) -> tuple[str, Report]:
        """The anonymised text and the report."""
        report = Report()
        out_lines = []
        # Line by line: a sentence never spans paragraphs, and flags keep a short context.
        for line in text.splitlines(keepends=True):
            for _ in range(MAX_PASSES):
                edits = self.plan(line)
                if not edits:
                    break
                report.count_edits(edits)
                line = apply_edits(line, edits)
            report.add_flags(self.flags(line))
            out_lines.append(line)
        return "".join(out_lines), report

    def anonymise_docx(self, data: bytes) -> tuple[bytes, Report]:
        """The anonymised .docx package and the report."""
        try:
            result = treat_docx(data, self.plan, self.author, self._matcher.mentions)
        except DocxError as exc:
            raise AnonymiseError(str(exc)) from exc
        report = Report()
        report.count_edits(result.edits)
        report.removed.update(result.removed)
        report.dropped.update(result.dropped)
        for text in result.texts:
            report.add_flags(self.flags(text))
        return result.data, report

    def anonymise_bytes(self, data: bytes, suffix: str) -> tuple[bytes, Report]:
        """Anonymise a document held in memory, of the format its suffix names."""
        suffix = suffix.lower()
        if suffix == ".docx":
            return self.anonymise_docx(data)
        if suffix in (".txt", ".md"):
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise AnonymiseError("the text file is not UTF-8") from exc
            out, report = self.anonymise_text(text)
            return out.encode("utf-8"), report
        raise AnonymiseError(f"unsupported format {suffix or '(none)'}: use .docx, .txt or .md")

    def anonymise_file(self, source: str | Path, target: str | Path | None = None) -> Report:
        """Anonymise a file into ``target`` (same format), or only report when target is None."""
        source = Path(source)
        suffix = source.suffix.lower()
        if suffix not in FORMATS:
            raise AnonymiseError(f"unsupported format {suffix or '(none)'}: use .docx, .txt or .md")
        if target is not None and Path(target).suffix.lower() != suffix:
            raise AnonymiseError(f"the output must be a {suffix} file, like the input")
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise AnonymiseError(f"cannot read {source}: {exc.strerror or exc}") from exc
        out, report = self.anonymise_bytes(data, suffix)
        if target is not None:
            _write_atomically(Path(target), out)
        return report


def _runs_into(edit: Edit, spans: list[tuple[int, int]]) -> bool:
    """Whether the edit overlaps a span without holding all of it."""
    return any(
        start < edit.end and edit.start < end and (start < edit.start or end > edit.end)
        for start, end in spans
    )


def check_bytes(
    key: KeyReference,
    data: bytes,
    suffix: str,
    categories: Iterable[str] | None = None,
    allow: Iterable[str] = (),
    author: str = DEFAULT_AUTHOR,
) -> Report:
    """What anonymising a document held in memory would change: the publication gate's check."""
    return Anonymiser(key, categories, allow, author).anonymise_bytes(data, suffix)[1]


def check_file(
    key: KeyReference,
    source: str | Path,
    categories: Iterable[str] | None = None,
    allow: Iterable[str] = (),
    author: str = DEFAULT_AUTHOR,
) -> Report:
    """What anonymising the file would replace, redact and remove, and what it flags."""
    return Anonymiser(key, categories, allow, author).anonymise_file(source, None)


def _write_atomically(target: Path, data: bytes) -> None:
    """Write the whole file or nothing, so a failed run never leaves half a document."""
    import tempfile  # only when writing: the check and the web pages never need it

    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent or ".", prefix=".anonymise-")
    except OSError as exc:
        raise AnonymiseError(f"cannot write {target}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise AnonymiseError(f"cannot write {target}: {exc.strerror or exc}") from exc


def read_allow_list(path: str | Path) -> list[str]:
    """The words and phrases of an allow-list, one a line (blank lines and # comments skipped)."""
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise AnonymiseError(f"cannot read the allow-list {path}: {exc}") from exc
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
