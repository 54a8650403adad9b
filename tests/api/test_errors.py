"""Bad input never gives a 500: every error is JSON with "detail" and "code"."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from casework.models import Case
from tests.api.helpers import api_client
from tests.builders import open_case, schedule_visit
from tests.factories import PupilFactory


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert isinstance(body["code"], str)
    if code is not None:
        assert body["code"] == code
    return body


@pytest.mark.smoke
def test_malformed_json_is_a_400(world):
    client = api_client(world.owner)
    response = client.post("/api/v1/cases/", data='{"pupil": 1,', content_type="application/json")
    assert_error(response, 400, "parse_error")


@pytest.mark.parametrize(
    "body",
    [
        "[]",
        '"a string"',
        "null",
        "42",
        '{"pupil": "abc", "categories": ["poverty"], "summary": "x"}',
        '{"pupil": true, "categories": ["poverty"], "summary": "x"}',
        '{"pupil": [1], "categories": ["poverty"], "summary": "x"}',
        '{"pupil": 1, "categories": "poverty", "summary": "x"}',
        '{"pupil": 1, "categories": {"a": 1}, "summary": "x"}',
        '{"pupil": 1, "categories": [["poverty"]], "summary": "x"}',
        '{"pupil": 1, "categories": [], "summary": "x"}',
        '{"pupil": 1, "categories": ["poverty"], "summary": {"x": 1}}',
        '{"pupil": 1, "categories": ["poverty"], "summary": "x", "risk_level": "extreme"}',
        '{"pupil": 99999999999999999999999999, "categories": ["poverty"], "summary": "x"}',
    ],
)
def test_wrong_types_are_400s(world, body):
    response = api_client(world.owner).post("/api/v1/cases/", data=body, content_type="application/json")
    assert_error(response, 400)
    assert Case.objects.count() == 0


def test_an_unknown_pupil_is_a_400_on_the_pupil_field(world):
    response = api_client(world.owner).post(
        "/api/v1/cases/", {"pupil": 987654, "categories": ["poverty"], "summary": "x"}, format="json"
    )
    body = assert_error(response, 400, "invalid")
    assert "pupil" in body["errors"]


def test_an_invalid_category_is_a_400(world):
    pupil = PupilFactory.create(classroom=world.classroom)
    response = api_client(world.owner).post(
        "/api/v1/cases/",
        {"pupil": pupil.pk, "categories": ["poverty", "magic"], "summary": "x"},
        format="json",
    )
    body = assert_error(response, 400, "invalid")
    assert "categories" in body["errors"]


def test_an_unsupported_media_type_is_a_415(world):
    response = api_client(world.owner).post("/api/v1/cases/", data="pupil=1", content_type="text/plain")
    assert_error(response, 415, "unsupported_media_type")


@pytest.mark.parametrize(
    ("offset", "message_field"),
    [(datetime.timedelta(hours=-3), "visited_at"), (datetime.timedelta(hours=1), "visited_at")],
    ids=["before-the-appointment", "in-the-future"],
)
def test_a_visit_record_before_its_appointment_or_in_the_future_is_a_400(world, offset, message_field):
    case = open_case(world.classroom, by=world.owner)
    visit = schedule_visit(case, by=world.owner)  # two hours ago
    response = api_client(world.owner).patch(
        f"/api/v1/cases/{case.pk}/visits/{visit.pk}/",
        {"visited_at": (timezone.now() + offset).isoformat(), "no_gifts_pledge": True},
        format="json",
    )
    body = assert_error(response, 400, "invalid")
    assert message_field in body["errors"]
    visit.refresh_from_db()
    assert visit.visited_at is None


@pytest.mark.parametrize(
    "body",
    [
        {"visited_at": "yesterday"},
        {"visited_at": None},
        {"no_gifts_pledge": "perhaps"},
        {"family_situation": []},
    ],
)
def test_a_visit_record_with_wrong_types_is_a_400(world, body):
    case = open_case(world.classroom, by=world.owner)
    visit = schedule_visit(case, by=world.owner)
    response = api_client(world.owner).patch(
        f"/api/v1/cases/{case.pk}/visits/{visit.pk}/", body, format="json"
    )
    assert_error(response, 400, "invalid")


def test_a_visit_of_another_case_is_404(world):
    case = open_case(world.classroom, by=world.owner)
    other = open_case(world.classroom, by=world.owner)
    visit = schedule_visit(other, by=world.owner)
    client = api_client(world.owner)
    url = f"/api/v1/cases/{case.pk}/visits/{visit.pk}/"
    assert_error(client.get(url), 404, "not_found")
    assert_error(
        client.patch(url, {"visited_at": timezone.now().isoformat(), "no_gifts_pledge": True}, format="json"),
        404,
        "not_found",
    )
    visit.refresh_from_db()
    assert visit.visited_at is None
    assert client.get(f"/api/v1/cases/{other.pk}/visits/{visit.pk}/").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/cases/987654/",
        "/api/v1/cases/987654/plans/",
        "/api/v1/cases/987654/visits/",
        "/api/v1/cases/987654/visits/1/",
        "/api/v1/cases/987654/notes/",
        "/api/v1/cases/abc/",
        "/api/v1/cases/-1/",
        "/api/v1/cases/1.5/plans/",
        "/api/v1/cases/99999999999999999999999999/",
        "/api/v1/cases/{case}/visits/abc/",
        "/api/v1/cases/{case}/visits/99999999999999999999999999/",
        "/api/v1/pupils/987654/",
        "/api/v1/pupils/abc/",
        "/api/v1/nothing-here/",
    ],
)
def test_non_existent_things_are_404_json(world, path):
    case = open_case(world.classroom, by=world.owner)
    response = api_client(world.owner).get(path.format(case=case.pk))
    assert_error(response, 404, "not_found")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/cases/987654/transitions/draft_plan/",
        "/api/v1/cases/99999999999999999999999/transitions/close/",
    ],
)
def test_a_transition_of_a_non_existent_case_is_404(world, path):
    assert_error(api_client(world.principal).post(path, {}, format="json"), 404, "not_found")


def test_a_transition_comment_of_the_wrong_type_is_400(world):
    case = open_case(world.classroom, by=world.owner)
    response = api_client(world.owner).post(
        f"/api/v1/cases/{case.pk}/transitions/draft_plan/", {"comment": {"a": 1}}, format="json"
    )
    assert_error(response, 400, "invalid")
