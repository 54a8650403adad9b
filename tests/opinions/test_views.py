"""The opinion pages: list, detail with the step forms, raising from a visit; who sees what."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from casework.models import HomeVisit
from opinions.models import ParentOpinion
from schools.models import Membership
from tests.builders import open_case
from tests.casework.helpers import add_staff
from tests.casework.view_support import page
from tests.opinions.helpers import OPINION, drive, raise_opinion, recorded_visit

State = ParentOpinion.State
LIST = reverse("opinions:opinion_list")


def detail_url(opinion: ParentOpinion) -> str:
    return reverse("opinions:opinion_detail", args=[opinion.pk])


def step_url(opinion: ParentOpinion, step: str) -> str:
    return reverse("opinions:opinion_step", args=[opinion.pk, step])


def raise_url(visit: HomeVisit) -> str:
    return reverse("opinions:opinion_raise") + f"?visit={visit.pk}"


@pytest.mark.smoke
def test_the_principal_takes_an_opinion_to_done_through_the_pages(world, client: Client) -> None:
    opinion = raise_opinion(world)
    html = page(client, world.principal, detail_url(opinion))
    assert OPINION in html and 'data-action="study"' in html
    assert client.post(step_url(opinion, "study")).status_code == 302
    assert client.post(step_url(opinion, "plan"), {"plan": "增开辅导班"}).status_code == 302
    today = timezone.localdate().isoformat()
    response = client.post(
        step_url(opinion, "complete"), {"answer": "已答复", "answered_to_parents_on": today}
    )
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert opinion.state == State.DONE and opinion.answer == "已答复"
    html = page(client, world.principal, detail_url(opinion))
    assert "已答复" in html and 'data-action="complete"' not in html


def test_a_missing_plan_keeps_the_page_with_a_400(world, client: Client) -> None:
    opinion = drive(raise_opinion(world), State.UNDER_STUDY, leader=world.principal)
    client.force_login(world.principal)
    response = client.post(step_url(opinion, "plan"), {"plan": ""})
    assert response.status_code == 400
    assert 'data-field="plan"' in response.content.decode()
    assert ParentOpinion.objects.get(pk=opinion.pk).state == State.UNDER_STUDY


def test_a_bad_date_is_a_400_and_keeps_the_answer(world, client: Client) -> None:
    opinion = raise_opinion(world)
    client.force_login(world.principal)
    response = client.post(step_url(opinion, "complete"), {"answer": "已答复", "answered_to_parents_on": "x"})
    assert response.status_code == 400 and "已答复" in response.content.decode()
    assert ParentOpinion.objects.get(pk=opinion.pk).state == State.RECEIVED


def test_a_step_from_the_wrong_state_is_a_409(world, client: Client) -> None:
    opinion = raise_opinion(world)
    client.force_login(world.principal)
    assert client.post(step_url(opinion, "plan"), {"plan": "计划"}).status_code == 409
    assert client.post(step_url(opinion, "nonsense")).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [("owner", 403), ("inspector", 403), ("colleague", 404), ("outsider", 404), ("admin", 404)],
)
def test_others_may_not_move_an_opinion(world, client: Client, persona: str, status: int) -> None:
    opinion = raise_opinion(world)
    client.force_login(getattr(world, persona))
    assert client.post(step_url(opinion, "study")).status_code == status
    bad_date = {"answer": "x", "answered_to_parents_on": "x"}
    assert client.post(step_url(opinion, "complete"), bad_date).status_code == status
    assert ParentOpinion.objects.get(pk=opinion.pk).state == State.RECEIVED
    assert not AuditEvent.objects.filter(action="opinion.study").exists()


def test_wrong_methods_are_refused(world, client: Client) -> None:
    opinion = raise_opinion(world)
    client.force_login(world.principal)
    assert client.get(step_url(opinion, "study")).status_code == 405
    assert client.post(detail_url(opinion)).status_code == 405
    assert client.post(LIST).status_code == 405
    assert opinion.visit is not None
    assert client.delete(raise_url(opinion.visit)).status_code == 405


def test_csrf_is_enforced(world) -> None:
    opinion = raise_opinion(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.principal)
    assert client.post(step_url(opinion, "study")).status_code == 403
    assert ParentOpinion.objects.get(pk=opinion.pk).state == State.RECEIVED


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("principal", 200),
        ("inspector", 200),
        ("owner", 200),
        ("colleague", 404),
        ("outsider", 404),
        ("counsellor", 404),
        ("admin", 404),
        ("custodian", 404),
    ],
)
def test_who_sees_an_opinion(world, client: Client, persona: str, status: int) -> None:
    opinion = raise_opinion(world)
    html = page(client, getattr(world, persona), detail_url(opinion), status)
    if status == 200:
        # Only a leader of the school gets the step forms.
        assert ('data-action="study"' in html) == (persona == "principal")
    listed = page(client, getattr(world, persona), LIST)
    assert (f'data-opinion="{opinion.pk}"' in listed) == (status == 200)


def test_another_schools_principal_sees_nothing(world, client: Client) -> None:
    other = add_staff("principal_b", world.other_school, Membership.Role.PRINCIPAL)
    opinion = raise_opinion(world)
    page(client, other, detail_url(opinion), 404)
    assert f'data-opinion="{opinion.pk}"' not in page(client, other, LIST)


def test_an_opinion_about_a_teacher_is_hidden_from_that_teacher(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.colleague)  # world.owner is the pupil's class teacher
    visit = recorded_visit(world, case=case, user=world.colleague)
    opinion = raise_opinion(
        world, visit=visit, user=world.colleague, about=ParentOpinion.About.TEACHER, about_teacher=world.owner
    )
    about_school = raise_opinion(world, visit=visit, user=world.colleague)
    page(client, world.owner, detail_url(opinion), 404)
    page(client, world.owner, detail_url(about_school), 200)
    page(client, world.colleague, detail_url(opinion), 200)
    page(client, world.principal, detail_url(opinion), 200)


def test_the_list_filters_and_keeps_to_its_query_budget(
    world, client: Client, django_assert_max_num_queries
) -> None:
    opinions = [raise_opinion(world) for _ in range(4)]
    drive(opinions[0], State.UNDER_STUDY, leader=world.principal)
    ParentOpinion.objects.filter(pk=opinions[1].pk).update(
        raised_on=timezone.localdate() - datetime.timedelta(days=30), about=ParentOpinion.About.DEPARTMENT
    )
    client.force_login(world.principal)
    with django_assert_max_num_queries(8):
        html = client.get(LIST).content.decode()
    assert all(f'data-opinion="{o.pk}"' in html for o in opinions)
    html = client.get(LIST, {"state": State.UNDER_STUDY}).content.decode()
    assert f'data-opinion="{opinions[0].pk}"' in html and f'data-opinion="{opinions[2].pk}"' not in html
    html = client.get(LIST, {"overdue": "on"}).content.decode()
    assert f'data-opinion="{opinions[1].pk}"' in html and f'data-opinion="{opinions[2].pk}"' not in html
    html = client.get(LIST, {"about": "department"}).content.decode()
    assert f'data-opinion="{opinions[1].pk}"' in html and f'data-opinion="{opinions[0].pk}"' not in html


def test_the_visit_page_offers_to_route_the_opinions(world, client: Client) -> None:
    visit = recorded_visit(world)
    html = page(client, world.owner, reverse("casework:visit_record", args=[visit.case_id, visit.pk]))
    assert raise_url(visit) in html
    html = page(client, world.owner, raise_url(visit))
    assert OPINION in html  # pre-filled from the visit record
    response = client.post(raise_url(visit), {"about": "school", "text": OPINION, "guardian_name": "王奶奶"})
    assert response.status_code == 302
    opinion = ParentOpinion.objects.get()
    assert opinion.visit == visit and opinion.guardian_name == "王奶奶"
    assert AuditEvent.objects.filter(action="opinion.raised").count() == 1


def test_raising_with_bad_input_is_a_400_and_nothing_is_saved(world, client: Client) -> None:
    visit = recorded_visit(world)
    client.force_login(world.owner)
    response = client.post(raise_url(visit), {"about": "teacher", "text": OPINION})
    assert response.status_code == 400
    assert 'data-field="about_teacher"' in response.content.decode() and OPINION in response.content.decode()
    assert client.post(raise_url(visit), {"about": "school", "text": ""}).status_code == 400
    assert not ParentOpinion.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("colleague", 404), ("outsider", 404), ("principal", 403), ("inspector", 403)],
)
def test_who_may_open_the_raise_form(world, client: Client, persona: str, status: int) -> None:
    visit = recorded_visit(world)
    page(client, getattr(world, persona), raise_url(visit), status)
    client.post(raise_url(visit), {"about": "school", "text": OPINION})
    assert not ParentOpinion.objects.exists()


def test_a_visit_of_another_school_or_none_is_404(world, client: Client) -> None:
    other_visit = recorded_visit(
        world,
        case=open_case(world.other_classroom, by=world.outsider),
        user=world.outsider,
    )
    page(client, world.owner, raise_url(other_visit), 404)
    page(client, world.owner, reverse("opinions:opinion_raise") + "?visit=abc", 404)
    page(client, world.owner, reverse("opinions:opinion_raise"), 404)


def test_anonymous_users_are_sent_to_log_in(world, client: Client) -> None:
    opinion = raise_opinion(world)
    assert client.get(detail_url(opinion)).status_code == 302
    assert client.get(LIST).status_code == 302


def test_the_home_page_counts_open_opinions_for_leaders_only(world, client: Client) -> None:
    opinions = [raise_opinion(world) for _ in range(3)]
    drive(opinions[0], State.DONE, leader=world.principal)
    ParentOpinion.objects.filter(pk=opinions[1].pk).update(
        raised_on=timezone.localdate() - datetime.timedelta(days=30)
    )
    html = page(client, world.principal, reverse("portal:home"))
    assert 'data-count="open-opinions">2<' in html
    assert 'data-count="overdue-opinions"' in html and 'data-nav="opinions"' in html
    html = page(client, world.owner, reverse("portal:home"))
    assert 'data-card="opinions"' not in html and 'data-nav="opinions"' in html
    other = add_staff("principal_b", world.other_school, Membership.Role.PRINCIPAL)
    assert 'data-card="opinions"' not in page(client, other, reverse("portal:home"))
