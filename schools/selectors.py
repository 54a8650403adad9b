"""Reads that depend on who is asking: which schools, classes and pupils a user may see."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from schools.models import AcademicYear, BureauMembership, Classroom, Membership, Pupil, School

Role = Membership.Role

# Roles that see every pupil of their school on the roster (cases have their own, narrower rules).
LEADERSHIP_ROLES = (Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.SCHOOL_ADMIN)


@dataclass
class UserRoles:
    """Everything the interface needs to know about a user's positions, read in two queries."""

    memberships: list[Membership] = field(default_factory=list)
    bureau_memberships: list[BureauMembership] = field(default_factory=list)
    classrooms_led: list[Classroom] = field(default_factory=list)

    @property
    def is_inspector(self) -> bool:
        return any(m.role == BureauMembership.Role.INSPECTOR for m in self.bureau_memberships)

    def school_ids(self, roles: Iterable[str] | None = None) -> set[int]:
        wanted = set(roles) if roles is not None else None
        return {m.school_id for m in self.memberships if wanted is None or m.role in wanted}

    def has_role(self, role: str, school_id: int | None = None) -> bool:
        return any(
            m.role == role and (school_id is None or m.school_id == school_id) for m in self.memberships
        )


def user_roles(*, user: User) -> UserRoles:
    if not user.is_authenticated or not user.is_active:
        return UserRoles()
    return UserRoles(
        memberships=list(
            Membership.objects.filter(user=user, is_active=True).select_related("school", "school__bureau")
        ),
        bureau_memberships=list(
            BureauMembership.objects.filter(user=user, is_active=True).select_related("bureau")
        ),
        classrooms_led=list(
            Classroom.objects.filter(class_teacher=user, academic_year=current_academic_year())
            .select_related("school", "academic_year")
            .order_by("grade", "number")
        ),
    )


def current_academic_year() -> AcademicYear | None:
    """The academic year containing today, or else the most recent one that has started."""
    today = timezone.localdate()
    year = AcademicYear.objects.filter(starts_on__lte=today, ends_on__gte=today).first()
    if year is None:
        year = AcademicYear.objects.filter(starts_on__lte=today).order_by("-starts_on").first()
    return year


def school_list_for_user(*, user: User) -> QuerySet[School]:
    """Schools whose roster the user may read: their own schools, or the bureau's for inspectors."""
    if not user.is_authenticated or not user.is_active:
        return School.objects.none()
    return School.objects.filter(
        Q(memberships__user=user, memberships__is_active=True)
        | Q(
            bureau__memberships__user=user,
            bureau__memberships__is_active=True,
            bureau__memberships__role=BureauMembership.Role.INSPECTOR,
        )
    ).distinct()


def pupil_list_for_user(*, user: User) -> QuerySet[Pupil]:
    """Pupils on the rosters the user may read: every member of staff of the pupil's school
    (anyone may open a case for a pupil of their school), and the bureau's inspectors."""
    if not user.is_authenticated or not user.is_active:
        return Pupil.objects.none()
    school_ids = school_list_for_user(user=user).values("id")
    return Pupil.objects.filter(school_id__in=school_ids)


def pupil_get_for_user(*, user: User, pupil_id: int) -> Pupil:
    try:
        return pupil_list_for_user(user=user).select_related("school", "classroom").get(pk=pupil_id)
    except Pupil.DoesNotExist as exc:
        raise Http404 from exc


def school_get_for_admin(*, user: User, school_id: int) -> School:
    """A school the user administers (school administrator or principal); 404 otherwise."""
    try:
        return School.objects.get(
            pk=school_id,
            memberships__user=user,
            memberships__is_active=True,
            memberships__role__in=[Role.SCHOOL_ADMIN, Role.PRINCIPAL, Role.VICE_PRINCIPAL],
        )
    except School.DoesNotExist as exc:
        raise Http404 from exc
