"""Reads of inspections, rectifications and notices that depend on who is asking.

Each list is one queryset filtered by the user's scope (``access.scope_for``: two small
queries); each ``*_get_for_user`` raises NotFound (404) for objects the user may not see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from casework.models import Case
from core.errors import NotFound
from inspections import access
from inspections.models import ChecklistItem, Inspection, Notice, Rectification
from schools.models import BureauMembership, Membership, Pupil, School


def inspection_list_for_user(*, user: User) -> QuerySet[Inspection]:
    """Inspectors: every inspection of their bureaus (drafts too). School leaders and
    administrators: their school's submitted inspections. Others: none."""
    scope = access.scope_for(user)
    if not scope.sees_anything:
        return Inspection.objects.none()
    condition = Q(pk__in=[])
    if scope.bureaus:
        condition |= Q(bureau_id__in=sorted(scope.bureaus))
    if scope.reader_schools:
        condition |= Q(school_id__in=sorted(scope.reader_schools), state=Inspection.State.SUBMITTED)
    return Inspection.objects.filter(condition)


def inspection_list_page_queryset(queryset: QuerySet[Inspection]) -> QuerySet[Inspection]:
    return (
        queryset.select_related("school", "created_by")
        .annotate(
            finding_count=Count("findings", distinct=True),
            overdue_count=Count(
                "findings__rectification",
                filter=Q(findings__rectification__deadline__lt=timezone.localdate())
                & ~Q(findings__rectification__state=Rectification.State.CLOSED),
                distinct=True,
            ),
        )
        .order_by("-inspected_on", "-id")
    )


def inspection_get_for_user(*, user: User, inspection_id: int) -> Inspection:
    inspection = (
        inspection_list_for_user(user=user)
        .select_related("school", "school__bureau", "bureau", "created_by", "submitted_by")
        .filter(pk=inspection_id)
        .first()
    )
    if inspection is None:
        raise NotFound(_("No such inspection."))
    return inspection


def rectification_list_for_user(*, user: User, overdue: bool = False) -> QuerySet[Rectification]:
    """Inspectors: every rectification of their bureaus; school leaders and administrators:
    their school's. Rectifications exist only on submitted inspections."""
    scope = access.scope_for(user)
    if not scope.sees_anything:
        return Rectification.objects.none()
    condition = Q(pk__in=[])
    if scope.bureaus:
        condition |= Q(school__bureau_id__in=sorted(scope.bureaus))
    if scope.reader_schools:
        condition |= Q(school_id__in=sorted(scope.reader_schools))
    queryset = Rectification.objects.filter(condition)
    return queryset.overdue() if overdue else queryset


def rectification_list_page_queryset(queryset: QuerySet[Rectification]) -> QuerySet[Rectification]:
    return queryset.select_related("school", "finding", "finding__inspection", "answered_by").order_by(
        "deadline", "id"
    )


def rectification_get_for_user(*, user: User, rectification_id: int) -> Rectification:
    rectification = (
        rectification_list_for_user(user=user)
        .select_related(
            "school",
            "school__bureau",
            "finding",
            "finding__inspection",
            "opened_by",
            "answered_by",
            "closed_by",
        )
        .filter(pk=rectification_id)
        .first()
    )
    if rectification is None:
        raise NotFound(_("No such rectification."))
    return rectification


def notice_list_for_user(*, user: User) -> QuerySet[Notice]:
    """Inspectors: their bureaus' notices; leaders and administrators: their school's; a teacher:
    the notices that name them, of the schools where they still work (docs/people.md)."""
    scope = access.scope_for(user)
    if not user.is_authenticated or not user.is_active:
        return Notice.objects.none()
    condition = Q(
        pk__in=Notice.objects.filter(
            teachers=user,
            school_id__in=Membership.objects.filter(user=user, is_active=True).values("school_id"),
        ).values("pk")
    )
    if scope.bureaus:
        condition |= Q(bureau_id__in=sorted(scope.bureaus))
    if scope.reader_schools:
        condition |= Q(school_id__in=sorted(scope.reader_schools))
    return Notice.objects.filter(condition)


def notice_get_for_user(*, user: User, notice_id: int) -> Notice:
    notice = (
        notice_list_for_user(user=user)
        .select_related("school", "school__bureau", "issued_by", "withdrawn_by", "inspection")
        .prefetch_related("teachers")
        .filter(pk=notice_id)
        .first()
    )
    if notice is None:
        raise NotFound(_("No such notice."))
    return notice


# --- choices for the inspector's forms ---------------------------------------------------------


def inspectable_schools(*, user: User) -> QuerySet[School]:
    return School.objects.filter(bureau_id__in=sorted(access.scope_for(user).bureaus)).order_by("code")


def bureau_inspectors(*, bureau_ids: Iterable[int]) -> QuerySet[User]:
    """Active inspectors of any of these bureaus."""
    return User.objects.filter(
        bureau_memberships__bureau_id__in=sorted(bureau_ids),
        bureau_memberships__is_active=True,
        bureau_memberships__role=BureauMembership.Role.INSPECTOR,
        is_active=True,
    ).distinct()


def school_cases(*, school_id: int) -> QuerySet[Case]:
    return Case.objects.filter(school_id=school_id).select_related("pupil").order_by("-id")


def school_pupils(*, school_id: int) -> QuerySet[Pupil]:
    return Pupil.objects.filter(school_id=school_id, is_active=True).order_by(
        "classroom_id", "student_number"
    )


def active_checklist() -> QuerySet[ChecklistItem]:
    return ChecklistItem.objects.filter(active=True).order_by("order", "code")


# --- dashboard ---------------------------------------------------------------------------------


@dataclass
class RectificationCounts:
    open: int = 0
    overdue: int = 0
    answered: int = 0

    @property
    def any(self) -> bool:
        return bool(self.open or self.answered)


def rectification_counts(*, user: User) -> RectificationCounts | None:
    """Not closed, overdue and awaiting the inspector: for the home page (None: not for this user)."""
    scope = access.scope_for(user)
    if not (scope.bureaus or scope.led_schools):
        return None
    today = timezone.localdate()
    not_closed = ~Q(state=Rectification.State.CLOSED)
    return RectificationCounts(
        **rectification_list_for_user(user=user).aggregate(
            open=Count("id", filter=Q(state=Rectification.State.OPEN)),
            overdue=Count("id", filter=not_closed & Q(deadline__lt=today)),
            answered=Count("id", filter=Q(state=Rectification.State.ANSWERED)),
        )
    )
