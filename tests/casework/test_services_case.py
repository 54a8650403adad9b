"""The case services along the whole lifecycle, as the people of one school would use them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from casework import services
from casework.models import Case, Category, State
from casework.selectors import available_transitions, case_list_for_user
from core.errors import Conflict, Forbidden, Invalid, NotFound
from tests.factories import PupilFactory


def names(case, user):
    return [choice.name for choice in available_transitions(case=case, user=user)]


@pytest.mark.smoke
def test_a_case_goes_from_identification_to_closure_and_back(world):
    pupil = PupilFactory.create(classroom=world.classroom)
    case = services.case_open(
        user=world.colleague, pupil_id=pupil.pk, categories=["academic"], summary="数学跟不上"
    )
    assert case.state == State.IDENTIFIED
    assert case.owner == world.colleague

    def step(name, user, **kwargs):
        return services.case_transition(case_id=case.pk, user=user, name=name, **kwargs)

    assert step("draft_plan", world.owner).state == State.PLANNING  # the class teacher
    services.plan_create(case_id=case.pk, user=world.colleague, goals="补习数学", measures="每周两次辅导")
    assert step("submit_plan", world.colleague).state == State.AWAITING_APPROVAL
    assert names(Case.objects.get(pk=case.pk), world.principal) == ["approve_plan", "return_plan"]
    assert step("return_plan", world.principal, comment="目标要具体").state == State.PLANNING
    services.plan_create(case_id=case.pk, user=world.colleague, goals="期末数学及格", measures="每周两次辅导")
    step("submit_plan", world.colleague)
    assert step("approve_plan", world.principal).state == State.INTERVENTION
    visit = services.visit_schedule(
        case_id=case.pk,
        user=world.colleague,
        scheduled_for=timezone.now() - datetime.timedelta(hours=3),
        kind="targeted",
    )
    assert step("schedule_home_visit", world.colleague).state == State.HOME_VISIT
    with pytest.raises(Conflict) as refused:
        step("complete_home_visit", world.colleague)
    assert refused.value.code == "visit_record_missing"
    services.visit_record(
        case_id=case.pk,
        visit_id=visit.pk,
        user=world.colleague,
        data={
            "visited_at": timezone.now() - datetime.timedelta(hours=2),
            "family_situation": "父母在外务工",
            "no_gifts_pledge": True,
        },
    )
    assert step("complete_home_visit", world.colleague).state == State.REVIEW
    assert step("continue_intervention", world.principal).state == State.INTERVENTION
    visit2 = services.visit_schedule(
        case_id=case.pk, user=world.owner, scheduled_for=timezone.now() - datetime.timedelta(hours=1)
    )
    step("schedule_home_visit", world.owner)
    services.visit_record(
        case_id=case.pk,
        visit_id=visit2.pk,
        user=world.owner,
        data={"visited_at": timezone.now(), "no_gifts_pledge": True},
    )
    step("complete_home_visit", world.owner)
    with pytest.raises(Conflict) as refused:
        step("close", world.principal)
    assert refused.value.code == "comment_required"
    assert step("close", world.principal, comment="成绩稳定", outcome="improved").state == State.CLOSED
    assert step("reopen", world.principal, comment="又落后了").state == State.PLANNING

    transitions = AuditEvent.objects.filter(case_id=case.pk, action="case.transition")
    assert transitions.count() == 12
    first = transitions.first()
    assert first is not None
    assert first.detail == {"transition": "draft_plan", "from": "identified", "to": "planning", "comment": ""}


def test_who_may_act_and_who_may_see(world):
    pupil = PupilFactory.create(classroom=world.classroom)
    case = services.case_open(user=world.owner, pupil_id=pupil.pk, categories=["poverty"], summary="家庭困难")

    with pytest.raises(NotFound):
        services.case_transition(case_id=case.pk, user=world.outsider, name="draft_plan")
    with pytest.raises(Forbidden):
        services.case_transition(case_id=case.pk, user=world.inspector, name="draft_plan")
    with pytest.raises(Forbidden):
        services.case_transition(case_id=case.pk, user=world.principal, name="draft_plan")
    with pytest.raises(Conflict) as wrong_state:
        services.case_transition(case_id=case.pk, user=world.principal, name="approve_plan")
    assert wrong_state.value.code == "invalid_state"
    # The colleague is staff of the school but neither owner nor class teacher: not visible.
    with pytest.raises(NotFound):
        services.case_transition(case_id=case.pk, user=world.colleague, name="draft_plan")

    assert list(case_list_for_user(user=world.owner)) == [case]
    assert list(case_list_for_user(user=world.principal)) == [case]
    assert list(case_list_for_user(user=world.inspector)) == [case]
    assert list(case_list_for_user(user=world.colleague)) == []
    assert list(case_list_for_user(user=world.outsider)) == []
    assert list(case_list_for_user(user=world.counsellor)) == []


def test_four_eyes_a_principal_cannot_approve_their_own_plan(world):
    pupil = PupilFactory.create(classroom=world.classroom)
    case = services.case_open(
        user=world.principal, pupil_id=pupil.pk, categories=["psychological"], summary="x"
    )
    services.case_transition(case_id=case.pk, user=world.principal, name="draft_plan")
    services.plan_create(case_id=case.pk, user=world.principal, goals="g", measures="m")
    services.case_transition(case_id=case.pk, user=world.principal, name="submit_plan")
    with pytest.raises(Conflict) as refused:
        services.case_transition(case_id=case.pk, user=world.principal, name="approve_plan")
    assert refused.value.code == "four_eyes"
    assert "approve_plan" not in names(Case.objects.get(pk=case.pk), world.principal)
    # The psychological category granted the school's counsellor.
    assert list(case_list_for_user(user=world.counsellor)) == [case]


def test_opening_needs_a_visible_pupil_and_staff_of_the_school(world):
    pupil = PupilFactory.create(classroom=world.classroom)
    with pytest.raises(Invalid) as invalid:
        services.case_open(user=world.outsider, pupil_id=pupil.pk, categories=["poverty"], summary="x")
    assert "pupil" in invalid.value.errors
    with pytest.raises(Forbidden):
        services.case_open(user=world.inspector, pupil_id=pupil.pk, categories=["poverty"], summary="x")
    with pytest.raises(Invalid) as invalid:
        services.case_open(user=world.owner, pupil_id=pupil.pk, categories=["nonsense"], summary="")
    assert set(invalid.value.errors) == {"categories"}
    assert Case.objects.count() == 0
    assert Category.PSYCHOLOGICAL == "psychological"
