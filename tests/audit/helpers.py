"""A small audit trail in both schools of the `world`, and the personas the audit pages talk about.

trail = build_trail(world)   # case_a in school A, case_b in school B, one bureau-level event
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from audit.models import AuditEvent
from audit.services import audit_record
from casework.models import Case
from tests.builders import open_case

if TYPE_CHECKING:
    from tests.conftest import World

# Allowed: the inspector (the whole bureau) and the principal (school A only).
READERS = ["principal", "inspector"]
# Everyone else in the world, each refused.
REFUSED = ["owner", "colleague", "outsider", "counsellor", "admin", "custodian"]


@dataclass
class Trail:
    case_a: Case  # school A, opened by the owner
    case_b: Case  # school B, opened by the outsider
    bureau_event: AuditEvent  # no school

    def ids(self, *, school: str | None = None) -> set[int]:
        events = AuditEvent.objects.all()
        if school == "A":
            events = events.filter(school__code="A")
        elif school == "B":
            events = events.filter(school__code="B")
        return set(events.values_list("pk", flat=True))


def build_trail(world: World) -> Trail:
    case_a = open_case(world.classroom, by=world.owner)
    case_b = open_case(world.other_classroom, by=world.outsider)
    bureau_event = audit_record(action="bureau.review", actor=world.inspector, detail={"note": "季度检查"})
    return Trail(case_a=case_a, case_b=case_b, bureau_event=bureau_event)
