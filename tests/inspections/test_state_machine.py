"""Property-based test of the rectification lifecycle: any sequence of answer / return / close
attempts by anyone keeps the rules of docs/inspections.md — success exactly when the table allows
it, else 404 (unseen) / 403 (wrong person) / 409 (wrong state) / 400 (missing text), and one audit
event per change in the school's chain, none per refusal."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, ClassVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from accounts.models import User
from audit.models import AuditEvent
from core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from inspections import services
from inspections.models import Rectification
from tests.inspections.helpers import open_rectification, staff

if TYPE_CHECKING:
    from tests.conftest import World

OPEN, ANSWERED, CLOSED = Rectification.State.OPEN, Rectification.State.ANSWERED, Rectification.State.CLOSED
LEADERS = {"principal", "vice_principal"}
INSPECTORS = {"inspector"}
SEES = LEADERS | INSPECTORS | {"school_admin"}
# step → (source, target, who may, text required)
TABLE = {
    "answer": (OPEN, ANSWERED, LEADERS, True),
    "return": (ANSWERED, OPEN, INSPECTORS, True),
    "close": (ANSWERED, CLOSED, INSPECTORS, False),
}
PERSONAS = [
    "principal",
    "vice_principal",
    "school_admin",
    "inspector",
    "teacher",
    "counsellor",
    "outsider",
    "other_principal",
    "other_inspector",
    "superuser",
]
ERRORS: dict[int, type[DomainError]] = {404: NotFound, 403: Forbidden, 409: Conflict, 400: Invalid}


class RectificationLifecycle(RuleBasedStateMachine):
    world: ClassVar[World]
    cast: ClassVar[dict[str, User]]

    def __init__(self) -> None:
        super().__init__()
        self.rectification: Rectification | None = None
        self.state = OPEN
        self.changes = 0

    @initialize()
    def open(self) -> None:
        self.rectification = open_rectification(self.world)

    def expect(self, step: str, persona: str, text: str) -> int | None:
        source, _target, who, text_required = TABLE[step]
        if persona not in SEES:
            return 404
        if persona not in who:
            return 403
        if self.state != source:
            return 409
        if text_required and not text.strip():
            return 400
        return None

    @rule(
        step=st.sampled_from(sorted(TABLE)),
        persona=st.one_of(st.sampled_from(["principal", "inspector"]), st.sampled_from(PERSONAS)),
        text=st.sampled_from(["", "  ", "已整改，附佐证材料"]),
    )
    def attempt(self, step: str, persona: str, text: str) -> None:
        assert self.rectification is not None
        user, pk = self.cast[persona], self.rectification.pk
        call = {
            "answer": lambda: services.rectification_answer(user=user, rectification_id=pk, response=text),
            "return": lambda: services.rectification_return(user=user, rectification_id=pk, comment=text),
            "close": lambda: services.rectification_close(user=user, rectification_id=pk, comment=text),
        }[step]
        expected = self.expect(step, persona, text)
        if expected is None:
            result = call()
            self.state = TABLE[step][1]
            self.changes += 1
            assert result.state == self.state
            event = AuditEvent.objects.filter(
                target_id=str(pk), target_type="inspections.rectification"
            ).latest("id")
            assert event.actor_id == user.pk and event.school_id == result.school_id
        else:
            try:
                call()
            except ERRORS[expected]:
                pass
            else:  # pragma: no cover - a failure report
                raise AssertionError(f"{step} by {persona} in {self.state} should fail with {expected}")

    @invariant()
    def database_matches_the_model(self) -> None:
        if self.rectification is None:
            return
        assert Rectification.objects.get(pk=self.rectification.pk).state == self.state
        events = AuditEvent.objects.filter(
            target_id=str(self.rectification.pk), target_type="inspections.rectification"
        )
        assert events.count() == 1 + self.changes  # rectification.opened + one per change


def test_any_sequence_of_attempts_keeps_the_rules(world):
    """30 examples of up to 15 steps; INSPECTION_MACHINE_EXAMPLES=500 for a longer hunt."""
    machine = type(
        "BoundRectificationLifecycle", (RectificationLifecycle,), {"world": world, "cast": staff(world)}
    )
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=int(os.environ.get("INSPECTION_MACHINE_EXAMPLES", "30")),
            stateful_step_count=15,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
