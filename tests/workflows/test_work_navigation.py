"""Work-first navigation (issue 13): every task and next step names its work and opens the page
where it is done; the work sends the user back where they came from; a task only one person can
take needs no claim; the approval page shows the plan, its changes, the pupil and the history;
a returned plan's reason is shown, and an unchanged plan is not submitted again."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from viewflow.workflow.status import STATUS

from audit.models import AuditEvent
from casework.models import Case, State
from casework.transitions import TRANSITIONS
from schools.models import Membership
from tests.api.helpers import api_client
from tests.builders import (
    drive_to,
    open_case,
    record_visit,
    schedule_visit,
    submit_plan,
    transition,
    write_plan,
)
from tests.casework.helpers import add_staff
from workflows.models import OPEN_STATUSES, CaseTask
from workflows.selectors import task_action

pytestmark = pytest.mark.postgres_only

INBOX = "/workflows/inbox/"


def web(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def open_task(case: Case) -> CaseTask:
    return CaseTask.objects.get(case=case, flow_task_type="HUMAN", status__in=OPEN_STATUSES)


def action_links(html: str) -> dict[str, str]:
    """task id -> href of the task's work link in the inbox."""
    return {
        task: href.replace("&amp;", "&")
        for href, task in re.findall(r'<a href="([^"]+)" data-action="(\d+)">', html)
    }


def plan_form(case: Case) -> str:
    return f"/cases/{case.pk}/plans/new/"


def approval(case: Case) -> str:
    return f"/cases/{case.pk}/approval/"


PLAN = {
    "goals": "每周两次课后辅导数学",
    "measures": "班主任每日检查作业",
    "schedule": "本学期",
    "responsible_staff": "",
}


# --- the inbox and the task page lead to the work ------------------------------------------------


def test_inbox_links_each_task_to_its_work_page_with_the_way_back(world):
    identified = open_case(world.classroom, by=world.owner)
    planning = open_case(world.classroom, by=world.owner)
    transition(planning, "draft_plan", by=world.owner)
    visiting = drive_to(open_case(world.classroom, by=world.owner), State.HOME_VISIT, leader=world.principal)
    html = web(world.owner).get(INBOX).content.decode()
    links = action_links(html)
    back = "?next=" + quote(INBOX, safe="")
    assert links[str(open_task(identified).pk)] == plan_form(identified) + back
    assert links[str(open_task(planning).pk)] == plan_form(planning) + back
    visit_id = Case.objects.get(pk=visiting.pk).current_visit_id
    assert links[str(open_task(visiting).pk)] == f"/cases/{visiting.pk}/visits/{visit_id}/record/" + back
    assert "Write the support plan and submit it" in html and "Write the home visit record" in html

    # The task page names the work and links to it, instead of "nothing for you to do".
    page = web(world.owner).get(f"/workflows/tasks/{open_task(planning).pk}/").content.decode()
    assert "Nothing for you to do" not in page
    assert f'href="{plan_form(planning)}" data-work-link' in page
    # In Chinese, viewflow's English status ("New", "Assigned") is not shown.
    zh = web(world.owner, "zh-hans").get(f"/workflows/tasks/{open_task(planning).pk}/").content.decode()
    assert ">Assigned<" not in zh and ">New<" not in zh


def test_saving_the_work_returns_where_the_user_came_from_and_only_on_this_site(world):
    case = open_case(world.classroom, by=world.owner)
    client = web(world.owner)
    form = client.get(plan_form(case) + "?next=" + quote(INBOX, safe="")).content.decode()
    assert f'name="next" value="{INBOX}"' in form
    response = client.post(plan_form(case), {**PLAN, "action": "save", "next": INBOX})
    assert response.status_code == 302 and response["Location"] == INBOX
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        response = client.post(plan_form(case), {**PLAN, "goals": evil, "action": "save", "next": evil})
        assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/", evil
    assert Case.objects.get(pk=case.pk).plans.count() == 5


def test_case_page_names_the_work_and_explains_each_button(world):
    case = open_case(world.classroom, by=world.owner)
    transition(case, "draft_plan", by=world.owner)
    html = web(world.owner).get(f"/cases/{case.pk}/").content.decode()
    # Planning without a plan: a link to the form, not "no step for you".
    assert 'data-work="plan"' in html and f'href="{plan_form(case)}" data-work-link' in html
    assert "data-no-step" not in html
    case2 = open_case(world.classroom, by=world.owner)
    html = web(world.owner).get(f"/cases/{case2.pk}/").content.decode()
    assert 'data-transition="draft_plan"' in html
    assert "Moves the case to planning, so that you write the support plan and submit it." in html
    # The principal's next step on a case awaiting approval is the approval page.
    submit_plan(case, by=world.owner)
    html = web(world.principal).get(f"/cases/{case.pk}/").content.decode()
    assert 'data-work="approval"' in html and f'href="{approval(case)}" data-work-link' in html


def test_a_task_whose_form_is_done_offers_its_button_not_the_form_again(world):
    """An appointment made, the task 预约家访 offers "Start the home visit", not a second
    appointment; the visit recorded, the task 填写家访记录 offers "Complete the home visit"."""
    case = drive_to(open_case(world.classroom, by=world.owner), State.INTERVENTION, leader=world.principal)
    task = open_task(case)
    schedule = f"/cases/{case.pk}/visits/new/"
    html = web(world.owner).get(f"/workflows/tasks/{task.pk}/").content.decode()
    assert f'href="{schedule}" data-work-link' in html  # no appointment yet: the form
    visit = schedule_visit(case, by=world.owner)
    html = web(world.owner).get(f"/workflows/tasks/{task.pk}/").content.decode()
    assert "data-work-link" not in html
    assert 'data-transition="schedule_home_visit"' in html
    transition(case, "schedule_home_visit", by=world.owner)
    task = open_task(case)
    record = f"/cases/{case.pk}/visits/{visit.pk}/record/"
    html = web(world.owner).get(f"/workflows/tasks/{task.pk}/").content.decode()
    assert f'href="{record}" data-work-link' in html  # not recorded yet: the form
    record_visit(case, visit, by=world.owner)
    html = web(world.owner).get(f"/workflows/tasks/{task.pk}/").content.decode()
    assert "data-work-link" not in html
    assert 'data-transition="complete_home_visit"' in html


def test_the_inbox_home_and_api_send_a_done_visit_task_to_its_button(world):
    """The inbox, the home page and the task API agree with the task page: once the appointment
    is made (or the visit recorded), the task's link is its step's button, named so."""
    case = drive_to(open_case(world.classroom, by=world.owner), State.INTERVENTION, leader=world.principal)
    task = open_task(case)
    page = f"/workflows/tasks/{task.pk}/"
    client = web(world.owner)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def links() -> tuple[str, str, tuple[str, str]]:
        inbox = client.get("/workflows/inbox/").content.decode()
        home = client.get("/accounts/home/").content.decode()
        row = api_client(world.owner).get("/api/v1/tasks/", headers={"Accept-Language": "en"}).json()
        (only,) = [r for r in row["results"] if r["id"] == task.pk]
        return inbox, home, (only["action_url"], only["action_label"])

    inbox, home, api = links()
    assert f"/cases/{case.pk}/visits/new/" in api[0]  # no appointment yet: the form
    schedule_visit(case, by=world.owner)
    inbox, home, api = links()
    label = str(TRANSITIONS["schedule_home_visit"].label)
    assert api == (page, label)
    for html in (inbox, home):
        assert f'href="{page}" data-action="{task.pk}">{label}</a>' in html


# --- submitting, returning, resubmitting ----------------------------------------------------------


def test_plan_form_submits_and_refuses_an_unchanged_resubmission(world):
    case = open_case(world.classroom, by=world.owner)
    client = web(world.owner)
    first: Any = client.post(plan_form(case), {**PLAN, "action": "submit"})
    assert first.status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert case.state == State.AWAITING_APPROVAL
    assert case.latest_plan().submitted_at is not None
    reason = "目标过于笼统，请写明每周辅导次数和负责老师"
    returned = web(world.principal).post(approval(case), {"decision": "return", "reason": reason})
    assert returned.status_code == 302
    assert Case.objects.get(pk=case.pk).state == State.PLANNING

    # The reason is at the top of the case page, on the teacher's task and in the inbox.
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert page.index("data-return-reason") < page.index('id="next-steps"')
    assert reason in page
    assert reason in client.get(f"/workflows/tasks/{open_task(case).pk}/").content.decode()
    assert reason[:20] in client.get(INBOX).content.decode()
    assert reason in client.get(plan_form(case)).content.decode()

    # Unchanged: refused on the form (nothing saved) and through the API.
    versions = case.plans.count()
    response: Any = client.post(plan_form(case), {**PLAN, "action": "submit"})
    assert response.status_code == 409
    assert "has not changed since it was last submitted" in response.content.decode()
    assert case.plans.count() == versions and Case.objects.get(pk=case.pk).state == State.PLANNING
    response = api_client(world.owner).post(f"/api/v1/cases/{case.pk}/transitions/submit_plan/", {})
    assert response.status_code == 409 and response.json()["code"] == "plan_unchanged"
    response = api_client(world.owner).post(
        f"/api/v1/tasks/{open_task(case).pk}/complete/", {"transition": "submit_plan"}
    )
    assert response.status_code == 409 and response.json()["code"] == "plan_unchanged"
    # A copy of the same text is no change either.
    write_plan(case, by=world.owner, goals=PLAN["goals"], measures=PLAN["measures"])
    response = client.post(plan_form(case), {**PLAN, "action": "submit"})
    assert response.status_code == 409

    # Changed: submitted, and the return note is gone.
    response = client.post(
        plan_form(case), {**PLAN, "goals": "每周二、四课后辅导数学，由王老师负责", "action": "submit"}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == State.AWAITING_APPROVAL
    assert reason not in client.get(f"/cases/{case.pk}/").content.decode().split('id="timeline"')[0]


def test_approval_page_shows_plan_diff_situation_history_and_separate_decisions(world):
    case = open_case(world.classroom, by=world.owner, categories=["academic", "psychological"])
    Case.objects.filter(pk=case.pk).update(risk_level="high")
    client = web(world.owner)
    client.post(plan_form(case), {**PLAN, "action": "submit"})
    principal = web(world.principal)
    first: Any = principal.get(approval(case))
    html = first.content.decode()
    assert first.status_code == 200
    assert PLAN["goals"] in html and PLAN["measures"] in html and PLAN["schedule"] in html
    assert "data-diff-first" in html
    assert 'data-category="academic"' in html and 'data-category="psychological"' in html
    assert "risk-high" in html and case.summary in html
    assert 'data-action="case.transition"' in html  # the history
    assert 'class="primary" data-approve' in html and 'class="danger" data-return' in html
    assert html.count('<form method="post" class="transition" data-decision=') == 2
    assert "data-claim" not in html

    # Return without a reason: a validation message, nothing changes.
    response = principal.post(approval(case), {"decision": "return", "reason": "  "})
    assert response.status_code == 400
    assert "Give the reason for returning the plan." in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == State.AWAITING_APPROVAL
    principal.post(approval(case), {"decision": "return", "reason": "请写明时间"})
    client.post(plan_form(case), {**PLAN, "schedule": "本学期每周二、四", "action": "submit"})
    html = principal.get(approval(case)).content.decode()
    assert 'data-diff-field="schedule"' in html and 'data-diff-field="goals"' not in html
    assert '<ins><span class="sr-only">added: </span>每周二、四</ins>' in html

    response = principal.post(approval(case), {"decision": "approve", "next": INBOX})
    assert response.status_code == 302 and response["Location"] == INBOX
    assert Case.objects.get(pk=case.pk).state == State.INTERVENTION
    # Afterwards the page still reads, but offers no decision.
    html = principal.get(approval(case)).content.decode()
    assert "data-not-awaiting" in html and "data-approve" not in html


def test_approval_page_never_shows_notes_and_is_for_leaders_only(world):
    from casework import notes

    case = open_case(world.classroom, by=world.owner, categories=["psychological"])
    secret = "咨询记录：家庭冲突严重"
    notes.note_create(case_id=case.pk, user=world.counsellor, content=secret)
    submit_plan(case, by=world.owner)
    assert secret not in web(world.principal).get(approval(case)).content.decode()
    assert web(world.owner).get(approval(case)).status_code == 403
    assert web(world.outsider).get(approval(case)).status_code == 404
    assert web(world.owner).post(approval(case), {"decision": "approve"}).status_code == 403
    assert Case.objects.get(pk=case.pk).state == State.AWAITING_APPROVAL
    assert web(world.principal).put(approval(case)).status_code == 405


# --- claiming ---------------------------------------------------------------------------------------


def test_a_single_leader_opens_the_approval_straight_and_takes_the_task(world):
    case = submit_plan(open_case(world.classroom, by=world.owner), by=world.owner)
    task = open_task(case)
    assert task.status == STATUS.NEW and task.owner_id is None
    links = action_links(web(world.principal).get(INBOX).content.decode())
    assert links[str(task.pk)] == approval(case) + "?next=" + quote(INBOX, safe="")
    assert web(world.principal).get(links[str(task.pk)]).status_code == 200
    task = open_task(case)
    assert task.owner_id == world.principal.pk and task.status == STATUS.ASSIGNED
    event = AuditEvent.objects.get(action="task.claimed", case_id=case.pk)
    assert event.detail["auto"] is True
    web(world.principal).get(approval(case))  # once only
    assert AuditEvent.objects.filter(action="task.claimed", case_id=case.pk).count() == 1


def test_the_only_leader_who_wrote_the_plan_does_not_take_its_approval(world):
    """Four eyes: opening the approval of one's own plan takes no task (a leader added later
    finds it waiting in the queue, not stuck with the author)."""
    case = open_case(world.classroom, by=world.owner)
    case.owner = world.principal
    case.save(update_fields=["owner"])
    case = submit_plan(case, by=world.principal)
    task = open_task(case)
    web(world.principal).get(approval(case))
    task = open_task(case)
    assert task.owner_id is None and task.status == STATUS.NEW
    assert not AuditEvent.objects.filter(action="task.claimed", case_id=case.pk).exists()


def test_a_shared_queue_keeps_one_click_claim_that_continues_to_the_work(world):
    vice = add_staff("vice", world.school, Membership.Role.VICE_PRINCIPAL)
    case = submit_plan(open_case(world.classroom, by=world.owner), by=world.owner)
    task = open_task(case)
    links = action_links(web(vice).get(INBOX).content.decode())
    assert links[str(task.pk)] == f"/workflows/tasks/{task.pk}/"
    # Opening the approval page does not take a shared task.
    web(vice).get(approval(case))
    assert open_task(case).owner_id is None
    page = web(vice).get(f"/workflows/tasks/{task.pk}/").content.decode()
    assert "data-claim" in page and 'data-transition="approve_plan"' not in page
    response = web(vice).post(f"/workflows/tasks/{task.pk}/claim/", {"next": approval(case)})
    assert response.status_code == 302 and response["Location"] == approval(case)
    assert open_task(case).owner_id == vice.pk
    response = web(world.principal).post(
        f"/workflows/tasks/{task.pk}/claim/", {"next": "https://evil.example/"}
    )
    assert response.status_code == 409


# --- the task API and the query budget -------------------------------------------------------------


def test_task_api_gives_each_task_its_action(world):
    case = open_case(world.classroom, by=world.owner)
    response = api_client(world.owner).get("/api/v1/tasks/", headers={"Accept-Language": "en"})
    row = response.json()["results"][0]
    assert row["action_url"] == plan_form(case)
    assert row["action_label"] == "Write the support plan and submit it"
    submit_plan(case, by=world.owner)
    task = open_task(case)
    row = api_client(world.principal).get("/api/v1/tasks/").json()["results"][0]
    assert row["id"] == task.pk and row["action_url"] == approval(case)
    response = api_client(world.principal).post(
        f"/api/v1/tasks/{task.pk}/complete/", {"transition": "approve_plan"}
    )
    assert response.status_code == 200
    assert response.json()["action_url"] is None and response.json()["action_label"] is None


def test_task_action_maps_every_kind(world):
    case = drive_to(open_case(world.classroom, by=world.owner), State.REVIEW, leader=world.principal)
    task = open_task(case)
    action = task_action(task, world.owner)
    assert action is not None and action.url == f"/cases/{case.pk}/#next-steps"
    case = drive_to(open_case(world.classroom, by=world.owner), State.INTERVENTION, leader=world.principal)
    action = task_action(open_task(case), world.owner)
    assert action is not None and action.url == f"/cases/{case.pk}/visits/new/"


@pytest.mark.parametrize("count", [2, 12])
def test_inbox_and_approval_pages_in_constant_queries(world, count, django_assert_max_num_queries):
    for i in range(count):
        case = submit_plan(open_case(world.classroom, by=world.owner), by=world.owner)
        transition(case, "return_plan", by=world.principal, comment=f"理由{i}")
    response: Any
    client, api = web(world.owner), api_client(world.owner)
    with django_assert_max_num_queries(10):
        response = client.get(INBOX)
    assert response.content.decode().count("data-returned") == count
    with django_assert_max_num_queries(10):
        response = api.get("/api/v1/tasks/")
    assert response.json()["count"] == count
    # One case with a long history: the approval page's queries do not grow with it.
    case = open_case(world.classroom, by=world.owner)
    for i in range(count):
        submit_plan(case, by=world.owner)
        transition(case, "return_plan", by=world.principal, comment=f"第{i}次退回")
    submit_plan(case, by=world.owner)
    principal = web(world.principal)
    principal.get(approval(case))  # the first opening takes the task
    with django_assert_max_num_queries(24):
        response = principal.get(approval(case))
    assert response.content.decode().count('data-action="case.transition"') == 2 * count + 2
