"""Shared helpers of the opinion tests: recorded visits and opinions made through the real services."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from casework.models import Case, HomeVisit
from opinions import services
from opinions.models import ParentOpinion
from tests.builders import open_case, record_visit, schedule_visit

if TYPE_CHECKING:
    from accounts.models import User
    from tests.conftest import World

OPINION = "希望学校多组织课后辅导"


def recorded_visit(world: World, *, case: Case | None = None, user: User | None = None) -> HomeVisit:
    """A visit of ``case`` (default: a new case of world.owner) scheduled and recorded by ``user``."""
    user = user or world.owner
    case = case or open_case(world.classroom, by=user)
    now = timezone.now()
    visit = schedule_visit(case, by=user, scheduled_for=now - datetime.timedelta(hours=3))
    return record_visit(
        case, visit, by=user, visited_at=now - datetime.timedelta(hours=2), parents_opinions=OPINION
    )


def raise_opinion(
    world: World,
    *,
    visit: HomeVisit | None = None,
    user: User | None = None,
    about: str = ParentOpinion.About.SCHOOL,
    about_teacher: User | None = None,
) -> ParentOpinion:
    user = user or world.owner
    visit = visit or recorded_visit(world, user=user)
    return services.opinion_raise(
        user=user,
        visit_id=visit.pk,
        about=about,
        text=OPINION,
        about_teacher_id=about_teacher.pk if about_teacher else None,
    )


def drive(opinion: ParentOpinion, state: str, *, leader: User) -> ParentOpinion:
    """From received to ``state`` by the long path, as ``leader``."""
    State = ParentOpinion.State
    if state in (State.UNDER_STUDY, State.RECTIFICATION_PLANNED, State.DONE):
        opinion = services.opinion_transition(user=leader, opinion_id=opinion.pk, name="study")
    if state in (State.RECTIFICATION_PLANNED, State.DONE):
        opinion = services.opinion_transition(
            user=leader, opinion_id=opinion.pk, name="plan_rectification", data={"plan": "增开课后辅导班"}
        )
    if state == State.DONE:
        opinion = services.opinion_transition(
            user=leader,
            opinion_id=opinion.pk,
            name="complete",
            data={"answer": "已增开辅导班", "answered_to_parents_on": timezone.localdate()},
        )
    return opinion
