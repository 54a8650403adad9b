"""Demo parents' opinions for `manage.py demo`: two opinions school A received without a home
visit (a phone call, a parents' meeting), one of them already under study — through the services.
Created once; later runs leave school A's opinions alone."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from opinions import services
from opinions.models import ParentOpinion
from schools.models import Pupil, School


def demo_opinions_build() -> int:
    """Record school A's demo opinions unless it has some received without a visit; returns how many."""
    if settings.WANJIA_ENVIRONMENT == "production":
        raise ImproperlyConfigured("The demo data must never be loaded into production.")
    school = School.objects.filter(code="A").first()
    teacher = User.objects.filter(username="teacher_a1").first()
    admin = User.objects.filter(username="admin_a").first()
    principal = User.objects.filter(username="principal_a").first()
    if None in (school, teacher, admin, principal):
        return 0
    assert school is not None and teacher is not None and admin is not None and principal is not None
    if ParentOpinion.objects.filter(school=school).exclude(channel=ParentOpinion.Channel.VISIT).exists():
        return 0
    pupil = Pupil.objects.filter(school=school, classroom__class_teacher=teacher).order_by("id").first()
    today = timezone.localdate()
    with transaction.atomic():
        services.opinion_receive(
            user=teacher,
            school_id=school.pk,
            channel=ParentOpinion.Channel.PHONE,
            raised_on=today - datetime.timedelta(days=3),
            about=ParentOpinion.About.SCHOOL,
            pupil_id=pupil.pk if pupil else None,
            guardian_name="孩子奶奶",
            text="孩子父母在外务工，奶奶来电希望学校在放学后多留一位老师看护，等家长来接。",
        )
        meeting = services.opinion_receive(
            user=admin,
            school_id=school.pk,
            channel=ParentOpinion.Channel.MEETING,
            raised_on=today - datetime.timedelta(days=9),
            about=ParentOpinion.About.SCHOOL,
            text="家长会上多位家长反映食堂饭菜偏凉，希望冬季改善午餐保温。",
        )
        services.opinion_transition(user=principal, opinion_id=meeting.pk, name="study")
    return 2
