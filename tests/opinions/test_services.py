"""The opinion services: raising from a visit, each step × persona, nothing half-done, one audit event."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from core.errors import Conflict, Forbidden, Invalid, NotFound
from opinions import services
from opinions.models import ParentOpinion
from schools.models import Membership
from tests.builders import open_case, schedule_visit
from tests.casework.helpers import add_staff
from tests.opinions.helpers import OPINION, drive, raise_opinion, recorded_visit

State = ParentOpinion.State


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


@pytest.mark.smoke
def test_the_full_path_to_the_parents_answer(world) -> None:
    opinion = raise_opinion(world)
    assert opinion.state == State.RECEIVED and opinion.school == world.school
    assert opinion.raised_by == world.owner and opinion.text == OPINION
    assert opinion.visit is not None and opinion.visit.visited_at is not None
    assert opinion.raised_on == timezone.localdate(opinion.visit.visited_at)
    opinion = drive(opinion, State.DONE, leader=world.principal)
    opinion.refresh_from_db()
    assert opinion.state == State.DONE
    assert opinion.plan == "增开课后辅导班" and opinion.answer == "已增开辅导班"
    assert opinion.answered_to_parents_on == timezone.localdate()
    assert opinion.handled_by == world.principal
    for action in ("opinion.raised", "opinion.study", "opinion.plan_rectification", "opinion.complete"):
        assert len(events(action)) == 1, action
    done = events("opinion.complete")[0]
    assert done.detail["old"]["state"] == State.RECTIFICATION_PLANNED
    assert done.detail["new"]["state"] == State.DONE
    assert done.school_id == world.school.pk and done.case_id == opinion.case_id
    assert OPINION not in str(events("opinion.raised")[0].detail)


def test_a_simple_answer_goes_from_received_to_done(world) -> None:
    opinion = raise_opinion(world)
    opinion = services.opinion_transition(
        user=world.principal,
        opinion_id=opinion.pk,
        name="complete",
        data={"answer": "已解释", "answered_to_parents_on": timezone.localdate()},
    )
    assert opinion.state == State.DONE


def test_a_vice_principal_leads_too(world) -> None:
    vice = add_staff("vice", world.school, Membership.Role.VICE_PRINCIPAL)
    opinion = drive(raise_opinion(world), State.UNDER_STUDY, leader=vice)
    assert opinion.state == State.UNDER_STUDY


@pytest.mark.parametrize(
    ("persona", "error"),
    [
        ("owner", Forbidden),
        ("inspector", Forbidden),
        ("colleague", NotFound),
        ("outsider", NotFound),
        ("counsellor", NotFound),
        ("admin", NotFound),
        ("custodian", NotFound),
    ],
)
@pytest.mark.parametrize("name", ["study", "plan_rectification", "complete"])
def test_only_school_leaders_move_an_opinion(world, persona: str, error: type, name: str) -> None:
    opinion = raise_opinion(world)
    if name == "plan_rectification":
        opinion = drive(opinion, State.UNDER_STUDY, leader=world.principal)
    steps: dict[str, dict[str, Any]] = {
        "study": {},
        "plan_rectification": {"plan": "计划"},
        "complete": {"answer": "答复", "answered_to_parents_on": timezone.localdate()},
    }
    data = steps[name]
    before = AuditEvent.objects.count()
    with pytest.raises(error):
        services.opinion_transition(user=getattr(world, persona), opinion_id=opinion.pk, name=name, data=data)
    fresh = ParentOpinion.objects.get(pk=opinion.pk)
    assert fresh.state == opinion.state and fresh.plan == "" and fresh.answer == ""
    assert AuditEvent.objects.count() == before


def test_another_schools_principal_gets_404(world) -> None:
    other = add_staff("principal_b", world.other_school, Membership.Role.PRINCIPAL)
    opinion = raise_opinion(world)
    with pytest.raises(NotFound):
        services.opinion_transition(user=other, opinion_id=opinion.pk, name="study")


@pytest.mark.parametrize(
    ("state", "name"),
    [
        (State.RECEIVED, "plan_rectification"),
        (State.UNDER_STUDY, "study"),
        (State.RECTIFICATION_PLANNED, "study"),
        (State.DONE, "complete"),
        (State.DONE, "study"),
    ],
)
def test_a_step_from_the_wrong_state_is_a_conflict(world, state: str, name: str) -> None:
    opinion = drive(raise_opinion(world), state, leader=world.principal)
    data = {"plan_rectification": {"plan": "x"}, "study": {}}.get(
        name, {"answer": "再答复", "answered_to_parents_on": timezone.localdate()}
    )
    before = AuditEvent.objects.count()
    with pytest.raises(Conflict):
        services.opinion_transition(user=world.principal, opinion_id=opinion.pk, name=name, data=data)
    assert ParentOpinion.objects.get(pk=opinion.pk).state == state
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("name", "data", "field"),
    [
        ("plan_rectification", {"plan": "   "}, "plan"),
        ("complete", {"answer": "", "answered_to_parents_on": None}, "answer"),
        ("complete", {"answer": "答复", "answered_to_parents_on": None}, "answered_to_parents_on"),
        ("complete", {"answer": "答复", "answered_to_parents_on": "tomorrow"}, "answered_to_parents_on"),
        ("study", {"plan": "不该在此"}, "plan"),
    ],
)
def test_a_missing_condition_is_a_400_on_its_field(world, name: str, data: dict, field: str) -> None:
    opinion = drive(raise_opinion(world), State.UNDER_STUDY, leader=world.principal)
    before = AuditEvent.objects.count()
    with pytest.raises(Invalid) as exc:
        services.opinion_transition(user=world.principal, opinion_id=opinion.pk, name=name, data=data)
    assert field in exc.value.errors
    fresh = ParentOpinion.objects.get(pk=opinion.pk)
    assert fresh.state == State.UNDER_STUDY and fresh.plan == "" and fresh.answer == ""
    assert AuditEvent.objects.count() == before


def test_the_parents_cannot_be_told_in_the_future_or_before_they_spoke(world) -> None:
    opinion = raise_opinion(world)
    for day in (
        timezone.localdate() + datetime.timedelta(days=1),
        opinion.raised_on - datetime.timedelta(days=1),
    ):
        with pytest.raises(Invalid) as exc:
            services.opinion_transition(
                user=world.principal,
                opinion_id=opinion.pk,
                name="complete",
                data={"answer": "答复", "answered_to_parents_on": day},
            )
        assert "answered_to_parents_on" in exc.value.errors
    assert ParentOpinion.objects.get(pk=opinion.pk).state == State.RECEIVED


def test_an_unknown_step_is_404(world) -> None:
    opinion = raise_opinion(world)
    with pytest.raises(NotFound):
        services.opinion_transition(user=world.principal, opinion_id=opinion.pk, name="delete")


def test_several_opinions_per_visit(world) -> None:
    visit = recorded_visit(world)
    raise_opinion(world, visit=visit)
    raise_opinion(world, visit=visit, about=ParentOpinion.About.DEPARTMENT)
    assert visit.parent_opinions.count() == 2


@pytest.mark.parametrize(
    ("persona", "error"),
    [
        ("colleague", NotFound),
        ("outsider", NotFound),
        ("counsellor", NotFound),
        ("principal", Forbidden),
        ("inspector", Forbidden),
    ],
)
def test_who_may_raise_an_opinion(world, persona: str, error: type) -> None:
    visit = recorded_visit(world)
    with pytest.raises(error):
        raise_opinion(world, visit=visit, user=getattr(world, persona))
    assert not ParentOpinion.objects.exists()
    assert not events("opinion.raised")


def test_the_class_teacher_may_raise_from_the_owners_visit(world) -> None:
    case = open_case(world.classroom, by=world.colleague)  # colleague owns; world.owner is the class teacher
    visit = recorded_visit(world, case=case, user=world.colleague)
    opinion = raise_opinion(world, visit=visit, user=world.owner)
    assert opinion.raised_by == world.owner


def test_an_unrecorded_visit_cannot_give_an_opinion(world) -> None:
    case = open_case(world.classroom, by=world.owner)
    visit = schedule_visit(case, by=world.owner, scheduled_for=timezone.now() + datetime.timedelta(days=1))
    with pytest.raises(Conflict):
        raise_opinion(world, visit=visit)
    assert not ParentOpinion.objects.exists()


@pytest.mark.parametrize(
    ("about", "teacher", "field"),
    [
        (ParentOpinion.About.TEACHER, None, "about_teacher"),
        (ParentOpinion.About.TEACHER, "outsider", "about_teacher"),
        (ParentOpinion.About.SCHOOL, "colleague", "about_teacher"),
        ("nonsense", None, "about"),
    ],
)
def test_bad_input_when_raising_is_400(world, about: str, teacher: str | None, field: str) -> None:
    visit = recorded_visit(world)
    with pytest.raises(Invalid) as exc:
        raise_opinion(
            world, visit=visit, about=about, about_teacher=getattr(world, teacher) if teacher else None
        )
    assert field in exc.value.errors
    assert not ParentOpinion.objects.exists()


def test_an_empty_text_is_400(world) -> None:
    visit = recorded_visit(world)
    with pytest.raises(Invalid) as exc:
        services.opinion_raise(user=world.owner, visit_id=visit.pk, about="school", text="  ")
    assert "text" in exc.value.errors
