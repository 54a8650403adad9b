"""List filters on /cases/ and /pupils/, and the pupil endpoints."""

from __future__ import annotations

import datetime

import pytest

from casework.models import State
from tests.api.helpers import api_client
from tests.builders import drive_to, open_case
from tests.factories import ClassroomFactory, GuardianFactory, PupilFactory


def ids(response) -> set[int]:
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def test_cases_are_filtered_by_state_category_and_school(world):
    poverty = open_case(world.classroom, by=world.owner, categories=["poverty"])
    academic = drive_to(
        open_case(world.classroom, by=world.owner, categories=["academic", "psychological"]),
        State.PLANNING,
    )
    other_pupil = PupilFactory.create(classroom=world.other_classroom)
    open_case(pupil=other_pupil, by=world.outsider, categories=["poverty"], summary="x")
    client = api_client(world.principal)

    assert ids(client.get("/api/v1/cases/")) == {poverty.pk, academic.pk}
    assert ids(client.get("/api/v1/cases/", {"state": "planning"})) == {academic.pk}
    assert ids(client.get("/api/v1/cases/", {"state": "closed"})) == set()
    assert ids(client.get("/api/v1/cases/", {"category": "psychological"})) == {academic.pk}
    assert ids(client.get("/api/v1/cases/", {"category": "poverty"})) == {poverty.pk}
    assert ids(client.get("/api/v1/cases/", {"school": world.school.pk})) == {poverty.pk, academic.pk}
    assert ids(client.get("/api/v1/cases/", {"school": world.school.pk, "state": "identified"})) == {
        poverty.pk
    }
    assert ids(client.get("/api/v1/cases/", {"state": ""})) == {poverty.pk, academic.pk}
    # The inspector sees the bureau; the school filter narrows it.
    inspector = api_client(world.inspector)
    assert len(ids(inspector.get("/api/v1/cases/"))) == 3
    assert ids(inspector.get("/api/v1/cases/", {"school": world.school.pk})) == {poverty.pk, academic.pk}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"state": "nonsense"}, "state"),
        ({"category": "magic"}, "category"),
        ({"school": "abc"}, "school"),
        ({"school": "1.5"}, "school"),
        ({"school": "99999999999999999999999"}, "school"),
        ({"school": "987654"}, "school"),
        ({"school": "{other_school}"}, "school"),
    ],
)
def test_bad_case_filters_are_400(world, params, field):
    params = {k: v.format(other_school=world.other_school.pk) for k, v in params.items()}
    response = api_client(world.principal).get("/api/v1/cases/", params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["errors"]


def test_case_list_rows_have_the_list_shape(world):
    case = open_case(world.classroom, by=world.owner, categories=["special_group", "poverty"])
    row = api_client(world.owner).get("/api/v1/cases/").json()["results"][0]
    assert row["id"] == case.pk
    assert row["categories"] == ["poverty", "special_group"]
    assert row["owner_name"] == world.owner.get_full_name()
    assert row["pupil_name"] == case.pupil.name
    assert "available_transitions" not in row


@pytest.mark.smoke
def test_pupils_are_listed_filtered_and_searched(world):
    mine = PupilFactory.create(classroom=world.classroom, name="王小明", student_number="G2016001")
    neighbour_class = ClassroomFactory.create(school=world.school, grade=5, number=2)
    neighbour = PupilFactory.create(classroom=neighbour_class, name="李小红", student_number="G2015002")
    PupilFactory.create(classroom=world.other_classroom, name="王大明")  # another school
    client = api_client(world.colleague)

    assert ids(client.get("/api/v1/pupils/")) == {mine.pk, neighbour.pk}
    assert ids(client.get("/api/v1/pupils/", {"classroom": world.classroom.pk})) == {mine.pk}
    assert ids(client.get("/api/v1/pupils/", {"search": "王"})) == {mine.pk}
    assert ids(client.get("/api/v1/pupils/", {"search": "2015"})) == {neighbour.pk}
    assert ids(client.get("/api/v1/pupils/", {"search": "李", "classroom": world.classroom.pk})) == set()
    row = client.get("/api/v1/pupils/", {"search": "王"}).json()["results"][0]
    assert row["classroom_label"] == world.classroom.label
    assert row["school"] == world.school.pk
    assert "guardians" not in row
    # The inspector reads every roster of the bureau; the outsider only their own school's.
    assert len(ids(api_client(world.inspector).get("/api/v1/pupils/"))) == 3
    assert ids(api_client(world.outsider).get("/api/v1/pupils/", {"search": "明"})) != {mine.pk}


@pytest.mark.parametrize(
    "params",
    [
        {"classroom": "abc"},
        {"classroom": "987654"},
        {"classroom": "{other_classroom}"},
        {"classroom": "99999999999999999999999"},
        {"search": "x" * 65},
    ],
)
def test_bad_pupil_filters_are_400(world, params):
    params = {k: v.format(other_classroom=world.other_classroom.pk) for k, v in params.items()}
    response = api_client(world.owner).get("/api/v1/pupils/", params)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(params)


def test_a_pupil_with_guardians(world):
    pupil = PupilFactory.create(
        classroom=world.classroom,
        name="王小明",
        left_behind=True,
        birth_date=datetime.date(2016, 5, 1),
    )
    GuardianFactory.create(pupil=pupil, position=2, name="王奶奶", relation="grandmother", works_away=False)
    GuardianFactory.create(pupil=pupil, position=1, name="王爸爸", relation="father", works_away=True)

    response = api_client(world.colleague).get(f"/api/v1/pupils/{pupil.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == pupil.pk
    assert body["name"] == "王小明"
    assert body["student_number"] == pupil.student_number
    assert body["gender"] == "F"
    assert body["birth_date"] == "2016-05-01"
    assert body["school"] == world.school.pk
    assert body["classroom"] == world.classroom.pk
    assert body["classroom_label"] == world.classroom.label
    assert body["left_behind"] is True
    assert body["single_parent"] is False
    assert body["guardians"] == [
        {
            "name": "王爸爸",
            "relation": "father",
            "phone": "13800000000",
            "lives_with_pupil": True,
            "works_away": True,
        },
        {
            "name": "王奶奶",
            "relation": "grandmother",
            "phone": "13800000000",
            "lives_with_pupil": True,
            "works_away": False,
        },
    ]
    assert api_client(world.inspector).get(f"/api/v1/pupils/{pupil.pk}/").status_code == 200
    refused = api_client(world.outsider).get(f"/api/v1/pupils/{pupil.pk}/")
    assert refused.status_code == 404
    assert refused.json()["code"] == "not_found"


def test_a_pupil_without_a_class(world):
    pupil = PupilFactory.create(classroom=None, school=world.school)
    body = api_client(world.principal).get(f"/api/v1/pupils/{pupil.pk}/").json()
    assert body["classroom"] is None
    assert body["classroom_label"] == ""
