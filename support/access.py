"""Who may see and keep a school's support ledger."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from core.errors import Forbidden, NotFound, Refusal
from schools.models import BureauMembership, Membership, School

if TYPE_CHECKING:
    from accounts.models import User

CUSTODIAN = Membership.Role.CUSTODIAN
LEADERS = frozenset({Membership.Role.PRINCIPAL, Membership.Role.VICE_PRINCIPAL})
LEDGER_ROLES = frozenset({CUSTODIAN, *LEADERS})


def ledger_roles(*, user: User | AnonymousUser, school_id: int) -> frozenset[str]:
    """The user's ledger roles at the school (custodian, principal, vice principal)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    return frozenset(
        Membership.objects.filter(
            user=user, school_id=school_id, is_active=True, role__in=sorted(LEDGER_ROLES)
        ).values_list("role", flat=True)
    )


def ledger_school_for_user(*, user: User | AnonymousUser, school_id: int) -> tuple[School, frozenset[str]]:
    """The school and the user's ledger roles there; NotFound (404) when they have none."""
    roles = ledger_roles(user=user, school_id=school_id)
    school = School.objects.filter(pk=school_id).first()
    if school is None or not roles:
        # Another school's ledger, refused: the trail tells that school (access.refused).
        refusal = Refusal(target=school, school_id=school.pk) if school else None
        raise NotFound(_("No such ledger."), refusal=refusal)
    return school, roles


def require_custodian(roles: frozenset[str]) -> None:
    if CUSTODIAN not in roles:
        raise Forbidden(_("Only the school's donation custodian may record this."))


def require_leader(roles: frozenset[str]) -> None:
    if not roles & LEADERS:
        raise Forbidden(_("Only the principal or a vice principal may sign this off."))


def ledger_schools_for_user(*, user: User | AnonymousUser) -> list[School]:
    if not user.is_authenticated or not user.is_active:
        return []
    return list(
        School.objects.filter(
            memberships__user=user, memberships__is_active=True, memberships__role__in=sorted(LEDGER_ROLES)
        )
        .distinct()
        .order_by("name")
    )


def inspected_schools_for_user(*, user: User | AnonymousUser) -> list[School]:
    """The schools of the bureaus the user inspects (read-only totals); NotFound when none."""
    schools: list[School] = []
    if user.is_authenticated and user.is_active:
        schools = list(
            School.objects.filter(
                bureau__memberships__user=user,
                bureau__memberships__is_active=True,
                bureau__memberships__role=BureauMembership.Role.INSPECTOR,
            )
            .distinct()
            .order_by("code", "name")
        )
    if not schools:
        raise NotFound(_("No such ledger."))
    return schools
