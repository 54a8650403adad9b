"""Every row of the transition table (docs/case-lifecycle.md), for every persona, over HTTP.

Two cases: one opened by the class teacher (world.owner is owner and class teacher), one opened
by world.colleague (owner and class teacher are different people). The expectations are written
out from the table, not computed from casework.rules.
"""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from casework.models import Case, State
from core.errors import Invalid
from tests.api.helpers import api_client
from tests.builders import drive_to, meet_conditions, open_case, record_visit

# transition: (source, target, who may take it)
TABLE = {
    "draft_plan": (State.IDENTIFIED, State.PLANNING, "worker"),
    "submit_plan": (State.PLANNING, State.AWAITING_APPROVAL, "worker"),
    "approve_plan": (State.AWAITING_APPROVAL, State.INTERVENTION, "leader"),
    "return_plan": (State.AWAITING_APPROVAL, State.PLANNING, "leader"),
    "schedule_home_visit": (State.INTERVENTION, State.HOME_VISIT, "worker"),
    "complete_home_visit": (State.HOME_VISIT, State.REVIEW, "worker"),
    "continue_intervention": (State.REVIEW, State.INTERVENTION, "reviewer"),
    "revise_plan": (State.REVIEW, State.PLANNING, "reviewer"),
    "close": (State.REVIEW, State.CLOSED, "leader"),
    "reopen": (State.CLOSED, State.PLANNING, "leader"),
}
PERSONAS = ["owner", "colleague", "outsider", "counsellor", "principal", "admin", "custodian", "inspector"]
# Who opened the case: world.owner is the class teacher of the pupil's class either way.
OPENERS = ["class_teacher_owned", "colleague_owned"]


def expected_status(transition: str, persona: str, opener: str) -> int:
    """200, 403 or 404 for a non-psychological case, straight from the two tables of the doc."""
    is_worker = persona == "owner" or (persona == "colleague" and opener == "colleague_owned")
    is_leader = persona == "principal"
    sees = is_worker or persona in {"principal", "admin", "inspector"}
    if not sees:
        return 404
    who = TABLE[transition][2]
    allowed = {"worker": is_worker, "leader": is_leader, "reviewer": is_worker or is_leader}[who]
    return 200 if allowed else 403


def body_for(transition: str) -> dict[str, str]:
    """A comment, and for closing an outcome."""
    return {"comment": "同意", **({"outcome": "resolved"} if transition == "close" else {})}


def url(case: Case, name: str) -> str:
    return f"/api/v1/cases/{case.pk}/transitions/{name}/"


def case_in_source_state(world, transition: str, opener: str, categories=("academic",)) -> Case:
    opened_by = world.owner if opener == "class_teacher_owned" else world.colleague
    case = open_case(world.classroom, by=opened_by, categories=categories)
    case = drive_to(case, TABLE[transition][0], leader=world.principal)
    meet_conditions(case, transition, by=opened_by)
    return case


@pytest.mark.parametrize("opener", OPENERS)
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("transition", list(TABLE))
def test_who_may_take_each_transition(world, transition, persona, opener):
    case = case_in_source_state(world, transition, opener)
    user = getattr(world, persona)
    client = api_client(user)
    expected = expected_status(transition, persona, opener)
    events_before = AuditEvent.objects.filter(action="case.transition").count()

    if expected != 404:
        detail = client.get(f"/api/v1/cases/{case.pk}/")
        assert detail.status_code == 200
        assert (transition in detail.json()["available_transitions"]) == (expected == 200)

    response = client.post(url(case, transition), body_for(transition), format="json")

    assert response.status_code == expected, response.json()
    body = response.json()
    if expected == 200:
        assert body["state"] == TABLE[transition][1]
        assert body["id"] == case.pk
        assert "available_transitions" in body
        assert Case.objects.get(pk=case.pk).state == TABLE[transition][1]
        event = AuditEvent.objects.filter(action="case.transition").latest("id")
        assert event.actor == user
        assert event.detail["transition"] == transition
    else:
        assert body["code"] == {403: "permission_denied", 404: "not_found"}[expected]
        assert body["detail"]
        assert Case.objects.get(pk=case.pk).state == TABLE[transition][0]
        assert AuditEvent.objects.filter(action="case.transition").count() == events_before


@pytest.mark.parametrize("transition", list(TABLE))
def test_a_counsellor_sees_psychological_cases_but_takes_no_transition(world, transition):
    case = case_in_source_state(world, transition, "colleague_owned", categories=("psychological",))
    response = api_client(world.counsellor).post(url(case, transition), {"comment": "同意"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert Case.objects.get(pk=case.pk).state == TABLE[transition][0]


# A state each transition does not leave, reachable on the one path.
WRONG_STATE = {
    "draft_plan": State.PLANNING,
    "submit_plan": State.IDENTIFIED,
    "approve_plan": State.PLANNING,
    "return_plan": State.INTERVENTION,
    "schedule_home_visit": State.HOME_VISIT,
    "complete_home_visit": State.REVIEW,
    "continue_intervention": State.INTERVENTION,
    "revise_plan": State.CLOSED,
    "close": State.CLOSED,
    "reopen": State.REVIEW,
}


@pytest.mark.parametrize("transition", list(TABLE))
def test_an_allowed_persona_in_the_wrong_state_gets_409(world, transition):
    case = drive_to(
        open_case(world.classroom, by=world.colleague), WRONG_STATE[transition], leader=world.principal
    )
    user = world.principal if TABLE[transition][2] == "leader" else world.colleague
    response = api_client(user).post(url(case, transition), {"comment": "同意"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_state"
    assert response.json()["detail"]
    assert Case.objects.get(pk=case.pk).state == WRONG_STATE[transition]


@pytest.mark.parametrize(
    ("transition", "setup", "comment", "code"),
    [
        ("submit_plan", "no plan", "", "plan_missing"),
        ("approve_plan", "plan by the principal", "", "four_eyes"),
        ("return_plan", "", "", "comment_required"),
        ("return_plan", "", "   ", "comment_required"),
        ("schedule_home_visit", "no appointment", "", "appointment_missing"),
        ("complete_home_visit", "not recorded", "", "visit_record_missing"),
        ("complete_home_visit", "recorded without pledge", "", "visit_record_missing"),
        ("close", "", "", "comment_required"),
        ("reopen", "", "", "comment_required"),
    ],
)
def test_unmet_conditions_give_409_with_their_code(world, transition, setup, comment, code):
    source = TABLE[transition][0]
    if setup == "plan by the principal":
        # The principal opened the case and wrote the plan: someone else must approve it.
        case = drive_to(open_case(world.classroom, by=world.principal), source, leader=world.principal)
    else:
        case = drive_to(open_case(world.classroom, by=world.colleague), source, leader=world.principal)
    if setup == "recorded without pledge":
        visit = Case.objects.get(pk=case.pk).current_visit
        with pytest.raises(Invalid):  # a record needs the pledge: the visit stays unrecorded
            record_visit(case, visit, by=world.colleague, pledge=False)
    user = world.principal if TABLE[transition][2] == "leader" else world.colleague
    body = {"comment": comment} if comment else {}

    response = api_client(user).post(url(case, transition), body, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == code
    assert response.json()["detail"]
    assert Case.objects.get(pk=case.pk).state == source


@pytest.mark.smoke
def test_an_unknown_transition_is_404(world):
    case = open_case(world.classroom, by=world.owner)
    response = api_client(world.owner).post(url(case, "teleport"), {}, format="json")
    assert response.status_code == 404
    assert set(response.json()) >= {"detail", "code"}
    assert Case.objects.get(pk=case.pk).state == State.IDENTIFIED


def test_transitions_refuse_other_methods(world):
    case = open_case(world.classroom, by=world.owner)
    response = api_client(world.owner).get(url(case, "draft_plan"))
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
