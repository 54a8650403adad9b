"""Who may see and record a pupil's consents (docs/consent.md).

- record and withdraw: the pupil's class teacher (班主任), and the principal, vice principals and
  school administrators of the pupil's school (active memberships);
- read: those, and the bureau's inspectors;
- nobody else — other teachers, counsellors, custodians, other schools, superusers: 404.
The scans of the signed forms follow the same rules (``attachments.access``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from schools.models import BureauMembership, Membership

if TYPE_CHECKING:
    from schools.models import Pupil

CLASS_TEACHER = "class_teacher"
LEADER = "leader"
INSPECTOR = "inspector"

WRITERS = frozenset({CLASS_TEACHER, LEADER})
LEADER_ROLES = (Membership.Role.PRINCIPAL, Membership.Role.VICE_PRINCIPAL, Membership.Role.SCHOOL_ADMIN)
_CACHE = "_wanjia_consent_roles"


def consent_roles(pupil: Pupil, user: Any) -> frozenset[str]:
    """The user's roles on the pupil's consents; empty means they do not exist for them.

    Cached on the pupil instance for the duration of a request.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cache: dict[int, frozenset[str]] = pupil.__dict__.setdefault(_CACHE, {})
    if user.pk in cache:
        return cache[user.pk]
    roles: set[str] = set()
    school_roles = set(
        Membership.objects.filter(user=user, school_id=pupil.school_id, is_active=True).values_list(
            "role", flat=True
        )
    )
    classroom = pupil.classroom
    # A class teacher who left the school keeps no access.
    if school_roles and classroom is not None and classroom.class_teacher_id == user.pk:
        roles.add(CLASS_TEACHER)
    if school_roles & set(LEADER_ROLES):
        roles.add(LEADER)
    if BureauMembership.objects.filter(
        user=user, bureau_id=pupil.school.bureau_id, role=BureauMembership.Role.INSPECTOR, is_active=True
    ).exists():
        roles.add(INSPECTOR)
    result = frozenset(roles)
    cache[user.pk] = result
    return result


def may_record(pupil: Pupil, user: Any) -> bool:
    return bool(consent_roles(pupil, user) & WRITERS)
