"""Erasing an event's personal payload (docs/decisions/0004-audit-erasure.md): the payload and its
salt are gone from the row, the chain still verifies, the trigger lets exactly this change through,
and verify_audit wants every erasure accounted for by the event that made it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.management import CommandError
from django.db import IntegrityError, connection, transaction

from audit.chain import ERASED_COUNT_KEY, ERASED_DETAIL, event_hash
from audit.models import AuditChainHead, AuditEvent
from audit.services import AuditContext, audit_erase, audit_record
from audit.verify import erasures_unaccounted, verify_chains
from tests.api.helpers import api_client
from tests.audit.test_chain import fields_of, record, verify

pytestmark = pytest.mark.django_db


def erase(*events: AuditEvent) -> int:
    """Erase and account for it, as the retention run does: in one transaction."""
    with transaction.atomic():
        erased = audit_erase(events=AuditEvent.objects.filter(pk__in=[e.pk for e in events]))
        audit_record(action="test.erased", actor=None, detail={ERASED_COUNT_KEY: erased})
    return erased


def raw_row(event: AuditEvent) -> tuple:
    """The row as the database holds it, past the ORM."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT detail, ip, user_agent, payload_salt, payload_digest, hash FROM audit_auditevent"
            " WHERE id = %s",
            [event.pk],
        )
        return cursor.fetchone()


@pytest.mark.smoke
def test_an_erased_payload_is_gone_from_the_row_and_the_chain_still_verifies(world):
    events = record(world, 4)
    before = AuditEvent.objects.get(pk=events[1].pk)
    assert before.detail == {"n": 1, "comment": "家访"}

    assert erase(events[1], events[2]) == 2

    after = AuditEvent.objects.get(pk=events[1].pk)
    assert after.detail == ERASED_DETAIL
    assert (after.ip, after.user_agent, after.payload_salt) == (None, "", "")
    assert after.erased_at is not None
    # What the hash covers is unchanged: the chain, the digest and the hash itself.
    assert (after.hash, after.payload_digest, after.prev_hash) == (
        before.hash,
        before.payload_digest,
        before.prev_hash,
    )
    row = raw_row(after)
    assert "家访" not in str(row) and "10.0.0.1" not in str(row)
    assert "5 audit events verified" in verify()  # 4 + the event that accounts for the erasure
    assert "4 audit events verified" in verify("--school", world.school.code)


def test_erasing_again_changes_nothing(world):
    events = record(world, 2)
    assert erase(*events) == 2
    erased_at = AuditEvent.objects.get(pk=events[0].pk).erased_at
    assert erase(*events) == 0
    assert AuditEvent.objects.get(pk=events[0].pk).erased_at == erased_at
    assert "4 audit events verified" in verify()


def test_an_erasure_nobody_accounted_for_fails_verification(world):
    """Someone with UPDATE on the table can erase as the trigger allows; the sum gives them away."""
    events = record(world, 3)
    with transaction.atomic():
        audit_erase(events=AuditEvent.objects.filter(pk=events[0].pk))
    checked, problem = verify_chains()
    assert (checked, problem) == (3, None)  # the chain alone cannot tell
    assert erasures_unaccounted() == (
        "1 audit events have an erased payload, but the erasing events account for 0"
    )
    with pytest.raises(CommandError, match="erased payload, but the erasing events account for 0"):
        verify()
    # One school's chain is checked without the bureau's accounting events.
    assert "3 audit events verified" in verify("--school", world.school.code)


def test_version_1_events_are_never_erased_and_still_verify(world):
    """Events written before version 2 hash their payload: they keep it, and verify as before."""
    chain = f"school:{world.school.pk}"
    AuditChainHead.objects.create(chain=chain)
    legacy = []
    previous = ""
    for seq in (1, 2):
        fields: dict[str, Any] = {
            "chain": chain,
            "seq": seq,
            "occurred_at": datetime.datetime(2026, 1, seq, tzinfo=datetime.UTC),
            "actor_id": world.owner.pk,
            "actor_label": "owner",
            "action": "case.transition",
            "target_type": "",
            "target_id": "",
            "case_id": 7,
            "school_id": world.school.pk,
            "detail": {"comment": "王小明"},
            "ip": "10.0.0.1",
            "user_agent": "old",
            "prev_hash": previous,
        }
        # Written as the code before version 2 wrote them (the model's default version is 1).
        event = AuditEvent.objects.create(**fields, hash=event_hash(**fields))
        previous = event.hash
        legacy.append(event)
    AuditChainHead.objects.filter(chain=chain).update(seq=2, hash=previous)
    new = record(world, 2)
    assert new[0].prev_hash == legacy[1].hash and new[0].hash_version == 2

    assert erase(*legacy, new[0]) == 1
    assert AuditEvent.objects.get(pk=legacy[0].pk).detail == {"comment": "王小明"}
    assert AuditEvent.objects.get(pk=new[0].pk).detail == ERASED_DETAIL
    assert "5 audit events verified" in verify()
    assert fields_of(AuditEvent.objects.get(pk=legacy[1].pk))["detail"] == {"comment": "王小明"}


def _refused():
    return pytest.raises(IntegrityError, match="append-only: UPDATE refused")


@pytest.mark.smoke
def test_the_trigger_lets_only_a_whole_erasure_through(world):
    event = record(world, 1)[0]
    now = datetime.datetime.now(tz=datetime.UTC)
    whole = {"detail": ERASED_DETAIL, "ip": None, "user_agent": "", "payload_salt": "", "erased_at": now}
    events = AuditEvent.objects.filter(pk=event.pk)
    # Half an erasure: the salt kept (the content could still be confirmed), or the detail kept.
    with _refused(), transaction.atomic():
        events.update(**(whole | {"payload_salt": event.payload_salt}))
    with _refused(), transaction.atomic():
        events.update(**(whole | {"detail": {"n": 0}}))
    with _refused(), transaction.atomic():
        events.update(**(whole | {"ip": "10.0.0.1"}))
    with _refused(), transaction.atomic():
        events.update(**(whole | {"erased_at": None}))
    # An erasure that also changes anything else.
    with _refused(), transaction.atomic():
        events.update(**(whole | {"actor_label": "someone else"}))
    with _refused(), transaction.atomic():
        events.update(**(whole | {"payload_digest": "0" * 64}))
    with _refused(), transaction.atomic():
        events.update(**(whole | {"hash_version": 3}))
    with transaction.atomic():
        assert events.update(**whole) == 1
    # Once erased, the row is as fixed as any other.
    with _refused(), transaction.atomic():
        events.update(**(whole | {"erased_at": now + datetime.timedelta(seconds=1)}))
    with pytest.raises(IntegrityError, match="append-only: DELETE refused"), transaction.atomic():
        events.delete()


def test_a_version_1_event_cannot_be_erased_even_by_hand(world):
    fields: dict[str, Any] = {
        "chain": "bureau",
        "seq": 1,
        "occurred_at": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        "actor_id": None,
        "actor_label": "",
        "action": "x",
        "target_type": "",
        "target_id": "",
        "case_id": None,
        "school_id": None,
        "detail": {"a": 1},
        "ip": None,
        "user_agent": "",
        "prev_hash": "",
    }
    event = AuditEvent.objects.create(**fields, hash=event_hash(**fields))
    with _refused(), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(
            detail=ERASED_DETAIL, payload_salt="", erased_at=datetime.datetime.now(tz=datetime.UTC)
        )


@pytest.mark.smoke
def test_an_erased_payload_that_comes_back_is_not_checked_but_a_forged_salt_is(world):
    """Without its salt an erased payload cannot be checked; giving it a salt again breaks it."""
    events = record(world, 2)
    erase(events[0])
    assert "3 audit events verified" in verify()
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE audit_auditevent SET payload_salt = %s, detail = %s WHERE id = %s",
            ["a" * 32, '{"n": 0, "comment": "家访"}', events[0].pk],
        )
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    with pytest.raises(CommandError, match="payload digest"):
        verify()


def test_the_context_of_an_erased_event_is_gone_too(world):
    event = audit_record(
        action="auth.login",
        actor=world.owner,
        school_id=world.school.pk,
        detail={"channel": "web"},
        context=AuditContext(ip="2001:db8::7", user_agent="Mozilla/5.0 微信"),
    )
    erase(event)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.ip, stored.user_agent, stored.detail) == (None, "", ERASED_DETAIL)
    assert "2001:db8" not in str(raw_row(stored))


def test_the_browser_and_the_api_show_an_erased_event_as_such(world, client):
    kept, erased = record(world, 2)
    erase(erased)
    client.force_login(world.principal)
    html = client.get("/audit/", headers={"accept-language": "en"}).content.decode()
    row = html[html.index(f'data-event="{erased.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Personal detail erased on" in row and "under the retention policy" in row
    assert "data-erased=" in row and "家访" not in row and "10.0.0.1" not in row
    assert "家访" in html  # the other event's detail is shown as ever
    results = {e["id"]: e for e in api_client(world.principal).get("/api/v1/audit/events/").json()["results"]}
    assert results[erased.pk]["detail"] == ERASED_DETAIL
    assert results[erased.pk]["ip"] is None and results[erased.pk]["erased_at"]
    assert results[kept.pk]["erased_at"] is None and results[kept.pk]["detail"]["comment"] == "家访"
