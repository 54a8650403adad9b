"""Who a user is to a case. Everything that decides "may this person see or do this" starts here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model
from django.utils import timezone

from core.errors import Refusal
from schools.models import BureauMembership, Membership

if TYPE_CHECKING:
    from accounts.models import User
    from casework.models import Case, HomeVisit

OWNER = "owner"  # the paired teacher (结对教师)
CLASS_TEACHER = "class_teacher"  # the pupil's class teacher (班主任)
LEADER = "leader"  # principal or vice principal of the case's school
SCHOOL_ADMIN = "school_admin"
SCHOOL_COUNSELLOR = "school_counsellor"  # a counsellor of the school, on a psychological case
NOTES = "notes"  # a counsellor granted on this case: reads and writes its confidential notes
INSPECTOR = "inspector"  # the bureau's inspectors: read-only
# A leader or an inspector who opened the notes in an emergency (docs/break-glass.md): reads
# them, never writes, until the access expires. Only a LEADER or an INSPECTOR holds it.
BREAK_GLASS = "break_glass"
BREAK_GLASS_ELIGIBLE = frozenset({LEADER, INSPECTOR})

NOTES_PERMISSION = "access_counselling_notes"
_CACHE = "_wanjia_roles"


def case_roles(case: Case, user: User | AnonymousUser) -> frozenset[str]:
    """The user's roles on the case; empty means the case does not exist for them.

    Every role needs an active membership at the case's school (or, for inspectors, at its
    bureau): the owner and the class teacher lose the case the moment they leave the school.
    Superusers get nothing special here: the Django admin flag opens no case and no note. Nor do
    global permissions or groups (``user.has_perm``, which the admin can hand out): the notes
    open only to the per-case user grant held with an active counsellor membership of the
    school (NOTES) or to an unexpired emergency access (BREAK_GLASS, docs/break-glass.md).
    Cached on the case instance for the duration of a request.
    """
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cache: dict[int, frozenset[str]] = case.__dict__.setdefault(_CACHE, {})
    if user.pk in cache:
        return cache[user.pk]

    from casework.models import BreakGlassAccess, CaseCategory, CaseUserObjectPermission, Category

    roles: set[str] = set()
    school_roles = set(
        Membership.objects.filter(user=user, school_id=case.school_id, is_active=True).values_list(
            "role", flat=True
        )
    )
    if school_roles:  # someone who left the school keeps no case of it (docs/people.md)
        if case.owner_id == user.pk:
            roles.add(OWNER)
        classroom = case.pupil.classroom
        if classroom is not None and classroom.class_teacher_id == user.pk:
            roles.add(CLASS_TEACHER)
    if school_roles & {Membership.Role.PRINCIPAL, Membership.Role.VICE_PRINCIPAL}:
        roles.add(LEADER)
    if Membership.Role.SCHOOL_ADMIN in school_roles:
        roles.add(SCHOOL_ADMIN)
    if Membership.Role.COUNSELLOR in school_roles:
        if CaseCategory.objects.filter(case=case, category=Category.PSYCHOLOGICAL).exists():
            roles.add(SCHOOL_COUNSELLOR)
        if CaseUserObjectPermission.objects.filter(
            user=user, content_object=case, permission__codename=NOTES_PERMISSION
        ).exists():
            roles.add(NOTES)
    if BureauMembership.objects.filter(
        user=user,
        bureau_id=case.school.bureau_id,
        role=BureauMembership.Role.INSPECTOR,
        is_active=True,
    ).exists():
        roles.add(INSPECTOR)
    # Only while the person still holds the position they opened it in, and only until it expires.
    if (
        roles & BREAK_GLASS_ELIGIBLE
        and BreakGlassAccess.objects.filter(case=case, user=user, expires_at__gt=timezone.now()).exists()
    ):
        roles.add(BREAK_GLASS)
    result = frozenset(roles)
    cache[user.pk] = result
    return result


def case_refusal(case: Case) -> Refusal:
    """What the trail records when the case is refused to someone (``access.refused``)."""
    return Refusal(target=case, school_id=case.school_id, case_id=case.pk, pupil_id=case.pupil_id)


def forget_roles(obj: Model) -> None:
    """Drop cached roles after a change that affects them (a grant, a category)."""
    obj.__dict__.pop(_CACHE, None)


WORKERS = frozenset({OWNER, CLASS_TEACHER})
REVIEWERS = frozenset({OWNER, CLASS_TEACHER, LEADER})


# --- home visits ---------------------------------------------------------------------------------

PARTICIPANT = "participant"  # takes part in the visit: may appoint, record, report a gift
VISIT_LEADER_ROLES = (Membership.Role.PRINCIPAL, Membership.Role.VICE_PRINCIPAL)
PLANNER_ROLES = (Membership.Role.PRINCIPAL, Membership.Role.VICE_PRINCIPAL, Membership.Role.SCHOOL_ADMIN)
_VISIT_CACHE = "_wanjia_visit_roles"


def visit_roles(visit: HomeVisit, user: User | AnonymousUser) -> frozenset[str]:
    """The user's roles on the visit; empty means it does not exist for them.

    Any visit: its participants, the pupil's class teacher, the school's principal and vice
    principals, the bureau's inspectors (read-only). A case visit adds the case's own roles.
    Participants and the class teacher need an active membership at the visit's school.
    """
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cache: dict[int, frozenset[str]] = visit.__dict__.setdefault(_VISIT_CACHE, {})
    if user.pk in cache:
        return cache[user.pk]
    from casework.models import VisitParticipant

    roles: set[str] = set()
    school_roles = set(
        Membership.objects.filter(user=user, school_id=visit.school_id, is_active=True).values_list(
            "role", flat=True
        )
    )
    if school_roles:  # someone who left the school keeps no visit of it (docs/people.md)
        if VisitParticipant.objects.filter(visit_id=visit.pk, user_id=user.pk).exists():
            roles.add(PARTICIPANT)
        classroom = visit.pupil.classroom
        if classroom is not None and classroom.class_teacher_id == user.pk:
            roles.add(CLASS_TEACHER)
    if school_roles & set(VISIT_LEADER_ROLES):
        roles.add(LEADER)
    if BureauMembership.objects.filter(
        user=user, bureau_id=visit.school.bureau_id, role=BureauMembership.Role.INSPECTOR, is_active=True
    ).exists():
        roles.add(INSPECTOR)
    if visit.case is not None:
        roles |= case_roles(visit.case, user)
    result = frozenset(roles)
    cache[user.pk] = result
    return result


def visit_refusal(visit: HomeVisit) -> Refusal:
    """What the trail records when the visit is refused to someone (``access.refused``)."""
    return Refusal(target=visit, school_id=visit.school_id, case_id=visit.case_id, pupil_id=visit.pupil_id)


def may_write_visit(visit: HomeVisit, user: User | AnonymousUser) -> bool:
    """Participants, and on a case visit the case's workers (owner, class teacher)."""
    roles = visit_roles(visit, user)
    if PARTICIPANT in roles:
        return True
    return visit.case is not None and bool(case_roles(visit.case, user) & WORKERS)
