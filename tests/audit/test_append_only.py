"""audit_auditevent is append-only in the database: triggers refuse UPDATE, DELETE and TRUNCATE,
for the application's role and for the table owner alike."""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError, ProgrammingError, connection, transaction

from audit.models import AuditChainHead, AuditEvent
from audit.services import AuditContext, audit_record

pytestmark = pytest.mark.django_db


def _event(world) -> AuditEvent:
    return audit_record(
        action="case.open",
        actor=world.owner,
        school_id=world.school.pk,
        detail={"n": 1},
        context=AuditContext(ip="10.0.0.1"),
    )


def _refused(operation: str):
    return pytest.raises(IntegrityError, match=f"append-only: {operation} refused")


def _truncate() -> None:
    with connection.cursor() as cursor:
        # Deferred foreign-key checks of rows written in this transaction must run before a TRUNCATE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE audit_auditevent")


@pytest.mark.smoke
def test_update_and_delete_through_the_orm_are_refused(world):
    event = _event(world)
    with _refused("UPDATE"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="case.close")
    event.detail = {"n": 2}
    with _refused("UPDATE"), transaction.atomic():
        event.save()
    with _refused("DELETE"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with _refused("DELETE"), transaction.atomic():
        AuditEvent.objects.all().delete()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.detail, stored.hash) == ("case.open", {"n": 1}, event.hash)
    # The chain head must move with every write, so it stays writable.
    second = _event(world)
    assert AuditChainHead.objects.get(chain=event.chain).hash == second.hash


@pytest.mark.postgres_only
def test_the_table_owner_is_refused_too(world):
    event = _event(world)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user = tableowner FROM pg_tables WHERE tablename = 'audit_auditevent'")
        assert cursor.fetchone() == (True,)
    with _refused("TRUNCATE"), transaction.atomic():
        _truncate()
    with _refused("DELETE"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.postgres_only
def test_the_application_role_cannot_update_delete_or_truncate_but_can_append(world):
    event = _event(world)
    role = f"wanjia_app_{uuid.uuid4().hex[:12]}"  # roles are cluster-wide; rolled back with the test
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        # TRUNCATE granted too: what refuses it below is the trigger, not a missing privilege.
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO {role}"
        )
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
        cursor.execute(
            "SELECT has_table_privilege(%s, 'audit_auditevent', 'UPDATE, DELETE, TRUNCATE')", [role]
        )
        assert cursor.fetchone() == (True,)
        cursor.execute(f"SET ROLE {role}")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone() == (role,)
        with _refused("UPDATE"), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(detail={"n": 2})
        with _refused("DELETE"), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).delete()
        with _refused("TRUNCATE"), transaction.atomic():
            _truncate()
        # The role cannot switch the triggers off: only the owner or a superuser may ALTER TABLE.
        with (
            pytest.raises(ProgrammingError, match="must be owner"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        appended = _event(world)
        assert appended.seq == event.seq + 1
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    assert AuditEvent.objects.get(pk=event.pk).detail == {"n": 1}
    assert AuditEvent.objects.filter(pk=appended.pk).exists()


# pytest-django runs transactional tests after the others, in file order: the first leaves an
# event behind for the end-of-test flush, the second shows the flush emptied the table and left
# the triggers in force.
@pytest.mark.smoke
@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_writes_an_event_for_the_flush_to_remove(world):
    _event(world)
    assert AuditEvent.objects.count() == 1


@pytest.mark.smoke
@pytest.mark.django_db(transaction=True)
def test_after_the_flush_the_table_is_empty_and_still_append_only(world):
    assert not AuditEvent.objects.exists()
    event = _event(world)
    with _refused("UPDATE"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with _refused("DELETE"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
