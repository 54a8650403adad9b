"""One school's audit writes never wait on another school's chain head."""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection, transaction

from audit.chain import chain_for_school
from audit.models import AuditChainHead
from audit.services import audit_record

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_a_held_head_lock_blocks_only_its_own_chain(world):
    audit_record(action="seed", actor=world.outsider, school_id=world.other_school.pk)
    locked, release = threading.Event(), threading.Event()

    def hold_other_school() -> None:
        try:
            with transaction.atomic():
                AuditChainHead.objects.select_for_update().get(chain=chain_for_school(world.other_school.pk))
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_other_school)
    holder.start()
    try:
        assert locked.wait(10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '500ms'")
            event = audit_record(action="case.open", actor=world.owner, school_id=world.school.pk)
        assert event.seq == 1
        with pytest.raises(OperationalError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '200ms'")
            audit_record(action="case.open", actor=world.outsider, school_id=world.other_school.pk)
    finally:
        release.set()
        holder.join()
