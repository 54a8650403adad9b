"""What the inspection services share: who is an inspector, the school they inspect, dates, the
locked inspection, and firing a state transition."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, Forbidden, Invalid, NotFound
from inspections import access, rules
from inspections.models import Inspection
from schools.models import School

if TYPE_CHECKING:
    from accounts.models import User

MAX_TEXT = 10000


def require_inspector_somewhere(user: User) -> None:
    if not access.scope_for(user).is_inspector:
        raise Forbidden(_("Only the bureau's inspectors may do this."))


def school_for_inspector(*, user: User, school_id: int | None) -> School:
    school = School.objects.filter(pk=school_id).first() if school_id else None
    if school is None or school.bureau_id not in access.scope_for(user).bureaus:
        raise Invalid(
            _("Choose a school of your bureau."), errors={"school": [_("Not a school you inspect.")]}
        )
    return school


def check_date(value: datetime.date | None, name: str, errors: dict[str, list[str]]) -> None:
    if value is None:
        errors[name] = [_("Give the date.")]
    elif value > timezone.localdate():
        errors[name] = [_("The date lies in the future.")]


def locked_inspection(*, user: User, inspection_id: int) -> tuple[Inspection, frozenset[str]]:
    inspection = (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("school")
        .filter(pk=inspection_id)
        .first()
    )
    if inspection is None:
        raise NotFound(_("No such inspection."))
    roles = access.school_roles(user=user, bureau_id=inspection.bureau_id, school_id=inspection.school_id)
    if access.INSPECTOR not in roles:
        if roles and inspection.state == Inspection.State.SUBMITTED:
            raise Forbidden(_("Only the bureau's inspectors may change an inspection."))
        raise NotFound(_("No such inspection."))
    return inspection, roles


def fire(obj: Model, name: str, user: User, *, state_label: str) -> str:
    """Check and fire a django-fsm-2 transition: 403 wrong person, 409 wrong state, 400 unmet
    condition (each condition names the field that is missing). Returns the source state."""
    method = getattr(obj, name)
    meta = method._django_fsm
    transition = next(iter(meta.transitions.values()))
    if not transition.has_perm(obj, user):
        raise Forbidden(_("You may not do this."))
    source = obj.state  # type: ignore[attr-defined]
    if not meta.has_transition(source):
        raise Conflict(
            _("This cannot be done while it is “%(state)s”.") % {"state": state_label}, code="invalid_state"
        )
    errors = {}
    for condition in transition.conditions or []:
        if not condition(obj):
            field, message = rules.MESSAGES[condition]
            errors[field] = [str(message)]
    if errors:
        raise Invalid(next(iter(errors.values()))[0], errors=errors)
    method(by=user)
    return source
