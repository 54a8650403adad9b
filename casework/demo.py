"""Demo cases for `manage.py demo`: a few cases in different states, made through the services
(so they are audited like real work). Created once; later runs leave existing cases alone."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from casework import notes, services
from casework.models import Case
from schools.models import Classroom, Pupil


@dataclass(frozen=True)
class DemoCase:
    school: str
    grade: int
    seat: int  # the pupil's place in the class list
    owner: str
    categories: tuple[str, ...]
    summary: str
    steps: tuple[str, ...]


DEMO_CASES = (
    DemoCase(
        "A",
        4,
        1,
        "teacher_a1",
        ("special_group", "academic"),
        "父母在外务工，由祖母照顾；数学、语文成绩下滑明显。",
        ("plan", "submit"),
    ),
    DemoCase(
        "A",
        4,
        2,
        "teacher_a1",
        ("psychological",),
        "近一个月上课注意力不集中，情绪低落，不愿与同学交流。",
        ("note",),
    ),
    DemoCase(
        "A",
        4,
        3,
        "teacher_a1",
        ("poverty",),
        "建档立卡贫困户，父亲患病，家中缺少冬衣和学习用品。",
        ("plan", "submit", "approve", "appointment", "go"),
    ),
    DemoCase(
        "A",
        4,
        4,
        "teacher_a1",
        ("academic",),
        "作业经常不能按时完成，英语基础薄弱。",
        ("plan", "submit", "approve", "appointment", "go", "record", "complete", "close"),
    ),
    DemoCase(
        "B", 8, 2, "teacher_b1", ("special_group",), "留守儿童，父母在外地打工，寄住在舅舅家。", ("draft",)
    ),
)


DEMO_USERNAMES = ["teacher_a1", "teacher_b1", "principal_a", "principal_b", "counsellor_a"]


def demo_cases_build() -> int:
    """Create the demo cases unless the demo schools have cases already; returns how many."""
    if settings.WANJIA_ENVIRONMENT == "production":
        raise ImproperlyConfigured("The demo data must never be loaded into production.")
    if Case.objects.filter(school__code__in={spec.school for spec in DEMO_CASES}).exists():
        return 0
    users = {user.username: user for user in User.objects.filter(username__in=DEMO_USERNAMES)}
    now = timezone.now()
    with transaction.atomic():
        for spec in DEMO_CASES:
            classroom = (
                Classroom.objects.filter(school__code=spec.school, grade=spec.grade, number=1)
                .order_by("-academic_year__starts_on")
                .first()
            )
            if classroom is None:
                continue
            pupil = Pupil.objects.filter(classroom=classroom).order_by("student_number")[spec.seat - 1]
            owner = users[spec.owner]
            principal = users["principal_a" if spec.school == "A" else "principal_b"]
            case = services.case_open(
                user=owner, pupil_id=pupil.pk, categories=spec.categories, summary=spec.summary
            )
            _run_steps(
                case, spec, owner=owner, principal=principal, counsellor=users["counsellor_a"], now=now
            )
    return len(DEMO_CASES)


def _run_steps(
    case: Case, spec: DemoCase, *, owner: User, principal: User, counsellor: User, now: datetime.datetime
) -> None:
    def move(name: str, user: User, comment: str = "", outcome: str = "") -> None:
        services.case_transition(case_id=case.pk, user=user, name=name, comment=comment, outcome=outcome)

    appointment = now - datetime.timedelta(days=2)
    visit_id = 0
    for step in spec.steps:
        if step == "draft":
            move("draft_plan", owner)
        elif step == "plan":
            move("draft_plan", owner)
            services.plan_create(
                case_id=case.pk,
                user=owner,
                goals="一学期内帮助学生稳定情绪、提高主要学科成绩。",
                measures="每周两次课后辅导；每月与家长电话沟通一次；安排学习伙伴。",
                schedule="3月—6月",
                responsible_staff=owner.get_full_name(),
            )
        elif step == "submit":
            move("submit_plan", owner)
        elif step == "approve":
            move("approve_plan", principal, "同意，按计划实施。")
        elif step == "appointment":
            visit_id = services.visit_schedule(
                case_id=case.pk,
                user=owner,
                scheduled_for=appointment,
                kind="targeted",
                appointment_note="电话与学生母亲约定",
            ).pk
        elif step == "go":
            move("schedule_home_visit", owner)
        elif step == "record":
            services.visit_record(
                case_id=case.pk,
                visit_id=visit_id,
                user=owner,
                data={
                    "visited_at": appointment + datetime.timedelta(hours=1),
                    "family_situation": "三口之家，母亲在家照顾，父亲在外务工。",
                    "home_behaviour": "在家能帮忙做家务，看电视时间偏长。",
                    "study_habits": "有固定书桌，作业需要督促。",
                    "living_habits": "作息基本规律。",
                    "parents_opinions": "希望学校多组织课后辅导。",
                    "measures_agreed": "家长每晚检查作业，每周与班主任沟通一次。",
                    "no_gifts_pledge": True,
                },
            )
        elif step == "complete":
            move("complete_home_visit", owner)
        elif step == "close":
            move("close", principal, "成绩明显进步，结案。", outcome="improved")
        elif step == "note":
            notes.note_create(
                case_id=case.pk, user=counsellor, content="首次谈话：学生表示与同学关系紧张，约定下周再谈。"
            )
        else:  # pragma: no cover - a typo in DEMO_CASES
            raise ValueError(step)
