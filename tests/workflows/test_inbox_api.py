"""Who sees which task in the inbox and GET /api/v1/tasks/; claim and complete errors; query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from casework import services as case_services
from casework.models import State
from schools.models import Membership
from tests.api.helpers import api_client
from tests.builders import drive_to, open_case
from tests.casework.helpers import add_staff
from workflows.models import OPEN_STATUSES, CaseTask

pytestmark = pytest.mark.postgres_only


def web(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_ids(user: Any) -> set[int]:
    response = api_client(user).get("/api/v1/tasks/")
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def task_of(case: Any) -> CaseTask:
    return CaseTask.objects.get(case=case, flow_task_type="HUMAN", status__in=OPEN_STATUSES)


def test_queue_visibility_per_persona(world):
    other_principal = add_staff("principal_b", world.other_school, Membership.Role.PRINCIPAL)
    planning = drive_to(open_case(world.classroom, by=world.colleague), State.PLANNING)
    approval = drive_to(open_case(world.classroom, by=world.colleague), State.AWAITING_APPROVAL)
    psych = drive_to(
        open_case(world.classroom, by=world.colleague, categories=["psychological"]),
        State.REVIEW,
        leader=world.principal,
    )
    t_plan, t_approve, t_review = task_of(planning), task_of(approval), task_of(psych)

    assert api_ids(world.colleague) == {t_plan.pk, t_review.pk}  # the owner's own tasks
    assert api_ids(world.principal) == {t_approve.pk, t_review.pk}  # the leaders' queue
    assert api_ids(world.counsellor) == {t_review.pk}  # granted on the psychological case
    for persona in (world.owner, world.outsider, world.inspector, world.custodian, other_principal):
        assert api_ids(persona) == set()
    page = web(world.principal).get("/workflows/inbox/").content.decode()
    assert f'data-task="{t_approve.pk}"' in page and f'data-task="{t_plan.pk}"' not in page
    assert f'data-task="{t_approve.pk}"' not in web(other_principal).get("/workflows/inbox/").content.decode()
    # counsellor without the grant sees nothing
    case_services.counsellor_revoke(case_id=psych.pk, user=world.principal, counsellor_id=world.counsellor.pk)
    assert api_ids(world.counsellor) == set()


def test_home_page_counts_and_filters(world):
    drive_to(open_case(world.classroom, by=world.colleague), State.PLANNING)
    drive_to(open_case(world.classroom, by=world.colleague), State.AWAITING_APPROVAL)
    page = web(world.colleague).get("/accounts/home/").content.decode()
    assert 'data-count="tasks">1<' in page
    response = api_client(world.principal).get("/api/v1/tasks/?status=NEW")
    assert response.json()["count"] == 1
    assert api_client(world.principal).get("/api/v1/tasks/?status=DONE").status_code == 400
    assert api_client(world.principal).get("/api/v1/tasks/?due_before=soon").status_code == 400
    assert api_client(world.colleague).get("/api/v1/tasks/?due_before=2000-01-01").json()["count"] == 0
    assert api_client().get("/api/v1/tasks/").status_code == 401


def test_claim_and_complete_errors(world):
    case = drive_to(open_case(world.classroom, by=world.colleague), State.AWAITING_APPROVAL)
    task = task_of(case)
    url = f"/api/v1/tasks/{task.pk}/claim/"
    assert api_client(world.outsider).post(url).status_code == 404
    response = api_client(world.colleague).post(url)
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert api_client(world.principal).get(url).status_code == 405
    assert api_client(world.principal).post(url).status_code == 200
    response = api_client(world.principal).post(url)
    assert response.status_code == 409 and response.json()["code"] == "task_taken"
    complete = f"/api/v1/tasks/{task.pk}/complete/"
    response = api_client(world.principal).post(complete, {"transition": "close"})
    assert response.status_code == 409
    response = api_client(world.principal).post(complete, {"transition": "nonsense"})
    assert response.status_code == 400 and "transition" in response.json()["errors"]
    response = api_client(world.colleague).post(complete, {"transition": "approve_plan"})
    assert response.status_code == 403
    assert api_client(world.outsider).post(complete, {"transition": "approve_plan"}).status_code == 404
    assert (
        task_of(case).pk == task.pk
        and case.__class__.objects.get(pk=case.pk).state == State.AWAITING_APPROVAL
    )


@pytest.mark.parametrize("count", [3, 30])
def test_constant_queries_inbox_and_api(world, count, django_assert_max_num_queries):
    for _ in range(count):
        drive_to(open_case(world.classroom, by=world.colleague), State.AWAITING_APPROVAL)
    client, api = web(world.principal), api_client(world.principal)
    response: Any
    with django_assert_max_num_queries(8):
        response = client.get("/workflows/inbox/")
    assert response.content.decode().count("data-task=") == count
    with django_assert_max_num_queries(8):
        response = api.get("/api/v1/tasks/")
    assert response.json()["count"] == count
