"""Helpers for case tests: open a case and drive it through the real services.

    from tests.casework.helpers import drive_to, open_case, personas

    case = open_case(world)  # owned by world.colleague, pupil in world.classroom
    case = drive_to(case, State.REVIEW, world=world)
    people = personas(world)  # once per test: adds a vice principal, superusers, ...

Every step goes through ``casework.services`` (locks, rules, audit), never around them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils import timezone

from casework import services
from casework.models import Case, State
from schools.models import BureauMembership, Classroom, Membership, School
from tests.factories import (
    BureauFactory,
    BureauMembershipFactory,
    MembershipFactory,
    PupilFactory,
    UserFactory,
)

if TYPE_CHECKING:
    from accounts.models import User
    from tests.conftest import World


def add_staff(username: str, school: School, role: str = Membership.Role.TEACHER) -> User:
    """A user with one active membership of the school (get-or-create by username)."""
    user = UserFactory.create(username=username)
    MembershipFactory.create(user=user, school=school, role=role)
    return user


def open_case(
    world: World,
    *,
    user: User | None = None,
    classroom: Classroom | None = None,
    categories: Iterable[str] = ("academic",),
    summary: str = "数学跟不上",
) -> Case:
    """Open a case on a new pupil through ``services.case_open``.

    Defaults: opened (and owned) by ``world.colleague``, the pupil in ``world.classroom`` (whose
    class teacher is ``world.owner``), so the owner and the class teacher are different people.
    """
    pupil = PupilFactory.create(classroom=classroom or world.classroom)
    return services.case_open(
        user=user or world.colleague, pupil_id=pupil.pk, categories=list(categories), summary=summary
    )


def drive_to(
    case: Case,
    state: str,
    *,
    world: World,
    worker: User | None = None,
    leader: User | None = None,
    outcome: str = "resolved",
) -> Case:
    """Take the case from its current state to ``state`` by the usual path; return it re-read.

    Worker steps (plans, visits, draft/submit/visit transitions) are done by ``worker``
    (default: the case's owner), approvals and closing by ``leader`` (default:
    ``world.principal``), who must not be the plan's author (four eyes). From review the case
    goes on to ``closed`` (with ``outcome``), or back to ``planning``/``intervention`` when that is the target;
    from closed it is reopened. ``identified`` cannot be reached again once left.
    Conditions are met only as far as needed: in ``planning`` no plan is written yet, in
    ``intervention`` no appointment is open, in ``home_visit`` the visit is not yet recorded.
    """
    if state not in State.values:
        raise ValueError(f"unknown state {state!r}")
    case = Case.objects.get(pk=case.pk)
    if state == State.IDENTIFIED and case.state != State.IDENTIFIED:
        raise ValueError("a case never returns to identified")
    worker = worker or case.owner
    leader = leader or world.principal

    def fire(name: str, user: User, comment: str = "", outcome: str = "") -> None:
        services.case_transition(case_id=case.pk, user=user, name=name, comment=comment, outcome=outcome)

    for _ in range(12):  # the longest path has 8 steps; a bound keeps a mistake from looping
        current = Case.objects.get(pk=case.pk)
        if current.state == state:
            return current
        if current.state == State.IDENTIFIED:
            fire("draft_plan", worker)
        elif current.state == State.PLANNING:
            if current.latest_plan() is None:
                services.plan_create(case_id=case.pk, user=worker, goals="期末及格", measures="每周两次辅导")
            fire("submit_plan", worker)
        elif current.state == State.AWAITING_APPROVAL:
            if state == State.PLANNING:
                fire("return_plan", leader, "请细化目标")
            else:
                fire("approve_plan", leader)
        elif current.state == State.INTERVENTION:
            if current.open_appointment() is None:
                services.visit_schedule(
                    case_id=case.pk, user=worker, scheduled_for=timezone.now() - datetime.timedelta(hours=2)
                )
            fire("schedule_home_visit", worker)
        elif current.state == State.HOME_VISIT:
            visit = current.current_visit
            assert visit is not None
            if not (visit.visited_at and visit.no_gifts_pledge):
                services.visit_record(
                    case_id=case.pk,
                    visit_id=visit.pk,
                    user=worker,
                    data={
                        "visited_at": max(
                            visit.scheduled_for, timezone.now() - datetime.timedelta(minutes=1)
                        ),
                        "family_situation": "父母在外务工",
                        "no_gifts_pledge": True,
                    },
                )
            fire("complete_home_visit", worker)
        elif current.state == State.REVIEW:
            if state in (State.PLANNING, State.AWAITING_APPROVAL):
                fire("revise_plan", worker)
            elif state in (State.INTERVENTION, State.HOME_VISIT):
                fire("continue_intervention", worker)
            else:
                fire("close", leader, "目标达成", outcome)
        elif current.state == State.CLOSED:
            fire("reopen", leader, "情况反复")
    raise AssertionError(f"could not drive case {case.pk} to {state}")


def personas(world: World) -> dict[str, User]:
    """The world's people plus the ones the case rules single out, keyed by a short name.

    ``owner`` is the case owner and ``class_teacher`` the pupil's class teacher as
    ``open_case`` arranges them (``world.colleague`` and ``world.owner``). Added:
    ``vice_principal``; ``bystander`` (a teacher of the school with no tie to the case);
    ``superuser`` (is_superuser, no membership); ``super_principal`` (is_superuser and the
    school's principal); ``other_inspector`` (inspector of another bureau);
    ``other_counsellor`` (counsellor of ``world.other_school``).
    Call it once per test (the added memberships are unique).
    """
    superuser = UserFactory.create(username="superuser", is_superuser=True, is_staff=True)
    super_principal = add_staff("super_principal", world.school, Membership.Role.PRINCIPAL)
    super_principal.is_superuser = super_principal.is_staff = True
    super_principal.save(update_fields=["is_superuser", "is_staff"])
    other_inspector = UserFactory.create(username="other_inspector")
    BureauMembershipFactory.create(
        user=other_inspector,
        bureau=BureauFactory.create(code="elsewhere"),
        role=BureauMembership.Role.INSPECTOR,
    )
    return {
        "owner": world.colleague,
        "class_teacher": world.owner,
        "bystander": add_staff("bystander", world.school),
        "outsider": world.outsider,
        "counsellor": world.counsellor,
        "principal": world.principal,
        "vice_principal": add_staff("vice_principal", world.school, Membership.Role.VICE_PRINCIPAL),
        "school_admin": world.admin,
        "custodian": world.custodian,
        "inspector": world.inspector,
        "other_inspector": other_inspector,
        "other_counsellor": add_staff("other_counsellor", world.other_school, Membership.Role.COUNSELLOR),
        "superuser": superuser,
        "super_principal": super_principal,
    }
