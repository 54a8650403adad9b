"""Demo data of the care app for `manage.py demo`: tutoring with visible progress, counselling
sessions whose content is confidential (after the guardians' consent to counselling, so that the
demo also runs where local rules ask for it), and special-group archives with yearly entries. Made
through the services (so audited like real work), once; later runs change nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from care import services
from care.models import CounsellingSession, SpecialGroupArchive, TutoringSession
from casework.models import Case, Category, State
from consents.models import Purpose
from consents.rules import consent_given
from consents.services import consent_record
from schools.models import Pupil

# (days ago, subject, minutes, what was taught, outcome, level, score)
TUTORING = (
    (49, "maths", 45, "复习两位数乘法，讲解竖式进位。", "进位常出错，需要多练。", 2, "58"),
    (35, "chinese", 40, "朗读课文，练习找中心句。", "能读通课文，概括还吃力。", 2, "64"),
    (21, "maths", 45, "分数的初步认识，用折纸演示。", "能说出几分之一的含义。", 3, "71"),
    (7, "maths", 50, "单元测验错题讲评，巩固乘法与分数。", "错题能独立订正，信心明显增强。", 4, "78"),
)

# (days ago, attended, minutes, next session in days from it, confidential content)
COUNSELLING = (
    (
        20,
        True,
        45,
        7,
        "第二次面谈：学生说起父母吵架后睡不好，上课走神。教她腹式呼吸放松，约定每晚写三件开心的小事。",
    ),
    (13, False, None, 7, ""),
    (
        6,
        True,
        40,
        14,
        "学生按约完成了记录，情绪较前稳定；同学关系仍紧张。下次做团体沙盘，并与班主任商量安排座位。",
    ),
)

ARCHIVE_FAMILY = {
    "left_behind": (
        "父母在外务工，由祖父母照顾；祖父母年纪大，辅导作业有困难。",
        "祖父母共同监护，祖母负责日常起居。",
        "父亲在浙江宁波电子厂打工，母亲在江苏苏州做家政，每年春节回家一次。",
        "祖母手机（平时接听）；父母每周日晚视频通话。",
    ),
    "single_parent": (
        "父母离异，随母亲生活；母亲白天上班，孩子放学后常独自在家。",
        "母亲监护，外婆偶尔帮忙接送。",
        "母亲在本市超市做收银员，早晚班轮换。",
        "母亲手机；外婆家座机。",
    ),
    "migrant_child": (
        "随父母从农村来城里生活，租住在城郊平房，转学后还在适应新环境。",
        "父母共同监护。",
        "父亲在建筑工地做瓦工，母亲在农贸市场摆摊卖菜。",
        "父亲手机；母亲摊位在城东农贸市场。",
    ),
}

ENTRY = {
    "record": "本年度家访两次，孩子学习态度有进步，与家人通话后情绪波动较大。",
    "analysis": "亲情陪伴不足是主要原因；孩子自理能力较强，但缺少倾诉对象。",
    "support": "安排结对教师每周谈心一次，开通亲情电话；本学期按时完成作业的次数明显增多。",
}


def demo_care_build() -> int:
    """Record the demo's care data unless the demo schools have some already; returns how many rows."""
    if settings.WANJIA_ENVIRONMENT == "production":
        raise ImproperlyConfigured("The demo data must never be loaded into production.")
    if (
        TutoringSession.objects.filter(case__school__code__in=["A", "B"]).exists()
        or CounsellingSession.objects.filter(case__school__code__in=["A", "B"]).exists()
        or SpecialGroupArchive.objects.filter(school__code__in=["A", "B"]).exists()
    ):
        return 0
    users = {u.username: u for u in User.objects.filter(username__in=["counsellor_a", "principal_a"])}
    today = timezone.localdate()
    made = 0
    with transaction.atomic():
        academic = (
            Case.objects.filter(school__code="A", categories__category=Category.ACADEMIC)
            .exclude(state=State.CLOSED)
            .select_related("owner")
            .order_by("pk")
            .first()
        )
        if academic is not None:
            for days, subject, minutes, content, outcome, level, score in TUTORING:
                services.tutoring_session_create(
                    case_id=academic.pk,
                    user=academic.owner,
                    held_on=today - datetime.timedelta(days=days),
                    subject=subject,
                    duration_minutes=minutes,
                    content=content,
                    outcome=outcome,
                    level=level,
                    score=Decimal(score),
                )
                made += 1
        psychological = (
            Case.objects.filter(school__code="A", categories__category=Category.PSYCHOLOGICAL)
            .exclude(state=State.CLOSED)
            .order_by("pk")
            .first()
        )
        counsellor = users.get("counsellor_a")
        principal = users.get("principal_a")
        if psychological is not None and counsellor is not None and principal is not None:
            if not consent_given(pupil=psychological.pupil, purpose=Purpose.COUNSELLING):
                guardian = psychological.pupil.guardians.order_by("position").first()
                consent_record(
                    user=principal,
                    pupil_id=psychological.pupil_id,
                    purpose=Purpose.COUNSELLING,
                    granted=True,
                    guardian_id=guardian.pk if guardian is not None else None,
                    guardian_name=guardian.name if guardian is not None else "家长",
                )
            for days, attended, length, next_in, content in COUNSELLING:
                held_on = today - datetime.timedelta(days=days)
                services.counselling_session_record(
                    case_id=psychological.pk,
                    user=counsellor,
                    held_on=held_on,
                    attendance="attended" if attended else "missed",
                    duration_minutes=length,
                    next_session_on=held_on + datetime.timedelta(days=next_in),
                    content=content,
                )
                made += 1
        made += _archives(today=today)
    return made


def _archives(*, today: datetime.date) -> int:
    """Archives for the first special-group pupils of each demo class, by their class teacher."""
    made = 0
    pupils = (
        Pupil.objects.filter(school__code__in=["A", "B"], classroom__class_teacher__isnull=False)
        .select_related("classroom__class_teacher")
        .order_by("school__code", "classroom__grade", "classroom__number", "student_number")
    )
    per_class: dict[int, int] = {}
    for pupil in pupils:
        groups = [name for name in SpecialGroupArchive.GROUP_FIELDS if getattr(pupil, name)]
        classroom = pupil.classroom
        assert classroom is not None
        if not groups or per_class.get(classroom.pk, 0) >= 3:
            continue
        per_class[classroom.pk] = per_class.get(classroom.pk, 0) + 1
        teacher = classroom.class_teacher
        assert teacher is not None
        family, guardianship, parents_work, contact = ARCHIVE_FAMILY[groups[0]]
        services.archive_save(
            pupil_id=pupil.pk,
            user=teacher,
            left_behind=pupil.left_behind,
            single_parent=pupil.single_parent,
            migrant_child=pupil.migrant_child,
            family=family,
            guardianship=guardianship,
            parents_work=parents_work,
            contact=contact,
        )
        services.archive_entry_save(
            pupil_id=pupil.pk,
            user=teacher,
            year=today.year - 1,
            record="建档：完成首次家访，了解家庭基本情况。",
            analysis="孩子性格内向，学习习惯有待培养。",
            support="结对教师每月家访或电话回访一次。",
        )
        services.archive_entry_save(
            pupil_id=pupil.pk,
            user=teacher,
            year=today.year,
            record=ENTRY["record"],
            analysis=ENTRY["analysis"],
            support=ENTRY["support"],
        )
        made += 1
    return made
