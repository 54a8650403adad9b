"""Mutation tests: tamper with single events as a database superuser could (append-only
triggers switched off) and show that verify_audit names the first event that does not verify."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from audit.models import AuditChainHead, AuditEvent
from tests.audit.test_chain import fields_of, record, rehash, seal, verify

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db]


@contextmanager
def triggers_disabled() -> Iterator[None]:
    """What a superuser (or the table owner) can do: switch the append-only triggers off."""
    # Inside the test's transaction the deferred foreign-key checks of the events just written
    # are pending, and ALTER TABLE refuses to run past pending trigger events: run them first.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.fixture
def events(world) -> Iterator[list[AuditEvent]]:
    recorded = record(world, 5)
    assert "5 audit events verified" in verify()
    yield recorded
    # Whatever a test did, the triggers are on again afterwards.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE audit_auditevent CASCADE")


HASH = "hash does not match"
PAYLOAD = "does not match the event's payload digest"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        # The payload is checked against its digest; the digest (and every other field) by the hash.
        pytest.param(lambda world: {"detail": {"n": 2, "comment": "改过"}}, PAYLOAD, id="detail"),
        pytest.param(lambda world: {"ip": "10.9.9.9"}, PAYLOAD, id="ip"),
        pytest.param(lambda world: {"user_agent": "curl"}, PAYLOAD, id="user_agent"),
        pytest.param(lambda world: {"payload_salt": "1" * 32}, PAYLOAD, id="payload_salt"),
        pytest.param(lambda world: {"payload_digest": "0" * 64}, HASH, id="payload_digest"),
        pytest.param(lambda world: {"actor_id": world.colleague.pk}, HASH, id="actor"),
        pytest.param(lambda world: {"actor_label": "someone else"}, HASH, id="actor_label"),
        pytest.param(
            lambda world: {"occurred_at": datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)},
            HASH,
            id="occurred_at",
        ),
        pytest.param(lambda world: {"action": "case.open"}, HASH, id="action"),
        pytest.param(lambda world: {"case_id": 999}, HASH, id="case_id"),
        pytest.param(lambda world: {"hash_version": 3}, "unknown hash version 3", id="hash_version"),
    ],
)
def test_altering_one_field_of_one_event_is_detected(world, events, change, problem):
    with triggers_disabled():
        AuditEvent.objects.filter(pk=events[2].pk).update(**change(world))
    with pytest.raises(CommandError, match=rf"id={events[2].pk} .*seq=3: .*{problem}"):
        verify()


def test_an_event_relabelled_as_version_1_is_detected(world, events):
    """Relabelled, the event is checked as version 1, whose hash covers other bytes."""
    with triggers_disabled():
        AuditEvent.objects.filter(pk=events[0].pk).update(hash_version=1)
    with pytest.raises(CommandError, match=rf"id={events[0].pk} .*seq=1: hash does not match"):
        verify()


def test_a_version_1_event_cannot_follow_version_2(world, events):
    """A forger who hashes a forged event the old way still breaks the chain's version order."""
    forged = fields_of(events[4]) | {"seq": 6, "detail": {"forged": True}, "prev_hash": events[4].hash}
    forged["hash"] = rehash(AuditEvent(**forged))
    AuditEvent.objects.create(**forged)
    with pytest.raises(CommandError, match="seq=6: hash version 1 after version 2"):
        verify()


def test_deleting_an_event_in_the_middle_is_detected(events):
    with triggers_disabled():
        AuditEvent.objects.filter(pk=events[1].pk).delete()
    with pytest.raises(CommandError, match=rf"id={events[2].pk} .*seq=3: expected seq 2"):
        verify()


def test_deleting_the_last_event_is_caught_by_the_chain_head(events):
    with triggers_disabled():
        AuditEvent.objects.filter(pk=events[4].pk).delete()
    with pytest.raises(CommandError, match=r"seq=4: chain head \(5, '[0-9a-f]{64}'\) does not match"):
        verify()


def test_deleting_every_event_of_a_chain_is_caught_by_the_chain_head(events):
    with triggers_disabled():
        AuditEvent.objects.filter(chain=events[0].chain).delete()
    with pytest.raises(CommandError, match="chain head points at events that do not exist"):
        verify()


def test_swapping_two_events_is_detected(world, events):
    with triggers_disabled():
        AuditEvent.objects.filter(pk=events[1].pk).update(seq=1000)
        AuditEvent.objects.filter(pk=events[2].pk).update(seq=2)
        AuditEvent.objects.filter(pk=events[1].pk).update(seq=3)
    # Every chain is read in storage (id) order: the first event out of place is the earlier one.
    with pytest.raises(CommandError, match=rf"id={events[1].pk} .*seq=3: expected seq 2"):
        verify()
    # One school's chain is read in seq order: the moved event no longer links to its predecessor.
    with pytest.raises(CommandError, match=rf"id={events[2].pk} .*seq=2: prev_hash"):
        verify("--school", world.school.code)


def test_a_forged_event_inserted_in_the_middle_is_detected(world, events):
    with triggers_disabled():
        for event in reversed(events[2:]):
            AuditEvent.objects.filter(pk=event.pk).update(seq=event.seq + 1)
    forged = seal(fields_of(events[2]) | {"detail": {"forged": True}, "prev_hash": events[1].hash})
    AuditEvent.objects.create(**forged)  # INSERT is allowed: the trail is append-only, not closed
    # The forger hashed the forged event correctly, so the break shows at the displaced original:
    # in storage order it comes before the forged row, in seq order it no longer links.
    with pytest.raises(CommandError, match=rf"id={events[2].pk} .*seq=4: expected seq 3"):
        verify()
    with pytest.raises(CommandError, match=rf"id={events[2].pk} .*seq=4: prev_hash"):
        verify("--school", world.school.code)


def test_a_forged_event_appended_without_moving_the_head_is_detected(events):
    forged = seal(fields_of(events[4]) | {"seq": 6, "detail": {"forged": True}, "prev_hash": events[4].hash})
    AuditEvent.objects.create(**forged)
    with pytest.raises(CommandError, match="seq=6: chain head"):
        verify()


def test_a_rewritten_chain_passes_alone_and_only_the_anchor_catches_it(world, events, tmp_path):
    anchor = tmp_path / "anchor.json"
    call_command("audit_anchor", "--output", str(anchor), stdout=StringIO())
    assert json.loads(anchor.read_text())["chains"][0]["seq"] == 5

    with triggers_disabled():
        AuditEvent.objects.filter(pk=events[1].pk).update(actor_label="rewritten")
        prev = ""
        for event in AuditEvent.objects.filter(chain=events[0].chain).order_by("seq"):
            event.prev_hash = prev
            event.hash = prev = rehash(event)
            event.save(update_fields=["prev_hash", "hash"])
    AuditChainHead.objects.filter(chain=events[0].chain).update(hash=prev)

    assert "5 audit events verified" in verify()
    with pytest.raises(CommandError, match=rf"id={events[4].pk} .*seq=5: hash differs from the anchor"):
        verify("--anchor", str(anchor))
