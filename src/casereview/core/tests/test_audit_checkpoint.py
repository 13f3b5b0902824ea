"""LG-2: signed checkpoints anchor the audit chain's head, so deleting its newest events shows."""

from __future__ import annotations

import logging

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from casereview.core import models as audit
from casereview.core.models import AuditCheckpoint, AuditEvent, audit_verify, verify_chain
from casereview.core.tests.security.test_audit import without_triggers

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(db):
    return [audit.record("TEST_EVENT", detail={"n": n}) for n in range(10)]


def delete_newest(count: int) -> None:
    """What someone with the database could do: take the triggers away and delete rows."""
    newest = list(AuditEvent.objects.order_by("-pk").values_list("pk", flat=True)[:count])
    with connection.cursor() as cursor:
        without_triggers(cursor)
        cursor.execute(
            f"DELETE FROM core_auditevent WHERE id IN ({', '.join(['%s'] * len(newest))})",  # noqa: S608 - placeholders only
            newest,
        )


def test_without_a_checkpoint_the_chain_alone_cannot_see_its_newest_events_deleted(events):
    delete_newest(3)
    assert verify_chain() == []  # the hole the checkpoint closes


def test_deleting_the_newest_events_after_a_checkpoint_fails_verification(events):
    checkpoint = audit.checkpoint_write()
    delete_newest(3)
    assert verify_chain() == [checkpoint.head_pk]
    result = audit_verify()
    assert not result.ok
    assert f"Event {checkpoint.head_pk}" in result.problems[0]
    assert "audit events were deleted" in result.problems[0]


def test_new_events_written_after_the_deletion_do_not_hide_it(events):
    checkpoint = audit.checkpoint_write()
    delete_newest(2)
    audit.record("TEST_EVENT", detail={"n": "after"})
    assert checkpoint.head_pk in verify_chain()


def test_a_checkpoint_forged_without_the_key_after_the_deletion_fails(events, settings):
    audit.checkpoint_write()
    delete_newest(3)
    settings.AUDIT_CHECKPOINT_KEY = "a key the attacker guessed, not ours"
    forged = audit.checkpoint_write()
    settings.AUDIT_CHECKPOINT_KEY = "dev-only-audit-checkpoint-key-" + "x" * 34
    result = audit_verify()
    assert forged.head_pk in result.broken
    assert any("not signed with the audit checkpoint key" in p for p in result.problems)


def test_a_chain_rewritten_from_a_deleted_row_onwards_fails_against_the_checkpoint(events):
    checkpoint = audit.checkpoint_write()
    rows = list(AuditEvent.objects.order_by("pk"))
    with connection.cursor() as cursor:
        without_triggers(cursor)
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [rows[4].pk])
        previous = rows[3].hash
        for row in rows[5:]:  # recompute every later hash, as a careful editor would
            row.prev_hash = previous
            row.hash = row.compute_hash()
            cursor.execute(
                "UPDATE core_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
                [row.prev_hash, row.hash, row.pk],
            )
            previous = row.hash
    assert verify_chain() == [checkpoint.head_pk]


def test_an_intact_trail_verifies_with_its_checkpoints(events):
    audit.checkpoint_write()
    audit.record("TEST_EVENT", detail={"n": "later"})
    audit.checkpoint_write()
    assert verify_chain() == []
    assert audit_verify().ok


def test_a_checkpoint_goes_to_the_log_with_the_head_and_its_signature(events, caplog):
    caplog.set_level(logging.INFO, logger="casereview.audit.checkpoint")
    checkpoint = audit.checkpoint_write()
    [line] = [r for r in caplog.records if r.name == "casereview.audit.checkpoint"]
    message = line.getMessage()
    assert f"events={checkpoint.event_count}" in message
    assert checkpoint.head_hash in message and checkpoint.signature in message
    assert checkpoint.event_count == 10 and checkpoint.head_pk == events[-1].pk


def test_checkpoints_cannot_be_changed_or_deleted_through_the_database(events):
    checkpoint = audit.checkpoint_write()
    for sql in (
        "UPDATE core_auditcheckpoint SET event_count = 1 WHERE id = %s",
        "DELETE FROM core_auditcheckpoint WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [checkpoint.pk])
    assert AuditCheckpoint.objects.get().signature == checkpoint.signature


def test_the_verify_audit_command_reports_an_intact_trail_and_writes_a_checkpoint(events, capsys):
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "The audit trail is intact: 10 events." in out
    (checkpoint,) = AuditCheckpoint.objects.all()
    # Numbered by the database's sequence, which PostgreSQL does not reset between tests.
    assert f"Checkpoint {checkpoint.pk} written: 10 events" in out


def test_the_verify_audit_command_fails_when_the_newest_events_were_deleted(events, capsys):
    call_command("verify_audit")
    delete_newest(1)
    with pytest.raises(CommandError, match="does not verify"):
        call_command("verify_audit")
    assert "audit events were deleted" in capsys.readouterr().err
    assert AuditCheckpoint.objects.count() == 1  # no checkpoint signs a broken trail


def test_the_hourly_sweep_writes_a_checkpoint(events, settings):
    from casereview.referrals import tasks

    # The sweep queues itself again in an hour: a backend that keeps it rather than runs it.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    tasks.sweep.call()
    assert AuditCheckpoint.objects.get().head_pk == events[-1].pk
