"""The home page is each role's day: the right sections, with the right rows, and no one else's."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from casework import notes
from opinions.services import opinion_raise
from schools.models import Campaign, Membership
from support import services as support
from tests.builders import open_case, record_visit, schedule_visit, submit_plan
from tests.factories import ClassroomFactory, MembershipFactory, PupilFactory, UserFactory
from workflows.models import OPEN_STATUSES
from workflows.selectors import task_action

HOME = reverse("portal:home")
PUPILS = reverse("schools:pupil_list")
SECRET = "第一次谈话：睡眠不好"


def sections(html: str) -> list[str]:
    return re.findall(r'data-section="([^"]+)"', html)


def section(html: str, name: str) -> str:
    """The HTML of one section (up to the next one)."""
    start = html.index(f'data-section="{name}"')
    end = html.find("data-section=", start + 1)
    return html[start : end if end != -1 else len(html)]


def home(client: Client, user) -> str:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def campaign(world) -> Campaign:
    today = timezone.localdate()
    return Campaign.objects.create(
        bureau=world.school.bureau,
        year=today.year,
        name=f"{today.year}年万师进万家活动",
        starts_on=today.replace(month=1, day=1),
        ends_on=today.replace(month=12, day=31),
    )


def test_the_class_teachers_day(world, campaign, client: Client) -> None:
    # Opened three weeks ago: the plan's task is overdue by now.
    with time_machine.travel(timezone.now() - datetime.timedelta(days=21)):
        late = open_case(world.classroom, by=world.owner, pupil_name="王晓明")
    visited = PupilFactory.create(classroom=world.classroom, name="李雨萱")
    visited_case = open_case(pupil=visited, by=world.owner)
    record_visit(visited_case, schedule_visit(visited_case, by=world.owner), by=world.owner)
    booked = schedule_visit(
        visited_case, by=world.owner, scheduled_for=timezone.now() + datetime.timedelta(minutes=5)
    )
    PupilFactory.create(classroom=world.classroom, name="张浩宇")  # not visited, no case
    # The colleague's class of the same school, and the colleague's pairing in my class.
    colleague_class = ClassroomFactory.create(
        school=world.school, grade=5, number=3, class_teacher=world.colleague
    )
    PupilFactory.create(classroom=colleague_class, name="赵别班")
    open_case(world.classroom, by=world.colleague, pupil_name="钱同事")

    html = home(client, world.owner)
    assert sections(html)[:5] == ["tasks", "pairs", "not-visited", "visits", "sixones"]
    assert not {"approvals", "signatures", "inspected", "counselling", "ledger", "roster"} & set(
        sections(html)
    )

    tasks = section(html, "tasks")
    assert tasks.index("王晓明") < tasks.index("李雨萱")  # soonest due first
    assert 'data-flag="overdue"' in tasks
    # Each task links straight to its work, named in words (workflows.selectors.task_action).
    task = late.tasks.filter(status__in=OPEN_STATUSES, flow_task_type="HUMAN").get()
    action = task_action(task, world.owner, next_url=reverse("portal:home"))
    assert action is not None and action.url.startswith(reverse("casework:plan_create", args=[late.pk]))
    assert f'href="{escape(action.url)}" data-action="{task.pk}">{escape(action.label)}</a>' in tasks

    pairs = section(html, "pairs")
    assert "王晓明" in pairs and "李雨萱" in pairs and "钱同事" not in pairs
    assert reverse("casework:case_detail", args=[late.pk]) in pairs

    not_visited = section(html, "not-visited")
    assert campaign.name in not_visited
    assert "张浩宇" in not_visited and "王晓明" in not_visited and "钱同事" in not_visited
    assert "李雨萱" not in not_visited  # visited this campaign
    assert "赵别班" not in html  # never another class's pupils
    assert f"{reverse('visits:visit_create')}?pupil=" in not_visited
    assert "3 of 4 pupils not yet visited" in not_visited

    visits = section(html, "visits")
    assert reverse("visits:visit_detail", args=[booked.pk]) in visits and "李雨萱" in visits

    sixones = section(html, "sixones")
    assert 'data-count="sixones">1<' in sixones  # the pairing
    assert reverse("sixones:my") in sixones


def test_a_visit_of_last_campaign_does_not_count(world, campaign, client: Client) -> None:
    pupil = PupilFactory.create(classroom=world.classroom, name="李雨萱")
    case = open_case(pupil=pupil, by=world.owner, opened_at=timezone.now() - datetime.timedelta(days=800))
    last_year = timezone.now() - datetime.timedelta(days=400)
    visit = schedule_visit(case, by=world.owner, scheduled_for=last_year)
    record_visit(case, visit, by=world.owner, visited_at=last_year + datetime.timedelta(hours=1))
    assert "李雨萱" in section(home(client, world.owner), "not-visited")


def test_without_a_campaign_the_teacher_is_told(world, client: Client) -> None:
    PupilFactory.create(classroom=world.classroom, name="张浩宇")
    not_visited = section(home(client, world.owner), "not-visited")
    assert "No campaign year is running." in not_visited and "张浩宇" not in not_visited


def test_the_counsellors_day_names_cases_never_notes(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner, categories=["psychological"], pupil_name="孙心怡")
    notes.note_create(case_id=case.pk, user=world.counsellor, content=SECRET)
    open_case(world.classroom, by=world.owner, categories=["academic"], pupil_name="周学业")

    html = home(client, world.counsellor)
    counselling = section(html, "counselling")
    assert "孙心怡" in counselling and reverse("casework:case_detail", args=[case.pk]) in counselling
    assert "周学业" not in counselling
    assert SECRET not in html
    assert "pairs" not in sections(html) and "approvals" not in sections(html)


def test_the_principals_day(world, campaign, client: Client) -> None:
    with time_machine.travel(timezone.now() - datetime.timedelta(days=10)):
        waiting = submit_plan(open_case(world.classroom, by=world.owner, pupil_name="王晓明"), by=world.owner)
    case = open_case(world.classroom, by=world.owner, pupil_name="李雨萱")
    visit = record_visit(case, schedule_visit(case, by=world.owner), by=world.owner, parents_opinions="x")
    opinion = opinion_raise(user=world.owner, visit_id=visit.pk, about="school", text="希望多辅导")
    support.donation_record(
        user=world.custodian,
        school_id=world.school.pk,
        occurred_on=timezone.localdate(),
        donor_name="爱心企业",
        amount=Decimal(500),
    )
    support.disbursement_request(
        user=world.custodian, school_id=world.school.pk, case_id=case.pk, purpose="助学", amount=Decimal(200)
    )
    # The other school's plan is not this principal's.
    submit_plan(open_case(world.other_classroom, by=world.outsider, pupil_name="赵外校"), by=world.outsider)

    html = home(client, world.principal)
    assert {"approvals", "opinions", "signatures", "school-work"} <= set(sections(html))
    assert "pairs" not in sections(html) and "inspected" not in sections(html)

    approvals = section(html, "approvals")
    assert "王晓明" in approvals and "赵外校" not in html
    assert 'data-days="10"' in approvals and "waiting 10 days" in approvals
    assert reverse("casework:case_detail", args=[waiting.pk]) in approvals

    assert reverse("opinions:opinion_detail", args=[opinion.pk]) in section(html, "opinions")
    signatures = section(html, "signatures")
    assert "¥200" in signatures and reverse("support:ledger", args=[world.school.pk]) in signatures

    work = section(html, "school-work")
    assert "1 of 2 pupils visited" in work and 'data-count="coverage">50%<' in work


def test_overdue_work_is_counted_for_the_leader(world, client: Client) -> None:
    with time_machine.travel(timezone.now() - datetime.timedelta(days=40)):
        submit_plan(open_case(world.classroom, by=world.owner), by=world.owner)
    work = section(home(client, world.principal), "school-work")
    assert 'data-kind="approval"' in work
    assert reverse("reports:school", args=[world.school.code]) in work


def test_the_custodians_day(world, client: Client) -> None:
    case = open_case(world.classroom, by=world.owner)
    support.donation_record(
        user=world.custodian,
        school_id=world.school.pk,
        occurred_on=timezone.localdate(),
        donor_name="爱心企业",
        amount=Decimal("500.00"),
    )
    support.disbursement_request(
        user=world.custodian, school_id=world.school.pk, case_id=case.pk, purpose="助学", amount=Decimal(200)
    )
    html = home(client, world.custodian)
    ledger = section(html, "ledger")
    assert 'data-count="balance">¥500.00<' in ledger
    assert reverse("support:donation_new", args=[world.school.pk]) in ledger
    assert "¥200" in section(html, "requests")
    assert "signatures" not in sections(html)


def test_the_administrators_day(world, client: Client) -> None:
    html = home(client, world.admin)
    roster = section(html, "roster")
    assert "never" in roster
    # The colleague teaches but leads no class; the owner leads one.
    assert world.colleague.full_name in roster and world.owner.full_name not in roster
    assert reverse("schools:staff_list", args=[world.school.pk]) in roster


def test_the_inspectors_day_is_aggregates_only(world, campaign, client: Client) -> None:
    for name in ("王晓明", "李雨萱"):
        open_case(world.classroom, by=world.owner, pupil_name=name)
    case = open_case(world.other_classroom, by=world.outsider, pupil_name="赵外校")
    record_visit(case, schedule_visit(case, by=world.outsider), by=world.outsider)

    html = home(client, world.inspector)
    inspected = section(html, "inspected")
    rows = re.findall(r'<tr data-row="school"( data-behind="yes")?>', inspected)
    assert len(rows) == 2
    # The school with no visit is behind and listed first.
    assert inspected.index(world.school.name) < inspected.index(world.other_school.name)
    assert rows[0] == ' data-behind="yes"'
    assert reverse("reports:school", args=[world.school.code]) in inspected
    for name in ("王晓明", "李雨萱", "赵外校"):
        assert name not in html
    assert not {"tasks", "pairs", "approvals", "not-visited"} & set(sections(html))


def test_someone_with_several_roles_sees_each_roles_sections(world, campaign, client: Client) -> None:
    MembershipFactory.create(user=world.owner, school=world.school, role=Membership.Role.PRINCIPAL)
    MembershipFactory.create(user=world.owner, school=world.school, role=Membership.Role.CUSTODIAN)
    got = set(sections(home(client, world.owner)))
    assert {"pairs", "not-visited", "approvals", "signatures", "ledger", "requests"} <= got


@pytest.mark.django_db
def test_no_position_no_sections(client: Client) -> None:
    assert sections(home(client, UserFactory.create(username="nobody"))) == []


# --- the pupils entry opens the class teacher's class ----------------------------------------


def listed(client: Client, user, query: str = "") -> set[str]:
    client.force_login(user)
    response = client.get(PUPILS + query)
    assert response.status_code == 200
    return {p.name for p in response.context["page"].object_list}


def test_the_pupils_entry_opens_the_class_teachers_class(world, client: Client) -> None:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    PupilFactory.create(classroom=world.classroom, name="我班", left_behind=True)
    other = ClassroomFactory.create(school=world.school, grade=5, number=3, class_teacher=world.colleague)
    PupilFactory.create(classroom=other, name="别班", left_behind=True)

    assert listed(client, world.owner) == {"我班"}
    page = client.get(PUPILS).content.decode()
    assert 'data-link="every-pupil"' in page and world.classroom.label in page
    # Filters stay within the class; "every pupil" widens to the school.
    assert listed(client, world.owner, "?scope=mine&group=left_behind") == {"我班"}
    assert listed(client, world.owner, "?scope=all") == {"我班", "别班"}
    assert 'data-link="my-classes"' in client.get(PUPILS + "?scope=all").content.decode()
    assert listed(client, world.owner, "?scope=all&group=left_behind") == {"我班", "别班"}
    # A link with a filter and no scope (the home page's, the school's) filters the school.
    assert listed(client, world.owner, f"?classroom={other.pk}") == {"别班"}
    # The menu's entry is the plain list.
    assert f'href="{PUPILS}"' in home(client, world.owner)


def test_staff_without_a_class_and_leaders_get_the_whole_school(world, client: Client) -> None:
    PupilFactory.create(classroom=world.classroom, name="我班")
    other = ClassroomFactory.create(school=world.school, grade=5, number=3)
    PupilFactory.create(classroom=other, name="别班")
    for user in (world.principal, world.counsellor):
        assert listed(client, user) == {"我班", "别班"}
        assert 'data-link="every-pupil"' not in client.get(PUPILS).content.decode()
