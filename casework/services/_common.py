"""Private helpers shared by the visit services (``visits``, ``visit_plans``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from audit.services import AuditContext, audit_record
from casework.models import HomeVisit
from core.errors import Forbidden, Invalid
from schools.models import Membership

if TYPE_CHECKING:
    from accounts.models import User


def audit_visit(
    action: str, user: User, visit: HomeVisit, detail: dict[str, Any], context: AuditContext | None
) -> None:
    audit_record(
        action=action,
        actor=user,
        target=visit,
        case_id=visit.case_id,
        school_id=visit.school_id,
        detail=detail,
        context=context,
    )


def clean_participants(school_id: int, participant_ids: Iterable[int]) -> list[int]:
    """Active members of staff of the school, in the order given (400 for anyone else)."""
    wanted = list(dict.fromkeys(participant_ids))
    staff = set(
        Membership.objects.filter(school_id=school_id, is_active=True, user_id__in=wanted).values_list(
            "user_id", flat=True
        )
    )
    if len(staff) != len(wanted):
        raise Invalid(
            _("Choose members of staff of the pupil's school."),
            errors={"participants": [_("Choose members of staff of the pupil's school.")]},
        )
    return wanted


def staff_or_refuse(user: User, school_id: int) -> set[str]:
    """The user's roles at the school; 403 for someone who only reads it (an inspector)."""
    roles = set(
        Membership.objects.filter(user=user, school_id=school_id, is_active=True).values_list(
            "role", flat=True
        )
    )
    if not roles:
        raise Forbidden(_("Only the staff of the pupil's school may plan its visits."))
    return roles
