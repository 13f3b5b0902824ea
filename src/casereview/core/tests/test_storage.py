"""Stored files exist only when their row does: 0 orphans after a rollback or a kill (CR-1)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from casereview.core import storage
from casereview.core.documents import document_store
from casereview.core.models import Document


def files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def store(board, content=b"a letter"):
    return document_store(
        board=board, kind="letter:decision-notice", title="T", filename="t.docx", content=content
    )


def age(name: str, seconds: float) -> None:
    path = Path(settings.MEDIA_ROOT) / name
    old = time.time() - seconds
    os.utime(path, (old, old))


# The test's own transaction stands for the request's; on_commit callbacks run on commit.
pytestmark = pytest.mark.django_db


def test_a_file_stored_in_a_transaction_that_rolls_back_is_gone_after_the_sweep(cast):
    def upload_that_fails_its_check():
        with transaction.atomic():
            document = store(cast.board)
            assert document.file.read() == b"a letter"  # readable by its own transaction
            raise RuntimeError("the upload check failed after the file was written")

    with pytest.raises(RuntimeError):
        upload_that_fails_its_check()
    assert not Document.objects.exists()
    (left,) = files()
    assert left.endswith(storage.PENDING)  # never under a name a row could hold
    assert storage.files_sweep()["deleted"] == []  # too young: its transaction may be open
    age(left, storage.PENDING_GRACE.total_seconds() + 1)
    assert storage.files_sweep()["deleted"] == [left]
    assert files() == set()


def test_a_file_appears_under_its_name_only_when_its_row_commits(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document = store(cast.board)
        assert files() == {document.file.name + storage.PENDING}
    assert files() == {document.file.name}
    assert Document.objects.get().file.read() == b"a letter"


def test_the_sweep_finishes_the_move_a_kill_interrupted_after_the_commit(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document = store(cast.board)
    final = Path(settings.MEDIA_ROOT) / document.file.name
    os.replace(final, str(final) + storage.PENDING)  # as if killed between commit and move
    assert storage.files_sweep()["finished"] == [document.file.name]
    assert final.read_bytes() == b"a letter"


def test_the_sweep_deletes_old_files_no_row_names_and_lists_rows_without_a_file(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        kept = store(cast.board)
    orphan = Path(settings.MEDIA_ROOT) / "documents" / "orphan"
    orphan.write_bytes(b"left by a kill before the insert")
    fresh = Path(settings.MEDIA_ROOT) / "documents" / "fresh"
    fresh.write_bytes(b"its insert may be running now")
    age("documents/orphan", storage.PENDING_GRACE.total_seconds() + 1)
    missing = store(cast.board, b"another")
    missing.file.storage.delete(missing.file.name)

    report = storage.files_sweep()

    assert report["deleted"] == ["documents/orphan"]
    assert report["missing"] == [missing.file.name]
    assert fresh.exists() and kept.file.read() == b"a letter"
