"""A page of 50 rows costs the same SQL queries as a page of 5."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.helpers import api_client
from tests.builders import open_case
from tests.factories import GuardianFactory, PupilFactory


def queries_for(client, path: str) -> tuple[int, int]:
    """(rows on the page, SQL queries the request made)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(response.json()["results"]), len(captured)


def open_cases(world, n: int, *, by) -> None:
    """``n`` cases opened by ``by`` on new pupils of world.classroom, each with a guardian."""
    for _ in range(n):
        pupil = PupilFactory.create(classroom=world.classroom)
        GuardianFactory.create(pupil=pupil)
        open_case(pupil=pupil, by=by, categories=["poverty", "academic"], summary="x")


@pytest.mark.parametrize("persona", ["principal", "owner", "inspector"])
def test_the_case_list_costs_the_same_for_5_and_50_cases(world, persona):
    client = api_client(getattr(world, persona))
    # Opened by the colleague: the class teacher (world.owner) sees them as class teacher.
    open_cases(world, 5, by=world.colleague)
    client.get("/api/v1/cases/")  # warm up per-process caches (content types and the like)
    rows_5, queries_5 = queries_for(client, "/api/v1/cases/")
    open_cases(world, 45, by=world.colleague)
    rows_50, queries_50 = queries_for(client, "/api/v1/cases/")

    assert (rows_5, rows_50) == (5, 50)
    assert queries_50 == queries_5
    assert queries_5 <= 10


def test_a_filtered_case_list_costs_the_same_too(world):
    client = api_client(world.principal)
    open_cases(world, 5, by=world.colleague)
    path = f"/api/v1/cases/?state=identified&category=poverty&school={world.school.pk}"
    client.get(path)
    rows_5, queries_5 = queries_for(client, path)
    open_cases(world, 45, by=world.colleague)
    rows_50, queries_50 = queries_for(client, path)
    assert (rows_5, rows_50) == (5, 50)
    assert queries_50 == queries_5


@pytest.mark.parametrize("persona", ["principal", "owner"])
def test_the_pupil_list_costs_the_same_for_5_and_50_pupils(world, persona):
    client = api_client(getattr(world, persona))
    for _ in range(5):
        GuardianFactory.create(pupil=PupilFactory.create(classroom=world.classroom))
    client.get("/api/v1/pupils/")
    rows_5, queries_5 = queries_for(client, "/api/v1/pupils/")
    for _ in range(45):
        GuardianFactory.create(pupil=PupilFactory.create(classroom=world.classroom))
    rows_50, queries_50 = queries_for(client, "/api/v1/pupils/")

    assert (rows_5, rows_50) == (5, 50)
    assert queries_50 == queries_5
    assert queries_5 <= 5
