"""Demo home visits for `manage.py demo`: a class plan (包班) of school A with visits at every
stage, a teacher's own visit (包人), a refused gift and a follow-up. Made through the services
(audited like real work); created once, later runs leave them alone."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from casework import services
from casework.models import HomeVisit, VisitPlan
from schools.models import Campaign, Classroom, Guardian, Pupil

DEMO_USERNAMES = ["principal_a", "teacher_a1", "teacher_a2"]


def demo_visits_build() -> int:
    """Create the demo visits unless school A has a visit plan already; returns how many visits."""
    if settings.WANJIA_ENVIRONMENT == "production":
        raise ImproperlyConfigured("The demo data must never be loaded into production.")
    if VisitPlan.objects.filter(school__code="A").exists():
        return 0
    users = {user.username: user for user in User.objects.filter(username__in=DEMO_USERNAMES)}
    classrooms = {
        c.number: c
        for c in Classroom.objects.filter(school__code="A", grade=4).order_by("-academic_year__starts_on")[:2]
    }
    campaign = Campaign.objects.filter(bureau__schools__code="A").order_by("-year").first()
    if len(users) < len(DEMO_USERNAMES) or 1 not in classrooms or campaign is None:
        return 0
    classroom = classrooms[1]
    principal, teacher = users["principal_a"], users["teacher_a1"]
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        plan = services.visit_plan_create(
            user=principal,
            school_id=classroom.school_id,
            title="寒假家访（包班）：四年级一班",
            grouping=VisitPlan.Grouping.CLASS,
            classroom_id=classroom.pk,
            campaign_id=campaign.pk,
            starts_on=today - datetime.timedelta(days=10),
            ends_on=today + datetime.timedelta(days=40),
        )
        # Seats 1-4 of the class have the demo cases; the plan takes the next four pupils.
        pupils = list(Pupil.objects.filter(classroom=classroom).order_by("student_number")[4:8])
        visits = services.visit_plan_assign(
            user=principal, plan_id=plan.pk, pupil_ids=[p.pk for p in pupils], participant_ids=[teacher.pk]
        )
        for index, visit in enumerate(visits[:3]):
            _appoint(visit, teacher, now - datetime.timedelta(days=3 - index))
        if visits:
            recorded = _record(
                visits[0], teacher, now - datetime.timedelta(days=3) + datetime.timedelta(hours=1)
            )
            services.visit_gift_report(
                user=teacher,
                visit_id=recorded.pk,
                what="一箱自家种的苹果",
                offered_on=timezone.localdate(recorded.visited_at),
                outcome="refused",
                note="家长很热情，已婉言谢绝并说明清廉家访的要求。",
            )
            services.visit_follow_up(user=teacher, visit_id=recorded.pk)
        count = len(visits) + (1 if visits else 0)
        if 2 in classrooms and "teacher_a2" in users:
            own = Pupil.objects.filter(classroom=classrooms[2]).order_by("student_number").first()
            if own is not None:
                services.visit_create(user=users["teacher_a2"], pupil_id=own.pk, kind="targeted")
                count += 1
    return count


def _appoint(visit: HomeVisit, teacher: User, when: datetime.datetime) -> None:
    guardian = Guardian.objects.filter(pupil_id=visit.pupil_id).order_by("position").first()
    services.visit_appoint(
        user=teacher,
        visit_id=visit.pk,
        scheduled_for=when,
        method=HomeVisit.Method.PHONE,
        guardian_id=guardian.pk if guardian else None,
        with_name="" if guardian else "学生家长",
        agreed_at=when - datetime.timedelta(days=2),
        note="约在周末上午，家长在家",
    )


def _record(visit: HomeVisit, teacher: User, when: datetime.datetime) -> HomeVisit:
    return services.visit_record(
        visit_id=visit.pk,
        user=teacher,
        data={
            "visited_at": when,
            "family_situation": "四口之家，父亲在外务工，母亲在家照顾两个孩子。",
            "growth_environment": "家中有独立书桌，邻里关系和睦。",
            "home_behaviour": "在家主动照看弟弟，能帮忙做家务。",
            "study_habits": "作业能按时完成，课外阅读较少。",
            "living_habits": "作息规律，早睡早起。",
            "school_life_feedback": "向家长介绍了孩子在校表现：课堂认真，乐于助人。",
            "parents_opinions": "希望学校多开展课外阅读活动。",
            "policies_explained": "宣传了义务教育“两免一补”和营养改善计划。",
            "measures_agreed": "每晚亲子共读二十分钟，每月与班主任沟通一次。",
            "reflection": "走进家庭才真正了解孩子，今后要多肯定他的责任心。",
            "no_gifts_pledge": True,
        },
    )
