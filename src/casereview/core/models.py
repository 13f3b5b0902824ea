"""The audit trail and stored documents, shared by every app."""

from __future__ import annotations

import hashlib
import json
import uuid

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
    """Append one audit event, chained to the last; raises if it cannot be written."""
    from .middleware import current_request

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
    """Primary keys of events whose hash or link does not match: empty when intact."""
    broken: list[int] = []
    previous = GENESIS
    for event in events if events is not None else AuditEvent.objects.order_by("pk").iterator():
        if event.prev_hash != previous or event.compute_hash() != event.hash:
            broken.append(event.pk)
        previous = event.hash
    return broken


def document_path(instance: Document, filename: str) -> str:
    # A user's filename never reaches the filesystem (SECURITY.md UP-3).
    return f"documents/{instance.board_id}/{uuid.uuid4().hex}"


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"
    WITHDRAWN = "withdrawn", "Withdrawn"


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
