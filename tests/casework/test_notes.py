"""Confidential counselling notes: who reads and writes them, what is audited, what is stored."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid

import pytest
from cryptography.fernet import Fernet
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import override_settings

from audit.models import AuditEvent
from casework import notes, services
from casework.models import Case, CounsellingNote
from core.errors import Forbidden, Invalid, NotFound
from schools.models import Membership
from tests.builders import open_case
from tests.casework.helpers import add_staff, personas


def audit_dump() -> str:
    """Every audit row, every column, as one string (to look for leaked content)."""
    return json.dumps(list(AuditEvent.objects.values()), default=str, ensure_ascii=False)


def refused(case_id, user, *, write: bool):
    """Attempt a read or a write; return (exception class, the audit events it added)."""
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    with pytest.raises((NotFound, Forbidden)) as error:
        if write:
            notes.note_create(case_id=case_id, user=user, content="我也想写一条")
        else:
            notes.note_list(case_id=case_id, user=user)
    added = list(AuditEvent.objects.exclude(pk__in=before))
    return error.type, added


@pytest.fixture
def cast(world):
    return personas(world)


@pytest.fixture
def psych_case(world) -> Case:
    """Opened in the psychological category: the school's counsellor is granted at once."""
    return open_case(world.classroom, by=world.colleague, categories=["psychological"], summary="情绪低落")


@pytest.mark.smoke
def test_the_granted_counsellor_writes_and_reads_notes(world, psych_case):
    first = notes.note_create(
        case_id=psych_case.pk, user=world.counsellor, content="  第一次谈话：睡眠不好  "
    )
    notes.note_create(case_id=psych_case.pk, user=world.counsellor, content="第二次：好转")

    views = notes.note_list(case_id=psych_case.pk, user=world.counsellor)

    assert [view.content for view in views] == ["第一次谈话：睡眠不好", "第二次：好转"]
    assert views[0].id == first.pk
    assert views[0].author_id == world.counsellor.pk
    assert "睡眠".encode() not in bytes(CounsellingNote.objects.get(pk=first.pk).ciphertext)
    reads = AuditEvent.objects.filter(action="note.read", case_id=psych_case.pk)
    assert reads.count() == 1
    read = reads.get()
    assert read.actor == world.counsellor
    assert read.detail == {"notes": [view.id for view in views]}
    creates = AuditEvent.objects.filter(action="note.create", case_id=psych_case.pk)
    assert [event.detail for event in creates] == [{"length": 10}, {"length": 6}]
    assert "睡眠" not in audit_dump()


def test_every_read_is_audited(world, psych_case):
    notes.note_create(case_id=psych_case.pk, user=world.counsellor, content="内容")
    for _ in range(3):
        notes.note_list(case_id=psych_case.pk, user=world.counsellor)
    reads = AuditEvent.objects.filter(action="note.read", case_id=psych_case.pk)
    assert reads.count() == 3
    assert {event.actor_id for event in reads} == {world.counsellor.pk}


def test_empty_and_overlong_notes_are_refused(world, psych_case):
    with pytest.raises(Invalid):
        notes.note_create(case_id=psych_case.pk, user=world.counsellor, content="   ")
    with pytest.raises(Invalid):
        notes.note_create(
            case_id=psych_case.pk, user=world.counsellor, content="字" * (notes.MAX_NOTE_LENGTH + 1)
        )
    assert not CounsellingNote.objects.exists()


def test_a_counsellor_granted_later_reads_and_loses_access_on_revocation(world, psych_case):
    notes.note_create(case_id=psych_case.pk, user=world.counsellor, content="家庭变故")
    second = add_staff("counsellor2", world.school, Membership.Role.COUNSELLOR)
    # Joined after the case was opened: sees the psychological case, but not its notes.
    assert refused(psych_case.pk, second, write=False)[0] is Forbidden

    services.counsellor_grant(case_id=psych_case.pk, user=world.principal, counsellor_id=second.pk)
    assert [view.content for view in notes.note_list(case_id=psych_case.pk, user=second)] == ["家庭变故"]
    notes.note_create(case_id=psych_case.pk, user=second, content="第二位咨询师的记录")

    services.counsellor_revoke(case_id=psych_case.pk, user=world.principal, counsellor_id=second.pk)
    revocation = AuditEvent.objects.get(action="permission.revoke", case_id=psych_case.pk)
    assert revocation.actor == world.principal
    assert revocation.detail == {"permission": "access_counselling_notes", "user": second.pk}
    for write in (False, True):
        error, added = refused(psych_case.pk, second, write=write)
        assert error is Forbidden
        assert [(e.action, e.actor_id, e.detail) for e in added] == [
            ("note.write_refused" if write else "note.read_refused", second.pk, {"reason": "not_granted"})
        ]
    # The first counsellor is untouched.
    assert len(notes.note_list(case_id=psych_case.pk, user=world.counsellor)) == 2


def test_a_counsellor_granted_on_a_non_psychological_case(world):
    case = open_case(world.classroom, by=world.colleague, categories=["poverty"])
    assert refused(case.pk, world.counsellor, write=True)[0] is NotFound
    services.counsellor_grant(case_id=case.pk, user=world.principal, counsellor_id=world.counsellor.pk)
    notes.note_create(case_id=case.pk, user=world.counsellor, content="经济压力导致焦虑")
    assert len(notes.note_list(case_id=case.pk, user=world.counsellor)) == 1
    services.counsellor_revoke(case_id=case.pk, user=world.principal, counsellor_id=world.counsellor.pk)
    # Without the grant the case itself is out of the counsellor's sight again.
    assert refused(case.pk, world.counsellor, write=False)[0] is NotFound


def test_only_a_school_leader_grants_and_only_to_a_counsellor_of_the_school(world, cast, psych_case):
    second = add_staff("counsellor2", world.school, Membership.Role.COUNSELLOR)
    for user in (cast["owner"], cast["class_teacher"], cast["school_admin"], cast["inspector"], second):
        with pytest.raises(Forbidden):
            services.counsellor_grant(case_id=psych_case.pk, user=user, counsellor_id=second.pk)
    with pytest.raises(NotFound):
        services.counsellor_grant(case_id=psych_case.pk, user=cast["superuser"], counsellor_id=second.pk)
    for not_a_counsellor in (cast["bystander"], cast["other_counsellor"], cast["vice_principal"]):
        with pytest.raises(Invalid):
            services.counsellor_grant(
                case_id=psych_case.pk, user=world.principal, counsellor_id=not_a_counsellor.pk
            )
    assert refused(psych_case.pk, second, write=False)[0] is Forbidden
    assert not AuditEvent.objects.filter(action="permission.grant").exists()
    services.counsellor_grant(case_id=psych_case.pk, user=cast["vice_principal"], counsellor_id=second.pk)
    assert notes.note_list(case_id=psych_case.pk, user=second) == []


# Visible to them, so 403; the others do not see the case at all, so 404.
SEES_THE_CASE = ["owner", "class_teacher", "principal", "vice_principal", "school_admin", "inspector"]
SEES_THE_CASE += ["super_principal"]
SEES_NOTHING = ["bystander", "custodian", "outsider", "other_inspector", "other_counsellor", "superuser"]


@pytest.mark.parametrize("write", [False, True], ids=["read", "write"])
def test_nobody_but_granted_counsellors_reads_or_writes(world, cast, psych_case, write):
    secret = f"秘密-{uuid.uuid4().hex}"
    notes.note_create(case_id=psych_case.pk, user=world.counsellor, content=secret)
    action = "note.write_refused" if write else "note.read_refused"
    for name in SEES_THE_CASE + SEES_NOTHING:
        user = cast[name]
        error, added = refused(psych_case.pk, user, write=write)
        visible = name in SEES_THE_CASE
        assert error is (Forbidden if visible else NotFound), name
        assert len(added) == 1, name
        event = added[0]
        assert (event.action, event.actor_id, event.case_id) == (action, user.pk, psych_case.pk), name
        assert event.detail == {"reason": "not_granted" if visible else "not_visible"}, name
        # An unseen case leaves no trace of its school or identity in the refusal.
        assert event.school_id == (psych_case.school_id if visible else None), name
        assert event.target_id == (str(psych_case.pk) if visible else ""), name
    assert CounsellingNote.objects.count() == 1
    assert not AuditEvent.objects.filter(action="note.read").exists()
    assert secret not in audit_dump()


def test_a_refusal_on_a_case_that_does_not_exist_is_404_and_audited(world):
    error, added = refused(987654, world.counsellor, write=False)
    assert error is NotFound
    assert [(e.action, e.actor_id, e.case_id, e.target_id) for e in added] == [
        ("note.read_refused", world.counsellor.pk, 987654, "")
    ]


def test_a_deactivated_counsellor_loses_access(world, psych_case):
    notes.note_create(case_id=psych_case.pk, user=world.counsellor, content="记录")
    Membership.objects.filter(user=world.counsellor, role=Membership.Role.COUNSELLOR).update(is_active=False)
    # The guardian permission is still there, but without the membership it opens nothing.
    assert world.counsellor.has_perm("casework.access_counselling_notes", psych_case)
    for write in (False, True):
        error, added = refused(psych_case.pk, world.counsellor, write=write)
        assert error is NotFound
        assert len(added) == 1


def test_a_deactivated_user_loses_access(world, psych_case):
    world.counsellor.is_active = False
    world.counsellor.save(update_fields=["is_active"])
    assert refused(psych_case.pk, world.counsellor, write=False)[0] is NotFound


def test_a_counsellor_of_another_school_sees_nothing(world, cast, psych_case):
    other = cast["other_counsellor"]
    assert refused(psych_case.pk, other, write=False)[0] is NotFound
    assert refused(psych_case.pk, other, write=True)[0] is NotFound
    # Even a stray object permission (never given by the services) opens nothing without a
    # counsellor membership of the case's school.
    from guardian.shortcuts import assign_perm

    assign_perm(services.NOTES_PERM, other, psych_case)
    assert refused(psych_case.pk, other, write=False)[0] is NotFound


def test_notes_are_not_in_the_django_admin(world, cast, psych_case, client):
    secret = uuid.uuid4().hex
    notes.note_create(case_id=psych_case.pk, user=world.counsellor, content=secret)
    assert CounsellingNote not in admin.site._registry
    assert Case in admin.site._registry

    client.force_login(cast["super_principal"])
    for url in ("/admin/", "/admin/casework/", f"/admin/casework/case/{psych_case.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert secret not in page, url
        assert "counsellingnote" not in page.lower(), url
        assert "counselling note" not in page.lower(), url
    assert client.get("/admin/casework/counsellingnote/").status_code == 404


def test_rotation_re_encrypts_with_the_new_key(world, psych_case):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(WANJIA_NOTES_KEYS=[old]):
        note = notes.note_create(case_id=psych_case.pk, user=world.counsellor, content="旧钥匙写的")
    before = bytes(CounsellingNote.objects.get(pk=note.pk).ciphertext)

    def read() -> list[str]:
        return [view.content for view in notes.note_list(case_id=psych_case.pk, user=world.counsellor)]

    with override_settings(WANJIA_NOTES_KEYS=[new]), pytest.raises(ImproperlyConfigured):
        read()
    with override_settings(WANJIA_NOTES_KEYS=[new, old]):
        assert read() == ["旧钥匙写的"]
        assert notes.notes_rotate() == 1
    after = bytes(CounsellingNote.objects.get(pk=note.pk).ciphertext)
    assert after != before
    with override_settings(WANJIA_NOTES_KEYS=[new]):
        assert read() == ["旧钥匙写的"]
    with override_settings(WANJIA_NOTES_KEYS=[old]), pytest.raises(ImproperlyConfigured):
        read()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_database_dump_never_contains_note_content(world):
    """The canary: what a backup or a stolen dump holds is ciphertext only."""
    canary = f"canary-{uuid.uuid4().hex}"
    control = f"control-{uuid.uuid4().hex}"
    case = open_case(world.classroom, by=world.colleague, categories=["psychological"], summary=control)
    notes.note_create(case_id=case.pk, user=world.counsellor, content=f"谈话记录 {canary}")
    (view,) = notes.note_list(case_id=case.pk, user=world.counsellor)
    assert view.content.endswith(canary)

    db = connection.settings_dict
    pg_dump = shutil.which("pg_dump")
    assert pg_dump, "pg_dump is needed for this test"
    command = [pg_dump, "--data-only", "--no-owner", "--dbname", db["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            command += [option, str(db[key])]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    dump = subprocess.run(command, capture_output=True, check=True, env=env, timeout=120).stdout  # noqa: S603

    assert control.encode() in dump  # the dump does hold the committed data
    assert canary.encode() not in dump
    assert canary.encode().hex().encode() not in dump  # nor as bytea hex
