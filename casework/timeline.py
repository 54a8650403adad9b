"""The case timeline: what happened to a case, read from its audit trail (never note content)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditEvent
from casework.models import Case, Category, ClosureOutcome, HomeVisit, RiskLevel, State
from casework.transitions import TRANSITIONS


@dataclass
class TimelineEntry:
    at: datetime.datetime
    actor: str
    action: str
    title: str
    lines: list[str] = field(default_factory=list)
    comment: str = ""
    from_state: str = ""
    to_state: str = ""

    @property
    def from_label(self) -> str:
        return _state_label(self.from_state)

    @property
    def to_label(self) -> str:
        return _state_label(self.to_state)


# What the timeline shows. Never the note events: notes appear only on the notes page.
TIMELINE_ACTIONS = (
    "case.open",
    "case.transition",
    "plan.create",
    "visit.schedule",
    "visit.record",
    "visit.appoint",
    "visit.follow_up",
    "visit.case_opened",
    "permission.grant",
    "permission.revoke",
)


def _state_label(code: str) -> str:
    return str(State(code).label) if code in State.values else code


def _local(value: str | None) -> str:
    if not value:
        return ""
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "Y-m-d H:i")


def case_timeline(case: Case) -> list[TimelineEntry]:
    """What happened to the case, from its audit trail, oldest first (two queries)."""
    events = list(
        AuditEvent.objects.filter(case_id=case.pk, action__in=TIMELINE_ACTIONS)
        .select_related("actor")
        .order_by("occurred_at", "id")
    )
    granted_ids = {e.detail.get("user") for e in events if e.action.startswith("permission.")}
    names: dict[Any, str] = {
        user.pk: user.get_full_name() for user in User.objects.filter(pk__in=[i for i in granted_ids if i])
    }
    categories = dict(Category.choices)
    kinds = dict(HomeVisit.Kind.choices)
    risks = dict(RiskLevel.choices)
    entries = []
    for event in events:
        detail = event.detail or {}
        actor = event.actor.get_full_name() if event.actor else event.actor_label
        entry = TimelineEntry(at=event.occurred_at, actor=actor, action=event.action, title="")
        if event.erased_at is not None:
            # The retention run erased what the event said (docs/retention.md); who and when stay.
            entry.title = _("Details erased under the retention policy")
        elif event.action == "case.open":
            entry.title = _("Opened the case")
            entry.lines = [
                " · ".join(str(categories.get(c, c)) for c in detail.get("categories", [])),
                _("Risk: %(risk)s") % {"risk": risks.get(detail.get("risk_level", ""), "")},
            ]
        elif event.action == "case.transition":
            spec = TRANSITIONS.get(detail.get("transition", ""))
            entry.title = str(spec.label) if spec else detail.get("transition", "")
            entry.from_state = detail.get("from", "")
            entry.to_state = detail.get("to", "")
            entry.comment = detail.get("comment", "")
            if detail.get("outcome") in ClosureOutcome.values:
                entry.lines = [
                    _("Outcome: %(outcome)s") % {"outcome": ClosureOutcome(detail["outcome"]).label}
                ]
        elif event.action == "plan.create":
            entry.title = _("Wrote plan version %(version)s") % {"version": detail.get("version", "")}
        elif event.action == "visit.schedule":
            new = detail.get("new", {})
            entry.title = _("Made an appointment for a home visit")
            entry.lines = [
                f"{kinds.get(new.get('kind', ''), '')} · {_local(new.get('scheduled_for'))}",
                new.get("appointment_note", ""),
            ]
        elif event.action == "visit.appoint":
            new = detail.get("new", {})
            entry.title = _("Agreed an appointment for a home visit")
            entry.lines = [_local(new.get("scheduled_for")), new.get("appointment_with", "")]
        elif event.action == "visit.follow_up":
            entry.title = _("Planned a follow-up visit")
        elif event.action == "visit.case_opened":
            entry.title = _("Opened the case from a home visit")
        elif event.action == "visit.record":
            entry.title = _("Recorded a home visit")
            entry.lines = [_local(detail.get("new", {}).get("visited_at"))]
        elif event.action == "permission.grant":
            entry.title = _("Gave %(name)s access to the confidential notes") % {
                "name": names.get(detail.get("user"), "?")
            }
        elif event.action == "permission.revoke":
            entry.title = _("Took back the access of %(name)s to the confidential notes") % {
                "name": names.get(detail.get("user"), "?")
            }
        entry.lines = [line for line in entry.lines if line]
        entries.append(entry)
    return entries
