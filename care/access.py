"""Who may see and write a pupil's special-group archive (see docs/care.md).

Sessions on cases follow the case's own rules (``casework.access.case_roles``); the archive
belongs to the pupil, not to a case, so it has rules of its own:

- read and write: the pupil's class teacher (班主任), the owner (结对教师) of any case of the
  pupil, and the principal and vice principals of the pupil's school;
- read only: the school administrator, and the bureau's inspectors (city-wide, like cases);
- nobody else — colleagues, counsellors, custodians, other schools, superusers: 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from schools.models import BureauMembership, Membership

if TYPE_CHECKING:
    from schools.models import Pupil

CLASS_TEACHER = "class_teacher"
CASE_OWNER = "case_owner"
LEADER = "leader"
SCHOOL_ADMIN = "school_admin"
INSPECTOR = "inspector"

WRITERS = frozenset({CLASS_TEACHER, CASE_OWNER, LEADER})
LEADER_ROLES = (Membership.Role.PRINCIPAL, Membership.Role.VICE_PRINCIPAL)
_CACHE = "_wanjia_archive_roles"


def archive_roles(pupil: Pupil, user: Any) -> frozenset[str]:
    """The user's roles on the pupil's archive; empty means it does not exist for them."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cache: dict[int, frozenset[str]] = pupil.__dict__.setdefault(_CACHE, {})
    if user.pk in cache:
        return cache[user.pk]
    from casework.models import Case

    roles: set[str] = set()
    classroom = pupil.classroom
    if classroom is not None and classroom.class_teacher_id == user.pk:
        roles.add(CLASS_TEACHER)
    if Case.objects.filter(pupil_id=pupil.pk, owner_id=user.pk, school_id=pupil.school_id).exists():
        roles.add(CASE_OWNER)
    school_roles = set(
        Membership.objects.filter(user=user, school_id=pupil.school_id, is_active=True).values_list(
            "role", flat=True
        )
    )
    if school_roles & set(LEADER_ROLES):
        roles.add(LEADER)
    if Membership.Role.SCHOOL_ADMIN in school_roles:
        roles.add(SCHOOL_ADMIN)
    if BureauMembership.objects.filter(
        user=user, bureau_id=pupil.school.bureau_id, role=BureauMembership.Role.INSPECTOR, is_active=True
    ).exists():
        roles.add(INSPECTOR)
    # A class teacher or case owner who left the school keeps no access.
    if not school_roles:
        roles -= {CLASS_TEACHER, CASE_OWNER}
    result = frozenset(roles)
    cache[user.pk] = result
    return result


def archive_visible_q(user: Any) -> Q:
    """The archives the user may read, as one filter on SpecialGroupArchive."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    from casework.models import Case

    memberships = list(Membership.objects.filter(user=user, is_active=True).values_list("school_id", "role"))
    own_schools = {school for school, _role in memberships}
    whole = {school for school, role in memberships if role in (*LEADER_ROLES, Membership.Role.SCHOOL_ADMIN)}
    bureaus = list(
        BureauMembership.objects.filter(
            user=user, is_active=True, role=BureauMembership.Role.INSPECTOR
        ).values_list("bureau_id", flat=True)
    )
    owned = Case.objects.filter(owner_id=user.pk, school_id__in=own_schools).values("pupil_id")
    mine = Q(pupil__classroom__class_teacher_id=user.pk) | Q(pupil_id__in=owned)
    return Q(school_id__in=whole) | Q(school__bureau_id__in=bureaus) | (mine & Q(school_id__in=own_schools))
