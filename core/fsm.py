"""Firing a django-fsm-2 transition with its refusals spelled out as domain errors."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db.models import Model
from django.utils.functional import Promise

from core.errors import Conflict, Forbidden, Invalid

# A transition's condition → (the field it asks for, the message that says so).
ConditionMessages = Mapping[Callable[..., bool], tuple[str, str | Promise]]


def fsm_fire(
    obj: Model,
    name: str,
    user: Any,
    *,
    conditions: ConditionMessages,
    forbidden: str | Promise,
    conflict: str | Promise,
) -> str:
    """Check and fire the transition ``name`` on ``obj`` by ``user``: Forbidden (403) for the wrong
    person, Conflict (409, ``invalid_state``) from the wrong state, Invalid (400) naming the field
    of each unmet condition. Returns the source state."""
    method = getattr(obj, name)
    meta = method._django_fsm
    transition = next(iter(meta.transitions.values()))
    if not transition.has_perm(obj, user):
        raise Forbidden(forbidden)
    source: str = obj.state  # type: ignore[attr-defined]
    if not meta.has_transition(source):
        raise Conflict(conflict, code="invalid_state")
    errors: dict[str, list[str]] = {}
    for condition in transition.conditions or []:
        if not condition(obj):
            field, message = conditions[condition]
            errors[field] = [str(message)]
    if errors:
        raise Invalid(next(iter(errors.values()))[0], errors=errors)
    method(by=user)
    return source
