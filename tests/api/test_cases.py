"""Cases, plans and home visits through the API: what works, who is refused, the exact shapes."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from casework.models import Case, HomeVisit, State
from tests.api.helpers import api_client
from tests.builders import drive_to, open_case, schedule_visit
from tests.factories import PupilFactory

CASE_FIELDS = {
    "id",
    "state",
    "categories",
    "owner",
    "owner_name",
    "school",
    "pupil",
    "pupil_name",
    "risk_level",
    "summary",
    "closure_outcome",
    "closed_at",
    "state_changed_at",
    "created_at",
    "updated_at",
}


@pytest.mark.smoke
def test_a_teacher_opens_a_case_and_reads_it(world):
    pupil = PupilFactory.create(classroom=world.classroom, name="王小明")
    client = api_client(world.colleague)

    response = client.post(
        "/api/v1/cases/",
        {"pupil": pupil.pk, "categories": ["psychological", "academic"], "summary": " 数学跟不上 "},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == CASE_FIELDS | {"available_transitions"}
    case = Case.objects.get(pk=body["id"])
    assert body["state"] == "identified"
    assert body["categories"] == ["academic", "psychological"]
    assert body["owner"] == world.colleague.pk
    assert body["owner_name"] == world.colleague.get_full_name()
    assert body["pupil"] == pupil.pk
    assert body["pupil_name"] == "王小明"
    assert body["school"] == world.school.pk
    assert body["risk_level"] == "medium"
    assert body["summary"] == "数学跟不上"
    assert body["available_transitions"] == ["draft_plan"]
    assert case.owner == world.colleague
    event = AuditEvent.objects.get(action="case.open", case_id=case.pk)
    assert event.ip == "127.0.0.1"

    detail = client.get(f"/api/v1/cases/{case.pk}/")
    assert detail.status_code == 200
    assert detail.json() == body | {"updated_at": detail.json()["updated_at"]}


def test_available_transitions_depend_on_who_asks(world):
    case = drive_to(open_case(world.classroom, by=world.colleague), State.AWAITING_APPROVAL)
    assert api_client(world.principal).get(f"/api/v1/cases/{case.pk}/").json()["available_transitions"] == [
        "approve_plan",
        "return_plan",
    ]
    for user in (world.owner, world.colleague, world.admin, world.inspector):
        assert api_client(user).get(f"/api/v1/cases/{case.pk}/").json()["available_transitions"] == []


@pytest.mark.parametrize(
    ("persona", "status"),
    [("inspector", 403), ("outsider", 400), ("admin", 201), ("counsellor", 201), ("custodian", 201)],
)
def test_who_may_open_a_case(world, persona, status):
    """Any member of staff of the pupil's school; the inspector reads only; for the outsider the
    pupil does not exist."""
    pupil = PupilFactory.create(classroom=world.classroom)
    response = api_client(getattr(world, persona)).post(
        "/api/v1/cases/", {"pupil": pupil.pk, "categories": ["poverty"], "summary": "家庭困难"}, format="json"
    )
    assert response.status_code == status
    if status == 400:
        assert "pupil" in response.json()["errors"]
    if status == 403:
        assert response.json()["code"] == "permission_denied"
        assert Case.objects.count() == 0


@pytest.mark.parametrize("persona", ["colleague", "outsider", "counsellor", "custodian"])
def test_a_case_others_cannot_see_is_404(world, persona):
    case = open_case(world.classroom, by=world.owner)  # by the class teacher
    client = api_client(getattr(world, persona))
    for path in ("", "plans/", "visits/"):
        response = client.get(f"/api/v1/cases/{case.pk}/{path}")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert client.get("/api/v1/cases/").json()["count"] == 0


def test_wrong_methods_are_405_json(world):
    case = open_case(world.classroom, by=world.owner)
    visit = schedule_visit(case, by=world.owner)
    client = api_client(world.owner)
    for method, path in [
        ("delete", f"/api/v1/cases/{case.pk}/"),
        ("put", f"/api/v1/cases/{case.pk}/"),
        ("patch", "/api/v1/cases/"),
        ("delete", f"/api/v1/cases/{case.pk}/plans/"),
        ("put", f"/api/v1/cases/{case.pk}/visits/{visit.pk}/"),
        ("delete", f"/api/v1/cases/{case.pk}/notes/"),
        ("post", "/api/v1/pupils/"),
    ]:
        response = getattr(client, method)(path, {}, format="json")
        assert response.status_code == 405, (method, path)
        assert response.json()["code"] == "method_not_allowed"


# -- plans ---------------------------------------------------------------------------------------


def test_plans_are_added_as_versions_and_listed_newest_first(world):
    case = drive_to(open_case(world.classroom, by=world.colleague), State.PLANNING)
    colleague, teacher = api_client(world.colleague), api_client(world.owner)
    url = f"/api/v1/cases/{case.pk}/plans/"

    first = colleague.post(url, {"goals": "期末及格", "measures": "每周两次辅导"}, format="json")
    assert first.status_code == 201, first.json()
    second = teacher.post(
        url,
        {
            "goals": "期末70分",
            "measures": "每周三次辅导",
            "schedule": "每周二、四",
            "responsible_staff": "数学老师",
        },
        format="json",
    )
    assert second.status_code == 201
    assert set(second.json()) == {
        "id",
        "version",
        "goals",
        "measures",
        "schedule",
        "responsible_staff",
        "author",
        "author_name",
        "created_at",
    }

    listing = api_client(world.inspector).get(url)
    assert listing.status_code == 200
    body = listing.json()
    assert body["count"] == 2
    assert [plan["version"] for plan in body["results"]] == [2, 1]
    assert body["results"][0]["author"] == world.owner.pk
    assert body["results"][0]["schedule"] == "每周二、四"
    assert body["results"][1]["goals"] == "期末及格"


@pytest.mark.parametrize(("persona", "status"), [("inspector", 403), ("principal", 403), ("admin", 403)])
def test_only_the_workers_write_plans(world, persona, status):
    case = open_case(world.classroom, by=world.owner)
    response = api_client(getattr(world, persona)).post(
        f"/api/v1/cases/{case.pk}/plans/", {"goals": "g", "measures": "m"}, format="json"
    )
    assert response.status_code == status
    assert response.json()["code"] == "permission_denied"
    assert not case.plans.exists()


def test_a_plan_needs_goals_and_measures_and_a_planning_state(world):
    case = open_case(world.classroom, by=world.owner)
    client = api_client(world.owner)
    url = f"/api/v1/cases/{case.pk}/plans/"
    response = client.post(url, {"goals": "  ", "measures": 5}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"goals"}
    response = client.post(url, {}, format="json")
    assert set(response.json()["errors"]) == {"goals", "measures"}

    drive_to(case, State.INTERVENTION, leader=world.principal)
    response = client.post(url, {"goals": "g", "measures": "m"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_state"


# -- visits --------------------------------------------------------------------------------------


def test_a_visit_is_scheduled_recorded_and_read(world):
    case = drive_to(
        open_case(world.classroom, by=world.colleague), State.INTERVENTION, leader=world.principal
    )
    client = api_client(world.colleague)
    when = (timezone.now() - datetime.timedelta(hours=3)).replace(microsecond=0)

    response = client.post(
        f"/api/v1/cases/{case.pk}/visits/",
        {"scheduled_for": when.isoformat(), "kind": "targeted", "appointment_note": "电话约了妈妈"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    visit = response.json()
    assert visit["kind"] == "targeted"
    assert visit["is_recorded"] is False
    assert visit["visited_at"] is None
    assert visit["case"] == case.pk
    assert datetime.datetime.fromisoformat(visit["scheduled_for"]) == when

    moved = client.post(f"/api/v1/cases/{case.pk}/transitions/schedule_home_visit/", {}, format="json")
    assert moved.json()["state"] == "home_visit"

    url = f"/api/v1/cases/{case.pk}/visits/{visit['id']}/"
    visited = (when + datetime.timedelta(hours=1)).isoformat()
    response = api_client(world.owner).patch(
        url,
        {"visited_at": visited, "family_situation": "父母在外务工", "no_gifts_pledge": True},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["is_recorded"] is True
    assert response.json()["family_situation"] == "父母在外务工"
    assert response.json()["recorded_by"] == world.owner.pk
    assert response.json()["no_gifts_pledge"] is True

    assert api_client(world.inspector).get(url).json() == response.json()
    listing = api_client(world.principal).get(f"/api/v1/cases/{case.pk}/visits/").json()
    assert listing["count"] == 1
    assert listing["results"][0]["id"] == visit["id"]

    done = client.post(f"/api/v1/cases/{case.pk}/transitions/complete_home_visit/", {}, format="json")
    assert done.status_code == 200
    assert done.json()["state"] == "review"


def test_a_naive_appointment_time_is_read_in_the_server_time_zone(world):
    case = open_case(world.classroom, by=world.owner)
    response = api_client(world.owner).post(
        f"/api/v1/cases/{case.pk}/visits/", {"scheduled_for": "2026-03-02T18:30:00"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "general"
    visit = HomeVisit.objects.get(pk=response.json()["id"])
    assert visit.scheduled_for == datetime.datetime(2026, 3, 2, 10, 30, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "general"}, "scheduled_for"),
        ({"scheduled_for": "next tuesday"}, "scheduled_for"),
        ({"scheduled_for": "2026-03-02T18:30:00+08:00", "kind": "party"}, "kind"),
        ({"scheduled_for": "2026-03-02T18:30:00+08:00", "appointment_note": "x" * 300}, "appointment_note"),
    ],
)
def test_bad_appointments_are_400(world, body, field):
    case = open_case(world.classroom, by=world.owner)
    response = api_client(world.owner).post(f"/api/v1/cases/{case.pk}/visits/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_visits_are_written_by_the_workers_only(world):
    case = open_case(world.classroom, by=world.colleague)
    visit = schedule_visit(case, by=world.colleague)
    url = f"/api/v1/cases/{case.pk}/visits/"
    body = {"scheduled_for": "2026-03-02T18:30:00+08:00"}
    for persona in ("principal", "admin", "inspector"):
        client = api_client(getattr(world, persona))
        assert client.post(url, body, format="json").status_code == 403
        record = client.patch(f"{url}{visit.pk}/", {"visited_at": timezone.now().isoformat()}, format="json")
        assert record.status_code == 403
    assert api_client(world.outsider).post(url, body, format="json").status_code == 404
    assert api_client(world.owner).post(url, body, format="json").status_code == 201  # the class teacher


def test_a_visit_record_refuses_fields_it_does_not_own(world):
    case = open_case(world.classroom, by=world.owner)
    visit = schedule_visit(case, by=world.owner)
    response = api_client(world.owner).patch(
        f"/api/v1/cases/{case.pk}/visits/{visit.pk}/",
        {"visited_at": timezone.now().isoformat(), "scheduled_for": timezone.now().isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"scheduled_for"}


def test_a_visit_record_is_corrected_field_by_field(world):
    case = open_case(world.classroom, by=world.owner)
    visit = schedule_visit(case, by=world.owner)
    url = f"/api/v1/cases/{case.pk}/visits/{visit.pk}/"
    client = api_client(world.owner)
    first = client.patch(
        url, {"visited_at": timezone.now().isoformat(), "no_gifts_pledge": True}, format="json"
    )
    assert first.status_code == 200
    corrected = client.patch(url, {"study_habits": "作业按时完成"}, format="json")
    assert corrected.status_code == 200, corrected.json()
    assert corrected.json()["no_gifts_pledge"] is True
    assert corrected.json()["visited_at"] == first.json()["visited_at"]
    assert corrected.json()["study_habits"] == "作业按时完成"
    # Form-encoded, as the browsable API sends it: an absent checkbox is not a "no".
    form = client.patch(
        url,
        "parents_opinions=%E5%B8%8C%E6%9C%9B%E5%A4%9A%E5%AE%B6%E8%AE%BF",
        content_type="application/x-www-form-urlencoded",
    )
    assert form.status_code == 200, form.json()
    assert form.json()["no_gifts_pledge"] is True
    assert form.json()["parents_opinions"] == "希望多家访"
