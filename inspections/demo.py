"""Demo inspection work for `manage.py demo`: one submitted inspection of school A with a finding
and an open rectification, and one commendation — made through the services (so audited).
Created once; later runs leave existing inspection data of the demo schools alone."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from casework.models import Case
from inspections import services
from inspections.models import ChecklistResult, Inspection, Notice
from schools.models import Pupil, School


def demo_inspections_build() -> int:
    """Create the demo inspection and commendation unless school A has inspections; returns how many."""
    if settings.WANJIA_ENVIRONMENT == "production":
        raise ImproperlyConfigured("The demo data must never be loaded into production.")
    school = School.objects.filter(code="A").first()
    inspector = User.objects.filter(username="inspector").first()
    teacher = User.objects.filter(username="teacher_a1").first()
    if school is None or inspector is None or Inspection.objects.filter(school=school).exists():
        return 0
    today = timezone.localdate()
    with transaction.atomic():
        inspection = services.inspection_create(
            user=inspector, school_id=school.pk, inspected_on=today - datetime.timedelta(days=7)
        )
        results = {
            "support_plan": ChecklistResult.MET,
            "visit_handbook": ChecklistResult.PARTLY,
            "pairing": ChecklistResult.MET,
            "visit_records": ChecklistResult.PARTLY,
            "integrity": ChecklistResult.MET,
            "parents_opinions": ChecklistResult.NOT_MET,
        }
        rows = inspection.checklist.select_related("item")
        entries = [
            services.ChecklistEntry(
                row.item_id,
                results.get(row.item.code, ChecklistResult.NOT_CHECKED),
                "家长提出的课后辅导建议尚无回应。" if row.item.code == "parents_opinions" else "",
            )
            for row in rows
        ]
        cases = list(Case.objects.filter(school=school).order_by("id").values_list("pk", flat=True)[:2])
        pupils = list(
            Pupil.objects.filter(cases__pk__in=cases).order_by("id").values_list("pk", flat=True).distinct()
        )
        services.inspection_update(
            user=inspector,
            inspection_id=inspection.pk,
            checklist=entries,
            sampled_case_ids=cases,
            family_pupil_ids=pupils[:1],
            summary="学校家访帮扶工作组织有力，结对帮扶落实到人；部分家访手册填写不完整，家长意见缺少书面回应。",
            rating="good",
        )
        services.finding_add(
            user=inspector,
            inspection_id=inspection.pk,
            text="部分教师家访手册填写不完整，家访记录缺少家长签字。",
        )
        finding = services.finding_add(
            user=inspector,
            inspection_id=inspection.pk,
            text="家长在家访中提出的意见和建议未见书面回应和整改措施。",
            needs_rectification=True,
        )
        services.inspection_submit(user=inspector, inspection_id=inspection.pk)
        services.rectification_open(
            user=inspector, finding_id=finding.pk, deadline=today + datetime.timedelta(days=30)
        )
        services.notice_issue(
            user=inspector,
            school_id=school.pk,
            kind=Notice.Kind.COMMENDATION,
            title="关于表彰家访帮扶工作表现突出教师的通报",
            text="李红梅老师坚持“一对一结对子”帮扶，家访记录真实完整，清廉家访，特予表彰。",
            teacher_ids=[teacher.pk] if teacher else [],
            inspection_id=inspection.pk,
        )
    return 1
