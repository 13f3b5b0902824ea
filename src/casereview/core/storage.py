"""Stored files that exist only when their row does (SECURITY.md CR-1: 0 orphans).

A file saved inside a transaction is written under a pending name beside its final one and
moved into place when the transaction commits. A rollback, or a kill -9 before the commit,
leaves only a pending file, which no row names: ``files_sweep`` deletes it once it is older
than ``PENDING_GRACE``, and finishes the move for a row that did commit but whose process died
before the move. The sweep also deletes final files that no row names (older than the grace,
so a save in autocommit is never caught between its write and its insert) and reports rows
whose file is missing.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from pathlib import Path

from django.apps import apps
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import models, transaction

log = logging.getLogger(__name__)

PENDING = ".pending"
# Longer than any request or task holds a transaction open; shorter than anyone would miss.
PENDING_GRACE = dt.timedelta(minutes=15)


class CommittedFileStorage(FileSystemStorage):
    """FileSystemStorage whose files appear under their name only once the row is committed."""

    def _save(self, name: str, content) -> str:
        pending = super()._save(name + PENDING, content)
        final = pending.removesuffix(PENDING)
        transaction.on_commit(lambda: self._finish(final), robust=True)
        return final

    def _finish(self, name: str) -> None:
        os.replace(self.path(name + PENDING), self.path(name))

    def _open(self, name: str, mode: str = "rb"):
        # The transaction that saved a file may read it back before it commits.
        if not super().exists(name) and super().exists(name + PENDING):
            return super()._open(name + PENDING, mode)
        return super()._open(name, mode)

    def exists(self, name: str) -> bool:
        return super().exists(name) or super().exists(name + PENDING)

    def size(self, name: str) -> int:
        if not super().exists(name) and super().exists(name + PENDING):
            return super().size(name + PENDING)
        return super().size(name)

    def delete(self, name: str) -> None:
        super().delete(name + PENDING)
        super().delete(name)


def stored_names() -> set[str]:
    """Every file name a row holds, over every model with a file field."""
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                names.update(
                    model._default_manager.exclude(**{field.name: ""})
                    .values_list(field.name, flat=True)
                    .iterator()
                )
    return names


def files_sweep(*, now: float | None = None) -> dict[str, list[str]]:
    """Delete files no row names, finish moves a kill interrupted, list rows without a file."""
    root = Path(default_storage.location)
    now = time.time() if now is None else now
    grace = PENDING_GRACE.total_seconds()
    names = stored_names()
    report: dict[str, list[str]] = {"deleted": [], "finished": [], "missing": []}
    for path in root.rglob("*") if root.exists() else ():
        if not path.is_file():
            continue
        name = path.relative_to(root).as_posix()
        final = name.removesuffix(PENDING)
        if final in names:
            if name != final and not (root / final).exists():
                os.replace(path, root / final)
                report["finished"].append(final)
            elif name != final:
                path.unlink(missing_ok=True)  # a stale copy beside the committed file
            continue
        if now - path.stat().st_mtime > grace:
            path.unlink(missing_ok=True)
            report["deleted"].append(name)
    report["missing"] = sorted(n for n in names if not (root / n).exists())
    for kind, items in report.items():
        if items:
            log.warning("files sweep: %s %d: %s", kind, len(items), ", ".join(items[:20]))
    return report
