"""Who may export whose evidence file, and which dates a campaign year covers.

Teacher files (评先选优、评职晋级): the member of staff themself, the principal, vice principals and
school administrators of a school where they work, and the bureau's inspectors (read-only: an
export is a read). Pupil files (综合素质评价): whoever may see one of the pupil's cases, and the
pupil's class teacher and school leaders even when no case is visible. Everyone else: 404.
Inside a file every record is filtered again by the rules of the record itself (see sections.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from casework.selectors import case_list_for_user
from core.errors import Invalid, NotFound, Refusal
from schools.calendar import FIRST_YEAR, LAST_YEAR, campaign_for
from schools.models import BureauMembership, Campaign, Membership, Pupil, School

# Principal, vice principals and school administrators: they see every case of the school.
LEADERSHIP = (Membership.Role.PRINCIPAL, Membership.Role.VICE_PRINCIPAL, Membership.Role.SCHOOL_ADMIN)


@dataclass(frozen=True)
class Period:
    """A campaign year (活动年度) as days in Asia/Shanghai, both ends included."""

    year: int
    starts_on: datetime.date
    ends_on: datetime.date
    campaign: Campaign | None

    @property
    def start(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.starts_on, datetime.time.min))

    @property
    def end(self) -> datetime.datetime:
        """The first instant after the period (exclusive bound for timestamps)."""
        day = self.ends_on + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def period_for(*, bureau_id: int, year: int) -> Period:
    """The bureau's campaign of ``year``; without one, the calendar year (the programme's default
    phases run from January to December, so the two agree unless the bureau moved them)."""
    campaign = Campaign.objects.filter(bureau_id=bureau_id, year=year).first()
    if campaign is not None:
        return Period(year, campaign.starts_on, campaign.ends_on, campaign)
    return Period(year, datetime.date(year, 1, 1), datetime.date(year, 12, 31), None)


def default_year(*, bureau_id: int) -> int:
    today = timezone.localdate()
    campaign = campaign_for(bureau_id=bureau_id, on=today)
    return campaign.year if campaign is not None else today.year


def parse_year(raw: str | None, *, bureau_id: int) -> int:
    """``?year=`` as a campaign year; missing means the current one; anything else is a 400."""
    if raw is None or raw == "":
        return default_year(bureau_id=bureau_id)
    try:
        year = int(raw)
    except ValueError:
        year = 0
    if not FIRST_YEAR <= year <= LAST_YEAR:
        message = _("Give the campaign year as a number between %(first)s and %(last)s.") % {
            "first": FIRST_YEAR,
            "last": LAST_YEAR,
        }
        raise Invalid(message, errors={"year": [message]})
    return year


def _inspected_bureaus(user: User) -> set[int]:
    return set(
        BureauMembership.objects.filter(
            user=user, is_active=True, role=BureauMembership.Role.INSPECTOR
        ).values_list("bureau_id", flat=True)
    )


def _led_schools(user: User) -> set[int]:
    return set(
        Membership.objects.filter(user=user, is_active=True, role__in=LEADERSHIP).values_list(
            "school_id", flat=True
        )
    )


def teacher_get_for_export(*, user: User | AnonymousUser, teacher_id: int) -> tuple[User, School]:
    """The member of staff and the school whose file it is; NotFound (404) for anyone else."""
    if not isinstance(user, User) or not user.is_active:
        raise NotFound(_("No such member of staff."))
    memberships = list(
        Membership.objects.filter(user_id=teacher_id, user__is_active=True, is_active=True)
        .select_related("school", "user")
        .order_by("school__code", "pk")
    )
    chosen = None
    if memberships and teacher_id == user.pk:
        chosen = memberships[0]
    elif memberships:
        led = _led_schools(user)
        bureaus = _inspected_bureaus(user)
        chosen = next(
            (m for m in memberships if m.school_id in led),
            next((m for m in memberships if m.school.bureau_id in bureaus), None),
        )
    if chosen is None:
        raise NotFound(_("No such member of staff."))
    return chosen.user, chosen.school


def pupil_get_for_export(*, user: User | AnonymousUser, pupil_id: int) -> Pupil:
    """The pupil, if the user may see one of their cases or is their class teacher or school
    leader; NotFound (404) otherwise."""
    if not isinstance(user, User) or not user.is_active:
        raise NotFound(_("No such pupil."))
    pupil = Pupil.objects.filter(pk=pupil_id).select_related("school", "classroom").first()
    if pupil is None:
        raise NotFound(_("No such pupil."))
    is_class_teacher = (
        pupil.classroom is not None
        and pupil.classroom.class_teacher_id == user.pk
        # Only while they still work at the pupil's school (docs/people.md).
        and Membership.objects.filter(user=user, school_id=pupil.school_id, is_active=True).exists()
    )
    allowed = (
        is_class_teacher
        or pupil.school_id in _led_schools(user)
        or case_list_for_user(user=user).filter(pupil_id=pupil.pk).exists()
    )
    if not allowed:
        refusal = Refusal(target=pupil, school_id=pupil.school_id, pupil_id=pupil.pk)
        raise NotFound(_("No such pupil."), refusal=refusal)
    return pupil


def pupil_get_for_subject_export(*, user: User | AnonymousUser, pupil_id: int) -> Pupil:
    """The pupil, if the user is an active principal of the pupil's school: the data-subject export
    holds every record about the pupil, whoever wrote it, so only the head of the school answers a
    family's request (docs/evidence-exports.md). NotFound (404) for everyone else."""
    if not isinstance(user, User) or not user.is_active:
        raise NotFound(_("No such pupil."))
    pupil = Pupil.objects.filter(pk=pupil_id).select_related("school", "classroom__school").first()
    if (
        pupil is None
        or not Membership.objects.filter(
            user=user, school_id=pupil.school_id, is_active=True, role=Membership.Role.PRINCIPAL
        ).exists()
    ):
        raise NotFound(_("No such pupil."))
    return pupil


def pupil_may_subject_export(*, user: User, pupil: Pupil) -> bool:
    try:
        pupil_get_for_subject_export(user=user, pupil_id=pupil.pk)
    except NotFound:
        return False
    return True


def pupil_may_export(*, user: User, pupil: Pupil) -> bool:
    try:
        pupil_get_for_export(user=user, pupil_id=pupil.pk)
    except NotFound:
        return False
    return True


def school_list_for_evidence(*, user: User) -> QuerySet[School]:
    """Schools whose staff list (with export links) the user may read: the schools they lead,
    and every school of the bureaus they inspect."""
    if not user.is_active:
        return School.objects.none()
    return School.objects.filter(
        Q(pk__in=sorted(_led_schools(user))) | Q(bureau_id__in=sorted(_inspected_bureaus(user)))
    ).order_by("code")


def school_get_for_evidence(*, user: User, school_id: int) -> School:
    school = school_list_for_evidence(user=user).filter(pk=school_id).first()
    if school is None:
        raise NotFound(_("No such school."))
    return school


def staff_list_for_school(*, school: School) -> QuerySet[User]:
    """The school's active staff, each with their roles there (prefetched: two queries a page)."""
    return (
        User.objects.filter(is_active=True, memberships__school=school, memberships__is_active=True)
        .distinct()
        .order_by("full_name", "username")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(school=school, is_active=True).order_by("role"),
                to_attr="school_memberships",
            )
        )
    )
