"""Property-based test of the case lifecycle: any sequence of attempts by anyone keeps the rules.

A hypothesis ``RuleBasedStateMachine`` fires random transitions, plan versions, appointments and
visit records through the real services, by random personas, and checks each outcome against
a plain model of docs/case-lifecycle.md: success exactly when the table allows it, otherwise
404 (case unseen) / 403 (wrong person) / 409 (wrong state or unmet condition, with its code),
and one ``case.transition`` audit event per change, none per refusal.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from audit.models import AuditEvent
from casework import services
from casework.models import Case, State
from casework.selectors import available_transitions
from core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from tests.builders import open_case
from tests.casework.helpers import personas

if TYPE_CHECKING:
    from accounts.models import User
    from tests.conftest import World

WORKER, LEADER = "worker", "leader"  # the model's two kinds of actor (owner/class teacher; principal/VP)


@dataclass(frozen=True)
class Row:
    """One row of the transition table in docs/case-lifecycle.md."""

    source: str
    target: str
    who: frozenset[str]
    condition: str | None = None  # the 409 code when unmet
    four_eyes: bool = False
    comment_required: bool = False


W, L, WL = frozenset({WORKER}), frozenset({LEADER}), frozenset({WORKER, LEADER})
TABLE = {
    "draft_plan": Row(State.IDENTIFIED, State.PLANNING, W),
    "submit_plan": Row(State.PLANNING, State.AWAITING_APPROVAL, W, "plan_missing"),
    "approve_plan": Row(State.AWAITING_APPROVAL, State.INTERVENTION, L, four_eyes=True),
    "return_plan": Row(State.AWAITING_APPROVAL, State.PLANNING, L, comment_required=True),
    "schedule_home_visit": Row(State.INTERVENTION, State.HOME_VISIT, W, "appointment_missing"),
    "complete_home_visit": Row(State.HOME_VISIT, State.REVIEW, W, "visit_record_missing"),
    "continue_intervention": Row(State.REVIEW, State.INTERVENTION, WL),
    "revise_plan": Row(State.REVIEW, State.PLANNING, WL),
    "close": Row(State.REVIEW, State.CLOSED, L, comment_required=True),
    "reopen": Row(State.CLOSED, State.PLANNING, L, comment_required=True),
}
PERSONAS = [
    "owner",
    "class_teacher",
    "colleague",
    "outsider",
    "counsellor",
    "principal",
    "vice_principal",
    "school_admin",
    "custodian",
    "inspector",
    "superuser",
]
COMMENTS = ["", "   ", "请补充家访记录"]
# Half the time one of the case's workers, so that plans and visits do get written.
ACTORS = st.one_of(st.sampled_from(["owner", "class_teacher"]), st.sampled_from(PERSONAS))
APPOINTMENT_HOURS = [-48, -6, -1, 24]  # relative to the machine's start; ties are deliberate
OK = (None, None)
EXCEPTIONS: dict[int, type[DomainError]] = {
    400: Invalid,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
}


@dataclass
class Visit:
    scheduled_for: datetime.datetime
    visited_at: datetime.datetime | None = None
    pledge: bool = False


class CaseLifecycle(RuleBasedStateMachine):
    """One fresh case per example; the people are created once per test and bound by it."""

    world: ClassVar[World]
    cast: ClassVar[dict[str, User]]

    def __init__(self) -> None:
        super().__init__()
        self.case: Case | None = None
        self.users: dict[str, User] = {}
        self.kinds: dict[int, set[str]] = {}  # user id -> WORKER / LEADER / "visible"
        self.state: str = State.IDENTIFIED
        self.plan_author: int | None = None  # author of the latest plan version
        self.plan_versions = 0
        # The latest version was submitted already: it is not sent again unchanged (plan_unchanged).
        self.plan_submitted = False
        self.visits: dict[int, Visit] = {}
        self.current_visit: int | None = None
        self.transitions = 0
        self.other_events = 1  # case.open
        self.start = timezone.now()

    # -- set-up ---------------------------------------------------------------------------------

    @initialize(owner=st.sampled_from(["owner", "vice_principal"]), psychological=st.booleans())
    def open(self, owner: str, psychological: bool) -> None:
        """Owned by a plain teacher, or by the vice principal (who then meets four eyes)."""
        cast = self.cast
        self.users = {
            "owner": cast[owner],
            "class_teacher": cast["class_teacher"],  # leads world.classroom
            "colleague": cast["bystander"] if owner == "owner" else cast["owner"],
            **{
                name: cast[name]
                for name in PERSONAS
                if name in cast and name not in ("owner", "class_teacher")
            },
        }
        self.case = open_case(
            self.world.classroom,
            by=cast[owner],
            categories=["psychological"] if psychological else ["academic", "poverty"],
        )
        # Who each user is to the case, written out from the docs rather than from case_roles.
        for user in self.users.values():
            self.kinds[user.pk] = set()
        self.kinds[cast[owner].pk].add(WORKER)
        self.kinds[cast["class_teacher"].pk].add(WORKER)
        for name in ("principal", "vice_principal"):
            self.kinds[cast[name].pk].add(LEADER)
        visible = {"school_admin", "inspector"} | ({"counsellor"} if psychological else set())
        for name in visible:
            self.kinds[cast[name].pk].add("visible")

    # -- the model ------------------------------------------------------------------------------

    def expect(self, name: str, user: User, comment: str) -> tuple[int | None, str | None]:
        row = TABLE[name]
        kinds = self.kinds[user.pk]
        if not kinds:
            return 404, "not_found"
        if not kinds & row.who:
            return 403, "permission_denied"
        if self.state != row.source:
            return 409, "invalid_state"
        if row.condition and not self.condition_met(row.condition):
            return 409, row.condition
        if name == "submit_plan" and self.plan_submitted:
            return 409, "plan_unchanged"
        if row.four_eyes and self.plan_author == user.pk:
            return 409, "four_eyes"
        if row.comment_required and not comment.strip():
            return 409, "comment_required"
        return OK

    def condition_met(self, code: str) -> bool:
        if code == "plan_missing":
            return self.plan_author is not None
        if code == "appointment_missing":
            return self.open_appointment() is not None
        assert code == "visit_record_missing"
        visit = self.visits.get(self.current_visit) if self.current_visit else None
        return visit is not None and visit.visited_at is not None and visit.pledge

    def open_appointment(self) -> int | None:
        waiting = [(v.scheduled_for, pk) for pk, v in self.visits.items() if v.visited_at is None]
        return min(waiting)[1] if waiting else None

    def worker_call(self, user: User) -> tuple[int | None, str | None] | None:
        """The common checks of the plan and visit services: 404, then 403."""
        kinds = self.kinds[user.pk]
        if not kinds:
            return 404, "not_found"
        if WORKER not in kinds:
            return 403, "permission_denied"
        return None

    def attempt(self, expected: tuple[int | None, str | None], call: Any) -> Any:
        status, code = expected
        if status is None:
            return call()
        with pytest.raises(EXCEPTIONS[status]) as error:
            call()
        if code is not None:
            assert error.value.code == code, (expected, error.value.code, error.value.message)
        return None

    @property
    def case_id(self) -> int:
        assert self.case is not None
        return self.case.pk

    # -- rules ----------------------------------------------------------------------------------

    @rule(
        name=st.sampled_from(list(TABLE)),
        persona=st.sampled_from(PERSONAS),
        comment=st.sampled_from(COMMENTS),
    )
    def transition(self, name: str, persona: str, comment: str) -> None:
        """Anything by anyone: mostly refusals, each of the right kind."""
        self.fire(name, persona, comment)

    @rule(data=st.data())
    def advance(self, data: st.DataObject) -> None:
        """A transition that leaves the current state, by someone of the kind its row names
        (conditions, four eyes and the comment still decide the outcome)."""
        name = data.draw(st.sampled_from([n for n, row in TABLE.items() if row.source == self.state]))
        who = TABLE[name].who
        persona = data.draw(
            st.sampled_from(
                (["owner", "class_teacher"] if WORKER in who else [])
                + (["principal", "vice_principal"] if LEADER in who else [])
            )
        )
        self.fire(name, persona, data.draw(st.sampled_from(COMMENTS)))

    @rule(data=st.data())
    def progress(self, data: st.DataObject) -> None:
        """Do what the next step needs (a plan, an appointment, a record), then take it.

        Random attempts alone seldom get past planning; with this rule the walk goes through
        the whole lifecycle. Invalid records and missing pledges come from ``record_visit``.
        """
        persona = data.draw(st.sampled_from(["owner", "class_teacher"]))
        if self.state == State.PLANNING and (self.plan_author is None or self.plan_submitted):
            self.write_plan(persona, complete=True)
        elif self.state == State.INTERVENTION and self.open_appointment() is None:
            self.schedule_visit(persona, data.draw(st.sampled_from(APPOINTMENT_HOURS[:-1])))
        elif self.state == State.HOME_VISIT and not self.condition_met("visit_record_missing"):
            visit = self.visits[self.current_visit] if self.current_visit else None
            if visit is not None and visit.scheduled_for < timezone.now():
                self.record_visit(persona, pick=1, pledge=True, timing="after_appointment")
        self.advance(data)

    def fire(self, name: str, persona: str, comment: str) -> None:
        user = self.users[persona]
        expected = self.expect(name, user, comment)
        source = self.state
        result = self.attempt(
            expected,
            lambda: services.case_transition(
                case_id=self.case_id,
                user=user,
                name=name,
                comment=comment,
                outcome="referred" if name == "close" else "",
            ),
        )
        if expected != OK:
            return
        row = TABLE[name]
        self.state = row.target
        self.transitions += 1
        if name == "schedule_home_visit":
            self.current_visit = self.open_appointment()
        if name == "submit_plan":
            self.plan_submitted = True
        assert result.state == row.target
        event = AuditEvent.objects.filter(case_id=self.case_id, action="case.transition").latest("id")
        assert event.actor_id == user.pk
        expected_detail = {
            "transition": name,
            "from": source,
            "to": row.target,
            "comment": comment.strip(),
        }
        if name == "close":
            expected_detail["outcome"] = "referred"
        elif name == "reopen":
            expected_detail["previous_outcome"] = "referred"
        assert event.detail == expected_detail

    @rule(persona=ACTORS, complete=st.booleans())
    def write_plan(self, persona: str, complete: bool) -> None:
        user = self.users[persona]
        expected = self.worker_call(user)
        if expected is None and not complete:
            expected = (400, None)
        if expected is None and self.state not in (State.IDENTIFIED, State.PLANNING):
            expected = (409, "invalid_state")
        self.attempt(
            expected or OK,
            lambda: services.plan_create(
                case_id=self.case_id,
                user=user,
                goals=f"按时完成作业（{self.plan_versions + 1}）" if complete else " ",
                measures="每日检查",
            ),
        )
        if expected is None:
            self.plan_author = user.pk
            self.plan_versions += 1
            self.plan_submitted = False
            self.other_events += 1

    @rule(persona=ACTORS, hours=st.sampled_from(APPOINTMENT_HOURS))
    def schedule_visit(self, persona: str, hours: int) -> None:
        user = self.users[persona]
        scheduled_for = self.start + datetime.timedelta(hours=hours)
        expected = self.worker_call(user)
        if expected is None and self.state == State.CLOSED:
            expected = (409, "invalid_state")
        visit = self.attempt(
            expected or OK,
            lambda: services.visit_schedule(case_id=self.case_id, user=user, scheduled_for=scheduled_for),
        )
        if expected is None:
            self.visits[visit.pk] = Visit(scheduled_for)
            self.other_events += 1

    @precondition(lambda self: self.visits)
    @rule(
        persona=ACTORS,
        pick=st.integers(min_value=0, max_value=20),
        pledge=st.booleans(),
        timing=st.sampled_from(["after_appointment", "before_appointment", "in_the_future"]),
    )
    def record_visit(self, persona: str, pick: int, pledge: bool, timing: str) -> None:
        """Record the open appointment (or, now and then, correct an earlier record)."""
        user = self.users[persona]
        open_pk = self.open_appointment()
        pks = sorted(self.visits)
        pk = open_pk if open_pk is not None and pick % 3 else pks[pick % len(pks)]
        visit = self.visits[pk]
        now = timezone.now()
        visited_at = {
            "after_appointment": visit.scheduled_for + datetime.timedelta(minutes=1),
            "before_appointment": visit.scheduled_for - datetime.timedelta(minutes=1),
            "in_the_future": now + datetime.timedelta(hours=1),
        }[timing]
        expected = self.worker_call(user)
        if expected is None and self.state == State.CLOSED:
            expected = (409, "invalid_state")
        if expected is None and not (visit.scheduled_for <= visited_at <= now):
            expected = (400, None)
        if expected is None and not pledge:  # no record without the pledge (清廉家访)
            expected = (400, None)
        data = {"visited_at": visited_at, "no_gifts_pledge": pledge, "family_situation": "与奶奶同住"}
        self.attempt(
            expected or OK,
            lambda: services.visit_record(case_id=self.case_id, visit_id=pk, user=user, data=data),
        )
        if expected is None:
            visit.visited_at, visit.pledge = visited_at, pledge
            self.other_events += 1

    @rule(persona=st.sampled_from(PERSONAS))
    def offered_transitions(self, persona: str) -> None:
        """What the pages offer is exactly what would succeed (with a comment where needed)."""
        user = self.users[persona]
        case = Case.objects.select_related("pupil__classroom", "school", "current_visit").get(pk=self.case_id)
        offered = {choice.name for choice in available_transitions(case=case, user=user)}
        assert offered == {name for name in TABLE if self.expect(name, user, "意见") == OK}

    # -- invariants -----------------------------------------------------------------------------

    @invariant()
    def database_matches_the_model(self) -> None:
        if self.case is None:
            return
        state, current_visit = Case.objects.values_list("state", "current_visit_id").get(pk=self.case_id)
        assert state in State.values
        assert state == self.state
        assert current_visit == self.current_visit
        events = AuditEvent.objects.filter(case_id=self.case_id)
        assert events.filter(action="case.transition").count() == self.transitions
        assert events.count() == self.transitions + self.other_events


def test_any_sequence_of_attempts_keeps_the_rules(world):
    """100 examples of up to 30 steps, about 40 s; CASE_MACHINE_EXAMPLES=1000 for a longer hunt."""
    cast = personas(world)
    machine = type("BoundCaseLifecycle", (CaseLifecycle,), {"world": world, "cast": cast})
    hypothesis_settings = settings(
        max_examples=int(os.environ.get("CASE_MACHINE_EXAMPLES", "100")),
        stateful_step_count=30,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    run_state_machine_as_test(machine, settings=hypothesis_settings)
