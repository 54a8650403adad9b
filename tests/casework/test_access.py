"""Who a user is to a case (casework.access.case_roles) and what they may do in each state."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from casework import access, services
from casework.models import Case, State
from casework.selectors import available_transitions
from core.errors import Invalid
from schools.models import Membership
from tests.builders import drive_to, open_case, schedule_visit, transition, write_plan
from tests.casework.helpers import personas

OWNER, CLASS_TEACHER, LEADER = access.OWNER, access.CLASS_TEACHER, access.LEADER
SCHOOL_ADMIN, SCHOOL_COUNSELLOR, NOTES, INSPECTOR = (
    access.SCHOOL_ADMIN,
    access.SCHOOL_COUNSELLOR,
    access.NOTES,
    access.INSPECTOR,
)


@pytest.fixture
def cast(world):
    return personas(world)


def roles(case: Case, user) -> frozenset[str]:
    # A fresh instance each time: case_roles caches on the instance.
    return access.case_roles(Case.objects.select_related("pupil__classroom", "school").get(pk=case.pk), user)


@pytest.mark.smoke
def test_roles_on_a_psychological_case(world, cast):
    case = open_case(world.classroom, by=world.colleague, categories=["psychological", "poverty"])
    expected = {
        "owner": {OWNER},
        "class_teacher": {CLASS_TEACHER},
        "bystander": set(),
        "outsider": set(),
        "counsellor": {SCHOOL_COUNSELLOR, NOTES},
        "principal": {LEADER},
        "vice_principal": {LEADER},
        "school_admin": {SCHOOL_ADMIN},
        "custodian": set(),
        "inspector": {INSPECTOR},
        "other_inspector": set(),
        "other_counsellor": set(),
        "superuser": set(),  # the flag opens nothing
        "super_principal": {LEADER},  # a principal like any other
    }
    assert {name: set(roles(case, user)) for name, user in cast.items()} == expected
    assert roles(case, AnonymousUser()) == frozenset()


def test_roles_on_a_non_psychological_case(world, cast):
    case = open_case(world.classroom, by=world.colleague, categories=["academic"])
    assert roles(case, cast["counsellor"]) == frozenset()
    services.counsellor_grant(case_id=case.pk, user=world.principal, counsellor_id=world.counsellor.pk)
    assert roles(case, cast["counsellor"]) == {NOTES}


def test_roles_accumulate_and_follow_active_memberships(world, cast):
    principal = cast["principal"]
    world.classroom.class_teacher = principal
    world.classroom.save(update_fields=["class_teacher"])
    case = open_case(world.classroom, by=principal)
    assert roles(case, principal) == {OWNER, CLASS_TEACHER, LEADER}

    # Still a teacher of the school: owner and class teacher, no longer a leader.
    Membership.objects.filter(user=principal).update(role=Membership.Role.TEACHER)
    assert roles(case, principal) == {OWNER, CLASS_TEACHER}

    # Left the school (docs/people.md): still the owner and the class teacher on record, but
    # nobody to the case; a membership elsewhere changes nothing.
    Membership.objects.filter(user=principal).update(is_active=False)
    Membership.objects.create(user=principal, school=world.other_school, role=Membership.Role.TEACHER)
    assert roles(case, principal) == frozenset()
    Membership.objects.filter(user=principal, school=world.school).update(is_active=True)
    assert roles(case, principal) == {OWNER, CLASS_TEACHER}

    principal.is_active = False
    principal.save(update_fields=["is_active"])
    assert roles(case, principal) == frozenset()


def test_roles_do_not_depend_on_the_state(world, cast):
    case = open_case(world.classroom, by=world.colleague, categories=["psychological"])
    at_start = {name: roles(case, user) for name, user in cast.items()}
    for state in (State.PLANNING, State.AWAITING_APPROVAL, State.REVIEW, State.CLOSED):
        drive_to(case, state, leader=world.principal)
        assert {name: roles(case, user) for name, user in cast.items()} == at_start, state


WORKERS = {"owner", "class_teacher"}
LEADERS = {"principal", "vice_principal", "super_principal"}

# What each group may do in each state, as drive_to leaves the case (conditions met only as far
# as the path needed: no plan in planning, no open appointment in intervention, no record in
# home_visit). Everyone else (counsellor, admin, inspector, ...) may do nothing, ever.
BY_STATE = {
    State.IDENTIFIED: ({"draft_plan"}, set()),
    State.PLANNING: (set(), set()),
    State.AWAITING_APPROVAL: (set(), {"approve_plan", "return_plan"}),
    State.INTERVENTION: (set(), set()),
    State.HOME_VISIT: (set(), set()),
    State.REVIEW: (
        {"continue_intervention", "revise_plan"},
        {"continue_intervention", "revise_plan", "close"},
    ),
    State.CLOSED: (set(), {"reopen"}),
}


def available(case: Case, user) -> set[str]:
    fresh = Case.objects.select_related("pupil__classroom", "school", "current_visit").get(pk=case.pk)
    return {choice.name for choice in available_transitions(case=fresh, user=user)}


@pytest.mark.parametrize("state", list(BY_STATE))
def test_available_transitions_for_each_persona_in_each_state(world, cast, state):
    case = drive_to(
        open_case(world.classroom, by=world.colleague, categories=["psychological"]),
        state,
        leader=world.principal,
    )
    for_workers, for_leaders = BY_STATE[state]
    expected = {
        name: (for_workers if name in WORKERS else for_leaders if name in LEADERS else set()) for name in cast
    }
    assert {name: available(case, user) for name, user in cast.items()} == expected
    assert available(case, AnonymousUser()) == set()


def test_available_transitions_follow_the_conditions(world, cast):
    case = drive_to(open_case(world.classroom, by=world.colleague), State.PLANNING)
    write_plan(case, by=cast["class_teacher"], goals="g", measures="m")
    assert available(case, cast["owner"]) == available(case, cast["class_teacher"]) == {"submit_plan"}

    drive_to(case, State.INTERVENTION, leader=world.principal)
    assert available(case, cast["owner"]) == set()
    visit = schedule_visit(case, by=cast["owner"], scheduled_for=timezone.now())
    assert available(case, cast["owner"]) == {"schedule_home_visit"}

    transition(case, "schedule_home_visit", by=cast["class_teacher"])
    assert available(case, cast["owner"]) == set()
    record = {"visited_at": timezone.now(), "no_gifts_pledge": False}
    with pytest.raises(Invalid):  # no record without the pledge (清廉家访), so no completion
        services.visit_record(case_id=case.pk, visit_id=visit.pk, user=cast["owner"], data=record)
    assert available(case, cast["owner"]) == set()
    record["no_gifts_pledge"] = True
    services.visit_record(case_id=case.pk, visit_id=visit.pk, user=cast["owner"], data=record)
    assert available(case, cast["owner"]) == {"complete_home_visit"}
    assert available(case, cast["principal"]) == set()


def test_four_eyes_hides_approval_from_the_plan_author(world, cast):
    vice = cast["vice_principal"]
    case = open_case(world.classroom, by=vice)
    drive_to(case, State.AWAITING_APPROVAL)  # vice wrote the plan as owner
    assert available(case, vice) == {"return_plan"}
    assert available(case, cast["principal"]) == {"approve_plan", "return_plan"}
