"""Reads of six-ones records and completion that depend on who asks (404 for the unseen)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from casework.models import Case, SupportPlan
from core.errors import Forbidden, NotFound
from schools.models import AcademicYear, Bureau, Campaign, Classroom, Membership, School
from sixones import access
from sixones.checklist import ITEMS, KEYS, TeacherFlags, campaign_bounds, open_in_campaign_q, teacher_flags
from sixones.models import ActOfHelp, Handbook, ParentsMeeting, VisitEssay

# --- campaign years ------------------------------------------------------------------------------


def bureau_ids_for_user(*, user: User) -> set[int]:
    """The bureaus of the schools the user works at, and the bureaus they inspect."""
    s = access.scope(user)
    ids = set(s.bureaus)
    if s.member:
        ids |= set(School.objects.filter(pk__in=s.member).values_list("bureau_id", flat=True))
    return ids


def campaign_pick(*, user: User, year: str | int | None) -> tuple[Campaign | None, list[Campaign]]:
    """(the chosen campaign, the user's campaigns): ``year`` if given and known, else the one
    running today, else the newest. A user in several bureaus gets their first bureau's years."""
    bureaus = sorted(bureau_ids_for_user(user=user))
    if not bureaus:
        return None, []
    campaigns = list(Campaign.objects.filter(bureau_id=bureaus[0]).order_by("-year"))
    chosen = None
    if year not in (None, ""):
        chosen = next((c for c in campaigns if str(c.year) == str(year)), None)
        if chosen is None:
            raise NotFound(_("No such campaign year."))
    if chosen is None:
        today = timezone.localdate()
        chosen = next((c for c in campaigns if c.starts_on <= today <= c.ends_on), None)
    if chosen is None and campaigns:
        chosen = campaigns[0]
    return chosen, campaigns


# --- records -------------------------------------------------------------------------------------


def essay_list_for_user(*, user: User) -> QuerySet[VisitEssay]:
    return VisitEssay.objects.filter(access.essay_visible_q(user)).select_related(
        "school", "campaign", "author"
    )


def essay_get_for_user(*, user: User, essay_id: int) -> VisitEssay:
    essay = essay_list_for_user(user=user).select_related("visit", "exemplary_by").filter(pk=essay_id).first()
    if essay is None:
        raise NotFound(_("No such essay."))
    return essay


def meeting_list_for_user(*, user: User) -> QuerySet[ParentsMeeting]:
    return (
        ParentsMeeting.objects.filter(access.school_visible_q(user))
        .select_related("school", "campaign", "recorded_by")
        .prefetch_related(Prefetch("organisers", queryset=User.objects.order_by("full_name", "username")))
    )


def meeting_get_for_user(*, user: User, meeting_id: int) -> ParentsMeeting:
    meeting = meeting_list_for_user(user=user).filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound(_("No such meeting."))
    return meeting


def act_list_for_user(*, user: User) -> QuerySet[ActOfHelp]:
    return ActOfHelp.objects.filter(access.act_visible_q(user)).select_related(
        "school", "campaign", "teacher", "pupil", "case"
    )


def act_get_for_user(*, user: User, act_id: int) -> ActOfHelp:
    act = act_list_for_user(user=user).filter(pk=act_id).first()
    if act is None:
        raise NotFound(_("No such act of help."))
    return act


def handbook_get_for_user(*, user: User, handbook_id: int) -> Handbook:
    handbook = (
        Handbook.objects.filter(access.handbook_visible_q(user), pk=handbook_id)
        .select_related("school", "campaign", "teacher")
        .first()
    )
    if handbook is None:
        raise NotFound(_("No such handbook."))
    return handbook


# --- my six ones ---------------------------------------------------------------------------------


@dataclass
class ChecklistItem:
    key: str
    label: str
    done: bool
    records: list[Any] = field(default_factory=list)  # the records behind the item (up to 10)


@dataclass
class Checklist:
    campaign: Campaign
    teacher: User
    items: list[ChecklistItem]
    handbook: Handbook | None

    @property
    def done(self) -> int:
        return sum(item.done for item in self.items)


def checklist_for_teacher(*, teacher: User, campaign: Campaign) -> Checklist:
    """The teacher's six items with the records behind them (a fixed number of queries).

    An item is done exactly when its record exists in the campaign year (``checklist.teacher_flags``,
    the dashboards' own conditions, so the page and the dashboards agree). The records listed are
    those of the schools where the teacher still works: the year's work at a school they have
    left still counts, but its pupils are no longer shown to them (docs/people.md).
    """
    start, end = campaign_bounds(campaign)
    schools = Membership.objects.filter(user=teacher, is_active=True).values("school_id")
    records: dict[str, list[Any]] = {key: [] for key in KEYS}
    records["plan"] = list(
        SupportPlan.objects.filter(
            author=teacher,
            created_at__gte=start,
            created_at__lt=end,
            case__school__bureau_id=campaign.bureau_id,
            case__school_id__in=schools,
        )
        .select_related("case__pupil")
        .order_by("created_at")[:10]
    )
    handbook = (
        Handbook.objects.filter(teacher=teacher, campaign=campaign, school_id__in=schools)
        .defer("pdf")
        .select_related("school")
        .first()
    )
    records["handbook"] = [handbook] if handbook else []
    records["essay"] = list(
        VisitEssay.objects.filter(author=teacher, campaign=campaign, school_id__in=schools)[:10]
    )
    records["meeting"] = list(
        ParentsMeeting.objects.filter(organisers=teacher, campaign=campaign, school_id__in=schools)[:10]
    )
    records["pairing"] = list(
        Case.objects.filter(open_in_campaign_q(campaign), owner=teacher, school_id__in=schools)
        .select_related("pupil")
        .order_by("id")[:10]
    )
    records["act"] = list(
        ActOfHelp.objects.filter(teacher=teacher, campaign=campaign, school_id__in=schools).select_related(
            "pupil"
        )[:10]
    )
    flags = teacher_flags(campaign=campaign, user_ids=[teacher.pk]).get(teacher.pk)
    items = [
        ChecklistItem(
            key=key,
            label=str(label),
            done=flags.flags[key] if flags is not None else False,
            records=records[key],
        )
        for key, label in ITEMS
    ]
    return Checklist(campaign=campaign, teacher=teacher, items=items, handbook=handbook)


# --- completion ----------------------------------------------------------------------------------


@dataclass
class Group:
    """Completion of a group of teachers (a class, a school, the city)."""

    key: str
    label: str
    teachers: int = 0
    complete: int = 0
    per_item: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KEYS, 0))
    href: str = ""

    def add(self, flags: TeacherFlags) -> None:
        self.teachers += 1
        self.complete += flags.complete
        for key in KEYS:
            self.per_item[key] += flags.flags[key]

    @property
    def percent(self) -> float:
        return round(100 * self.complete / self.teachers, 1) if self.teachers else 0.0

    def item_percent(self, key: str) -> float:
        return round(100 * self.per_item[key] / self.teachers, 1) if self.teachers else 0.0

    @property
    def item_cells(self) -> list[tuple[int, float]]:
        return [(self.per_item[key], self.item_percent(key)) for key in KEYS]

    @property
    def item_rows(self) -> list[tuple[str, str, int, float]]:
        return [(key, str(label), self.per_item[key], self.item_percent(key)) for key, label in ITEMS]


@dataclass
class Completion:
    campaign: Campaign
    school: School | None
    bureau: Bureau
    total: Group
    teachers: list[TeacherFlags]  # a school's teachers (empty for the city)
    classes: list[Group]  # a school's classes
    schools: list[Group]  # the city's schools


def _teacher_memberships(**filters: Any) -> list[tuple[int, int]]:
    """(school_id, user_id) of active teachers: the people whose six ones are counted."""
    return list(
        Membership.objects.filter(
            role=Membership.Role.TEACHER, is_active=True, user__is_active=True, **filters
        )
        .values_list("school_id", "user_id")
        .distinct()
    )


def completion_school_get_for_user(*, user: User, code: str) -> School:
    """A school whose completion the user reads: 404 unseen, 403 staff whose role does not read it."""
    s = access.scope(user)
    school = School.objects.select_related("bureau").filter(code=code).first()
    if school is None or (school.pk not in s.member and school.bureau_id not in s.bureaus):
        raise NotFound(_("No such school."))
    if school.pk not in s.dashboards and school.bureau_id not in s.bureaus:
        raise Forbidden(_("Only the school's leaders and the bureau's inspectors read this."))
    return school


def completion_bureau_get_for_user(*, user: User) -> Bureau:
    """The bureau an inspector reads city-wide; 403 for staff of a school, 404 for anyone else."""
    s = access.scope(user)
    if s.bureaus:
        return Bureau.objects.get(pk=min(s.bureaus))
    if s.member:
        raise Forbidden(_("Only the bureau's inspectors read the city-wide completion."))
    raise NotFound(_("Not found."))


def _classes_of(school: School, campaign: Campaign) -> list[Classroom]:
    """The school's classes of the academic year that holds the campaign's last day already seen."""
    day = min(timezone.localdate(), campaign.ends_on)
    year = AcademicYear.objects.filter(starts_on__lte=day, ends_on__gte=day).first()
    classes = Classroom.objects.filter(school=school).select_related("class_teacher")
    if year is not None:
        classes = classes.filter(academic_year=year)
    return list(classes.order_by("grade", "number"))


def school_completion(*, school: School, campaign: Campaign) -> Completion:
    """Per teacher and per class. Five queries whatever the size of the school.

    A class's teachers are its class teacher (班主任) and the paired teachers of its pupils'
    cases open during the year — the people doing the six ones for that class's families.
    """
    teacher_ids = [uid for _school, uid in _teacher_memberships(school=school)]
    classes = _classes_of(school, campaign)
    paired = list(
        Case.objects.filter(open_in_campaign_q(campaign), pupil__classroom__in=[c.pk for c in classes])
        .values_list("pupil__classroom_id", "owner_id")
        .distinct()
    )
    class_teachers: dict[int, set[int]] = defaultdict(set)
    for classroom in classes:
        if classroom.class_teacher_id:
            class_teachers[classroom.pk].add(classroom.class_teacher_id)
    for classroom_id, owner_id in paired:
        class_teachers[classroom_id].add(owner_id)
    everyone = set(teacher_ids).union(*class_teachers.values()) if class_teachers else set(teacher_ids)
    flags = teacher_flags(campaign=campaign, user_ids=everyone)
    total = Group("school", school.name)
    school_teachers = set(teacher_ids)
    teachers = [row for uid, row in flags.items() if uid in school_teachers]  # by name
    for row in teachers:
        total.add(row)
    groups = []
    for classroom in classes:
        group = Group(str(classroom.pk), classroom.label)
        for uid in sorted(class_teachers.get(classroom.pk, ())):
            group.add(flags[uid])
        groups.append(group)
    return Completion(campaign, school, school.bureau, total, teachers, groups, [])


def city_completion(*, bureau: Bureau, campaign: Campaign) -> Completion:
    """Per school of the bureau: three queries whatever the size of the city."""
    schools = list(School.objects.filter(bureau=bureau).order_by("code"))
    pairs = _teacher_memberships(school__bureau=bureau)
    flags = teacher_flags(campaign=campaign, user_ids=[uid for _s, uid in pairs])
    groups = {school.pk: Group(school.code, school.name) for school in schools}
    total = Group("city", bureau.name)
    for school_id, uid in pairs:
        groups[school_id].add(flags[uid])
    for uid in {uid for _s, uid in pairs}:
        total.add(flags[uid])
    return Completion(campaign, None, bureau, total, [], [], list(groups.values()))
