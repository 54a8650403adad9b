"""The case flow driven through task pages, the task API and the case API, mixed: after every
step the case's state, its open task and the audit trail agree."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from viewflow.workflow.status import PROCESS, STATUS

from audit.models import AuditEvent
from casework import services as case_services
from casework.models import Case, State
from tests.api.helpers import api_client
from tests.builders import drive_to, open_case, record_visit, schedule_visit, write_plan
from workflows.models import OPEN_STATUSES, CaseProcess, CaseTask, TaskQueue

pytestmark = pytest.mark.postgres_only


def open_tasks(case: Case) -> list[CaseTask]:
    return list(CaseTask.objects.filter(case=case, flow_task_type="HUMAN", status__in=OPEN_STATUSES))


def check(case: Case, state: str, kind: str | None, owner_id: int | None, queue: str = "") -> Any:
    case = Case.objects.get(pk=case.pk)
    assert case.state == state
    tasks = open_tasks(case)
    if kind is None:
        assert tasks == []
        return None
    assert len(tasks) == 1, tasks
    task = tasks[0]
    assert (task.kind, task.owner_id, task.queue) == (kind, owner_id, queue)
    assert task.due_on is not None and task.school_id == case.school_id
    return task


def last_transition(case: Case) -> AuditEvent:
    event = AuditEvent.objects.filter(case_id=case.pk, action="case.transition").order_by("-seq").first()
    assert event is not None
    return event


def web(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_whole_case_through_task_pages_and_apis_mixed(world):
    # Owned by colleague; the pupil's class teacher is world.owner.
    case = open_case(world.classroom, by=world.colleague)
    owner, principal = world.colleague, world.principal
    response: Any
    transitions_done = []

    def done(name: str, actor: Any) -> None:
        transitions_done.append(name)
        event = last_transition(case)
        assert event.detail["transition"] == name and event.actor_id == actor.pk
        assert AuditEvent.objects.filter(case_id=case.pk, action="case.transition").count() == len(
            transitions_done
        )

    task = check(case, State.IDENTIFIED, "draft_plan", owner.pk)
    # 1. task page
    response = web(owner).post(f"/workflows/tasks/{task.pk}/transitions/draft_plan/")
    assert response.status_code == 302
    done("draft_plan", owner)
    old = CaseTask.objects.get(pk=task.pk)
    assert old.status == STATUS.DONE and old.finished is not None
    task = check(case, State.PLANNING, "submit_plan", owner.pk)

    # 2. task API
    write_plan(case, by=owner)
    response = api_client(owner).post(f"/api/v1/tasks/{task.pk}/complete/", {"transition": "submit_plan"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == STATUS.DONE
    done("submit_plan", owner)
    task = check(case, State.AWAITING_APPROVAL, "approve_plan", None, TaskQueue.LEADERS)
    assert task.status == STATUS.NEW

    # 3. claim through the API, return through the task page (comment required)
    response = api_client(principal).post(f"/api/v1/tasks/{task.pk}/claim/")
    assert response.status_code == 200 and response.json()["owner"] == principal.pk
    assert AuditEvent.objects.filter(action="task.claimed", case_id=case.pk).count() == 1
    check(case, State.AWAITING_APPROVAL, "approve_plan", principal.pk, TaskQueue.LEADERS)
    response = web(principal).post(f"/workflows/tasks/{task.pk}/transitions/return_plan/", {"comment": ""})
    assert response.status_code == 409
    check(case, State.AWAITING_APPROVAL, "approve_plan", principal.pk, TaskQueue.LEADERS)
    response = web(principal).post(
        f"/workflows/tasks/{task.pk}/transitions/return_plan/", {"comment": "请细化目标"}
    )
    assert response.status_code == 302
    done("return_plan", principal)
    task = check(case, State.PLANNING, "submit_plan", owner.pk)

    # 4. the case API completes the matching task (once the plan changed: 409 plan_unchanged before)
    response = api_client(owner).post(f"/api/v1/cases/{case.pk}/transitions/submit_plan/", {})
    assert response.status_code == 409 and response.json()["code"] == "plan_unchanged"
    write_plan(case, by=owner, goals="目标已细化")
    response = api_client(owner).post(f"/api/v1/cases/{case.pk}/transitions/submit_plan/", {})
    assert response.status_code == 200
    done("submit_plan", owner)
    assert CaseTask.objects.get(pk=task.pk).status == STATUS.DONE
    task = check(case, State.AWAITING_APPROVAL, "approve_plan", None, TaskQueue.LEADERS)

    # 5. approve straight from the queue (no claim) on the task page
    response = web(principal).post(f"/workflows/tasks/{task.pk}/transitions/approve_plan/")
    assert response.status_code == 302
    done("approve_plan", principal)
    assert CaseTask.objects.get(pk=task.pk).owner_id == principal.pk
    task = check(case, State.INTERVENTION, "schedule_visit", owner.pk)

    # 6. task API
    schedule_visit(case, by=owner)
    response = api_client(owner).post(
        f"/api/v1/tasks/{task.pk}/complete/", {"transition": "schedule_home_visit"}
    )
    assert response.status_code == 200
    done("schedule_home_visit", owner)
    task = check(case, State.HOME_VISIT, "record_visit", owner.pk)

    # 7. task page; the class teacher (also a case worker) does the owner's task
    visit = Case.objects.get(pk=case.pk).current_visit
    assert visit is not None
    record_visit(case, visit, by=owner)
    response = web(world.owner).post(f"/workflows/tasks/{task.pk}/transitions/complete_home_visit/")
    assert response.status_code == 302
    done("complete_home_visit", world.owner)
    assert CaseTask.objects.get(pk=task.pk).owner_id == world.owner.pk
    task = check(case, State.REVIEW, "review", owner.pk, TaskQueue.LEADERS)

    # 8. revise through the task API: the loop back to planning
    response = api_client(owner).post(f"/api/v1/tasks/{task.pk}/complete/", {"transition": "revise_plan"})
    assert response.status_code == 200
    done("revise_plan", owner)
    check(case, State.PLANNING, "submit_plan", owner.pk)

    # 9. on to review again by the services, then the principal closes on the task page
    drive_to(case, State.REVIEW, leader=world.principal)
    transitions_done += ["submit_plan", "approve_plan", "schedule_home_visit", "complete_home_visit"]
    task = check(case, State.REVIEW, "review", owner.pk, TaskQueue.LEADERS)
    response = web(principal).post(
        f"/workflows/tasks/{task.pk}/transitions/close/", {"comment": "目标达成", "outcome": "resolved"}
    )
    assert response.status_code == 302
    done("close", principal)
    check(case, State.CLOSED, None, None)
    assert not CaseProcess.objects.filter(case=case, status=PROCESS.NEW).exists()

    # 10. reopen through the case API starts a new process
    response = api_client(principal).post(
        f"/api/v1/cases/{case.pk}/transitions/reopen/", {"comment": "情况反复"}
    )
    assert response.status_code == 200
    done("reopen", principal)
    check(case, State.PLANNING, "submit_plan", owner.pk)
    assert CaseProcess.objects.filter(case=case).count() == 2
    # a finished task cannot be done again
    response = api_client(owner).post(f"/api/v1/tasks/{task.pk}/complete/", {"transition": "close"})
    assert response.status_code == 409 and response.json()["code"] == "task_done"


def test_task_page_offers_exactly_the_available_transitions(world):
    case = drive_to(open_case(world.classroom, by=world.colleague), State.REVIEW, leader=world.principal)
    task = open_tasks(case)[0]
    page = web(world.principal).get(f"/workflows/tasks/{task.pk}/").content.decode()
    assert 'data-transition="close"' in page and 'data-transition="revise_plan"' in page
    assert 'data-transition="continue_intervention"' in page
    page = web(world.colleague).get(f"/workflows/tasks/{task.pk}/").content.decode()
    assert 'data-transition="close"' not in page and 'data-transition="revise_plan"' in page


@pytest.mark.parametrize("persona", ["outsider", "custodian"])
def test_task_pages_are_404_for_people_who_do_not_see_the_case(world, persona):
    case = open_case(world.classroom, by=world.colleague)
    task = open_tasks(case)[0]
    client = web(getattr(world, persona))
    assert client.get(f"/workflows/tasks/{task.pk}/").status_code == 404
    assert client.post(f"/workflows/tasks/{task.pk}/transitions/draft_plan/").status_code == 404
    check(case, State.IDENTIFIED, "draft_plan", world.colleague.pk)


def test_task_page_refuses_wrong_role_and_wrong_method(world):
    case = open_case(world.classroom, by=world.colleague)
    task = open_tasks(case)[0]
    # the inspector sees the case but may not act: 403 page, nothing changed
    response = web(world.inspector).post(f"/workflows/tasks/{task.pk}/transitions/draft_plan/")
    assert response.status_code == 403
    check(case, State.IDENTIFIED, "draft_plan", world.colleague.pk)
    assert web(world.colleague).get(f"/workflows/tasks/{task.pk}/transitions/draft_plan/").status_code == 405
    assert web(world.colleague).post(f"/workflows/tasks/{task.pk}/").status_code == 405
    # a transition of another state: 409, nothing half-written
    response = web(world.colleague).post(f"/workflows/tasks/{task.pk}/transitions/submit_plan/")
    assert response.status_code == 409
    check(case, State.IDENTIFIED, "draft_plan", world.colleague.pk)


def test_sync_command_is_idempotent(world):
    case = open_case(world.classroom, by=world.colleague)
    other = drive_to(open_case(world.classroom, by=world.colleague), State.CLOSED, leader=world.principal)
    # cases from before the flow: no process at all
    CaseProcess.objects.all().delete()
    assert open_tasks(case) == []
    call_command("sync_case_tasks")
    check(case, State.IDENTIFIED, "draft_plan", world.colleague.pk)
    check(other, State.CLOSED, None, None)
    counts = (CaseProcess.objects.count(), CaseTask.objects.count())
    call_command("sync_case_tasks")
    assert (CaseProcess.objects.count(), CaseTask.objects.count()) == counts


def test_a_process_that_lost_its_task_is_restarted_by_the_next_transition(world):
    case = open_case(world.classroom, by=world.colleague)
    CaseTask.objects.filter(case=case, flow_task_type="HUMAN").delete()
    case_services.case_transition(case_id=case.pk, user=world.colleague, name="draft_plan")
    check(case, State.PLANNING, "submit_plan", world.colleague.pk)
    assert CaseProcess.objects.filter(case=case, status=PROCESS.CANCELED).count() == 1
    assert CaseProcess.objects.filter(case=case, status=PROCESS.NEW).count() == 1
