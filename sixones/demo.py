"""Six-ones demo for ``manage.py demo``: teacher_a1 gets all six ones (the plan, pairing and home
visit come from the demo cases), teacher_a2 and teacher_b1 a part, so the checklist and the
dashboards show both. Made through the services (audited). Created once; later runs add nothing."""

from __future__ import annotations

import contextlib
import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from casework.models import Case
from core.errors import DomainError
from schools.calendar import campaign_for
from sixones import services
from sixones.models import VisitEssay

ESSAY_TITLE = "走进小宇的家"
ESSAY_BODY = (
    "冬日的午后，我第一次走进小宇的家。屋子不大，却收拾得很干净，墙上贴满了他从一年级到现在的奖状。\n"
    "奶奶告诉我，孩子的父母常年在外务工，每天晚上都会打视频电话问作业。说起这些，小宇低着头不说话。\n"
    "那一刻我明白了：成绩下滑的背后，是一个孩子对父母的想念。回校后，我为他安排了学习伙伴，"
    "每周留出一次谈心时间。家访让我看见了课堂上看不见的孩子。"
)


def demo_sixones_build() -> bool:
    """Record the demo's essays, meeting, act of help and handbook unless already there."""
    if settings.WANJIA_ENVIRONMENT == "production":
        raise ImproperlyConfigured("The demo data must never be loaded into production.")
    if VisitEssay.objects.filter(school__code__in=["A", "B"]).exists():
        return False
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["teacher_a1", "teacher_a2", "teacher_b1", "principal_a"])
    }
    if len(users) < 4:
        return False
    a1, a2, b1, principal = (
        users["teacher_a1"],
        users["teacher_a2"],
        users["teacher_b1"],
        users["principal_a"],
    )
    today = timezone.localdate()
    with transaction.atomic():
        visit = None
        owned = Case.objects.filter(owner=a1).prefetch_related("visits").order_by("id")
        for case in owned:
            for candidate in case.visits.all():
                if candidate.recorded_by_id == a1.pk:
                    visit = candidate
        essay = services.essay_create(
            user=a1,
            title=ESSAY_TITLE,
            body=ESSAY_BODY,
            written_on=today,
            visit_id=visit.pk if visit else None,
        )
        services.essay_mark_exemplary(user=principal, essay_id=essay.pk, exemplary=True)
        services.essay_create(
            user=b1,
            title="一次难忘的家访",
            body="舅舅说孩子懂事，却很少笑。我们约定每月通一次电话，让孩子感受到有人在关心他。",
            written_on=today,
        )
        services.meeting_record(
            user=a1,
            held_on=max(today - datetime.timedelta(days=7), _campaign_start(a1, today)),
            topic="四年级家长座谈会：假期安全与学习习惯",
            organiser_ids=[a1.pk, a2.pk],
            attendees="四年级（1）班、（2）班家长；班主任；德育主任",
            attendee_count=52,
            minutes=(
                "一、班主任通报本学期学习情况；\n二、家长交流陪伴孩子学习的做法；\n"
                "三、学校说明寒假安全注意事项和家访安排；\n四、家长建议增加课后辅导，学校答复将研究落实。"
            ),
        )
        poverty_case = Case.objects.filter(owner=a1, categories__category="poverty").order_by("id").first()
        if poverty_case is not None:
            services.act_record(
                user=a1,
                done_on=today,
                what="联系爱心企业为孩子送去冬衣两套、书包一个和学习用品一批。",
                case_id=poverty_case.pk,
            )
        campaign = campaign_for(bureau_id=essay.school.bureau_id, on=today)
        if campaign is not None:
            # No visit recorded this year (a demo loaded on 1 January): then no handbook.
            with contextlib.suppress(DomainError):
                services.handbook_compile(user=a1, campaign_id=campaign.pk)
    return True


def _campaign_start(user: User, today: datetime.date) -> datetime.date:
    """The meeting must lie in this campaign year, also when the demo is loaded in early January."""
    return today.replace(month=1, day=1)
