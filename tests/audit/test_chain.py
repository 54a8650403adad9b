"""The audit hash chain: written by audit_record, checked by verify_audit, pinned by audit_anchor."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audit.chain import chain_for_school, event_hash, event_hash_v2, payload_digest
from audit.models import AuditChainHead, AuditEvent
from audit.services import AuditContext, audit_record

pytestmark = pytest.mark.django_db


def verify(*args: str) -> str:
    out = StringIO()
    call_command("verify_audit", *args, stdout=out, verbosity=0)
    return out.getvalue()


def record(world, n: int, *, school=None) -> list[AuditEvent]:
    school = school or world.school
    return [
        audit_record(
            action="case.transition",
            actor=world.owner,
            school_id=school.pk,
            case_id=i,
            detail={"n": i, "comment": "家访"},
            context=AuditContext(ip="10.0.0.1", user_agent="test"),
        )
        for i in range(n)
    ]


def fields_of(event: AuditEvent) -> dict:
    """Every field a version-1 hash covers."""
    return {
        "chain": event.chain,
        "seq": event.seq,
        "occurred_at": event.occurred_at,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "case_id": event.case_id,
        "school_id": event.school_id,
        "detail": event.detail,
        "ip": event.ip,
        "user_agent": event.user_agent,
        "prev_hash": event.prev_hash,
    }


def v2_fields_of(event: AuditEvent) -> dict:
    """Every field a version-2 hash covers: the payload (detail, ip, user agent) by its digest."""
    fields = fields_of(event)
    for name in ("detail", "ip", "user_agent"):
        del fields[name]
    return fields | {"payload_digest": event.payload_digest}


def rehash(event: AuditEvent) -> str:
    """The hash the event's fields call for, as verify_audit computes it (either version)."""
    if event.hash_version == 1:
        return event_hash(**fields_of(event))
    return event_hash_v2(**v2_fields_of(event))


def seal(fields: dict, salt: str = "0" * 32) -> dict:
    """A version-2 event's fields (as fields_of gives them) with its salt, digest and hash set."""
    payload = {name: fields[name] for name in ("detail", "ip", "user_agent")}
    sealed = fields | {
        "hash_version": 2,
        "payload_salt": salt,
        "payload_digest": payload_digest(salt=salt, **payload),
    }
    hashed = {
        k: v
        for k, v in sealed.items()
        if k not in ("detail", "ip", "user_agent", "hash_version", "payload_salt", "hash")
    }
    return sealed | {"hash": event_hash_v2(**hashed)}


@pytest.mark.smoke
def test_events_are_chained_per_school_and_an_intact_trail_verifies(world):
    events = record(world, 3) + record(world, 2, school=world.other_school)
    bureau = audit_record(action="login", actor=world.inspector)
    assert [e.seq for e in events] == [1, 2, 3, 1, 2]
    assert events[0].chain == f"school:{world.school.pk}"
    assert bureau.chain == "bureau"
    assert events[1].prev_hash == events[0].hash
    assert events[0].prev_hash == ""
    stored = AuditEvent.objects.get(pk=events[1].pk)
    # New events are version 2: the hash covers a salted digest of the payload, not the payload.
    assert stored.hash_version == 2
    assert len(stored.payload_salt) == 32
    assert stored.payload_salt != AuditEvent.objects.get(pk=events[0].pk).payload_salt
    assert stored.payload_digest == payload_digest(
        salt=stored.payload_salt, detail=stored.detail, ip=stored.ip, user_agent=stored.user_agent
    )
    assert event_hash_v2(**v2_fields_of(stored)) == stored.hash
    assert AuditChainHead.objects.get(chain=events[2].chain).hash == events[2].hash
    assert "6 audit events verified" in verify()
    assert "3 audit events verified" in verify("--school", world.school.code)


def test_an_anchor_of_an_intact_trail_verifies(world, tmp_path):
    events = record(world, 4)
    anchor = tmp_path / "anchor.json"
    call_command("audit_anchor", "--output", str(anchor), stdout=StringIO())
    pinned = json.loads(anchor.read_text())
    assert {"chain": events[0].chain, "seq": 4, "hash": events[3].hash} in pinned["chains"]
    assert "4 audit events verified" in verify("--anchor", str(anchor))
    record(world, 2)
    assert "6 audit events verified" in verify("--anchor", str(anchor))


def test_unknown_school_is_refused(world):
    with pytest.raises(CommandError, match="No school"):
        verify("--school", "nope")


def test_chain_names():
    assert chain_for_school(7) == "school:7"
    assert chain_for_school(None) == "bureau"
