"""Builders: cases, plans and home visits made through the real services (docs/testing.md).

    from tests.builders import drive_to, open_case

    case = open_case(world.classroom, by=world.colleague)  # owner: colleague; class teacher: world.owner
    case = drive_to(case, State.REVIEW, leader=world.principal)

Every builder takes the person who acts as a keyword (``by``; for ``drive_to``, ``worker`` and
``leader``): nobody is picked behind the caller's back. Each step goes through
``casework.services`` (locks, rules, audit, workflow tasks), never around them, and never
through HTTP, so setup stays fast and the request under test is the only one.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

import time_machine
from django.utils import timezone

from casework import rules, services
from casework.models import Case, HomeVisit, State
from tests.factories import PupilFactory

if TYPE_CHECKING:
    from accounts.models import User
    from casework.models import SupportPlan
    from consents.models import Consent
    from schools.models import Classroom, Pupil

SUMMARY = "数学跟不上"
GOALS = "期末数学及格"
MEASURES = "每周两次辅导"
FAMILY_SITUATION = "父母在外务工"


def open_case(
    classroom: Classroom | None = None,
    *,
    by: User,
    pupil: Pupil | None = None,
    pupil_name: str | None = None,
    categories: Iterable[str] = ("academic",),
    summary: str = SUMMARY,
    opened_at: datetime.datetime | None = None,
) -> Case:
    """A case opened (and so owned) by ``by`` on a new pupil of ``classroom``, or on ``pupil``.

    The pupil's class teacher is the classroom's: with ``world.classroom`` that is ``world.owner``,
    so ``by=world.colleague`` gives a case whose owner and class teacher are different people
    and ``by=world.owner`` one where they are the same. ``opened_at`` opens it at that moment
    (time frozen while the service runs), e.g. weeks ago so that later work can be dated back.
    """
    if (classroom is None) == (pupil is None):
        raise TypeError("open_case needs a classroom (for a new pupil) or a pupil, not both")
    if pupil is None:
        extra = {"name": pupil_name} if pupil_name else {}
        pupil = PupilFactory.create(classroom=classroom, **extra)
    elif pupil_name:
        raise TypeError("pupil_name names a new pupil; this pupil exists")
    if opened_at is None:
        return services.case_open(user=by, pupil_id=pupil.pk, categories=list(categories), summary=summary)
    with time_machine.travel(opened_at, tick=False):
        return services.case_open(user=by, pupil_id=pupil.pk, categories=list(categories), summary=summary)


def transition(case: Case, name: str, *, by: User, comment: str = "", outcome: str = "") -> Case:
    """Fire the transition ``name`` as ``by`` (``services.case_transition``)."""
    return services.case_transition(case_id=case.pk, user=by, name=name, comment=comment, outcome=outcome)


def write_plan(case: Case, *, by: User, goals: str = GOALS, measures: str = MEASURES) -> SupportPlan:
    """A new version of the support plan, written by ``by`` (the case must be identified or in planning)."""
    return services.plan_create(case_id=case.pk, user=by, goals=goals, measures=measures)


def submit_plan(case: Case, *, by: User, goals: str | None = None, measures: str = MEASURES) -> Case:
    """identified → planning → (a plan written by ``by``) → awaiting approval; ``by`` is its author.

    Without ``goals`` a resubmission (after a return or a revision) gets goals that differ from
    the version submitted before: an unchanged plan is not sent again."""
    if Case.objects.get(pk=case.pk).state == State.IDENTIFIED:
        transition(case, "draft_plan", by=by)
    if goals is None:
        submitted = Case.objects.get(pk=case.pk).plans.filter(submitted_at__isnull=False).count()
        goals = GOALS if not submitted else f"{GOALS}（第{submitted + 1}次提交）"
    write_plan(case, by=by, goals=goals, measures=measures)
    return transition(case, "submit_plan", by=by)


def approve_plan(case: Case, *, by: User, comment: str = "") -> Case:
    """awaiting approval → intervention; ``by`` must not be the plan's author (four eyes)."""
    return transition(case, "approve_plan", by=by, comment=comment)


def schedule_visit(case: Case, *, by: User, scheduled_for: datetime.datetime | None = None) -> HomeVisit:
    """A visit of the case's pupil with its appointment agreed, by a worker of the case.

    ``scheduled_for`` defaults to two hours ago, so the visit can be recorded at once.
    """
    if scheduled_for is None:
        scheduled_for = timezone.now() - datetime.timedelta(hours=2)
    return services.visit_schedule(case_id=case.pk, user=by, scheduled_for=scheduled_for)


def record_visit(
    case: Case,
    visit: HomeVisit,
    *,
    by: User,
    visited_at: datetime.datetime | None = None,
    pledge: bool = True,
    family_situation: str = FAMILY_SITUATION,
    **fields: object,
) -> HomeVisit:
    """The record of ``visit``, filed by ``by``, with the integrity pledge unless ``pledge=False``.

    ``visited_at`` defaults to a minute ago (or the appointment, if that is later); other
    record fields (``parents_opinions=...``) are passed on as they are.
    """
    if visited_at is None:
        visited_at = timezone.now() - datetime.timedelta(minutes=1)
        if visit.scheduled_for is not None:
            visited_at = max(visit.scheduled_for, visited_at)
    data = {
        "visited_at": visited_at,
        "family_situation": family_situation,
        "no_gifts_pledge": pledge,
        **fields,
    }
    return services.visit_record(case_id=case.pk, visit_id=visit.pk, user=by, data=data)


def meet_conditions(case: Case, name: str, *, by: User) -> None:
    """Whatever the transition ``name`` needs beyond the state: a plan, an appointment, a record."""
    if name == "submit_plan":
        write_plan(case, by=by)
    elif name == "schedule_home_visit":
        schedule_visit(case, by=by)
    elif name == "complete_home_visit":
        visit = Case.objects.get(pk=case.pk).current_visit
        assert visit is not None
        record_visit(case, visit, by=by)


def drive_to(
    case: Case,
    state: str,
    *,
    worker: User | None = None,
    leader: User | None = None,
    outcome: str = "resolved",
    goals: str = GOALS,
) -> Case:
    """Take the case from its current state to ``state`` by the usual path; return it re-read.

    Worker steps (plan, visit, draft/submit/visit transitions) are done by ``worker`` (default:
    the case's owner, the one person a case always has), approvals, closing and reopening by
    ``leader``, who must be given whenever the path needs one and must not be the plan's author
    (four eyes). From review the case goes on to ``closed`` (with ``outcome``), or back to
    ``planning``/``intervention`` when that is the target; from closed it is reopened.
    ``identified`` cannot be reached again once left. Conditions are met only as far as
    needed: in ``planning`` no plan is written yet, in ``intervention`` no appointment is
    open, in ``home_visit`` the visit is not yet recorded.
    """
    if state not in State.values:
        raise ValueError(f"unknown state {state!r}")
    case = Case.objects.get(pk=case.pk)
    if state == State.IDENTIFIED and case.state != State.IDENTIFIED:
        raise ValueError("a case never returns to identified")
    doer = worker or case.owner

    def lead() -> User:
        if leader is None:
            raise TypeError(f"drive_to({state!r}) passes a leader's step: give leader=")
        return leader

    for _ in range(12):  # the longest path has 8 steps; a bound keeps a mistake from looping
        current = Case.objects.get(pk=case.pk)
        if current.state == state:
            return current
        if current.state == State.IDENTIFIED:
            transition(case, "draft_plan", by=doer)
        elif current.state == State.PLANNING:
            if current.latest_plan() is None:
                write_plan(case, by=doer, goals=goals)
            elif not rules.plan_changed_since_submitted(current):
                # Sent back before: an unchanged plan is not submitted again.
                write_plan(case, by=doer, goals=f"{current.latest_plan().goals}（修订）")
            transition(case, "submit_plan", by=doer)
        elif current.state == State.AWAITING_APPROVAL:
            if state == State.PLANNING:
                transition(case, "return_plan", by=lead(), comment="请细化目标")
            else:
                approve_plan(case, by=lead())
        elif current.state == State.INTERVENTION:
            if current.open_appointment() is None:
                schedule_visit(case, by=doer)
            transition(case, "schedule_home_visit", by=doer)
        elif current.state == State.HOME_VISIT:
            visit = current.current_visit
            assert visit is not None
            if not (visit.visited_at and visit.no_gifts_pledge):
                record_visit(case, visit, by=doer)
            transition(case, "complete_home_visit", by=doer)
        elif current.state == State.REVIEW:
            if state in (State.PLANNING, State.AWAITING_APPROVAL):
                transition(case, "revise_plan", by=doer)
            elif state in (State.INTERVENTION, State.HOME_VISIT):
                transition(case, "continue_intervention", by=doer)
            else:
                transition(case, "close", by=lead(), comment="目标达成", outcome=outcome)
        elif current.state == State.CLOSED:
            transition(case, "reopen", by=lead(), comment="情况反复")
    raise AssertionError(f"could not drive case {case.pk} to {state}")


def give_consent(
    pupil: Pupil,
    purpose: str,
    *,
    by: User,
    granted: bool = True,
    guardian_name: str = "王妈妈",
) -> Consent:
    """The guardians' decision on ``purpose`` for ``pupil`` (given unless ``granted=False``),
    recorded by ``by`` (the class teacher or one of the school's leaders) through
    ``consents.services.consent_record``: e.g. ``give_consent(pupil, Purpose.HOME_VISIT_PHOTOS,
    by=world.owner)`` before a photo of a visit is attached."""
    from consents.services import consent_record

    return consent_record(
        user=by, pupil_id=pupil.pk, purpose=purpose, granted=granted, guardian_name=guardian_name
    )
