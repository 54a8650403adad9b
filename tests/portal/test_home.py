"""The per-role home page (portal): every demo account lands on its card after logging in."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from schools.demo import demo_build
from schools.models import BureauMembership, Membership
from tests.factories import (
    ClassroomFactory,
    GuardianFactory,
    MembershipFactory,
    PupilFactory,
    SchoolFactory,
    UserFactory,
)

LOGIN_URL = "/accounts/login/"

DEMO_CARDS = {
    "inspector": "inspector",
    "principal_a": "principal",
    "counsellor_a": "counsellor",
    "teacher_a1": "class-teacher",
    "teacher_a2": "class-teacher",
    "admin_a": "school-admin",
    "custodian_a": "custodian",
    "principal_b": "principal",
    "teacher_b1": "class-teacher",
}


def card(name: str) -> str:
    return f'data-card="{name}"'


def home_html(client: Client, user: User) -> str:
    client.force_login(user)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_every_demo_account_logs_in_through_the_login_page_and_sees_its_card() -> None:
    demo_build(password="wanjia-demo")

    for username, expected_card in DEMO_CARDS.items():
        client = Client()
        response = client.post(LOGIN_URL, {"username": username, "password": "wanjia-demo"}, follow=True)
        assert response.redirect_chain == [(reverse("portal:home"), 302)], username
        html = response.content.decode()
        assert card(expected_card) in html, username
        assert User.objects.get(username=username).full_name in html
        others = set(DEMO_CARDS.values()) - {expected_card}
        assert not any(card(other) in html for other in others), username
        assert card("no-position") not in html


@pytest.mark.smoke
@pytest.mark.django_db
def test_home_needs_a_login(client: Client) -> None:
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert client.get("/").status_code == 302


def test_the_greeting_and_the_positions(world, client: Client) -> None:
    client.force_login(world.owner)
    response = client.get(reverse("portal:home"))
    positions = response.context["dashboard"].positions
    assert [p.place for p in positions] == [world.school.name, world.classroom.label]
    assert [p.title for p in positions] == [
        Membership.Role.TEACHER.label,
        translation.gettext("class teacher"),
    ]
    html = response.content.decode()
    assert world.owner.full_name in html
    assert f"{positions[1].title} · {world.classroom.label}" in html

    client.force_login(world.inspector)
    (position,) = client.get(reverse("portal:home")).context["dashboard"].positions
    assert (position.title, position.place) == (BureauMembership.Role.INSPECTOR.label, "四平市教育局")


def test_class_teacher_card_counts_pupils_and_links_to_the_class(world, client: Client) -> None:
    PupilFactory.create(classroom=world.classroom, left_behind=True)
    PupilFactory.create(classroom=world.classroom, single_parent=True, registered_poor=True)
    PupilFactory.create(classroom=world.classroom)
    PupilFactory.create(classroom=world.classroom, is_active=False, left_behind=True)
    PupilFactory.create(classroom=world.other_classroom, left_behind=True)

    client.force_login(world.owner)
    response = client.get(reverse("portal:home"))
    (class_card,) = response.context["dashboard"].classes_led
    assert class_card.classroom == world.classroom
    assert (class_card.counts.pupils, class_card.counts.special) == (3, 2)
    assert (class_card.counts.left_behind, class_card.counts.registered_poor) == (1, 1)
    assert f"?classroom={world.classroom.pk}" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("colleague", "teacher"),
        ("counsellor", "counsellor"),
        ("principal", "principal"),
        ("admin", "school-admin"),
        ("custodian", "custodian"),
        ("inspector", "inspector"),
    ],
)
def test_each_role_sees_its_card(world, client: Client, persona: str, expected: str) -> None:
    html = home_html(client, getattr(world, persona))
    assert card(expected) in html
    assert card("class-teacher") not in html


def test_school_admin_card_links_to_the_roster_import(world, client: Client) -> None:
    html = home_html(client, world.admin)
    assert reverse("schools:roster_upload") in html


def test_principal_overview_counts_the_school(world, client: Client) -> None:
    PupilFactory.create(classroom=world.classroom, migrant_child=True)
    pupil = PupilFactory.create(classroom=world.classroom, left_behind=True)
    GuardianFactory.create(pupil=pupil)
    PupilFactory.create(classroom=world.other_classroom, migrant_child=True)

    client.force_login(world.principal)
    response = client.get(reverse("portal:home"))
    (stats,) = response.context["dashboard"].leadership
    assert stats.school == world.school
    assert (stats.counts.pupils, stats.counts.migrant_child, stats.counts.left_behind) == (2, 1, 1)
    assert stats.counts.without_guardian == 1
    assert stats.classes == 1
    # owner, colleague, counsellor, principal, school administrator, custodian
    assert stats.staff == 6


def test_inspector_sees_every_school_of_the_bureau(world, client: Client) -> None:
    PupilFactory.create(classroom=world.classroom, registered_poor=True)
    PupilFactory.create(classroom=world.other_classroom)
    elsewhere = SchoolFactory.create(code="Z")  # another bureau's school
    PupilFactory.create(classroom=ClassroomFactory.create(school=elsewhere))

    client.force_login(world.inspector)
    response = client.get(reverse("portal:home"))
    (overview,) = response.context["dashboard"].inspection
    assert [s.school for s in overview.schools] == [world.school, world.other_school]
    assert [s.counts.pupils for s in overview.schools] == [1, 1]
    assert overview.totals.registered_poor == 1
    html = response.content.decode()
    assert world.other_school.name in html
    assert elsewhere.name not in html


@pytest.mark.django_db
def test_a_user_without_a_position_is_told_politely(client: Client) -> None:
    html = home_html(client, UserFactory.create(username="newcomer"))
    assert card("no-position") in html
    assert "data-card" not in html.replace(card("no-position"), "")


def count_home_queries(client: Client, user: User) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("portal:home")).status_code == 200
    return len(queries)


def test_home_queries_do_not_grow_with_schools_classes_or_pupils(world, client: Client) -> None:
    # One person holding every role, so that every card is drawn.
    boss = world.owner
    for role in (Membership.Role.PRINCIPAL, Membership.Role.SCHOOL_ADMIN, Membership.Role.COUNSELLOR):
        MembershipFactory.create(user=boss, school=world.school, role=role)
    MembershipFactory.create(user=boss, school=world.school, role=Membership.Role.CUSTODIAN)
    world.inspector.memberships.create(school=world.school, role=Membership.Role.TEACHER)
    PupilFactory.create(classroom=world.classroom)
    small_boss = count_home_queries(client, boss)
    small_inspector = count_home_queries(client, world.inspector)

    for number in range(2, 5):
        classroom = ClassroomFactory.create(school=world.school, number=number, class_teacher=boss)
        PupilFactory.create_batch(3, classroom=classroom, left_behind=True)
        MembershipFactory.create(
            user=boss, school=SchoolFactory.create(bureau=world.school.bureau), role="principal"
        )
    PupilFactory.create_batch(5, classroom=world.other_classroom)

    assert count_home_queries(client, boss) == small_boss
    assert count_home_queries(client, world.inspector) == small_inspector
