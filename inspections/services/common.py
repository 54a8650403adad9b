"""What the inspection services share: who is an inspector, the school they inspect, dates, the
locked inspection, and firing a state transition."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Forbidden, Invalid, NotFound
from core.fsm import fsm_fire
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
    """Check and fire an inspection or rectification transition (see core.fsm.fsm_fire)."""
    return fsm_fire(
        obj,
        name,
        user,
        conditions=rules.MESSAGES,
        forbidden=_("You may not do this."),
        conflict=_("This cannot be done while it is “%(state)s”.") % {"state": state_label},
    )
