"""The audit hash chain: written by audit_record, checked by verify_audit, pinned by audit_anchor."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audit.chain import chain_for_school, event_hash
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
    assert event_hash(**fields_of(stored)) == stored.hash
    assert AuditChainHead.objects.get(chain=events[2].chain).hash == events[2].hash
    assert "6 audit events verified" in verify()
    assert "3 audit events verified" in verify("--school", world.school.code)


def test_altering_one_field_is_detected(world):
    events = record(world, 4)
    AuditEvent.objects.filter(pk=events[2].pk).update(actor_label="someone else")
    with pytest.raises(CommandError, match=rf"id={events[2].pk} .*seq=3: hash does not match"):
        verify()


def test_deleting_one_event_is_detected(world):
    events = record(world, 4)
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    with pytest.raises(CommandError, match=rf"id={events[2].pk} .*seq=3: expected seq 2"):
        verify()


def test_deleting_the_last_event_is_caught_by_the_head(world):
    events = record(world, 3)
    AuditEvent.objects.filter(pk=events[2].pk).delete()
    with pytest.raises(CommandError, match="chain head"):
        verify()


def test_swapping_two_events_is_detected(world):
    events = record(world, 4)
    AuditEvent.objects.filter(pk=events[1].pk).update(seq=1000)
    AuditEvent.objects.filter(pk=events[2].pk).update(seq=2)
    AuditEvent.objects.filter(pk=events[1].pk).update(seq=3)
    with pytest.raises(CommandError, match=rf"id={events[2].pk} .*seq=2: prev_hash"):
        verify()


def test_a_forged_event_in_the_middle_is_detected(world):
    events = record(world, 4)
    for event in reversed(events[2:]):
        AuditEvent.objects.filter(pk=event.pk).update(seq=event.seq + 1)
    forged = fields_of(events[2]) | {"detail": {"forged": True}, "prev_hash": events[1].hash}
    forged["hash"] = event_hash(**forged)
    AuditEvent.objects.create(**forged)
    # The forger hashed the forged event correctly, so the break shows at the displaced original.
    with pytest.raises(CommandError, match=rf"id={events[2].pk} .*seq=4: prev_hash"):
        verify()


def test_a_rewritten_chain_passes_alone_but_fails_against_an_earlier_anchor(world, tmp_path):
    events = record(world, 4)
    anchor = tmp_path / "anchor.json"
    call_command("audit_anchor", "--output", str(anchor), stdout=StringIO())
    pinned = json.loads(anchor.read_text())
    assert {"chain": events[0].chain, "seq": 4, "hash": events[3].hash} in pinned["chains"]
    assert "4 audit events verified" in verify("--anchor", str(anchor))

    AuditEvent.objects.filter(pk=events[1].pk).update(actor_label="rewritten")
    prev = ""
    for event in AuditEvent.objects.filter(chain=events[0].chain).order_by("seq"):
        event.prev_hash = prev
        event.hash = prev = event_hash(**fields_of(event))
        event.save(update_fields=["prev_hash", "hash"])
    AuditChainHead.objects.filter(chain=events[0].chain).update(hash=prev)

    assert "4 audit events verified" in verify()
    with pytest.raises(CommandError, match=rf"id={events[3].pk} .*seq=4: hash differs from the anchor"):
        verify("--anchor", str(anchor))


def test_unknown_school_is_refused(world):
    with pytest.raises(CommandError, match="No school"):
        verify("--school", "nope")


def test_chain_names():
    assert chain_for_school(7) == "school:7"
    assert chain_for_school(None) == "bureau"
