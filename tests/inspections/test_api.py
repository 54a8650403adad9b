"""/api/v1/inspections/ and /api/v1/rectifications/: same access rules, JSON errors."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from inspections.models import Rectification
from tests.api.helpers import api_client
from tests.inspections.helpers import draft_inspection, open_rectification, staff, submitted_inspection

INSPECTIONS = "/api/v1/inspections/"
RECTIFICATIONS = "/api/v1/rectifications/"


@pytest.mark.smoke
def test_inspectors_and_school_leaders_list_inspections(world) -> None:
    submitted, _ = submitted_inspection(world)
    draft = draft_inspection(world)
    people = staff(world)
    ids = lambda user: {row["id"] for row in api_client(user).get(INSPECTIONS).json()["results"]}  # noqa: E731
    assert ids(world.inspector) == {submitted.pk, draft.pk}
    assert ids(world.principal) == {submitted.pk}
    assert ids(world.admin) == {submitted.pk}
    assert ids(world.owner) == set()
    assert ids(people["other_principal"]) == set()
    assert ids(people["superuser"]) == set()
    assert api_client().get(INSPECTIONS).status_code == 401


def test_inspection_detail_with_checklist_and_findings(world) -> None:
    inspection, finding = submitted_inspection(world)
    body = api_client(world.principal).get(f"{INSPECTIONS}{inspection.pk}/").json()
    assert body["state"] == "submitted" and body["rating"] == "good"
    assert [f["id"] for f in body["findings"]] == [finding.pk]
    assert len(body["checklist"]) >= 9 and "清廉家访" in "".join(r["text"] for r in body["checklist"])
    draft = draft_inspection(world)
    missing = api_client(world.principal).get(f"{INSPECTIONS}{draft.pk}/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert api_client(world.outsider).get(f"{INSPECTIONS}{inspection.pk}/").status_code == 404


def test_rectifications_with_the_overdue_filter(world, time_machine) -> None:
    late = open_rectification(world, days=1)
    open_rectification(world, days=30)
    time_machine.move_to(timezone.now() + datetime.timedelta(days=3))
    client = api_client(world.principal)
    everything = client.get(RECTIFICATIONS).json()
    assert everything["count"] == 2
    overdue = client.get(RECTIFICATIONS, {"overdue": "true"}).json()
    assert [row["id"] for row in overdue["results"]] == [late.pk]
    assert overdue["results"][0]["overdue"] is True
    bad = client.get(RECTIFICATIONS, {"overdue": "maybe"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    assert api_client(world.outsider).get(RECTIFICATIONS).json()["count"] == 0


def test_principals_answer_through_the_api(world) -> None:
    rectification = open_rectification(world)
    url = f"{RECTIFICATIONS}{rectification.pk}/answer/"
    empty = api_client(world.principal).post(url, {"response": " "}, format="json")
    assert empty.status_code == 400 and "response" in empty.json()["errors"]
    assert api_client(world.inspector).post(url, {"response": "x"}, format="json").status_code == 403
    assert api_client(world.admin).post(url, {"response": "x"}, format="json").status_code == 403
    assert api_client(world.outsider).post(url, {"response": "x"}, format="json").status_code == 404
    assert api_client(world.owner).post(url, {"response": "x"}, format="json").status_code == 404
    assert api_client(world.principal).get(url).status_code == 405
    before = AuditEvent.objects.count()
    response = api_client(world.principal).post(url, {"response": "已整改"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "answered"
    assert AuditEvent.objects.count() == before + 1
    again = api_client(world.principal).post(url, {"response": "再答"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"
    rectification.refresh_from_db()
    assert rectification.state == Rectification.State.ANSWERED and rectification.response == "已整改"


def test_api_lists_take_a_fixed_number_of_queries(world, django_assert_max_num_queries) -> None:
    for _ in range(3):
        open_rectification(world)
    client = api_client(world.inspector)
    for url in (INSPECTIONS, RECTIFICATIONS):
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200
