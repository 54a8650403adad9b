"""The plan form and the home-visit forms (appointment, record with the no-gifts pledge)."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import TYPE_CHECKING

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from casework.models import Case, HomeVisit, SupportPlan
from tests.builders import approve_plan, open_case, schedule_visit, submit_plan, transition
from tests.casework.view_support import page

if TYPE_CHECKING:
    from accounts.models import User

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
PLAN = {
    "goals": "期末数学及格",
    "measures": "每周二、四课后辅导",
    "schedule": "三月至六月",
    "responsible_staff": "班主任",
}


def plan_url(case: Case) -> str:
    return reverse("casework:plan_create", args=[case.pk])


def schedule_url(case: Case) -> str:
    return reverse("casework:visit_schedule", args=[case.pk])


def record_url(case: Case, visit: HomeVisit) -> str:
    return reverse("casework:visit_record", args=[case.pk, visit.pk])


def test_the_owner_writes_a_plan_prefilled_from_the_latest_version(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    transition(case, "draft_plan", by=world.owner)
    client.force_login(world.owner)
    response = client.post(plan_url(case), PLAN)
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:case_detail", args=[case.pk])
    plan = SupportPlan.objects.get(case=case)
    assert (plan.version, plan.goals, plan.author) == (1, "期末数学及格", world.owner)

    html = page(client, world.owner, plan_url(case))
    assert "每周二、四课后辅导" in html  # prefilled from version 1
    client.post(plan_url(case), {**PLAN, "goals": "数学70分以上"})
    assert list(SupportPlan.objects.filter(case=case).values_list("version", flat=True)) == [2, 1]


def test_who_may_write_a_plan(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    for persona in ("inspector", "principal", "admin"):
        page(client, getattr(world, persona), plan_url(case), status=403)
        assert client.post(plan_url(case), PLAN).status_code == 403
    for persona in ("colleague", "outsider"):
        page(client, getattr(world, persona), plan_url(case), status=404)
        assert client.post(plan_url(case), PLAN).status_code == 404
    assert client.delete(plan_url(case)).status_code == 405
    assert not SupportPlan.objects.exists()


def test_an_incomplete_plan_shows_errors_and_keeps_what_was_typed(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    client.force_login(world.owner)
    response = client.post(plan_url(case), {**PLAN, "measures": "   "})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"measures"}
    html = response.content.decode()
    assert "期末数学及格" in html and "三月至六月" in html
    assert not SupportPlan.objects.exists()


def test_a_plan_outside_planning_is_a_conflict_that_keeps_the_text(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    submit_plan(case, by=world.owner)
    approve_plan(case, by=world.principal)
    client.force_login(world.owner)
    response = client.post(plan_url(case), {**PLAN, "goals": "新的目标：按时交作业"})
    assert response.status_code == 409
    assert "新的目标：按时交作业" in response.content.decode()
    assert SupportPlan.objects.filter(case=case).count() == 1


def test_an_appointment_is_read_in_shanghai_time(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    page(client, world.owner, schedule_url(case))
    response = client.post(
        schedule_url(case),
        {
            "kind": "targeted",
            "scheduled_for": "2025-03-01T18:30",
            "method": "phone",
            "with_name": "奶奶",
            "note": "电话约奶奶",
        },
    )
    assert response.status_code == 302
    visit = HomeVisit.objects.get(case=case)
    assert visit.kind == "targeted"
    assert visit.scheduled_for == datetime.datetime(2025, 3, 1, 18, 30, tzinfo=SHANGHAI)
    assert visit.scheduled_for == datetime.datetime(2025, 3, 1, 10, 30, tzinfo=datetime.UTC)
    html = page(client, world.owner, reverse("casework:case_detail", args=[case.pk]))
    assert "2025-03-01 18:30" in html and "电话约奶奶" in html


def test_a_bad_appointment_shows_errors_and_keeps_what_was_typed(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    client.force_login(world.owner)
    response = client.post(
        schedule_url(case),
        {"kind": "general", "scheduled_for": "next tuesday", "method": "phone", "note": "微信约了爸爸"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"scheduled_for"}
    html = response.content.decode()
    assert "微信约了爸爸" in html and "next tuesday" in html
    assert not HomeVisit.objects.exists()


def test_who_may_make_an_appointment(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    data = {"kind": "general", "scheduled_for": "2025-03-01T18:30"}
    for persona in ("inspector", "principal"):
        client.force_login(getattr(world, persona))
        assert client.get(schedule_url(case)).status_code == 403
        assert client.post(schedule_url(case), data).status_code == 403
    for persona in ("colleague", "outsider"):
        client.force_login(getattr(world, persona))
        assert client.post(schedule_url(case), data).status_code == 404
    assert not HomeVisit.objects.exists()


def appointment(case: Case, *, by: User) -> HomeVisit:
    """An appointment three hours ago: a record typed to the minute two hours ago comes after it."""
    return schedule_visit(case, by=by, scheduled_for=timezone.now() - datetime.timedelta(hours=3))


def record_data(visited_at: datetime.datetime, **extra: str | bool) -> dict[str, str | bool]:
    local = timezone.localtime(visited_at, SHANGHAI).strftime("%Y-%m-%dT%H:%M")
    return {
        "visited_at": local,
        "family_situation": "父母在外务工，与奶奶同住",
        "home_behaviour": "帮奶奶做家务",
        "study_habits": "作业拖拉",
        "living_habits": "作息规律",
        "parents_opinions": "希望多辅导数学",
        "measures_agreed": "每周电话沟通一次",
        **extra,
    }


def test_the_owner_records_a_visit_with_the_pledge(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    submit_plan(case, by=world.owner)
    approve_plan(case, by=world.principal)
    visit = appointment(case, by=world.owner)
    transition(case, "schedule_home_visit", by=world.owner)

    html = page(client, world.owner, record_url(case, visit))
    assert "清廉家访" in html and 'name="no_gifts_pledge"' in html
    assert 'type="datetime-local"' in html
    response = client.post(
        record_url(case, visit),
        record_data(timezone.now() - datetime.timedelta(hours=2), no_gifts_pledge="on"),
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.no_gifts_pledge and visit.recorded_by == world.owner
    assert visit.family_situation == "父母在外务工，与奶奶同住"
    html = page(client, world.owner, reverse("casework:case_detail", args=[case.pk]))
    assert 'data-transition="complete_home_visit"' in html
    assert 'data-action="visit.record"' in html


def test_a_visit_in_the_future_is_refused_on_its_field_and_nothing_is_lost(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    visit = appointment(case, by=world.owner)
    client.force_login(world.owner)
    response = client.post(
        record_url(case, visit),
        record_data(timezone.now() + datetime.timedelta(days=1), no_gifts_pledge="on"),
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"visited_at"}  # the service's error, on its field
    html = response.content.decode()
    for typed in ("父母在外务工，与奶奶同住", "希望多辅导数学", "每周电话沟通一次"):
        assert typed in html
    assert response.context["form"]["no_gifts_pledge"].value() is True
    visit.refresh_from_db()
    assert not visit.is_recorded and visit.family_situation == ""


def test_who_may_record_a_visit(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    visit = appointment(case, by=world.owner)
    data = record_data(timezone.now() - datetime.timedelta(hours=1))
    client.force_login(world.principal)
    assert client.get(record_url(case, visit)).status_code == 403
    assert client.post(record_url(case, visit), data).status_code == 403
    client.force_login(world.inspector)
    assert client.post(record_url(case, visit), data).status_code == 403
    for persona in ("colleague", "outsider"):
        client.force_login(getattr(world, persona))
        assert client.post(record_url(case, visit), data).status_code == 404
    other_case = open_case(world.classroom, by=world.owner)
    client.force_login(world.owner)
    assert client.get(reverse("casework:visit_record", args=[other_case.pk, visit.pk])).status_code == 404
    assert client.put(record_url(case, visit)).status_code == 405
    visit.refresh_from_db()
    assert not visit.is_recorded
