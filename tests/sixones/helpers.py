"""Helpers for six-ones tests: campaign years and records made through the real services."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from schools.calendar import campaign_create_default
from schools.models import Campaign
from sixones import services
from sixones.checklist import teacher_flags
from sixones.models import ActOfHelp, ParentsMeeting, VisitEssay
from tests.factories import PupilFactory

if TYPE_CHECKING:
    from accounts.models import User
    from tests.conftest import World


def campaign(world: World, year: int | None = None) -> Campaign:
    year = year or timezone.localdate().year
    return campaign_create_default(bureau=world.school.bureau, year=year, actor=None)[0]


def done(user: User, campaign: Campaign) -> set[str]:
    """The items the teacher has done in the campaign year (from the dashboards' one query)."""
    return {
        key
        for key, value in teacher_flags(campaign=campaign, user_ids=[user.pk])[user.pk].flags.items()
        if value
    }


def essay(user: User, day: datetime.date | None = None, title: str = "走进小明的家") -> VisitEssay:
    return services.essay_create(
        user=user, title=title, body="家访让我看见了课堂上看不见的孩子。", written_on=day
    )


def meeting(user: User, organisers: list[User], day: datetime.date | None = None) -> ParentsMeeting:
    return services.meeting_record(
        user=user,
        held_on=day or timezone.localdate(),
        topic="四年级家长座谈会",
        organiser_ids=[u.pk for u in organisers],
        attendees="四年级（1）班家长",
        attendee_count=30,
        minutes="交流假期安全与学习习惯。",
    )


def act(world: World, user: User, day: datetime.date | None = None, case_id: int | None = None) -> ActOfHelp:
    pupil_id = None if case_id else PupilFactory.create(classroom=world.classroom).pk
    return services.act_record(
        user=user,
        done_on=day or timezone.localdate(),
        what="送去冬衣两件",
        pupil_id=pupil_id,
        case_id=case_id,
    )
