"""The home page's "your day": one selector per section, each a fixed number of queries.

Every section answers "what do I do next?" for one of the user's roles, and every row of it
links to the page where that work is done. A section's cost does not grow with the rows: each
selector runs a fixed number of (aggregate or ``LIMIT``-ed) queries, whatever the size of the
school or city (tests/portal/test_page_budget.py). Someone with several roles gets the sections
of each. See docs/people.md, "Your day".
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from casework import access as case_access
from casework.models import Case, CaseCategory, CaseUserObjectPermission, Category, HomeVisit, State
from opinions.models import ANSWER_WITHIN_DAYS, ParentOpinion
from opinions.selectors import opinion_list_for_user
from reports.build import overdue_labels
from reports.queries import OVERDUE_KINDS, home_visit_coverage, overdue_by_school
from reports.suppression import SMALL_TEXT, WITHHELD_TEXT, is_small
from schools.models import Campaign, Classroom, Membership, Pupil, School
from schools.selectors import UserRoles, current_academic_year
from sixones.checklist import TeacherFlags, campaign_bounds, teacher_flags
from sixones.selectors import campaign_pick
from support.models import DisbursementRequest, ReversalRequest, SchoolFund
from workflows.models import CaseTask
from workflows.selectors import (
    TaskAction,
    task_actions,
    task_due_flag,
    task_inbox_for_user,
    task_page_queryset,
)

Role = Membership.Role
LEADERS = (Role.PRINCIPAL, Role.VICE_PRINCIPAL)
LIMIT = 8  # rows a section lists; its heading links to the full list


def _days(since: datetime.datetime | datetime.date, today: datetime.date) -> int:
    day = timezone.localdate(since) if isinstance(since, datetime.datetime) else since
    return (today - day).days


# --- everyone: tasks --------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskRow:
    task: CaseTask
    flag: str  # "overdue", "soon" or ""
    action: TaskAction | None = None  # what to do, in words, and the page where it is done


def tasks_due(*, user: User) -> list[TaskRow]:
    """The user's open tasks, soonest due first (the first LIMIT), each with the link to its work
    (workflows.selectors.task_actions: a fixed number of queries for the section)."""
    today = timezone.localdate()
    tasks = list(task_page_queryset(task_inbox_for_user(user=user))[:LIMIT])
    actions = task_actions(tasks, user, next_url=reverse("portal:home"))
    return [TaskRow(task, task_due_flag(task, today), actions.get(task.pk)) for task in tasks]


# --- class teachers and teachers ----------------------------------------------------------------


def my_pairs(*, user: User, roles: UserRoles) -> list[Case]:
    """Open cases the user is the paired teacher (owner) of, at schools where they still work."""
    return list(
        Case.objects.filter(owner_id=user.pk, school_id__in=sorted(roles.school_ids()))
        .exclude(state=State.CLOSED)
        .select_related("pupil", "pupil__classroom")
        .order_by("state_changed_at", "id")[:LIMIT]
    )


@dataclass
class ClassCoverage:
    classroom: Classroom
    pupils: int = 0
    not_visited: int = 0


@dataclass
class NotVisited:
    """Pupils of the user's classes with no recorded home visit in the running campaign year."""

    campaigns: list[Campaign] = field(default_factory=list)
    classes: list[ClassCoverage] = field(default_factory=list)
    pupils: list[Pupil] = field(default_factory=list)  # the first LIMIT of them

    @property
    def total(self) -> int:
        return sum(c.not_visited for c in self.classes)


def class_not_visited(*, classrooms: list[Classroom]) -> NotVisited:
    """Who in these classes is not yet visited this campaign (3 queries).

    "Visited" is what the reports count (``reports.queries.home_visit_coverage``): a recorded
    visit of the pupil, with or without a case; here within the campaign year running today in
    the school's bureau.
    """
    result = NotVisited()
    if not classrooms:
        return result
    today = timezone.localdate()
    bureau_ids = sorted({c.school.bureau_id for c in classrooms})
    result.campaigns = list(
        Campaign.objects.filter(bureau_id__in=bureau_ids, starts_on__lte=today, ends_on__gte=today).order_by(
            "bureau_id", "starts_on"
        )
    )
    campaign_of: dict[int, Campaign] = {}
    for campaign in result.campaigns:
        campaign_of.setdefault(campaign.bureau_id, campaign)
    visited_q = Q(pk__in=[])
    for campaign in campaign_of.values():
        start, end = campaign_bounds(campaign)
        visited_q |= Q(school__bureau_id=campaign.bureau_id, visited_at__gte=start, visited_at__lt=end)
    visited = HomeVisit.objects.filter(visited_q).values("pupil_id")
    pupils = Pupil.objects.filter(is_active=True, classroom_id__in=[c.pk for c in classrooms])
    counts = {
        row["classroom_id"]: row
        for row in pupils.values("classroom_id")
        .annotate(n=Count("id"), not_visited=Count("id", filter=~Q(id__in=visited)))
        .order_by()
    }
    result.classes = [
        ClassCoverage(c, counts.get(c.pk, {}).get("n", 0), counts.get(c.pk, {}).get("not_visited", 0))
        for c in classrooms
    ]
    result.pupils = list(
        pupils.exclude(id__in=visited)
        .select_related("classroom")
        .order_by("classroom__grade", "classroom__number", "student_number", "pk")[:LIMIT]
    )
    return result


@dataclass(frozen=True)
class VisitRow:
    visit: HomeVisit
    past: bool  # the appointment has passed: the record is due


def visits_this_week(*, user: User, roles: UserRoles) -> list[VisitRow]:
    """The user's appointments up to the end of this week that are not yet recorded (1 query)."""
    today = timezone.localdate()
    next_monday = today + datetime.timedelta(days=7 - today.weekday())
    week_end = timezone.make_aware(datetime.datetime.combine(next_monday, datetime.time.min))
    now = timezone.now()
    visits = (
        HomeVisit.objects.filter(
            participations__user_id=user.pk,
            school_id__in=sorted(roles.school_ids()),
            visited_at__isnull=True,
            scheduled_for__isnull=False,
            scheduled_for__lt=week_end,
        )
        .select_related("pupil", "pupil__classroom")
        .order_by("scheduled_for", "id")[:LIMIT]
    )
    return [
        VisitRow(visit, visit.scheduled_for is not None and visit.scheduled_for < now) for visit in visits
    ]


@dataclass(frozen=True)
class SixOnes:
    campaign: Campaign
    flags: TeacherFlags


def sixones_progress(*, user: User) -> SixOnes | None:
    """The user's six ones in the campaign year running (or the newest one)."""
    campaign, _campaigns = campaign_pick(user=user, year=None)
    if campaign is None:
        return None
    flags = teacher_flags(campaign=campaign, user_ids=[user.pk]).get(user.pk)
    return SixOnes(campaign, flags) if flags is not None else None


# --- counsellors -------------------------------------------------------------------------------


def counselling_cases(*, user: User, school_ids: Iterable[int]) -> list[Case]:
    """Open psychological cases of the schools, and those the user is granted the notes of;
    ``notes_granted`` marks the latter. Never any note content (1 query)."""
    granted = CaseUserObjectPermission.objects.filter(
        user_id=user.pk, permission__codename=case_access.NOTES_PERMISSION, content_object_id=OuterRef("pk")
    )
    psychological = CaseCategory.objects.filter(case_id=OuterRef("pk"), category=Category.PSYCHOLOGICAL)
    return list(
        Case.objects.filter(school_id__in=sorted(school_ids))
        .exclude(state=State.CLOSED)
        .annotate(notes_granted=Exists(granted), psychological=Exists(psychological))
        .filter(Q(notes_granted=True) | Q(psychological=True))
        .select_related("pupil", "pupil__classroom", "owner")
        .order_by("-notes_granted", "state_changed_at", "id")[:LIMIT]
    )


# --- principals and vice principals --------------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    """A case, an opinion or a request waiting for the user, and for how many days."""

    obj: object
    days: int
    overdue: bool


@dataclass
class Approvals:
    total: int = 0
    rows: list[Waiting] = field(default_factory=list)


def approvals_waiting(*, school_ids: Iterable[int]) -> Approvals:
    """Plans awaiting approval at the schools, oldest first, with their age (2 queries)."""
    today = timezone.localdate()
    limit = settings.WANJIA_REPORT_APPROVAL_OVERDUE_DAYS
    cases = Case.objects.filter(school_id__in=sorted(school_ids), state=State.AWAITING_APPROVAL)
    rows = cases.select_related("pupil", "pupil__classroom", "owner").order_by("state_changed_at", "id")[
        :LIMIT
    ]
    waiting = []
    for case in rows:
        days = _days(case.state_changed_at, today)
        waiting.append(Waiting(case, days, days > limit))
    return Approvals(total=cases.count(), rows=waiting)


def opinions_to_answer(*, user: User, school_ids: Iterable[int]) -> list[Waiting]:
    """Parents' opinions of the schools the user leads not yet done, oldest first (1 query)."""
    today = timezone.localdate()
    opinions = (
        opinion_list_for_user(user=user)
        .exclude(state=ParentOpinion.State.DONE)
        .filter(school_id__in=sorted(school_ids))
        .select_related("school", "pupil")
        .order_by("raised_on", "id")[:LIMIT]
    )
    return [
        Waiting(o, _days(o.raised_on, today), _days(o.raised_on, today) > ANSWER_WITHIN_DAYS)
        for o in opinions
    ]


@dataclass
class Signatures:
    """Payouts and corrections of the ledger waiting for a principal's or vice principal's signature."""

    payouts: list[Waiting] = field(default_factory=list)
    reversals: list[Waiting] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.payouts or self.reversals)


def signatures_waiting(*, school_ids: Iterable[int]) -> Signatures:
    """Pending disbursement and reversal requests of the schools, oldest first (2 queries)."""
    today = timezone.localdate()
    ids = sorted(school_ids)
    payouts = (
        DisbursementRequest.objects.filter(school_id__in=ids, state=DisbursementRequest.State.PENDING)
        .select_related("school", "requested_by", "item")
        .order_by("requested_at", "id")[:LIMIT]
    )
    reversals = (
        ReversalRequest.objects.filter(school_id__in=ids, state=ReversalRequest.State.PENDING)
        .select_related("school", "requested_by", "entry")
        .order_by("requested_at", "id")[:LIMIT]
    )
    return Signatures(
        payouts=[Waiting(p, _days(p.requested_at, today), False) for p in payouts],
        reversals=[Waiting(r, _days(r.requested_at, today), False) for r in reversals],
    )


@dataclass
class SchoolWork:
    """One school's overdue work and home-visit coverage (aggregates only)."""

    school: School
    overdue: dict[str, int] = field(default_factory=dict)
    pupils: int = 0
    visited: int = 0
    behind: bool = False

    @property
    def overdue_total(self) -> int:
        return sum(self.overdue.values())

    @property
    def overdue_items(self) -> list[tuple[str, str, int]]:
        labels = overdue_labels()
        return [(kind, labels[kind], self.overdue.get(kind, 0)) for kind in OVERDUE_KINDS]

    @property
    def coverage(self) -> int | None:
        """Percent of pupils on roll visited this academic year (None without pupils)."""
        return round(100 * self.visited / self.pupils) if self.pupils else None

    # Inspectors read the schools' figures suppressed, like the reports that leave the school
    # (docs/reports.md): a small count is "<5", and a share whose parts are small is "*".
    @property
    def coverage_text(self) -> str:
        if self.coverage is None:
            return "—"
        if is_small(self.visited) or is_small(self.pupils - self.visited):
            return WITHHELD_TEXT
        return f"{self.coverage}%"

    @property
    def overdue_text(self) -> str:
        return SMALL_TEXT if is_small(self.overdue_total) else str(self.overdue_total)

    @property
    def review_text(self) -> str:
        review = self.overdue.get("review", 0)
        return SMALL_TEXT if is_small(review) else str(review)


def school_work(*, schools: list[School]) -> list[SchoolWork]:
    """Overdue work (3 queries) and this academic year's home-visit coverage (2 queries) of the
    schools, the same figures as their programme reports; ``behind`` marks the schools below the
    coverage of all of them together."""
    if not schools:
        return []
    ids = [s.pk for s in schools]
    overdue = overdue_by_school(school_ids=ids, now=timezone.now())
    work = {s.pk: SchoolWork(s, dict(overdue.get(s.pk, dict.fromkeys(OVERDUE_KINDS, 0)))) for s in schools}
    for row in home_visit_coverage(school_ids=ids, year=current_academic_year()):
        work[row.school_id].pupils += row.pupils
        work[row.school_id].visited += row.visited
    pupils = sum(w.pupils for w in work.values())
    visited = sum(w.visited for w in work.values())
    for w in work.values():
        # Behind: a smaller share of its pupils visited than all the schools together.
        w.behind = bool(w.pupils) and w.visited * pupils < visited * w.pupils
    return list(work.values())


# --- custodians ---------------------------------------------------------------------------------


@dataclass
class Ledger:
    school: School
    balance: Decimal


def ledger_balances(*, schools: list[School]) -> list[Ledger]:
    """The money balance of each school's support ledger (1 query)."""
    balances = dict(
        SchoolFund.objects.filter(school_id__in=[s.pk for s in schools]).values_list("school_id", "balance")
    )
    return [Ledger(s, balances.get(s.pk, Decimal("0.00"))) for s in schools]


# --- school administrators ----------------------------------------------------------------------


@dataclass
class Roster:
    school: School
    last_import: datetime.datetime | None = None
    teachers_without_class: list[User] = field(default_factory=list)
    teachers_without_class_count: int = 0


def roster_status(*, schools: list[School]) -> list[Roster]:
    """Each school's last roster import and its teachers who lead no class this year (3 queries)."""
    if not schools:
        return []
    ids = [s.pk for s in schools]
    last = dict(
        AuditEvent.objects.filter(action="roster.import", school_id__in=ids)
        .values("school_id")
        .annotate(last=Max("occurred_at"))
        .order_by()
        .values_list("school_id", "last")
    )
    year = current_academic_year()
    leads_a_class = Classroom.objects.filter(
        class_teacher_id=OuterRef("user_id"), school_id=OuterRef("school_id"), academic_year=year
    )
    idle = (
        Membership.objects.filter(school_id__in=ids, role=Role.TEACHER, is_active=True, user__is_active=True)
        .annotate(leads=Exists(leads_a_class))
        .filter(leads=False)
        .select_related("user")
        .order_by("school_id", "user__full_name", "user_id")
    )
    by_school: dict[int, list[User]] = defaultdict(list)
    counts: dict[int, int] = defaultdict(int)
    for membership in idle:
        counts[membership.school_id] += 1
        if len(by_school[membership.school_id]) < LIMIT:
            by_school[membership.school_id].append(membership.user)
    return [Roster(s, last.get(s.pk), by_school.get(s.pk, []), counts.get(s.pk, 0)) for s in schools]


# --- the day ------------------------------------------------------------------------------------


@dataclass
class Day:
    """The sections of the user's day; None (or empty) for a section their roles do not have."""

    tasks: list[TaskRow] = field(default_factory=list)
    teacher: bool = False
    pairs: list[Case] = field(default_factory=list)
    not_visited: NotVisited | None = None
    visits: list[VisitRow] = field(default_factory=list)
    sixones: SixOnes | None = None
    counsellor: bool = False
    counselling: list[Case] = field(default_factory=list)
    leader: bool = False
    approvals: Approvals | None = None
    opinions: list[Waiting] = field(default_factory=list)
    signatures: Signatures | None = None
    leader_schools: list[SchoolWork] = field(default_factory=list)
    custodian: bool = False
    ledgers: list[Ledger] = field(default_factory=list)
    requests: Signatures | None = None  # the custodian's requests waiting for a signature
    rosters: list[Roster] = field(default_factory=list)
    inspected: list[SchoolWork] = field(default_factory=list)


def day_for_user(*, user: User, roles: UserRoles) -> Day:
    """The user's day: each role's sections, each in a fixed number of queries."""
    day = Day()
    if not roles.memberships and not roles.bureau_memberships:
        return day
    schools_by_role: dict[str, list[School]] = defaultdict(list)
    for membership in roles.memberships:
        schools_by_role[membership.role].append(membership.school)

    day.tasks = tasks_due(user=user)
    if roles.classrooms_led or schools_by_role.get(Role.TEACHER):
        day.teacher = True
        day.pairs = my_pairs(user=user, roles=roles)
        day.visits = visits_this_week(user=user, roles=roles)
        day.sixones = sixones_progress(user=user)
        if roles.classrooms_led:
            day.not_visited = class_not_visited(classrooms=roles.classrooms_led)
    if counselled := schools_by_role.get(Role.COUNSELLOR):
        day.counsellor = True
        day.counselling = counselling_cases(user=user, school_ids=[s.pk for s in counselled])
    led = {s.pk: s for role in LEADERS for s in schools_by_role.get(role, [])}
    if led:
        day.leader = True
        day.approvals = approvals_waiting(school_ids=led)
        day.opinions = opinions_to_answer(user=user, school_ids=led)
        day.signatures = signatures_waiting(school_ids=led)
        day.leader_schools = school_work(schools=sorted(led.values(), key=lambda s: s.code))
    if kept := schools_by_role.get(Role.CUSTODIAN):
        day.custodian = True
        day.ledgers = ledger_balances(schools=kept)
        day.requests = signatures_waiting(school_ids=[s.pk for s in kept])
    if administered := schools_by_role.get(Role.SCHOOL_ADMIN):
        day.rosters = roster_status(schools=administered)
    bureaus = sorted(m.bureau_id for m in roles.bureau_memberships)
    if bureaus:
        inspected = list(School.objects.filter(bureau_id__in=bureaus).order_by("bureau_id", "code"))
        work = school_work(schools=inspected)
        # Schools behind first: the lowest coverage, then the most overdue work.
        day.inspected = sorted(
            work,
            key=lambda w: (not w.behind, w.coverage if w.coverage is not None else 101, -w.overdue_total),
        )
    return day
