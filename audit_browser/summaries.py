"""Audit events for people: the action's label, what the event is about ("个案 #136（张三）"), and
what changed, field by field (old → new), with names instead of ids and states as their labels.

A selector: ``audit_event_rows`` reads the names for a whole page at once — at most one query per
kind of record named (people, cases, pupils, home visits, schools), however many events — and
names a pupil only when the pupil's school is in the reader's audit scope (the rule of the audit
browser itself). The content of confidential notes is never in the trail; the counselling events'
note references are not shown either.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from accounts.models import User
from audit.actions import action_label
from audit.models import AuditEvent
from audit_browser.selectors import AuditScope
from casework.models import Case, Category, ClosureOutcome, HomeVisit, RiskLevel, State
from casework.transitions import TRANSITIONS
from schools.models import Membership, Pupil, School

# Keys of an event's detail that name a record, and which kind of record.
USER_KEYS = {
    "user",
    "owner",
    "old_owner",
    "new_owner",
    "requested_by",
    "counsellors_granted",
    "participants",
    "handled_by",
    "decided_by",
    "escalated_to",
    "handover_to",
}
PUPIL_KEYS = {"pupil", "pupil_id"}
CASE_KEYS = {"case"}
VISIT_KEYS = {"visit"}
SCHOOL_KEYS = {"school", "school_id"}
# Keys never shown: a counselling event's reference to its note (the note itself is never in the trail).
HIDDEN_KEYS = {"note"}
HIDDEN_FOR = {"care.counselling_session_create"}
MAX_TEXT = 120

# Labels of detail keys that are not fields of the event's target.
KEY_LABELS: dict[str, Any] = {
    "pupil": gettext_lazy("pupil"),
    "pupil_id": gettext_lazy("pupil"),
    "user": gettext_lazy("user"),
    "case": gettext_lazy("case"),
    "visit": gettext_lazy("home visit"),
    "school": gettext_lazy("school"),
    "school_id": gettext_lazy("school"),
    "state": gettext_lazy("state"),
    "reason": gettext_lazy("reason"),
    "outcome": gettext_lazy("outcome"),
    "risk_level": gettext_lazy("risk level"),
    "categories": gettext_lazy("categories"),
    "comment": gettext_lazy("comment"),
    "old_owner": gettext_lazy("handed over by"),
    "new_owner": gettext_lazy("handed over to"),
    "counsellors_granted": gettext_lazy("counsellors granted"),
    "amount": gettext_lazy("amount"),
    "format": gettext_lazy("format"),
    "rows": gettext_lazy("rows"),
    "filters": gettext_lazy("filters"),
    "method": gettext_lazy("method"),
    "path": gettext_lazy("path"),
    "status": gettext_lazy("status"),
    "channel": gettext_lazy("channel"),
    "version": gettext_lazy("version"),
    "escalated_to": gettext_lazy("escalated to"),
    "handover_to": gettext_lazy("handed over to"),
    "days_overdue": gettext_lazy("days overdue"),
    "roles": gettext_lazy("roles"),
    "left_on": gettext_lazy("left on"),
    "tasks_released": gettext_lazy("tasks returned to the queue"),
    "signed_out": gettext_lazy("signed out everywhere"),
    "counts": gettext_lazy("counts"),
    "token_id": gettext_lazy("API token"),
    "token_ids": gettext_lazy("API tokens"),
    "devices": gettext_lazy("devices"),
    "via": gettext_lazy("by way of"),
    "channels": gettext_lazy("channels"),
    "bytes": gettext_lazy("size (bytes)"),
    "errors": gettext_lazy("errors"),
    "since": gettext_lazy("from"),
    "until": gettext_lazy("to"),
}
# Values with labels wherever they appear under these keys.
CHOICES: dict[str, Any] = {
    "categories": Category,
    "risk_level": RiskLevel,
    "outcome": ClosureOutcome,
    "previous_outcome": ClosureOutcome,
    "roles": Membership.Role,
    "role": Membership.Role,
}


def _items() -> str:
    """Between the items of a list: "、" in Chinese, ", " in English."""
    return pgettext("list separator", ", ")


def separators() -> tuple[str, str]:
    """Between a label and its value, and between two parts: "：" and "；" in Chinese."""
    return pgettext("label separator", ": "), pgettext("list separator", "; ")


@dataclass(frozen=True)
class Change:
    label: str
    old: str | None  # None: the event only says the new value
    new: str


@dataclass
class EventRow:
    """One event as the browser, the exports and the API show it."""

    event: AuditEvent
    action_label: str
    target_label: str = ""
    target_url: str = ""
    case_label: str = ""
    case_url: str = ""
    title: str = ""  # e.g. the step of the case flow: 批准方案
    changes: list[Change] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)

    @property
    def record_label(self) -> str:
        """What the event is about, and its case when that is another record."""
        if self.case_label and self.case_label != self.target_label:
            return " · ".join(part for part in (self.target_label, self.case_label) if part)
        return self.target_label

    @property
    def summary(self) -> str:
        """Everything readable on one line (exports, API)."""
        if self.event.erased_at is not None:
            return _("Details erased under the retention policy")
        colon, semicolon = separators()
        parts = [self.title] if self.title else []
        for change in self.changes:
            if change.old is None:
                parts.append(f"{change.label}{colon}{change.new}")
            else:
                parts.append(f"{change.label}{colon}{change.old} → {change.new}")
        parts.extend(f"{label}{colon}{value}" for label, value in self.facts)
        return semicolon.join(part for part in parts if part)


@dataclass
class _Names:
    """Names read for one batch of events, by kind and id."""

    scope: AuditScope
    users: dict[int, str] = field(default_factory=dict)
    cases: dict[int, tuple[int, str]] = field(default_factory=dict)  # id → (school id, pupil name)
    pupils: dict[int, tuple[int, str]] = field(default_factory=dict)
    visits: dict[int, tuple[int, str]] = field(default_factory=dict)
    schools: dict[int, str] = field(default_factory=dict)

    def user(self, pk: Any) -> str:
        return self.users.get(pk, f"#{pk}") if isinstance(pk, int) else str(pk)

    def _record(self, kind: str, known: dict[int, tuple[int, str]], pk: Any) -> str:
        """ "个案 #136（张三）": the pupil's name only within the reader's scope."""
        text = f"{kind} #{pk}"
        school_id, name = known.get(pk, (None, "")) if isinstance(pk, int) else (None, "")
        if name and school_id in self.scope.school_ids:
            text += f"（{name}）"
        return text

    def case(self, pk: Any) -> str:
        return self._record(str(Case._meta.verbose_name), self.cases, pk)

    def pupil(self, pk: Any) -> str:
        return self._record(str(Pupil._meta.verbose_name), self.pupils, pk)

    def visit(self, pk: Any) -> str:
        return self._record(str(HomeVisit._meta.verbose_name), self.visits, pk)

    def school(self, pk: Any) -> str:
        return self.schools.get(pk, f"#{pk}") if isinstance(pk, int) else str(pk)


def _ints(value: Any) -> Iterator[int]:
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _ints(item)


def _walk(detail: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) of a detail, inside its old/new parts too."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            yield key, value
            if isinstance(value, dict):
                yield from _walk(value)


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label) if label else None
    except (LookupError, ValueError):
        return None


def _target_pk(event: AuditEvent) -> int | None:
    return int(event.target_id) if event.target_id.isdigit() else None


def _read_names(events: list[AuditEvent], scope: AuditScope) -> _Names:
    """One query per kind of record the events name (none for a kind no event names)."""
    wanted: dict[str, set[int]] = {
        "users": set(),
        "cases": set(),
        "pupils": set(),
        "visits": set(),
        "schools": set(),
    }
    by_model = {
        User._meta.label_lower: "users",
        Case._meta.label_lower: "cases",
        Pupil._meta.label_lower: "pupils",
        HomeVisit._meta.label_lower: "visits",
        School._meta.label_lower: "schools",
    }
    for event in events:
        if event.case_id is not None:
            wanted["cases"].add(event.case_id)
        kind, pk = by_model.get(event.target_type), _target_pk(event)
        if kind is not None and pk is not None:
            wanted[kind].add(pk)
        model = _model(event.target_type)
        for key, value in _walk(event.detail):
            kind = _key_kind(model, key)
            if kind is not None:
                wanted[kind].update(_ints(value))
    names = _Names(scope=scope)
    if wanted["users"]:
        names.users = {
            pk: full_name or username
            for pk, full_name, username in User.objects.filter(pk__in=sorted(wanted["users"])).values_list(
                "pk", "full_name", "username"
            )
        }
    if wanted["cases"]:
        names.cases = {
            pk: (school_id, name)
            for pk, school_id, name in Case.objects.filter(pk__in=sorted(wanted["cases"])).values_list(
                "pk", "school_id", "pupil__name"
            )
        }
    if wanted["pupils"]:
        names.pupils = {
            pk: (school_id, name)
            for pk, school_id, name in Pupil.objects.filter(pk__in=sorted(wanted["pupils"])).values_list(
                "pk", "school_id", "name"
            )
        }
    if wanted["visits"]:
        names.visits = {
            pk: (school_id, name)
            for pk, school_id, name in HomeVisit.objects.filter(pk__in=sorted(wanted["visits"])).values_list(
                "pk", "school_id", "pupil__name"
            )
        }
    if wanted["schools"]:
        names.schools = dict(
            School.objects.filter(pk__in=sorted(wanted["schools"])).values_list("pk", "name")
        )
    return names


def _key_kind(model: type[models.Model] | None, key: str) -> str | None:
    """Which kind of record a detail key names: by the target's field, else by the key's name."""
    field_ = _field(model, key)
    if isinstance(field_, models.ForeignKey | models.ManyToManyField):
        related = field_.related_model
        for kind, cls in (
            ("users", User),
            ("cases", Case),
            ("pupils", Pupil),
            ("visits", HomeVisit),
            ("schools", School),
        ):
            if related is cls:
                return kind
        return None
    if key in USER_KEYS:
        return "users"
    if key in PUPIL_KEYS:
        return "pupils"
    if key in CASE_KEYS:
        return "cases"
    if key in VISIT_KEYS:
        return "visits"
    if key in SCHOOL_KEYS:
        return "schools"
    return None


def _field(model: type[models.Model] | None, key: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        try:
            return model._meta.get_field(key.removesuffix("_id"))
        except FieldDoesNotExist:
            return None


def _label(model: type[models.Model] | None, key: str) -> str:
    field_ = _field(model, key)
    if field_ is not None and getattr(field_, "verbose_name", None):
        return capfirst(str(field_.verbose_name))
    if key in KEY_LABELS:
        return capfirst(str(KEY_LABELS[key]))
    return key


def _moment(text: str) -> str | None:
    """An ISO date or datetime as the reader's local date (and time); None if it is not one."""
    if len(text) < 10 or text[4:5] != "-" or text[7:8] != "-":
        return None
    try:
        if len(text) == 10:
            return formats.date_format(datetime.date.fromisoformat(text), "Y-m-d")
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "Y-m-d H:i")


def _value(model: type[models.Model] | None, key: str, value: Any, names: _Names) -> str:
    """One value for people: names for ids, labels for codes, dates as dates, text shortened."""
    if value is None or value == "" or value == []:
        return "—"
    kind = _key_kind(model, key)
    if kind is not None and not isinstance(value, dict):
        ids = list(_ints(value))
        if ids:
            show = {
                "users": names.user,
                "cases": names.case,
                "pupils": names.pupil,
                "visits": names.visit,
                "schools": names.school,
            }[kind]
            return _items().join(show(pk) for pk in ids)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return _items().join(_value(model, key, item, names) for item in value)
    if isinstance(value, dict):
        colon, parts = separators()
        return parts.join(f"{_label(None, k)}{colon}{_value(None, k, v, names)}" for k, v in value.items())
    text = str(value)
    field_ = _field(model, key)
    choices = dict(field_.flatchoices) if field_ is not None and getattr(field_, "choices", None) else {}
    if key in CHOICES:
        choices = dict(CHOICES[key].choices)
    if text in choices:
        return str(choices[text])
    moment = _moment(text)
    if moment is not None:
        return moment
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _state(model: type[models.Model] | None, value: Any) -> str:
    field_ = _field(model, "state")
    choices = dict(field_.flatchoices) if field_ is not None and getattr(field_, "choices", None) else {}
    if model is Case or model is None:
        choices = {**dict(State.choices), **choices}
    return str(choices.get(value, value)) if value else "—"


def _describe(event: AuditEvent, names: _Names) -> EventRow:
    row = EventRow(event=event, action_label=action_label(event.action))
    model = _model(event.target_type)
    pk = _target_pk(event)
    if model is Case and pk is not None:
        row.target_label = names.case(pk)
    elif model is Pupil and pk is not None:
        row.target_label = names.pupil(pk)
        if names.pupils.get(pk, (None, ""))[0] in names.scope.school_ids:
            row.target_url = reverse("audit:pupil_access_log", args=[pk])
    elif model is HomeVisit and pk is not None:
        row.target_label = names.visit(pk)
    elif model is User and pk is not None:
        row.target_label = f"{User._meta.verbose_name} #{pk}（{names.user(pk)}）"
    elif model is School and pk is not None:
        row.target_label = names.school(pk)
    elif model is not None:
        row.target_label = f"{model._meta.verbose_name} #{event.target_id}"
    elif event.target_type:
        row.target_label = f"{event.target_type} #{event.target_id}"
    if event.case_id is not None:
        row.case_label = names.case(event.case_id)
        if names.cases.get(event.case_id, (None, ""))[0] in names.scope.school_ids:
            row.case_url = reverse("audit:case_timeline", args=[event.case_id])
    if event.erased_at is not None or not isinstance(event.detail, dict):
        return row
    detail = dict(event.detail)
    hidden = HIDDEN_KEYS if event.action in HIDDEN_FOR else set()
    # The pupil of a view event is the target's pupil already.
    if "pupil_id" in detail and model in (Case, HomeVisit, Pupil):
        detail.pop("pupil_id")
    if event.action == "case.transition":
        spec = TRANSITIONS.get(detail.pop("transition", ""))
        row.title = str(spec.label) if spec is not None else ""
    if "from" in detail or "to" in detail:
        row.changes.append(
            Change(
                str(_label(model, "state")),
                _state(model, detail.pop("from", "")),
                _state(model, detail.pop("to", "")),
            )
        )
    old, new = detail.pop("old", None), detail.pop("new", None)
    if isinstance(old, dict) or isinstance(new, dict):
        old = old if isinstance(old, dict) else {}
        new = new if isinstance(new, dict) else {}
        for key in dict.fromkeys([*old, *new]):
            if key in hidden:
                continue
            before = _value(model, key, old[key], names) if key in old else None
            after = _value(model, key, new.get(key), names)
            if key == "state":
                before = _state(model, old[key]) if key in old else None
                after = _state(model, new.get(key))
            if before is not None and before == after:
                continue
            row.changes.append(Change(_label(model, key), before, after))
    for key, value in detail.items():
        if key in hidden:
            continue
        if isinstance(value, dict) and set(value) == {"old", "new"}:  # {"state": {"old", "new"}}
            if key == "state":
                row.changes.append(
                    Change(_label(model, key), _state(model, value["old"]), _state(model, value["new"]))
                )
            else:
                row.changes.append(
                    Change(
                        _label(model, key),
                        _value(model, key, value["old"], names),
                        _value(model, key, value["new"], names),
                    )
                )
            continue
        if key == "state":
            row.facts.append((_label(model, key), _state(model, value)))
            continue
        if key == "comment" and not value:
            continue
        row.facts.append((_label(model, key), _value(model, key, value, names)))
    return row


def audit_event_rows(*, events: Iterable[AuditEvent], scope: AuditScope) -> list[EventRow]:
    """The events (one page) as rows for people; a fixed number of queries whatever their number."""
    events = list(events)
    names = _read_names(events, scope)
    return [_describe(event, names) for event in events]


def audit_event_rows_chunked(
    *, events: Iterable[AuditEvent], scope: AuditScope, chunk_size: int
) -> Iterator[EventRow]:
    """The same for an export: the names are read once per chunk of events."""
    chunk: list[AuditEvent] = []
    for event in events:
        chunk.append(event)
        if len(chunk) >= chunk_size:
            yield from audit_event_rows(events=chunk, scope=scope)
            chunk = []
    if chunk:
        yield from audit_event_rows(events=chunk, scope=scope)
