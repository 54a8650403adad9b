"""Reads that depend on who is asking: which schools, classes and pupils a user may see."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import NotFound, Refusal
from schools.models import (
    AcademicYear,
    BureauMembership,
    Classroom,
    Guardian,
    Membership,
    Pupil,
    School,
    special_group_label,
)

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
    memberships = list(
        Membership.objects.filter(user=user, is_active=True).select_related("school", "school__bureau")
    )
    return UserRoles(
        memberships=memberships,
        bureau_memberships=list(
            BureauMembership.objects.filter(user=user, is_active=True).select_related("bureau")
        ),
        # A class counts only at a school where the user still works (docs/people.md).
        classrooms_led=[
            classroom
            for classroom in Classroom.objects.filter(
                class_teacher=user, academic_year=current_academic_year()
            )
            .select_related("school", "academic_year")
            .order_by("grade", "number")
            if classroom.school_id in {m.school_id for m in memberships}
        ],
    )


def home_school_id(user: User | None) -> int | None:
    """The school whose audit chain holds a person's own events (logins, their user record, their
    API token): their only school, else none (the bureau chain)."""
    if user is None or user.pk is None:
        return None
    schools = list(
        Membership.objects.filter(user=user, is_active=True)
        .values_list("school_id", flat=True)
        .distinct()[:2]
    )
    return schools[0] if len(schools) == 1 else None


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
    """The pupil, or NotFound (404); a pupil who exists but is not the user's to see is a refusal
    the trail records (``access.refused``, one more small query, on refusals only)."""
    pupil = pupil_list_for_user(user=user).select_related("school", "classroom").filter(pk=pupil_id).first()
    if pupil is None:
        raise NotFound(_("No such pupil."), refusal=pupil_refusal(pupil_id))
    return pupil


def pupil_refusal(pupil_id: int) -> Refusal | None:
    """The refusal of an existing pupil (target, school, pupil), or None if there is no such pupil."""
    pupil = Pupil.objects.only("school").filter(pk=pupil_id).first()
    return Refusal(target=pupil, school_id=pupil.school_id, pupil_id=pupil.pk) if pupil else None


# --- figures for home pages and lists ----------------------------------------------------------

SPECIAL_GROUPS = Pupil.SPECIAL_GROUP_FIELDS


def special_group_choices() -> list[tuple[str, str]]:
    """(field name, translated label) for each special group, in the model's order."""
    return [(name, special_group_label(name)) for name in SPECIAL_GROUPS]


@dataclass
class PupilCounts:
    """Pupils on roll, and how many of them belong to each special group."""

    pupils: int = 0
    special: int = 0  # in at least one special group
    left_behind: int = 0
    single_parent: int = 0
    migrant_child: int = 0
    registered_poor: int = 0
    without_class: int = 0
    without_guardian: int = 0

    def by_group(self) -> list[tuple[str, str, int]]:
        """(group, label, count) rows, for templates that list every group."""
        return [(name, label, getattr(self, name)) for name, label in special_group_choices()]


@dataclass
class SchoolStats:
    school: School
    counts: PupilCounts
    classes: int = 0
    staff: int = 0


def _any_special_group() -> Q:
    condition = Q()
    for name in SPECIAL_GROUPS:
        condition |= Q(**{name: True})
    return condition


def pupil_counts_by(*, key: str, ids: Iterable[int]) -> dict[int, PupilCounts]:
    """Counts of pupils on roll grouped by ``key`` ("school_id" or "classroom_id"): one query."""
    ids = list(ids)
    if not ids:
        return {}
    has_guardian = Exists(Guardian.objects.filter(pupil=OuterRef("pk")))
    rows = (
        Pupil.objects.filter(is_active=True, **{f"{key}__in": ids})
        .annotate(has_guardian=has_guardian)
        .values(key)
        .annotate(
            pupils=Count("id"),
            special=Count("id", filter=_any_special_group()),
            without_class=Count("id", filter=Q(classroom__isnull=True)),
            without_guardian=Count("id", filter=Q(has_guardian=False)),
            **{name: Count("id", filter=Q(**{name: True})) for name in SPECIAL_GROUPS},
        )
        .order_by()
    )
    counts = {pk: PupilCounts() for pk in ids}
    for row in rows:
        group_id = row.pop(key)
        counts[group_id] = PupilCounts(**row)
    return counts


def school_stats(*, schools: Iterable[School]) -> list[SchoolStats]:
    """Pupils (by special group), classes this year and staff of each school, in a fixed number
    of queries however many schools there are."""
    schools = list(schools)
    ids = [school.pk for school in schools]
    if not ids:
        return []
    counts = pupil_counts_by(key="school_id", ids=ids)
    year = current_academic_year()
    classes = dict(
        Classroom.objects.filter(school_id__in=ids, academic_year=year)
        .values_list("school_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    staff = dict(
        Membership.objects.filter(school_id__in=ids, is_active=True)
        .values_list("school_id")
        .annotate(n=Count("user_id", distinct=True))
        .order_by()
    )
    return [
        SchoolStats(
            school=school,
            counts=counts[school.pk],
            classes=classes.get(school.pk, 0),
            staff=staff.get(school.pk, 0),
        )
        for school in schools
    ]


def classroom_list_for_user(*, user: User) -> QuerySet[Classroom]:
    """This year's classes of the schools whose roster the user may read."""
    return (
        Classroom.objects.filter(
            school_id__in=school_list_for_user(user=user).values("id"),
            academic_year=current_academic_year(),
        )
        .select_related("school")
        .order_by("school__code", "grade", "number")
    )


def pupil_search_for_user(
    *,
    user: User,
    school_id: int | None = None,
    classroom_id: int | None = None,
    classroom_ids: Iterable[int] | None = None,
    group: str | None = None,
    query: str = "",
) -> QuerySet[Pupil]:
    """Pupils on roll the user may read, narrowed by school, class, special group and a search
    on name or student number; ready to page through without further queries per row."""
    pupils = pupil_list_for_user(user=user).filter(is_active=True)
    if school_id is not None:
        pupils = pupils.filter(school_id=school_id)
    if classroom_id is not None:
        pupils = pupils.filter(classroom_id=classroom_id)
    if classroom_ids is not None:
        pupils = pupils.filter(classroom_id__in=sorted(classroom_ids))
    if group:
        if group not in SPECIAL_GROUPS:
            raise ValueError(f"Unknown special group: {group!r}")
        pupils = pupils.filter(**{group: True})
    query = query.strip()
    if query:
        pupils = pupils.filter(Q(name__icontains=query) | Q(student_number__icontains=query))
    return pupils.select_related("school", "classroom").order_by(
        "school__code", "classroom__grade", "classroom__number", "student_number", "pk"
    )


def school_staff(*, school_id: int) -> QuerySet[User]:
    """The school's active staff (any role), by name: the choices for tutors, participants, staff
    named in an opinion, teachers an inspection talked to."""
    return (
        User.objects.filter(memberships__school_id=school_id, memberships__is_active=True, is_active=True)
        .distinct()
        .order_by("full_name", "username")
    )
