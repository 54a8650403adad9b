"""The pupil list and the pupil page: who sees what, filters, paging, query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from schools.models import Pupil
from tests.factories import ClassroomFactory, PupilFactory

LIST_URL = "/schools/pupils/"


def listed(client: Client, user: User, **params: str | int) -> set[Pupil]:
    client.force_login(user)
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    return set(response.context["page"].object_list)


@pytest.mark.smoke
def test_staff_see_their_own_school_and_inspectors_see_every_school(world, client: Client) -> None:
    mine = PupilFactory.create(classroom=world.classroom)
    theirs = PupilFactory.create(classroom=world.other_classroom)

    assert listed(client, world.owner) == {mine}
    assert listed(client, world.colleague) == {mine}
    assert listed(client, world.outsider) == {theirs}
    assert listed(client, world.inspector) == {mine, theirs}


def test_the_table_shows_name_number_class_gender_and_groups(world, client: Client) -> None:
    PupilFactory.create(
        classroom=world.classroom, name="王小明", student_number="G2203000001", gender="M", left_behind=True
    )
    client.force_login(world.owner)
    html = client.get(LIST_URL).content.decode()
    assert 'class="stack"' in html
    for text in ("王小明", "G2203000001", world.classroom.label, 'class="tag"', "data-label="):
        assert text in html


def test_filters_by_class_group_school_and_search(world, client: Client) -> None:
    other_class = ClassroomFactory.create(school=world.school, grade=5, number=2)
    left = PupilFactory.create(
        classroom=world.classroom, name="李雨萱", student_number="G1001", left_behind=True
    )
    poor = PupilFactory.create(
        classroom=world.classroom, name="张浩宇", student_number="G1002", registered_poor=True
    )
    elsewhere = PupilFactory.create(
        classroom=other_class, name="李浩然", student_number="G2001", migrant_child=True
    )
    theirs = PupilFactory.create(classroom=world.other_classroom, name="王欣怡", student_number="G9001")

    assert listed(client, world.principal, classroom=world.classroom.pk) == {left, poor}
    assert listed(client, world.principal, group="left_behind") == {left}
    assert listed(client, world.principal, group="migrant_child") == {elsewhere}
    assert listed(client, world.principal, q="李") == {left, elsewhere}
    assert listed(client, world.principal, q="g100") == {left, poor}
    assert listed(client, world.principal, q="李", classroom=world.classroom.pk) == {left}
    assert listed(client, world.inspector, school=world.other_school.pk) == {theirs}


def test_filters_outside_the_users_reach_are_refused_not_obeyed(world, client: Client) -> None:
    mine = PupilFactory.create(classroom=world.classroom)
    PupilFactory.create(classroom=world.other_classroom)

    client.force_login(world.owner)
    response = client.get(
        LIST_URL, {"classroom": world.other_classroom.pk, "school": world.other_school.pk, "group": "x"}
    )
    assert response.status_code == 200
    assert set(response.context["page"].object_list) == {mine}
    assert set(response.context["form"].errors) == {"classroom", "school", "group"}


def test_pupils_off_the_roll_are_not_listed(world, client: Client) -> None:
    PupilFactory.create(classroom=world.classroom, is_active=False)
    assert listed(client, world.owner) == set()


def test_the_list_is_paged_by_fifty(world, client: Client) -> None:
    PupilFactory.create_batch(51, classroom=world.classroom)
    client.force_login(world.owner)

    first = client.get(LIST_URL, {"group": ""})
    assert len(first.context["page"].object_list) == 50
    assert "page=2" in first.content.decode()
    second = client.get(LIST_URL, {"page": 2})
    assert len(second.context["page"].object_list) == 1
    assert client.get(LIST_URL, {"page": "nonsense"}).status_code == 200


def count_list_queries(client: Client, user: User) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL, {"q": "学生", "group": "left_behind"})
        assert response.status_code == 200
    return len(queries), len(response.context["page"].object_list)


def test_the_list_needs_the_same_queries_for_five_or_fifty_rows(world, client: Client) -> None:
    client.force_login(world.inspector)
    PupilFactory.create_batch(5, classroom=world.classroom, left_behind=True)
    five, rows = count_list_queries(client, world.inspector)
    assert rows == 5

    PupilFactory.create_batch(25, classroom=world.classroom, left_behind=True, migrant_child=True)
    PupilFactory.create_batch(20, classroom=world.other_classroom, left_behind=True)
    fifty, rows = count_list_queries(client, world.inspector)
    assert rows == 50
    assert fifty == five


@pytest.mark.smoke
@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client: Client) -> None:
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_list_refuses_post(world, client: Client) -> None:
    client.force_login(world.owner)
    assert client.post(LIST_URL).status_code == 405
