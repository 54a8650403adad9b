"""Who a user is to an inspection, a rectification or a notice (see docs/inspections.md).

Inspectors of the bureau do everything and see everything of their bureau. The principal and
vice principals of a school read its submitted inspections and notices and answer its
rectifications; the school administrator reads the same but answers nothing. Teachers named in a
notice see that notice. Everyone else (superusers included): nothing, which the selectors turn
into 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from schools.models import BureauMembership, Membership

if TYPE_CHECKING:
    from accounts.models import User

INSPECTOR = "inspector"
LEADER = "leader"  # principal or vice principal of the school
SCHOOL_ADMIN = "school_admin"
NAMED_TEACHER = "named_teacher"  # named in a notice

LEADER_ROLES = (Membership.Role.PRINCIPAL, Membership.Role.VICE_PRINCIPAL)
READER_ROLES = (*LEADER_ROLES, Membership.Role.SCHOOL_ADMIN)

_CACHE = "_wanjia_inspection_scope"


@dataclass(frozen=True)
class Scope:
    """The bureaus a user inspects and the schools they lead or administer, read in two queries."""

    bureaus: frozenset[int] = frozenset()
    led_schools: frozenset[int] = frozenset()
    admin_schools: frozenset[int] = frozenset()

    @property
    def reader_schools(self) -> frozenset[int]:
        return self.led_schools | self.admin_schools

    @property
    def is_inspector(self) -> bool:
        return bool(self.bureaus)

    @property
    def sees_anything(self) -> bool:
        return bool(self.bureaus or self.reader_schools)


def scope_for(user: Any) -> Scope:
    """The user's scope, cached on the user object for the request. Superusers get nothing extra."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = user.__dict__.get(_CACHE)
    if cached is not None:
        return cached
    bureaus = frozenset(
        BureauMembership.objects.filter(
            user=user, is_active=True, role=BureauMembership.Role.INSPECTOR
        ).values_list("bureau_id", flat=True)
    )
    led: set[int] = set()
    admin: set[int] = set()
    for school_id, role in Membership.objects.filter(
        user=user, is_active=True, role__in=READER_ROLES
    ).values_list("school_id", "role"):
        (led if role in LEADER_ROLES else admin).add(school_id)
    scope = Scope(bureaus=bureaus, led_schools=frozenset(led), admin_schools=frozenset(admin))
    user.__dict__[_CACHE] = scope
    return scope


def forget_scope(user: User) -> None:
    user.__dict__.pop(_CACHE, None)


def school_roles(*, user: Any, bureau_id: int, school_id: int) -> frozenset[str]:
    """The user's roles towards one school's inspection records."""
    scope = scope_for(user)
    roles = set()
    if bureau_id in scope.bureaus:
        roles.add(INSPECTOR)
    if school_id in scope.led_schools:
        roles.add(LEADER)
    if school_id in scope.admin_schools:
        roles.add(SCHOOL_ADMIN)
    return frozenset(roles)
