"""The audit trail and stored documents, shared by every app."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs):  # pragma: no cover - the database refuses it too
        raise PermissionError("Audit events are append-only.")

    def delete(self):  # pragma: no cover
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One append-only, hash-chained record of a state change or a read (SECURITY.md LG-1..3).

    The database refuses UPDATE and DELETE on this table (triggers in the migration);
    ``prev_hash``/``hash`` let ``verify_chain`` find a row changed behind the app's back.
    """

    occurred_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(max_length=200, blank=True)
    board_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    referral_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    kind = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    outcome = models.CharField(max_length=10, default="ok")
    reasons = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=40, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def payload(self) -> str:
        return json.dumps(
            [
                self.occurred_at.isoformat(),
                self.actor_id,
                self.actor_label,
                self.board_id,
                self.referral_id,
                self.kind,
                self.object_type,
                self.object_id,
                self.outcome,
                self.reasons,
                self.detail,
                self.ip_address,
                self.request_id,
                self.prev_hash,
            ],
            sort_keys=True,
            default=str,
        )

    def compute_hash(self) -> str:
        return hashlib.sha256(self.payload().encode()).hexdigest()


GENESIS = "0" * 64


def record(
    kind: str,
    *,
    actor=None,
    board_id: int | None = None,
    referral_id: int | None = None,
    obj: models.Model | None = None,
    outcome: str = "ok",
    reasons: str = "",
    detail: dict | None = None,
    request=None,
) -> AuditEvent:
    """Append one audit event, chained to the last; raises if it cannot be written.

    The board and case are worked out from ``obj`` when they are not given: the one audit
    call for every app (no per-app wrappers)."""
    from .middleware import current_request
    from .permissions import board_of, case_of

    if obj is not None:
        if board_id is None:
            board_id = board_of(obj)
        if referral_id is None:
            referral_id = case_of(obj)

    request = request or current_request()
    with transaction.atomic():
        # Serialise the chain: one writer at a time reads the previous hash.
        last = (
            AuditEvent.objects.select_for_update().order_by("-pk").values_list("hash", flat=True)
        ).first()
        event = AuditEvent(
            actor=actor if actor is not None and actor.is_authenticated else None,
            actor_label=str(actor) if actor is not None and actor.is_authenticated else "",
            board_id=board_id,
            referral_id=referral_id,
            kind=kind,
            object_type=obj._meta.label if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            outcome=outcome,
            reasons=reasons,
            detail=detail or {},
            ip_address=getattr(request, "audit_ip", None) if request else None,
            request_id=getattr(request, "request_id", "") if request else "",
            prev_hash=last or GENESIS,
        )
        event.hash = event.compute_hash()
        event.save()
    return event


def verify_chain(events=None) -> list[int]:
    """Primary keys of events whose hash or link does not match: empty when intact.

    Given no events, the whole table is checked, and held to the latest signed checkpoint
    too (see ``audit_verify``): the chain alone cannot see its newest events deleted.
    """
    if events is None:
        return audit_verify().broken
    return _chain(events, head_pk=None)[0]


def _chain(events, head_pk: int | None) -> tuple[list[int], tuple[str, int] | None]:
    """Broken links, and the hash and position of the event ``head_pk`` if it is there."""
    broken: list[int] = []
    previous = GENESIS
    head = None
    for position, event in enumerate(events, start=1):
        if event.prev_hash != previous or event.compute_hash() != event.hash:
            broken.append(event.pk)
        previous = event.hash
        if event.pk == head_pk:
            head = (event.hash, position)
    return broken, head


# --- checkpoints: the head of the chain anchored outside the audit table ----------------------

checkpoint_log = logging.getLogger("casereview.audit.checkpoint")


class AuditCheckpoint(models.Model):
    """The chain's head and length at a moment, signed with a key the database does not hold.

    Someone who can delete the newest audit events can delete the newest checkpoints too, but
    cannot sign a new one without ``AUDIT_CHECKPOINT_KEY``, and cannot unwrite the log line
    each checkpoint also goes to (logger ``casereview.audit.checkpoint``, shipped elsewhere).
    Checkpoints are chained by the previous signature, and append-only like the events.
    """

    created_at = models.DateTimeField(default=timezone.now)
    event_count = models.PositiveBigIntegerField()
    head_pk = models.BigIntegerField(null=True, blank=True)
    head_hash = models.CharField(max_length=64)
    prev_signature = models.CharField(max_length=64)
    signature = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.event_count} events"

    def save(self, *args, **kwargs):
        if self.pk:
            raise PermissionError("Audit checkpoints are append-only.")
        super().save(*args, **kwargs)

    def compute_signature(self) -> str:
        message = json.dumps(
            [
                self.created_at.isoformat(),
                self.event_count,
                self.head_pk,
                self.head_hash,
                self.prev_signature,
            ]
        )
        key = settings.AUDIT_CHECKPOINT_KEY.encode()
        return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def checkpoint_write() -> AuditCheckpoint:
    """Sign the chain's current head and length, store it and write it to the log."""
    with transaction.atomic():
        # The same lock as record(): no event is appended between reading the head and the count.
        head = (
            AuditEvent.objects.select_for_update().order_by("-pk").values_list("pk", "hash")
        ).first()
        count = AuditEvent.objects.count()
        last = AuditCheckpoint.objects.order_by("-pk").values_list("signature", flat=True).first()
        checkpoint = AuditCheckpoint(
            event_count=count,
            head_pk=head[0] if head else None,
            head_hash=head[1] if head else GENESIS,
            prev_signature=last or GENESIS,
        )
        checkpoint.signature = checkpoint.compute_signature()
        checkpoint.save()
    checkpoint_log.info(
        "audit checkpoint at=%s events=%d head=%s hash=%s signature=%s",
        checkpoint.created_at.isoformat(),
        checkpoint.event_count,
        checkpoint.head_pk,
        checkpoint.head_hash,
        checkpoint.signature,
    )
    return checkpoint


@dataclass
class AuditVerification:
    """What checking the audit table found: the events that break it, and why, in words."""

    events: int = 0
    checkpoint: AuditCheckpoint | None = None
    broken: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.broken and not self.problems


def audit_verify() -> AuditVerification:
    """Check the chain, the checkpoints' signatures and links, and the events against the latest.

    The event the latest checkpoint names must still be there, with its hash, at the same
    position: deleting the newest events (or rewriting the chain after a deletion) fails here.
    """
    result = AuditVerification()
    previous = GENESIS
    for checkpoint in AuditCheckpoint.objects.order_by("pk").iterator():
        if checkpoint.prev_signature != previous or not hmac.compare_digest(
            checkpoint.compute_signature(), checkpoint.signature
        ):
            result.problems.append(
                f"Checkpoint {checkpoint.pk} is not signed with the audit checkpoint key "
                "or does not follow the one before it."
            )
            if checkpoint.head_pk is not None:
                result.broken.append(checkpoint.head_pk)
        previous = checkpoint.signature
        result.checkpoint = checkpoint
    latest = result.checkpoint
    broken, head = _chain(
        AuditEvent.objects.order_by("pk").iterator(), head_pk=latest.head_pk if latest else None
    )
    result.events = AuditEvent.objects.count()
    if broken:
        result.problems.append(
            f"{len(broken)} audit event(s) do not match the chain, from event {broken[0]}."
        )
    result.broken = broken + [pk for pk in result.broken if pk not in broken]
    if latest is None or latest.head_pk is None:
        return result
    at = f"{latest.created_at:%Y-%m-%d %H:%M} UTC"
    if head is None:
        result.problems.append(
            f"Event {latest.head_pk}, the newest at the checkpoint of {at}, is missing: "
            "audit events were deleted."
        )
    elif head != (latest.head_hash, latest.event_count):
        result.problems.append(
            f"The events up to event {latest.head_pk} are not those of the checkpoint of {at} "
            f"({latest.event_count} events)."
        )
    else:
        return result
    if latest.head_pk not in result.broken:
        result.broken.append(latest.head_pk)
    return result


def document_path(instance: Document, filename: str) -> str:
    # A user's filename never reaches the filesystem (SECURITY.md UP-3).
    return f"documents/{instance.board_id}/{uuid.uuid4().hex}"


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"
    WITHDRAWN = "withdrawn", "Withdrawn"
    # An upload stored before the upload gate that fails it now: no route serves it.
    QUARANTINED = "quarantined", "Quarantined"


class Document(models.Model):
    """A generated or uploaded file kept with a case, versioned and checksummed."""

    board = models.ForeignKey("boards.Board", on_delete=models.PROTECT, related_name="+")
    referral = models.ForeignKey(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=300)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    file = models.FileField(upload_to=document_path)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    status = models.CharField(
        max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.ISSUED
    )
    data_version = models.CharField(max_length=64, blank=True)
    quarantine_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class WorkerHeartbeat(models.Model):
    """A background worker process saying it is alive; ``core.jobs`` reads these as leases."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)
    stopped_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"worker {self.worker_id} (pid {self.pid} on {self.hostname})"


class SideEffect(models.Model):
    """A side effect done once whatever reruns its task: the unique key is the claim."""

    key = models.CharField(max_length=200, unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.key
