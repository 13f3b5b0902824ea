"""LG-1 to LG-3: one event per read, a chain nobody can rewrite, and no read without its event."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from casereview.core import models as audit
from casereview.core.models import AuditEvent, verify_chain


def detail_url(referral) -> str:
    return reverse("referrals:detail", kwargs={"pk": referral.pk})


def new_events(before: int):
    return list(AuditEvent.objects.order_by("pk")[before:])


# --- LG-1: exactly one event per read, and state changes with actor and reasons --------------


def test_viewing_a_case_writes_exactly_one_case_viewed_event(world, clients):
    referral = world.own["received"]
    before = AuditEvent.objects.count()
    response = clients["manager"].get(detail_url(referral), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    events = new_events(before)
    assert [e.kind for e in events] == ["CASE_VIEWED"]
    event = events[0]
    assert event.actor == world.cast.manager
    assert event.referral_id == referral.pk
    assert event.board_id == referral.board_id
    assert event.object_id == str(referral.pk)
    assert event.outcome == "ok"
    assert event.ip_address == "203.0.113.7"
    assert event.request_id == response["X-Request-ID"]


def test_downloading_a_document_writes_exactly_one_event(world, clients):
    document = world.own["document"]
    before = AuditEvent.objects.count()
    response = clients["chair"].get(reverse("core:document-download", kwargs={"pk": document.pk}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == world.own["document-bytes"]
    events = new_events(before)
    assert [(e.kind, e.actor_id, e.object_id) for e in events] == [
        ("DOCUMENT_DOWNLOADED", world.cast.chair.pk, str(document.pk))
    ]


def test_a_stage_change_writes_stage_changed_with_its_actor_and_reasons(world, clients):
    referral = world.own["awaiting-decision"]
    before = AuditEvent.objects.count()
    response = clients["chair"].post(
        reverse("referrals:decide", kwargs={"pk": referral.pk}),
        {"decision": "scr", "reasons": "Synthetic reasons for the decision.", "confirmed": "yes"},
    )
    assert response.status_code == 302
    changes = [e for e in new_events(before) if e.kind == "STAGE_CHANGED"]
    assert len(changes) == 1
    change = changes[0]
    assert change.actor == world.cast.chair
    assert change.actor_label
    assert change.referral_id == referral.pk
    assert change.reasons == "Synthetic reasons for the decision."
    assert change.detail["from"] == "awaiting-decision"
    assert change.detail["to"] == "review-open"
    assert change.request_id


def test_asking_agencies_records_the_business_manager_as_actor(world, clients):
    referral = world.own["received"]
    before = AuditEvent.objects.count()
    clients["manager"].post(reverse("referrals:ask-agencies", kwargs={"pk": referral.pk}))
    kinds = {e.kind: e for e in new_events(before)}
    assert kinds["STAGE_CHANGED"].actor == world.cast.manager
    assert kinds["STAGE_CHANGED"].detail["transition"] == "ask_agencies"


def test_a_refused_read_writes_one_denied_event(world, clients):
    before = AuditEvent.objects.count()
    response = clients["police_author"].get(detail_url(world.own["information-gathering"]))
    assert response.status_code in (403, 404)
    assert [e.outcome for e in new_events(before)] == ["denied"]


# --- LG-2: the chain and the database refuse changes ------------------------------------------


def test_the_chain_of_an_untouched_trail_verifies(world):
    assert AuditEvent.objects.count() > 10
    assert verify_chain() == []


def test_the_app_cannot_update_or_delete_an_event(world):
    event = AuditEvent.objects.first()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(kind="X")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditevent SET reasons = 'edited' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ],
)
def test_the_database_refuses_raw_updates_and_deletes(world, sql):
    event = AuditEvent.objects.order_by("pk")[3]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).reasons == event.reasons


def without_triggers(cursor) -> None:
    """What someone with the database file could do: take the triggers away (rolled back)."""
    if connection.vendor == "postgresql":
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
    else:
        cursor.execute("DROP TRIGGER audit_no_update")
        cursor.execute("DROP TRIGGER audit_no_delete")


def test_the_verifier_finds_a_row_edited_behind_the_apps_back(world):
    target = AuditEvent.objects.order_by("pk")[4]
    with connection.cursor() as cursor:
        without_triggers(cursor)
        cursor.execute(
            "UPDATE core_auditevent SET reasons = 'rewritten' WHERE id = %s", [target.pk]
        )
    assert verify_chain() == [target.pk]


def test_the_verifier_finds_a_row_whose_hash_was_recomputed(world):
    """An editor who also fixes the row's hash still breaks the next row's link."""
    events = list(AuditEvent.objects.order_by("pk"))
    target, following = events[4], events[5]
    target.reasons = "rewritten"
    new_hash = target.compute_hash()
    with connection.cursor() as cursor:
        without_triggers(cursor)
        cursor.execute(
            "UPDATE core_auditevent SET reasons = %s, hash = %s WHERE id = %s",
            ["rewritten", new_hash, target.pk],
        )
    assert verify_chain() == [following.pk]


def test_the_verifier_finds_a_deleted_row(world):
    events = list(AuditEvent.objects.order_by("pk"))
    with connection.cursor() as cursor:
        without_triggers(cursor)
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [events[6].pk])
    assert verify_chain() == [events[7].pk]


def test_the_verifier_finds_a_forged_row_inserted_with_raw_sql(world):
    last = AuditEvent.objects.order_by("pk").last()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditevent (occurred_at, actor_label, kind, object_type,"
            " object_id, outcome, reasons, detail, request_id, prev_hash, hash)"
            " VALUES (%s, '', 'CASE_VIEWED', '', '', 'ok', '', '{}', '', %s, %s)",
            [last.occurred_at, last.hash, "f" * 64],
        )
    forged = AuditEvent.objects.order_by("pk").last()
    assert verify_chain() == [forged.pk]


# --- LG-3 and HD-3: no audit, no content; errors fail closed and quietly ----------------------


@pytest.fixture
def audit_broken(monkeypatch):
    def refuse(*args, **kwargs):
        raise DatabaseError("audit store unavailable")

    monkeypatch.setattr(audit, "record", refuse)


def test_a_case_is_not_shown_when_its_view_cannot_be_audited(world, clients, audit_broken):
    client = clients["manager"]
    client.raise_request_exception = False
    referral = world.own["received"]
    response = client.get(detail_url(referral))
    assert response.status_code >= 500
    assert referral.child_name.encode() not in response.content
    assert referral.reference.encode() not in response.content
    assert b"Traceback" not in response.content
    assert b"audit store unavailable" not in response.content
    assert b"SELECT" not in response.content
    assert response["X-Request-ID"].encode() in response.content  # the correlation ID


def test_a_document_is_not_served_when_its_download_cannot_be_audited(world, clients, audit_broken):
    client = clients["manager"]
    client.raise_request_exception = False
    url = reverse("core:document-download", kwargs={"pk": world.own["document"].pk})
    response = client.get(url)
    assert response.status_code >= 500
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert world.own["document-bytes"] not in content
    assert b"CanaryDocumentBytes" not in content


def test_an_agency_request_is_not_shown_when_its_view_cannot_be_audited(
    world, clients, audit_broken
):
    client = clients["police_officer"]
    client.raise_request_exception = False
    response = client.get(reverse("referrals:answer", kwargs={"pk": world.own["request"].pk}))
    assert response.status_code >= 500
    assert world.own["information-gathering"].child_name.encode() not in response.content


def test_an_error_inside_a_permission_rule_denies(world, clients, monkeypatch):
    from casereview.core import permissions

    def broken(access, obj):
        raise RuntimeError("rule exploded")

    monkeypatch.setitem(permissions.RULES, "referral.view", broken)
    referral = world.own["received"]
    response = clients["chair"].get(detail_url(referral))
    assert response.status_code == 403
    assert referral.child_name.encode() not in response.content
    assert b"rule exploded" not in response.content


@pytest.mark.parametrize(
    ("name", "stage", "role"),
    [
        ("referrals:facts", "information-gathering", "manager"),
        ("referrals:recommend", "screening", "manager"),
        ("referrals:decide", "awaiting-decision", "chair"),
    ],
)
def test_every_page_showing_case_content_writes_one_read_event(world, clients, name, stage, role):
    referral = world.own[stage]
    before = AuditEvent.objects.count()
    response = clients[role].get(reverse(name, kwargs={"pk": referral.pk}))
    assert response.status_code == 200
    assert [(e.referral_id, e.outcome) for e in new_events(before)] == [(referral.pk, "ok")]


def test_no_audited_read_serves_content_when_its_event_cannot_be_written(
    world, clients, monkeypatch
):
    """LG-3 across the policy: every audited GET fails closed, whichever way it records."""
    from . import policy
    from .test_permission_matrix import ROUTES, canary_of, secrets_of, url_for

    def refuse(self, *args, **kwargs):
        raise DatabaseError("audit store unavailable")

    monkeypatch.setattr(AuditEvent, "save", refuse)
    problems = []
    checked = 0
    for route in ROUTES:
        entry = policy.URLS.get(route.name, {})
        rule = entry.get("methods", {}).get("GET")
        if rule is None or not entry.get("audited"):
            continue
        role = entry.get("owner") or next(
            r for r in policy.ROLES if policy.expected(rule, r, "own")
        )
        client = clients[role]
        client.raise_request_exception = False
        response = client.get(url_for(world, route.name, "own"))
        content = b"".join(response.streaming_content) if response.streaming else response.content
        checked += 1
        if response.status_code < 500:
            problems.append(f"{route.name}: {response.status_code} with the audit down")
        secrets = [canary_of(world, route.name, "own"), *secrets_of(world, route.name, "own")]
        leaked = [s for s in secrets if s and s in content]
        if leaked:
            problems.append(f"{route.name}: served {leaked} with the audit down")
    assert checked >= 15
    assert not problems, "\n".join(problems)
