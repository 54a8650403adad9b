"""Who may see and handle parents' opinions (see docs/parents-opinions.md).

- The principal and vice principals of the school: every opinion of the school; they alone
  move an opinion along (study, plan the rectification, answer the parents).
- The bureau's inspectors: every opinion of the bureau's schools, read-only.
- Whoever recorded the opinion, and the case's workers (owner, the pupil's class teacher): the
  opinions raised on their case, read-only.
- An opinion about a teacher is never shown to that teacher through the two rules above; they
  see it only if they lead the school. Parents must be able to complain about a teacher safely.
- Everyone else, superusers included: nothing (the selectors answer 404).

An opinion received another way (phone, letter, parents' meeting, mailbox, in person) may be
recorded by the school's teachers, school administrators and leaders (``RECEIVER_ROLES``); the
same reading rules apply, the recorder's own rule standing in for the case's.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from schools.models import BureauMembership, Membership

LEADER_ROLES = (Membership.Role.PRINCIPAL, Membership.Role.VICE_PRINCIPAL)
# Who may record an opinion that did not come from a home visit. Counsellors and custodians are
# left out: parents' opinions on the school are not their business.
RECEIVER_ROLES = (Membership.Role.TEACHER, Membership.Role.SCHOOL_ADMIN, *LEADER_ROLES)
_CACHE = "_wanjia_opinion_scope"


def _scope(user: Any) -> tuple[frozenset[int], frozenset[int], frozenset[int]]:
    """(schools the user leads, bureaus the user inspects, schools where the user works), cached
    on the user for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset(), frozenset(), frozenset()
    cached = user.__dict__.get(_CACHE)
    if cached is not None:
        return cached
    rows = list(Membership.objects.filter(user=user, is_active=True).values_list("school_id", "role"))
    led = frozenset(school for school, role in rows if role in LEADER_ROLES)
    member = frozenset(school for school, _role in rows)
    bureaus = frozenset(
        BureauMembership.objects.filter(
            user=user, is_active=True, role=BureauMembership.Role.INSPECTOR
        ).values_list("bureau_id", flat=True)
    )
    user.__dict__[_CACHE] = (led, bureaus, member)
    return led, bureaus, member


def led_schools(user: Any) -> frozenset[int]:
    return _scope(user)[0]


def inspected_bureaus(user: Any) -> frozenset[int]:
    return _scope(user)[1]


def visible_q(user: Any) -> Q:
    """The opinions the user may read, as one filter (nothing for anonymous or inactive users).

    The recorder's and the case workers' rule holds only at the schools where they still work:
    someone who left a school sees none of its opinions (docs/people.md).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    led, bureaus, member = _scope(user)
    condition = Q(school_id__in=led) | Q(school__bureau_id__in=bureaus)
    if member:
        worker = (Q(raised_by=user) | Q(case__owner=user) | Q(pupil__classroom__class_teacher=user)) & ~Q(
            about_teacher=user
        )
        condition |= worker & Q(school_id__in=member)
    return condition


def receiving_school_ids(user: Any) -> list[int]:
    """The schools at which the user may record an opinion received without a visit."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return sorted(
        set(
            Membership.objects.filter(user=user, is_active=True, role__in=RECEIVER_ROLES).values_list(
                "school_id", flat=True
            )
        )
    )
