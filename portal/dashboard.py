"""The home page's dashboard: the user's positions and one card per role, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from casework.models import State
from casework.selectors import case_list_for_user
from inspections.selectors import RectificationCounts, rectification_counts
from schools.calendar import current_phases
from schools.models import Bureau, CampaignPhase, Classroom, Membership, School
from schools.selectors import (
    PupilCounts,
    SchoolStats,
    UserRoles,
    pupil_counts_by,
    school_stats,
    user_roles,
)

Role = Membership.Role


@dataclass
class Position:
    """One line of "who am I here": a title and the school, class or bureau it belongs to."""

    title: str
    place: str


@dataclass
class ClassCard:
    classroom: Classroom
    counts: PupilCounts


@dataclass
class BureauOverview:
    bureau: Bureau
    schools: list[SchoolStats]

    @property
    def totals(self) -> PupilCounts:
        totals = PupilCounts()
        for stats in self.schools:
            for counter in fields(PupilCounts):
                name = counter.name
                setattr(totals, name, getattr(totals, name) + getattr(stats.counts, name))
        return totals


@dataclass
class CaseCounts:
    """Cases the user may see that are not closed, and how many of them are theirs or waiting."""

    open: int = 0
    mine: int = 0
    awaiting_approval: int = 0
    home_visit: int = 0


def case_counts(*, user: User) -> CaseCounts:
    not_closed = ~Q(state=State.CLOSED)
    return CaseCounts(
        **case_list_for_user(user=user).aggregate(
            open=Count("id", filter=not_closed),
            mine=Count("id", filter=not_closed & Q(owner_id=user.pk)),
            awaiting_approval=Count("id", filter=Q(state=State.AWAITING_APPROVAL)),
            home_visit=Count("id", filter=Q(state=State.HOME_VISIT)),
        )
    )


@dataclass
class HomeDashboard:
    positions: list[Position] = field(default_factory=list)
    classes_led: list[ClassCard] = field(default_factory=list)
    teaching: list[SchoolStats] = field(default_factory=list)  # teachers who lead no class
    leadership: list[SchoolStats] = field(default_factory=list)  # principals and vice principals
    counselling: list[SchoolStats] = field(default_factory=list)
    administration: list[SchoolStats] = field(default_factory=list)
    custody: list[School] = field(default_factory=list)
    inspection: list[BureauOverview] = field(default_factory=list)
    cases: CaseCounts = field(default_factory=CaseCounts)
    rectifications: RectificationCounts | None = None  # inspectors and school leaders
    phases: list[CampaignPhase] = field(default_factory=list)  # the phase running in each of my bureaus

    @property
    def has_position(self) -> bool:
        return bool(self.positions)


def home_dashboard(*, user: User, roles: UserRoles | None = None) -> HomeDashboard:
    roles = roles if roles is not None else user_roles(user=user)
    dashboard = HomeDashboard()

    bureaus = {m.bureau_id: m.bureau for m in roles.bureau_memberships}
    for bureau_membership in roles.bureau_memberships:
        dashboard.positions.append(
            Position(title=bureau_membership.get_role_display(), place=bureau_membership.bureau.name)
        )
    for membership in roles.memberships:
        dashboard.positions.append(
            Position(title=membership.get_role_display(), place=membership.school.name)
        )
    for classroom in roles.classrooms_led:
        dashboard.positions.append(Position(title=_("class teacher"), place=classroom.label))

    schools_by_role: dict[str, list[School]] = {}
    for membership in roles.memberships:
        schools_by_role.setdefault(membership.role, []).append(membership.school)
    led_school_ids = {c.school_id for c in roles.classrooms_led}
    inspected = (
        list(School.objects.filter(bureau_id__in=bureaus).order_by("bureau_id", "code")) if bureaus else []
    )

    # One round of aggregate queries for every school any card needs.
    wanted: dict[int, School] = {school.pk: school for school in inspected}
    for role in (Role.TEACHER, Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.COUNSELLOR, Role.SCHOOL_ADMIN):
        wanted.update({school.pk: school for school in schools_by_role.get(role, [])})
    stats = {s.school.pk: s for s in school_stats(schools=wanted.values())}

    def for_roles(*wanted_roles: str) -> list[SchoolStats]:
        seen: dict[int, SchoolStats] = {}
        for role in wanted_roles:
            for school in schools_by_role.get(role, []):
                seen.setdefault(school.pk, stats[school.pk])
        return list(seen.values())

    if roles.classrooms_led:
        class_counts = pupil_counts_by(key="classroom_id", ids=[c.pk for c in roles.classrooms_led])
        dashboard.classes_led = [ClassCard(c, class_counts[c.pk]) for c in roles.classrooms_led]
    dashboard.teaching = [s for s in for_roles(Role.TEACHER) if s.school.pk not in led_school_ids]
    dashboard.leadership = for_roles(Role.PRINCIPAL, Role.VICE_PRINCIPAL)
    dashboard.counselling = for_roles(Role.COUNSELLOR)
    dashboard.administration = for_roles(Role.SCHOOL_ADMIN)
    dashboard.custody = schools_by_role.get(Role.CUSTODIAN, [])
    dashboard.inspection = [
        BureauOverview(bureau, [stats[s.pk] for s in inspected if s.bureau_id == bureau_id])
        for bureau_id, bureau in bureaus.items()
    ]
    if dashboard.positions:
        my_bureaus = set(bureaus) | {m.school.bureau_id for m in roles.memberships}
        dashboard.phases = current_phases(bureau_ids=my_bureaus, on=timezone.localdate())
        dashboard.cases = case_counts(user=user)
        dashboard.rectifications = rectification_counts(user=user)
    return dashboard
