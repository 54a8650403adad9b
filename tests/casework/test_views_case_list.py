"""The case list (/cases/): who sees which cases, filters, paging, a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from casework.models import Case
from tests.builders import open_case, submit_plan, transition
from tests.casework.view_support import page
from tests.factories import ClassroomFactory, MembershipFactory, UserFactory

LIST_URL = reverse("casework:case_list")


def listed(client: Client, user: User, **params: str | int) -> set[Case]:
    client.force_login(user)
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    return set(response.context["page"].object_list)


@pytest.mark.smoke
def test_each_persona_sees_the_cases_it_may_see(world, client: Client) -> None:
    mine = open_case(world.classroom, by=world.owner, pupil_name="王小明", categories=["poverty", "academic"])
    theirs = open_case(world.other_classroom, by=world.outsider)

    assert listed(client, world.owner) == {mine}
    assert listed(client, world.principal) == {mine}
    assert listed(client, world.outsider) == {theirs}
    assert listed(client, world.inspector) == {mine, theirs}
    assert listed(client, world.colleague) == set()
    assert listed(client, world.counsellor) == set()

    html = page(client, world.owner, LIST_URL)
    for text in ("王小明", world.classroom.label, 'class="tag"', 'data-state="identified"', "data-label="):
        assert text in html
    assert world.owner.get_full_name() in html
    assert f'href="{reverse("casework:case_detail", args=[mine.pk])}"' in html


def test_filters_by_state_category_owner_school_and_pupil_name(world, client: Client) -> None:
    planning = open_case(world.classroom, by=world.owner, pupil_name="李雨萱", categories=["poverty"])
    transition(planning, "draft_plan", by=world.owner)
    by_colleague = open_case(
        world.classroom, by=world.colleague, pupil_name="张浩宇", categories=["academic"]
    )
    other = open_case(world.other_classroom, by=world.outsider, pupil_name="李浩然")

    assert listed(client, world.principal, state="planning") == {planning}
    assert listed(client, world.principal, category="academic") == {by_colleague}
    assert listed(client, world.principal, q="李") == {planning}
    assert listed(client, world.owner, mine="on") == {planning}  # the class teacher sees both, owns one
    assert listed(client, world.owner) == {planning, by_colleague}
    assert listed(client, world.inspector, school=world.other_school.pk) == {other}
    assert listed(client, world.inspector, q="李") == {planning, other}


def test_the_school_filter_is_only_for_people_with_several_schools(world, client: Client) -> None:
    open_case(world.classroom, by=world.owner)
    assert 'name="school"' not in page(client, world.principal, LIST_URL)
    assert 'name="school"' in page(client, world.inspector, LIST_URL)


def test_an_invalid_filter_is_reported_and_ignored(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    client.force_login(world.owner)
    response = client.get(LIST_URL, {"state": "nonsense", "school": world.other_school.pk})
    assert response.status_code == 200
    assert set(response.context["page"].object_list) == {case}
    assert set(response.context["form"].errors) == {"state"}


def test_the_list_is_paged_by_twenty_five(world, client: Client) -> None:
    for _ in range(26):
        open_case(world.classroom, by=world.owner)
    client.force_login(world.owner)
    first = client.get(LIST_URL)
    assert len(first.context["page"].object_list) == 25
    assert "page=2" in first.content.decode()
    assert len(client.get(LIST_URL, {"page": 2}).context["page"].object_list) == 1
    assert client.get(LIST_URL, {"page": "x"}).status_code == 200


def count_queries(client: Client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL, {"q": "学生"})
        assert response.status_code == 200
    return len(queries), len(response.context["page"].object_list)


@pytest.mark.parametrize("persona", ["principal", "inspector", "owner"])
def test_a_page_costs_the_same_queries_with_three_or_thirty_cases(world, client: Client, persona) -> None:
    user = getattr(world, persona)
    other_class = ClassroomFactory.create(school=world.school, grade=5, number=3, class_teacher=world.owner)
    teachers = [UserFactory.create(username=f"t{i}") for i in range(3)]
    for teacher in teachers:
        MembershipFactory.create(user=teacher, school=world.school)

    def add(n: int) -> None:
        for i in range(n):
            case = open_case(
                other_class if i % 2 else world.classroom,
                by=teachers[i % 3] if persona != "owner" else world.owner,
                categories=["poverty", "academic", "special_group"][: 1 + i % 3],
            )
            if i % 4 == 0:
                submit_plan(case, by=case.owner)

    add(3)
    client.force_login(user)
    three, rows = count_queries(client)
    assert rows == 3
    add(27)
    thirty, rows = count_queries(client)
    assert rows == 25  # one full page
    assert thirty == three


def test_the_list_refuses_post_and_needs_a_login(world, client: Client) -> None:
    client.force_login(world.owner)
    assert client.post(LIST_URL).status_code == 405
    client.logout()
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_navigation_and_the_home_page_link_to_the_cases(world, client: Client) -> None:
    submit_plan(open_case(world.classroom, by=world.owner), by=world.owner)
    open_case(world.classroom, by=world.colleague)
    client.force_login(world.owner)
    response = client.get(reverse("portal:home"))
    counts = response.context["dashboard"].cases
    assert (counts.open, counts.mine, counts.awaiting_approval, counts.home_visit) == (2, 1, 1, 0)
    html = response.content.decode()
    assert 'data-card="cases"' in html
    assert f'href="{LIST_URL}"' in html  # the main navigation
    assert f'href="{LIST_URL}?mine=on"' in html
    assert f'href="{LIST_URL}?state=awaiting_approval"' in html
