"""Break-glass through the API: open, read the notes while it lasts, list and review."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail

from audit.models import AuditEvent
from casework import notes
from casework.models import BreakGlassAccess
from tests.api.helpers import api_client
from tests.builders import open_case

SECRET = "孩子说晚上常常一个人在家，害怕"
REASON = "学生今晚发出自伤信号，需要立即了解既往咨询情况以便干预"
T0 = datetime.datetime(2026, 5, 12, 9, 0, tzinfo=datetime.UTC)
FIELDS = {
    "id",
    "case",
    "school",
    "opened_by",
    "opened_by_name",
    "role",
    "reason",
    "opened_at",
    "expires_at",
    "active",
    "reviewed",
    "reviewed_by",
    "reviewed_by_name",
    "reviewed_at",
    "review_comment",
}


@pytest.fixture
def case(world):
    case = open_case(world.classroom, by=world.colleague, categories=["psychological"])
    notes.note_create(case_id=case.pk, user=world.counsellor, content=SECRET)
    return case


def open_url(case) -> str:
    return f"/api/v1/cases/{case.pk}/notes/break-glass/"


def notes_url(case) -> str:
    return f"/api/v1/cases/{case.pk}/notes/"


@pytest.mark.smoke
def test_open_read_and_expire(world, case, django_capture_on_commit_callbacks):
    world.counsellor.email = "counsellor@example.org"
    world.counsellor.save(update_fields=["email"])
    client = api_client(world.principal)
    assert client.get(notes_url(case)).status_code == 403
    with time_machine.travel(T0, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            created = client.post(open_url(case), {"reason": REASON}, format="json")
        assert created.status_code == 201, created.json()
        body = created.json()
        assert set(body) == FIELDS
        assert body["case"] == case.pk and body["school"] == world.school.pk
        assert (body["opened_by"], body["role"], body["reason"]) == (world.principal.pk, "leader", REASON)
        assert datetime.datetime.fromisoformat(body["expires_at"]) == T0 + datetime.timedelta(hours=1)
        assert body["active"] is True and body["reviewed"] is False and body["reviewed_by"] is None
        assert [m.to for m in mail.outbox] == [["counsellor@example.org"]]

        listing = client.get(notes_url(case))
        assert listing.status_code == 200
        assert [n["content"] for n in listing.json()["results"]] == [SECRET]
        read = AuditEvent.objects.get(action="note.read", actor=world.principal)
        assert read.detail["break_glass"] == body["id"]
        assert client.post(notes_url(case), {"content": "校长补充"}, format="json").status_code == 403
        again = client.post(open_url(case), {"reason": REASON}, format="json")
        assert (again.status_code, again.json()["code"]) == (409, "exists")
    with time_machine.travel(T0 + datetime.timedelta(hours=1, seconds=1), tick=False):
        assert client.get(notes_url(case)).status_code == 403  # as before it was opened


def test_a_reason_is_required(world, case):
    client = api_client(world.inspector)
    for payload in ({}, {"reason": ""}, {"reason": "太短"}, {"reason": 5}):
        response = client.post(open_url(case), payload, format="json")
        assert response.status_code == 400, payload
        assert response.json()["code"] == "invalid"
        assert set(response.json()["errors"]) == {"reason"}, payload
    assert not BreakGlassAccess.objects.exists()


def test_who_may_not(world, case):
    for persona in ("owner", "colleague", "admin", "counsellor"):  # see the case: 403
        response = api_client(getattr(world, persona)).post(open_url(case), {"reason": REASON}, format="json")
        assert response.status_code == 403, persona
    for persona in ("outsider", "custodian"):  # do not: 404
        response = api_client(getattr(world, persona)).post(open_url(case), {"reason": REASON}, format="json")
        assert response.status_code == 404, persona
    assert (
        api_client(world.principal)
        .post("/api/v1/cases/987654/notes/break-glass/", {"reason": REASON})
        .status_code
        == 404
    )
    assert api_client(world.principal).get(open_url(case)).status_code == 405
    assert api_client().post(open_url(case), {"reason": REASON}, format="json").status_code == 401
    assert not BreakGlassAccess.objects.exists()
    assert AuditEvent.objects.filter(action="notes.break_glass_refused").count() == 7


def test_list_and_review(world, case):
    opened = api_client(world.principal).post(open_url(case), {"reason": REASON}, format="json").json()
    inspector = api_client(world.inspector)

    listing = inspector.get("/api/v1/break-glass/", {"reviewed": "false"})
    assert listing.status_code == 200
    assert [row["id"] for row in listing.json()["results"]] == [opened["id"]]
    assert set(listing.json()["results"][0]) == FIELDS
    assert api_client(world.principal).get("/api/v1/break-glass/").json()["count"] == 1
    assert inspector.get("/api/v1/break-glass/", {"reviewed": "maybe"}).status_code == 400
    for persona in ("owner", "counsellor", "custodian", "outsider"):
        assert api_client(getattr(world, persona)).get("/api/v1/break-glass/").status_code == 404, persona

    review = f"/api/v1/break-glass/{opened['id']}/review/"
    assert inspector.post(review, {"comment": ""}, format="json").status_code == 400
    assert api_client(world.principal).post(review, {"comment": "已核实"}, format="json").status_code == 403
    assert api_client(world.owner).post(review, {"comment": "已核实"}, format="json").status_code == 404
    reviewed = inspector.post(review, {"comment": "理由充分，已核实"}, format="json")
    assert reviewed.status_code == 200, reviewed.json()
    body = reviewed.json()
    assert (body["reviewed"], body["reviewed_by"], body["review_comment"]) == (
        True,
        world.inspector.pk,
        "理由充分，已核实",
    )
    assert body["reviewed_by_name"] == world.inspector.get_full_name()
    assert inspector.post(review, {"comment": "再看"}, format="json").status_code == 409
    assert inspector.get("/api/v1/break-glass/", {"reviewed": "false"}).json()["count"] == 0
    assert inspector.get("/api/v1/break-glass/", {"reviewed": "true"}).json()["count"] == 1
    assert AuditEvent.objects.filter(action="notes.break_glass_reviewed").count() == 1
    assert inspector.post("/api/v1/break-glass/987654/review/", {"comment": "x"}).status_code == 404
