"""Who a user is to a case. Everything that decides "may this person see or do this" starts here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model

from schools.models import BureauMembership, Membership

if TYPE_CHECKING:
    from accounts.models import User
    from casework.models import Case

OWNER = "owner"  # the paired teacher (结对教师)
CLASS_TEACHER = "class_teacher"  # the pupil's class teacher (班主任)
LEADER = "leader"  # principal or vice principal of the case's school
SCHOOL_ADMIN = "school_admin"
SCHOOL_COUNSELLOR = "school_counsellor"  # a counsellor of the school, on a psychological case
NOTES = "notes"  # a counsellor granted on this case: reads and writes its confidential notes
INSPECTOR = "inspector"  # the bureau's inspectors: read-only

NOTES_PERMISSION = "access_counselling_notes"
_CACHE = "_wanjia_roles"


def case_roles(case: Case, user: User | AnonymousUser) -> frozenset[str]:
    """The user's roles on the case; empty means the case does not exist for them.

    Superusers get nothing special here: the Django admin flag opens no case and no note.
    Cached on the case instance for the duration of a request.
    """
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cache: dict[int, frozenset[str]] = case.__dict__.setdefault(_CACHE, {})
    if user.pk in cache:
        return cache[user.pk]

    from casework.models import CaseCategory, CaseUserObjectPermission, Category

    roles: set[str] = set()
    if case.owner_id == user.pk:
        roles.add(OWNER)
    classroom = case.pupil.classroom
    if classroom is not None and classroom.class_teacher_id == user.pk:
        roles.add(CLASS_TEACHER)
    school_roles = set(
        Membership.objects.filter(user=user, school_id=case.school_id, is_active=True).values_list(
            "role", flat=True
        )
    )
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
    result = frozenset(roles)
    cache[user.pk] = result
    return result


def forget_roles(obj: Model) -> None:
    """Drop cached roles after a change that affects them (a grant, a category)."""
    obj.__dict__.pop(_CACHE, None)


WORKERS = frozenset({OWNER, CLASS_TEACHER})
REVIEWERS = frozenset({OWNER, CLASS_TEACHER, LEADER})
