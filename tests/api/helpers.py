"""Helpers for API tests: token clients, and cases driven to a state through the services.

    client = api_client(world.principal)
    case = open_case(world, user=world.colleague)
    drive_to(case, State.REVIEW, world=world)

Every step goes through ``casework.services`` (locks, rules, audit), never around them, and
never through HTTP: setup stays fast and the HTTP call under test is the only one.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from casework import services
from casework.models import Case, HomeVisit, State
from tests.factories import PupilFactory

if TYPE_CHECKING:
    from accounts.models import User
    from schools.models import Classroom
    from tests.conftest import World


def api_client(user: User | None = None) -> APIClient:
    """A DRF test client that sends ``Authorization: Token <key>`` for the user (or nothing)."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def open_case(
    world: World,
    *,
    user: User | None = None,
    classroom: Classroom | None = None,
    categories: Iterable[str] = ("academic",),
) -> Case:
    """A new case on a new pupil of ``classroom`` (default: world.classroom, led by world.owner)."""
    pupil = PupilFactory.create(classroom=classroom or world.classroom)
    return services.case_open(
        user=user or world.owner, pupil_id=pupil.pk, categories=list(categories), summary="数学跟不上"
    )


def schedule_visit(case: Case, user: User) -> HomeVisit:
    return services.visit_schedule(
        case_id=case.pk, user=user, scheduled_for=timezone.now() - datetime.timedelta(hours=2)
    )


def record_visit(case: Case, visit: HomeVisit, user: User, *, pledge: bool = True) -> HomeVisit:
    return services.visit_record(
        case_id=case.pk,
        visit_id=visit.pk,
        user=user,
        data={
            "visited_at": timezone.now() - datetime.timedelta(hours=1),
            "family_situation": "父母在外务工",
            "no_gifts_pledge": pledge,
        },
    )


# The one path from identified to closed. After each step the case is in the state named, with
# the next step's condition still unmet: no plan in planning, no appointment in intervention,
# the visit not recorded in home_visit.
_PATH = [
    State.IDENTIFIED,
    "draft_plan",
    State.PLANNING,
    "plan",
    "submit_plan",
    State.AWAITING_APPROVAL,
    "approve_plan",
    State.INTERVENTION,
    "appointment",
    "schedule_home_visit",
    State.HOME_VISIT,
    "record",
    "complete_home_visit",
    State.REVIEW,
    "close",
    State.CLOSED,
]
_LEADER_STEPS = {"approve_plan", "close"}


def drive_to(case: Case, state: str, *, world: World, worker: User | None = None) -> Case:
    """Take a newly opened case to ``state``; worker steps by ``worker`` (default: the owner),
    approval and closing by world.principal. Returns the case re-read."""
    case = Case.objects.get(pk=case.pk)
    assert case.state == State.IDENTIFIED, "drive_to starts from a new case"
    worker = worker or case.owner
    for step in _PATH[1 : _PATH.index(state) + 1]:
        if step in State.values:
            continue
        if step == "plan":
            services.plan_create(case_id=case.pk, user=worker, goals="期末及格", measures="每周两次辅导")
        elif step == "appointment":
            schedule_visit(case, worker)
        elif step == "record":
            current = Case.objects.get(pk=case.pk)
            assert current.current_visit is not None
            record_visit(case, current.current_visit, worker)
        else:
            user = world.principal if step in _LEADER_STEPS else worker
            services.case_transition(
                case_id=case.pk,
                user=user,
                name=step,
                comment="好",
                outcome="resolved" if step == "close" else "",
            )
    case = Case.objects.get(pk=case.pk)
    assert case.state == state
    return case


def meet_conditions(case: Case, transition: str, user: User) -> None:
    """Whatever the transition needs beyond the state (a plan, an appointment, a record)."""
    if transition == "submit_plan":
        services.plan_create(case_id=case.pk, user=user, goals="期末及格", measures="每周两次辅导")
    elif transition == "schedule_home_visit":
        schedule_visit(case, user)
    elif transition == "complete_home_visit":
        visit = Case.objects.get(pk=case.pk).current_visit
        assert visit is not None
        record_visit(case, visit, user)
