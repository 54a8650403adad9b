"""Confidential counselling notes through the API: granted counsellors only, everything audited,
the content never in the audit trail."""

from __future__ import annotations

import json

import pytest

from audit.models import AuditEvent
from casework import services
from casework.models import CounsellingNote
from tests.api.helpers import api_client
from tests.builders import open_case
from tests.factories import MembershipFactory, UserFactory

SECRET = "孩子说晚上常常一个人在家，害怕"


@pytest.fixture
def case(world):
    # Psychological: the school's counsellors are granted when it is opened. Opened by the
    # colleague so that the owner and the class teacher (world.owner) are different people.
    return open_case(world.classroom, by=world.colleague, categories=["psychological"])


def url(case) -> str:
    return f"/api/v1/cases/{case.pk}/notes/"


def test_a_granted_counsellor_writes_and_reads_notes(world, case):
    client = api_client(world.counsellor)

    created = client.post(url(case), {"content": f"  {SECRET}  "}, format="json")

    assert created.status_code == 201, created.json()
    body = created.json()
    assert set(body) == {"id", "author", "author_name", "created_at", "content"}
    assert body["content"] == SECRET
    assert body["author"] == world.counsellor.pk
    note = CounsellingNote.objects.get(pk=body["id"])
    assert SECRET.encode() not in bytes(note.ciphertext)

    listing = client.get(url(case))
    assert listing.status_code == 200
    assert listing.json()["count"] == 1
    assert listing.json()["results"] == [body]
    read = AuditEvent.objects.get(action="note.read", case_id=case.pk)
    assert read.actor == world.counsellor
    assert read.detail == {"notes": [note.pk]}
    assert AuditEvent.objects.filter(action="note.create", case_id=case.pk).count() == 1


def test_a_counsellor_granted_later_by_the_principal_reads_them_too(world, case):
    api_client(world.counsellor).post(url(case), {"content": SECRET}, format="json")
    second = UserFactory.create(username="counsellor2")
    MembershipFactory.create(user=second, school=world.school, role="counsellor")
    assert api_client(second).get(url(case)).status_code == 403
    services.counsellor_grant(case_id=case.pk, user=world.principal, counsellor_id=second.pk)
    assert api_client(second).get(url(case)).json()["results"][0]["content"] == SECRET


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("owner", 403),  # the class teacher
        ("colleague", 403),  # the owner of the case
        ("principal", 403),
        ("admin", 403),
        ("inspector", 403),
        ("outsider", 404),
        ("custodian", 404),
    ],
)
def test_everyone_else_is_refused_and_every_refusal_is_audited(world, case, persona, status):
    api_client(world.counsellor).post(url(case), {"content": SECRET}, format="json")
    user = getattr(world, persona)
    client = api_client(user)

    read = client.get(url(case))
    write = client.post(url(case), {"content": "我也想写"}, format="json")
    empty_write = client.post(url(case), {}, format="json")

    for response in (read, write, empty_write):
        assert response.status_code == status
        assert response.json()["code"] == {403: "permission_denied", 404: "not_found"}[status]
        assert SECRET not in response.content.decode()
    assert AuditEvent.objects.filter(action="note.read_refused", actor=user, case_id=case.pk).count() == 1
    assert AuditEvent.objects.filter(action="note.write_refused", actor=user, case_id=case.pk).count() == 2
    assert CounsellingNote.objects.filter(case=case).count() == 1


def test_notes_of_a_case_that_does_not_exist_are_404_and_audited(world):
    response = api_client(world.counsellor).get("/api/v1/cases/987654/notes/")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="note.read_refused", actor=world.counsellor).count() == 1


def test_an_empty_note_is_a_400(world, case):
    response = api_client(world.counsellor).post(url(case), {"content": "   "}, format="json")
    assert response.status_code == 400
    assert "content" in response.json()["errors"]
    response = api_client(world.counsellor).post(url(case), {"content": ["x"]}, format="json")
    assert response.status_code == 400


def test_the_content_never_reaches_the_audit_trail(world, case):
    counsellor = api_client(world.counsellor)
    counsellor.post(url(case), {"content": SECRET}, format="json")
    counsellor.get(url(case))
    api_client(world.principal).post(url(case), {"content": SECRET}, format="json")
    api_client(world.principal).get(url(case))

    events = list(AuditEvent.objects.filter(case_id=case.pk))
    assert {"note.create", "note.read", "note.read_refused", "note.write_refused"} <= {
        e.action for e in events
    }
    for event in events:
        assert SECRET not in json.dumps(event.detail, ensure_ascii=False)
        assert "害怕" not in json.dumps(event.detail, ensure_ascii=False)
