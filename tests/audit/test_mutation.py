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

from audit.chain import event_hash
from audit.models import AuditChainHead, AuditEvent
from tests.audit.test_chain import fields_of, record, verify

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


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda world: {"detail": {"n": 2, "comment": "改过"}}, id="detail"),
        pytest.param(lambda world: {"actor_id": world.colleague.pk}, id="actor"),
        pytest.param(lambda world: {"actor_label": "someone else"}, id="actor_label"),
        pytest.param(
            lambda world: {"occurred_at": datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)},
            id="occurred_at",
        ),
        pytest.param(lambda world: {"action": "case.open"}, id="action"),
        pytest.param(lambda world: {"ip": "10.9.9.9"}, id="ip"),
        pytest.param(lambda world: {"case_id": 999}, id="case_id"),
    ],
)
def test_altering_one_field_of_one_event_is_detected(world, events, change):
    with triggers_disabled():
        AuditEvent.objects.filter(pk=events[2].pk).update(**change(world))
    with pytest.raises(CommandError, match=rf"id={events[2].pk} .*seq=3: hash does not match"):
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
    forged = fields_of(events[2]) | {"detail": {"forged": True}, "prev_hash": events[1].hash}
    forged["hash"] = event_hash(**forged)
    AuditEvent.objects.create(**forged)  # INSERT is allowed: the trail is append-only, not closed
    # The forger hashed the forged event correctly, so the break shows at the displaced original:
    # in storage order it comes before the forged row, in seq order it no longer links.
    with pytest.raises(CommandError, match=rf"id={events[2].pk} .*seq=4: expected seq 3"):
        verify()
    with pytest.raises(CommandError, match=rf"id={events[2].pk} .*seq=4: prev_hash"):
        verify("--school", world.school.code)


def test_a_forged_event_appended_without_moving_the_head_is_detected(events):
    forged = fields_of(events[4]) | {"seq": 6, "detail": {"forged": True}, "prev_hash": events[4].hash}
    forged["hash"] = event_hash(**forged)
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
            event.hash = prev = event_hash(**fields_of(event))
            event.save(update_fields=["prev_hash", "hash"])
    AuditChainHead.objects.filter(chain=events[0].chain).update(hash=prev)

    assert "5 audit events verified" in verify()
    with pytest.raises(CommandError, match=rf"id={events[4].pk} .*seq=5: hash differs from the anchor"):
        verify("--anchor", str(anchor))
