"""Who may see and write the six-ones records (docs/six-ones.md).

- Visit essays: the author, and the principal and vice principals of the essay's school; the
  bureau's inspectors see only the essays marked exemplary (city-wide, read-only).
- The author's and the teacher's own rules hold only while they work at the record's school:
  someone who left a school sees none of its records (docs/people.md).
- Parents' meetings: the school's rule — any active member of staff of the school, and the
  bureau's inspectors (read-only).
- Acts of help: the rule of what they belong to — the case's rules (casework.access) when the
  act is part of a case, else the pupil's (any member of staff of the school, the inspectors).
- Handbooks: the teacher, the school's principal and vice principals, the bureau's inspectors
  (who read every case of the bureau anyway).
- Completion dashboards: the school's principal, vice principals and administrators for their
  school; the inspectors for every school of their bureau and the city.
Everyone else, superusers included, gets 404. Inspectors never write.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from schools.models import BureauMembership, Membership

LEADER_ROLES = frozenset({Membership.Role.PRINCIPAL, Membership.Role.VICE_PRINCIPAL})
DASHBOARD_ROLES = LEADER_ROLES | {Membership.Role.SCHOOL_ADMIN}
_CACHE = "_wanjia_sixones_scope"


@dataclass(frozen=True)
class Scope:
    member: frozenset[int]  # schools where the user is active staff (any role)
    led: frozenset[int]  # schools the user leads (principal, vice principal)
    dashboards: frozenset[int]  # schools whose completion the user reads as staff
    bureaus: frozenset[int]  # bureaus the user inspects

    @property
    def is_anyone(self) -> bool:
        return bool(self.member or self.bureaus)


NOBODY = Scope(frozenset(), frozenset(), frozenset(), frozenset())


def scope(user: Any) -> Scope:
    """The user's schools and bureaus: two queries, cached on the user for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOBODY
    cached = user.__dict__.get(_CACHE)
    if cached is not None:
        return cached
    rows = list(Membership.objects.filter(user=user, is_active=True).values_list("school_id", "role"))
    bureaus = frozenset(
        BureauMembership.objects.filter(
            user=user, is_active=True, role=BureauMembership.Role.INSPECTOR
        ).values_list("bureau_id", flat=True)
    )
    result = Scope(
        member=frozenset(school for school, _role in rows),
        led=frozenset(school for school, role in rows if role in LEADER_ROLES),
        dashboards=frozenset(school for school, role in rows if role in DASHBOARD_ROLES),
        bureaus=bureaus,
    )
    user.__dict__[_CACHE] = result
    return result


def essay_visible_q(user: Any) -> Q:
    s = scope(user)
    if not s.is_anyone:
        return Q(pk__in=[])
    # One's own essays only at the schools where one still works (docs/people.md).
    return (
        Q(author_id=user.pk, school_id__in=s.member)
        | Q(school_id__in=s.led)
        | Q(exemplary=True, school__bureau_id__in=s.bureaus)
    )


def school_visible_q(user: Any) -> Q:
    """Records that follow the school's rule (meetings; acts of help outside a case)."""
    s = scope(user)
    if not s.is_anyone:
        return Q(pk__in=[])
    return Q(school_id__in=s.member) | Q(school__bureau_id__in=s.bureaus)


def act_visible_q(user: Any) -> Q:
    from casework.selectors import case_list_for_user

    if not scope(user).is_anyone:
        return Q(pk__in=[])
    return (Q(case__isnull=True) & school_visible_q(user)) | Q(
        case_id__in=case_list_for_user(user=user).values("id")
    )


def handbook_visible_q(user: Any) -> Q:
    s = scope(user)
    if not s.is_anyone:
        return Q(pk__in=[])
    return (
        Q(teacher_id=user.pk, school_id__in=s.member)
        | Q(school_id__in=s.led)
        | Q(school__bureau_id__in=s.bureaus)
    )
