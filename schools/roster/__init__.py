"""Roster import: pupils with their guardians, and staff, from .xlsx or .csv files.

``parsing`` reads files and values, ``validation`` checks rows, ``services`` writes. The one read
that depends on who is asking lives here: which schools a user may import rosters into.
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from schools.models import Membership, School

# Roles that may import a school's roster: the school's administrators and its principals.
IMPORT_ROLES = (Membership.Role.SCHOOL_ADMIN, Membership.Role.PRINCIPAL, Membership.Role.VICE_PRINCIPAL)


def school_list_for_roster_import(*, user: User) -> QuerySet[School]:
    """Schools where the user holds an active administrator or principal membership; else none."""
    if not user.is_authenticated or not user.is_active:
        return School.objects.none()
    return School.objects.filter(
        memberships__user=user, memberships__is_active=True, memberships__role__in=IMPORT_ROLES
    ).distinct()
