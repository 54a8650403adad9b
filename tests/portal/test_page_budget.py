"""The page budget: every main page costs a fixed number of SQL queries, whatever the rows.

For each role, every main page reachable from its home page (the menu's entries and the pages
the home page's sections link to) is loaded with a little data and again with ten times the
rows; the query count must be the same and within the page's budget. To add a page, add a
line to ``PAGES`` (its address, from the data) and its name to the roles that reach it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from casework.models import Case, HomeVisit
from opinions.models import ParentOpinion
from opinions.services import opinion_raise
from schools.models import Campaign, Membership, Pupil
from support import services as support
from tests.builders import open_case, record_visit, schedule_visit, submit_plan
from tests.conftest import World
from tests.factories import (
    BureauMembershipFactory,
    ClassroomFactory,
    GuardianFactory,
    MembershipFactory,
    PupilFactory,
    UserFactory,
)
from workflows.models import OPEN_STATUSES, CaseTask
from workflows.reminders import reminders_send

BUDGET = 40  # queries a page may make, unless PAGES says otherwise
SMALL, LARGE = 1, 10  # rows of each kind: the large data set has ten times the small one's


@dataclass
class Rows:
    """What the pages of the test open: the first of each kind, made with the small data."""

    cases: list[Case] = field(default_factory=list)
    visits: list[HomeVisit] = field(default_factory=list)
    opinions: list[ParentOpinion] = field(default_factory=list)
    pupils: list[Pupil] = field(default_factory=list)


@dataclass(frozen=True)
class Page:
    url: Callable[[World, Rows], str]
    budget: int = BUDGET


def _first_task(world: World, rows: Rows) -> str:
    task = CaseTask.objects.filter(case=rows.cases[0], status__in=OPEN_STATUSES, flow_task_type="HUMAN")
    return reverse("workflows:task_detail", args=[task.order_by("id").values_list("id", flat=True)[0]])


PAGES: dict[str, Page] = {
    # Someone holding every role gets every section of the day (portal/day.py).
    "home": Page(lambda w, r: reverse("portal:home"), budget=70),
    "cases": Page(lambda w, r: reverse("casework:case_list")),
    "case": Page(lambda w, r: reverse("casework:case_detail", args=[r.cases[0].pk])),
    "inbox": Page(lambda w, r: reverse("workflows:inbox")),
    "task": Page(_first_task),
    "notifications": Page(lambda w, r: reverse("workflows:notifications")),
    "pupils": Page(lambda w, r: reverse("schools:pupil_list")),
    "every_pupil": Page(lambda w, r: reverse("schools:pupil_list") + "?scope=all"),
    "pupil": Page(lambda w, r: reverse("portal:pupil_detail", args=[r.pupils[0].pk]), budget=45),
    "visits": Page(lambda w, r: reverse("visits:visit_list")),
    "visit": Page(lambda w, r: reverse("visits:visit_detail", args=[r.visits[0].pk])),
    "opinions": Page(lambda w, r: reverse("opinions:opinion_list")),
    "opinion": Page(lambda w, r: reverse("opinions:opinion_detail", args=[r.opinions[0].pk])),
    "sixones": Page(lambda w, r: reverse("sixones:my")),
    "sixones_school": Page(lambda w, r: reverse("sixones:school", args=[w.school.code])),
    "sixones_city": Page(lambda w, r: reverse("sixones:city")),
    "calendar": Page(lambda w, r: reverse("schools:campaign_list")),
    "reports": Page(lambda w, r: reverse("reports:index")),
    "school_report": Page(lambda w, r: reverse("reports:school", args=[w.school.code])),
    "city_report": Page(lambda w, r: reverse("reports:city")),
    "ledger": Page(lambda w, r: reverse("support:ledger", args=[w.school.pk])),
    "audit": Page(lambda w, r: reverse("audit:event_list")),
    "case_timeline": Page(lambda w, r: reverse("audit:case_timeline", args=[r.cases[0].pk])),
    "inspections": Page(lambda w, r: reverse("inspections:inspection_list")),
    "rectifications": Page(lambda w, r: reverse("inspections:rectification_list")),
    "staff": Page(lambda w, r: reverse("schools:staff_list", args=[w.school.pk])),
    "archives": Page(lambda w, r: reverse("care:archive_list")),
    "evidence": Page(lambda w, r: reverse("evidence:index")),
    "break_glass": Page(lambda w, r: reverse("casework:break_glass_list")),
    "reassign": Page(lambda w, r: reverse("workflows:reassign")),
    "leaving": Page(lambda w, r: reverse("workflows:leaving")),
    "support_city": Page(lambda w, r: reverse("support:city")),
    "retention": Page(lambda w, r: reverse("privacy:retention_policy")),
    "mfa_staff": Page(lambda w, r: reverse("mfa:staff")),
    "essays": Page(lambda w, r: reverse("sixones:essay_list")),
}

TEACHER = [
    "home",
    "cases",
    "case",
    "inbox",
    "task",
    "notifications",
    "pupils",
    "every_pupil",
    "pupil",
    "visits",
    "visit",
    "opinions",
    "sixones",
    "essays",
    "calendar",
    "evidence",
    "archives",
]
ROLES: dict[str, list[str]] = {
    "owner": TEACHER,
    "counsellor": ["home", "cases", "inbox", "notifications", "pupils", "pupil", "visits", "sixones"],
    "principal": [
        *TEACHER,
        "sixones_school",
        "reports",
        "school_report",
        "ledger",
        "audit",
        "case_timeline",
        "inspections",
        "rectifications",
        "staff",
        "break_glass",
        "reassign",
        "leaving",
        "retention",
        "mfa_staff",
    ],
    "admin": [
        "home",
        "cases",
        "pupils",
        "pupil",
        "reports",
        "school_report",
        "inspections",
        "staff",
        "leaving",
        "retention",
    ],
    "custodian": ["home", "cases", "notifications", "pupils", "pupil", "ledger"],
    "inspector": [
        "home",
        "cases",
        "case",
        "pupils",
        "pupil",
        "visits",
        "visit",
        "opinions",
        "opinion",
        "sixones_city",
        "support_city",
        "break_glass",
        "retention",
        "reports",
        "school_report",
        "city_report",
        "audit",
        "case_timeline",
        "inspections",
        "rectifications",
    ],
    # A class teacher who is also principal, counsellor, custodian, administrator and inspector.
    "boss": ["home", "cases", "inbox", "pupils", "visits", "opinions", "ledger", "audit"],
}


def everyone(world: World) -> dict[str, User]:
    """The personas of ``ROLES``: the world's, and one who holds every role."""
    boss = UserFactory.create(username="boss")
    for role in Membership.Role.values:
        MembershipFactory.create(user=boss, school=world.school, role=role)
    BureauMembershipFactory.create(user=boss, bureau=world.school.bureau)
    ClassroomFactory.create(school=world.school, grade=6, number=9, class_teacher=boss)
    return {persona: boss if persona == "boss" else getattr(world, persona) for persona in ROLES}


def grow(world: World, rows: Rows, n: int) -> None:
    """``n`` more of every kind of row the pages list: cases (a plan awaiting approval, a
    recorded visit, a parents' opinion, a payout waiting for a signature, a visit booked this
    week), pupils with guardians, donations, psychological cases, and reminders."""
    today = timezone.localdate()
    support.donation_record(
        user=world.custodian,
        school_id=world.school.pk,
        occurred_on=today,
        donor_name="爱心企业",
        amount=Decimal(100 * n),
    )
    for _ in range(n):
        pupil = PupilFactory.create(classroom=world.classroom, left_behind=True)
        GuardianFactory.create(pupil=pupil)
        case = open_case(pupil=pupil, by=world.owner, categories=["academic", "psychological"])
        visit = record_visit(case, schedule_visit(case, by=world.owner), by=world.owner, parents_opinions="x")
        opinion = opinion_raise(
            user=world.owner, visit_id=visit.pk, about=ParentOpinion.About.SCHOOL, text="希望多辅导"
        )
        schedule_visit(case, by=world.owner, scheduled_for=timezone.now() + datetime.timedelta(hours=1))
        submit_plan(case, by=world.owner)
        support.disbursement_request(
            user=world.custodian,
            school_id=world.school.pk,
            case_id=case.pk,
            purpose="助学",
            amount=Decimal(10),
        )
        PupilFactory.create(classroom=world.classroom)  # not yet visited
        rows.cases.append(case)
        rows.visits.append(visit)
        rows.opinions.append(opinion)
        rows.pupils.append(pupil)
    # Every open task overdue: reminders for their holders and escalations for the leaders.
    reminders_send(today=today + datetime.timedelta(days=60))


def queries(client: Client, url: str) -> int:
    """The page's queries: the fewer of two loads, since once a minute a request also writes the
    session's clock (accounts.middleware), which is no part of the page."""
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        counts.append(len(captured))
    return min(counts)


def test_every_page_costs_the_same_for_ten_times_the_rows(world) -> None:
    today = timezone.localdate()
    Campaign.objects.create(
        bureau=world.school.bureau,
        year=today.year,
        name=f"{today.year}年万师进万家活动",
        starts_on=today.replace(month=1, day=1),
        ends_on=today.replace(month=12, day=31),
    )
    users = everyone(world)
    rows = Rows()
    grow(world, rows, SMALL)
    clients: dict[str, Client] = {}
    urls: dict[str, dict[str, str]] = {}
    small: dict[tuple[str, str], int] = {}
    for persona, pages in ROLES.items():
        clients[persona] = client = Client()
        client.force_login(users[persona])
        urls[persona] = {name: PAGES[name].url(world, rows) for name in pages}
        for name, url in urls[persona].items():
            small[persona, name] = queries(client, url)

    grow(world, rows, LARGE - SMALL)
    report = {}
    for persona, addresses in urls.items():
        for name, url in addresses.items():
            large = queries(clients[persona], url)
            if large != small[persona, name] or large > PAGES[name].budget:
                report[f"{persona} {name}"] = (small[persona, name], large, PAGES[name].budget)
    assert report == {}, f"page → (queries small, queries 10x, budget): {report}"
    assert small["boss", "home"] > small["owner", "home"]  # more sections, and still within budget
