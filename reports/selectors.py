"""Programme reports: who may read which report, and its figures.

Every figure comes from a handful of aggregate queries over all the schools of a report at once
(grouped by school, class, category, state or outcome), never from a loop over cases, so a
report costs the same number of queries for one school or a whole city. See docs/reports.md.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Aggregate, Count, FloatField, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from accounts.models import User
from casework.models import Case, CaseCategory, Category, ClosureOutcome, HomeVisit, State, SupportPlan
from core.errors import Forbidden, NotFound
from reports import charts
from reports.suppression import Cell, count_cell, derived_cell, percent_cell, suppress_grid
from schools.models import AcademicYear, Bureau, BureauMembership, Classroom, Membership, Pupil, School
from schools.selectors import user_roles
from workflows.models import OPEN_STATUSES, CaseTask

# Roles that read their own school's report with exact figures (it stays in the school).
SCHOOL_READERS = (Membership.Role.PRINCIPAL, Membership.Role.VICE_PRINCIPAL, Membership.Role.SCHOOL_ADMIN)
STATES = list(State)
CATEGORIES = list(Category)
NOT_RECORDED = ""  # closures from before outcomes were recorded


# -- who may read what ----------------------------------------------------------------------------


@dataclass
class ReportLinks:
    """The reports a user may open, for the home page and the reports index."""

    schools: list[School] = field(default_factory=list)  # exact figures
    inspected_schools: list[School] = field(default_factory=list)  # suppressed figures
    bureaus: list[Bureau] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.schools or self.bureaus)


def report_links_for_user(*, user: User) -> ReportLinks:
    roles = user_roles(user=user)
    schools = {m.school.pk: m.school for m in roles.memberships if m.role in SCHOOL_READERS}
    bureaus = {
        m.bureau.pk: m.bureau for m in roles.bureau_memberships if m.role == BureauMembership.Role.INSPECTOR
    }
    inspected = (
        list(School.objects.filter(bureau_id__in=bureaus).order_by("bureau_id", "code")) if bureaus else []
    )
    return ReportLinks(
        schools=sorted(schools.values(), key=lambda s: s.code),
        inspected_schools=[s for s in inspected if s.pk not in schools],
        bureaus=sorted(bureaus.values(), key=lambda b: b.code),
    )


def report_school_get_for_user(*, user: User, code: str) -> tuple[School, bool]:
    """The school and whether its report must be suppressed for this user.

    Principal, vice principal, school administrator: exact. An inspector of its bureau:
    suppressed (the report leaves the school). Other staff of the school: 403. Anyone else: 404.
    """
    school = School.objects.select_related("bureau").filter(code=code).first()
    if school is None or not user.is_authenticated or not user.is_active:
        raise NotFound(_("No such school."))
    roles = user_roles(user=user)
    if roles.school_ids(SCHOOL_READERS) & {school.pk}:
        return school, False
    if any(
        m.bureau_id == school.bureau_id and m.role == BureauMembership.Role.INSPECTOR
        for m in roles.bureau_memberships
    ):
        return school, True
    if school.pk in roles.school_ids():
        raise Forbidden(
            _("Only the principal, the vice principals and the school administrator read the school report.")
        )
    raise NotFound(_("No such school."))


def report_bureau_get_for_user(*, user: User, code: str | None = None) -> Bureau:
    """A bureau the user inspects (the first by code unless one is named). 403 for non-inspectors,
    404 for a bureau they do not inspect."""
    bureaus = [
        m.bureau
        for m in user_roles(user=user).bureau_memberships
        if m.role == BureauMembership.Role.INSPECTOR
    ]
    if not bureaus:
        raise Forbidden(_("Only the bureau's inspectors read the city-wide report."))
    bureaus.sort(key=lambda b: b.code)
    if not code:
        return bureaus[0]
    for bureau in bureaus:
        if bureau.code == code:
            return bureau
    raise NotFound(_("No such education bureau."))


def report_year(*, name: str | None) -> tuple[AcademicYear | None, list[AcademicYear]]:
    """The academic year asked for (404 if unknown), else the current one; and all years."""
    years = list(AcademicYear.objects.order_by("-starts_on"))
    if name:
        for year in years:
            if year.name == name:
                return year, years
        raise NotFound(_("No such academic year."))
    today = timezone.localdate()
    current = next((y for y in years if y.starts_on <= today <= y.ends_on), None)
    if current is None:
        current = next((y for y in years if y.starts_on <= today), None)
    return current, years


def _year_bounds(year: AcademicYear | None) -> tuple[datetime.datetime, datetime.datetime] | None:
    if year is None:
        return None
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(year.starts_on, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(year.ends_on + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


# -- the raw figures (a fixed number of aggregate queries each) ---------------------------------------


def case_counts_by_school(
    *, school_ids: Sequence[int]
) -> tuple[dict[tuple[int, str, str], int], dict[tuple[int, str], int]]:
    """(school, category, state) → cases, and (school, state) → cases, each case once."""
    by_category = {
        (row["case__school_id"], row["category"], row["case__state"]): row["n"]
        for row in CaseCategory.objects.filter(case__school_id__in=school_ids)
        .values("case__school_id", "category", "case__state")
        .annotate(n=Count("id"))
        .order_by()
    }
    by_state = {
        (row["school_id"], row["state"]): row["n"]
        for row in Case.objects.filter(school_id__in=school_ids)
        .values("school_id", "state")
        .annotate(n=Count("id"))
        .order_by()
    }
    return by_category, by_state


@dataclass(frozen=True)
class Coverage:
    school_id: int
    classroom_id: int
    pupils: int
    visited: int


def home_visit_coverage(*, school_ids: Sequence[int], year: AcademicYear | None) -> list[Coverage]:
    """Per class of the year: pupils on roll, and those with at least one recorded home visit
    during the year. The one place that says what counts as "visited": a recorded visit of the
    pupil, with or without a case."""
    bounds = _year_bounds(year)
    if year is None or bounds is None:
        return []
    # One set of visited pupils (a hashed IN on PostgreSQL), not an EXISTS per pupil: 50x faster
    # on 50,000 pupils.
    visited = HomeVisit.objects.filter(
        school_id__in=school_ids, visited_at__gte=bounds[0], visited_at__lt=bounds[1]
    ).values("pupil_id")
    rows = (
        Pupil.objects.filter(
            is_active=True, classroom__academic_year=year, classroom__school_id__in=school_ids
        )
        .values("classroom__school_id", "classroom_id")
        .annotate(pupils=Count("id"), visited=Count("id", filter=Q(id__in=visited)))
        .order_by()
    )
    return [Coverage(r["classroom__school_id"], r["classroom_id"], r["pupils"], r["visited"]) for r in rows]


class _MedianEpoch(Aggregate):
    """PostgreSQL's median of a timestamp column, in seconds since the epoch."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM %(expressions)s))"
    output_field = FloatField()


@dataclass(frozen=True)
class Waiting:
    count: int
    oldest: datetime.datetime | None
    median: datetime.datetime | None


def _epoch(value: float | None) -> datetime.datetime | None:
    return None if value is None else datetime.datetime.fromtimestamp(value, tz=datetime.UTC)


def awaiting_approval_by_school(*, school_ids: Sequence[int]) -> tuple[dict[int, Waiting], Waiting]:
    """Plans awaiting approval per school and overall: how many, since when (oldest, median)."""
    cases = Case.objects.filter(school_id__in=school_ids, state=State.AWAITING_APPROVAL)
    if connection.vendor == "postgresql":
        per_school = {
            r["school_id"]: Waiting(r["n"], r["oldest"], _epoch(r["median"]))
            for r in cases.values("school_id")
            .annotate(n=Count("id"), oldest=Min("state_changed_at"), median=_MedianEpoch("state_changed_at"))
            .order_by()
        }
        overall = cases.aggregate(
            n=Count("id"), oldest=Min("state_changed_at"), median=_MedianEpoch("state_changed_at")
        )
        return per_school, Waiting(overall["n"], overall["oldest"], _epoch(overall["median"]))
    # SQLite (the local demo) has no percentile: the timestamps are few, take them.
    times: dict[int, list[datetime.datetime]] = defaultdict(list)
    for school_id, since in cases.values_list("school_id", "state_changed_at"):
        times[school_id].append(since)

    def waiting(values: list[datetime.datetime]) -> Waiting:
        if not values:
            return Waiting(0, None, None)
        stamps = sorted(v.timestamp() for v in values)
        return Waiting(len(values), min(values), _epoch(statistics.median(stamps)))

    return {k: waiting(v) for k, v in times.items()}, waiting([t for v in times.values() for t in v])


@dataclass(frozen=True)
class AwaitingCase:
    case_id: int
    pupil_name: str
    class_label: str
    owner_name: str
    since: datetime.datetime
    days: int
    overdue: bool


def awaiting_cases_for_school(*, school: School, now: datetime.datetime) -> list[AwaitingCase]:
    """The school-internal list of plans awaiting approval, oldest first (names: never leaves)."""
    limit = settings.WANJIA_REPORT_APPROVAL_OVERDUE_DAYS
    cases = (
        Case.objects.filter(school=school, state=State.AWAITING_APPROVAL)
        .select_related("pupil", "pupil__classroom", "owner")
        .order_by("state_changed_at", "id")
    )
    result = []
    for case in cases:
        days = (now - case.state_changed_at).days
        classroom = case.pupil.classroom
        result.append(
            AwaitingCase(
                case_id=case.pk,
                pupil_name=case.pupil.name,
                class_label=classroom.label if classroom else "",
                owner_name=case.owner.get_full_name(),
                since=case.state_changed_at,
                days=days,
                overdue=days > limit,
            )
        )
    return result


OVERDUE_KINDS = ("approval", "plan", "visit_record", "review", "tasks")


def overdue_by_school(*, school_ids: Sequence[int], now: datetime.datetime) -> dict[int, dict[str, int]]:
    """Per school, how many items of each kind of overdue work (definitions in docs/reports.md)."""
    days = datetime.timedelta(days=1)
    approval_before = now - settings.WANJIA_REPORT_APPROVAL_OVERDUE_DAYS * days
    plan_before = now - settings.WANJIA_REPORT_PLAN_OVERDUE_DAYS * days
    review_before = now - settings.WANJIA_REPORT_REVIEW_OVERDUE_DAYS * days
    record_before = now - settings.WANJIA_REPORT_VISIT_RECORD_OVERDUE_DAYS * days
    # A hashed NOT IN over the plans' case ids, evaluated only where the state matches.
    without_plan = ~Q(id__in=SupportPlan.objects.values("case_id"))
    result: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(OVERDUE_KINDS, 0))
    rows = (
        Case.objects.filter(school_id__in=school_ids)
        .exclude(state=State.CLOSED)
        .values("school_id")
        .annotate(
            approval=Count(
                "id", filter=Q(state=State.AWAITING_APPROVAL, state_changed_at__lt=approval_before)
            ),
            plan=Count(
                "id",
                filter=Q(state__in=[State.IDENTIFIED, State.PLANNING], state_changed_at__lt=plan_before)
                & without_plan,
            ),
            review=Count("id", filter=Q(state=State.REVIEW, state_changed_at__lt=review_before)),
        )
        .order_by()
    )
    for row in rows:
        for kind in ("approval", "plan", "review"):
            result[row["school_id"]][kind] = row[kind]
    visits = (
        HomeVisit.objects.filter(
            school_id__in=school_ids, visited_at__isnull=True, scheduled_for__lt=record_before
        )
        .exclude(case__state=State.CLOSED)
        .values("school_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in visits:
        result[row["school_id"]]["visit_record"] = row["n"]
    # Open case tasks past their due date (workflows; the reminders escalate the same tasks).
    tasks = (
        CaseTask.objects.filter(
            school_id__in=school_ids,
            flow_task_type="HUMAN",
            status__in=OPEN_STATUSES,
            due_on__lt=timezone.localdate(now),
        )
        .values("school_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in tasks:
        result[row["school_id"]]["tasks"] = row["n"]
    return result


def closures_by_school(*, school_ids: Sequence[int], year: AcademicYear | None) -> dict[tuple[int, str], int]:
    """(school, outcome) → cases closed during the year (all time without a year) and still closed."""
    cases = Case.objects.filter(school_id__in=school_ids, state=State.CLOSED)
    bounds = _year_bounds(year)
    if bounds is not None:
        cases = cases.filter(closed_at__gte=bounds[0], closed_at__lt=bounds[1])
    return {
        (r["school_id"], r["closure_outcome"]): r["n"]
        for r in cases.values("school_id", "closure_outcome").annotate(n=Count("id")).order_by()
    }


# -- the report as shown (and exported) -------------------------------------------------------------


@dataclass
class Row:
    label: str
    cells: list[Cell]
    href: str = ""


@dataclass
class Table:
    key: str
    caption: str
    row_header: str
    columns: list[str]
    rows: list[Row]
    total: Row | None = None


@dataclass
class Section:
    key: str
    title: str
    notes: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[SafeString] = field(default_factory=list)
    cases: list[AwaitingCase] | None = None  # school-internal only


@dataclass
class Report:
    kind: str  # "school" or "city"
    title: str
    bureau: Bureau
    school: School | None
    year: AcademicYear | None
    years: list[AcademicYear]
    suppressed: bool
    generated_at: datetime.datetime
    sections: list[Section]


def _grid_rows(labels: Sequence[str], cells: list[list[Cell]], totals: list[Cell] | None) -> list[Row]:
    return [
        Row(label, [*row, *([totals[i]] if totals is not None else [])])
        for i, (label, row) in enumerate(zip(labels, cells, strict=True))
    ]


def _total_row(label: str, grid_totals: list[Cell] | None, grand: Cell | None) -> Row | None:
    if grid_totals is None:
        return None
    return Row(label, [*grid_totals, *([grand] if grand is not None else [])])


def _days(now: datetime.datetime, since: datetime.datetime | None) -> int | None:
    return None if since is None else (now - since).days


def _age_cells(waiting: Waiting, count: Cell, now: datetime.datetime) -> list[Cell]:
    oldest, median = _days(now, waiting.oldest), _days(now, waiting.median)
    return [
        count,
        derived_cell(str(oldest) if oldest is not None else "–", oldest, depends_on=[count]),
        derived_cell(str(median) if median is not None else "–", median, depends_on=[count]),
    ]


def _overdue_labels() -> dict[str, str]:
    return {
        "approval": _("Plans awaiting approval for more than %(days)s days")
        % {"days": settings.WANJIA_REPORT_APPROVAL_OVERDUE_DAYS},
        "plan": _("Cases without a plan after %(days)s days")
        % {"days": settings.WANJIA_REPORT_PLAN_OVERDUE_DAYS},
        "visit_record": _("Home visits not written up %(days)s days after the appointment")
        % {"days": settings.WANJIA_REPORT_VISIT_RECORD_OVERDUE_DAYS},
        "review": _("Reviews not decided after %(days)s days")
        % {"days": settings.WANJIA_REPORT_REVIEW_OVERDUE_DAYS},
        "tasks": _("Tasks past their due date"),
    }


def _outcomes() -> list[tuple[str, str]]:
    return [
        *((code, str(label)) for code, label in ClosureOutcome.choices),
        (NOT_RECORDED, _("not recorded")),
    ]


def _cases_section(
    school_ids: Sequence[int],
    schools: Sequence[School],
    by_category: dict[tuple[int, str, str], int],
    by_state: dict[tuple[int, str], int],
    *,
    suppress: bool,
    per_school: bool,
) -> Section:
    state_labels = [str(s.label) for s in STATES]
    section = Section(
        "cases",
        _("Cases by category and state"),
        notes=[_("A case in two categories counts in both rows; “all cases” counts each case once.")],
    )
    values = [
        [sum(by_category.get((sid, c.value, s.value), 0) for sid in school_ids) for s in STATES]
        for c in CATEGORIES
    ]
    all_cases = [sum(by_state.get((sid, s.value), 0) for sid in school_ids) for s in STATES]
    grid = suppress_grid(
        values,
        row_totals=[sum(row) for row in values],
        column_totals=all_cases,
        grand_total=sum(all_cases),
        suppress=suppress,
    )
    section.tables.append(
        Table(
            "cases_by_category",
            _("Cases by category and state"),
            _("Category"),
            [*state_labels, _("Total")],
            _grid_rows([str(c.label) for c in CATEGORIES], grid.cells, grid.row_totals),
            _total_row(_("All cases"), grid.column_totals, grid.grand_total),
        )
    )
    section.charts.append(
        charts.stacked_bar_chart(
            title=_("Cases by category and state"),
            desc=_("One bar per category, divided by the state of its cases."),
            series=state_labels,
            bars=[(str(c.label), grid.cells[i]) for i, c in enumerate(CATEGORIES)],
        )
    )
    if per_school:
        values = [[by_state.get((school.pk, s.value), 0) for s in STATES] for school in schools]
        grid = suppress_grid(
            values,
            row_totals=[sum(row) for row in values],
            column_totals=all_cases,
            grand_total=sum(all_cases),
            suppress=suppress,
        )
        section.tables.append(
            Table(
                "cases_by_school",
                _("Cases by school and state"),
                _("School"),
                [*state_labels, _("Total")],
                _grid_rows([s.name for s in schools], grid.cells, grid.row_totals),
                _total_row(_("All schools"), grid.column_totals, grid.grand_total),
            )
        )
        section.charts.append(
            charts.stacked_bar_chart(
                title=_("Cases by school and state"),
                desc=_("One bar per school, divided by the state of its cases."),
                series=state_labels,
                bars=[(s.name, grid.cells[i]) for i, s in enumerate(schools)],
            )
        )
    return section


def _coverage_section(
    labels: Sequence[str],
    pairs: Sequence[tuple[int, int]],
    *,
    suppress: bool,
    row_header: str,
    year: AcademicYear | None,
) -> Section:
    section = Section(
        "coverage",
        _("Home-visit coverage"),
        notes=[
            _(
                "Pupils on roll with at least one recorded home visit during the academic year, of all pupils on roll."
            )
        ],
    )
    if year is None:
        section.notes.append(_("No academic year is set up yet."))
        return section
    grid = suppress_grid(
        [list(p) for p in pairs],
        column_totals=[sum(p[0] for p in pairs), sum(p[1] for p in pairs)],
        suppress=suppress,
    )
    rows = [
        Row(label, [pupils, visited, percent_cell(visited, pupils)])
        for label, (pupils, visited) in zip(labels, grid.cells, strict=True)
    ]
    assert grid.column_totals is not None
    pupils_total, visited_total = grid.column_totals
    section.tables.append(
        Table(
            "coverage",
            _("Home-visit coverage, %(year)s") % {"year": year.name},
            row_header,
            [_("Pupils on roll"), _("Pupils visited"), _("Coverage")],
            rows,
            Row(_("Total"), [pupils_total, visited_total, percent_cell(visited_total, pupils_total)]),
        )
    )
    if rows:
        section.charts.append(
            charts.bar_chart(
                title=_("Home-visit coverage, %(year)s") % {"year": year.name},
                desc=_("Share of pupils on roll visited at home at least once, per row of the table."),
                bars=[(row.label, row.cells[2]) for row in rows],
                fixed_max=100,
            )
        )
    return section


def _awaiting_section(
    labels: Sequence[str],
    waits: Sequence[Waiting],
    overall: Waiting,
    now: datetime.datetime,
    *,
    suppress: bool,
    row_header: str,
    with_total: bool,
) -> Section:
    section = Section(
        "awaiting",
        _("Plans awaiting approval"),
        notes=[_("Age in days since the plan was submitted for approval.")],
    )
    columns = [_("Plans awaiting approval"), _("Oldest (days)"), _("Median (days)")]
    if with_total:
        grid = suppress_grid([[w.count] for w in waits], column_totals=[overall.count], suppress=suppress)
        assert grid.column_totals is not None
        rows = [
            Row(label, _age_cells(w, cells[0], now))
            for label, w, cells in zip(labels, waits, grid.cells, strict=True)
        ]
        total = Row(_("All schools"), _age_cells(overall, grid.column_totals[0], now))
        section.charts.append(
            charts.bar_chart(
                title=_("Plans awaiting approval"),
                desc=_("Plans awaiting approval per school."),
                bars=[(row.label, row.cells[0]) for row in rows],
            )
        )
    else:
        rows = [Row(labels[0], _age_cells(overall, count_cell(overall.count, suppress=suppress), now))]
        total = None
    section.tables.append(Table("awaiting", _("Plans awaiting approval"), row_header, columns, rows, total))
    return section


def _overdue_section(
    labels: Sequence[str], counts: Sequence[dict[str, int]], *, suppress: bool, per_school: bool
) -> Section:
    names = _overdue_labels()
    section = Section("overdue", _("Overdue work"))
    if not per_school:
        only = counts[0]
        rows = [Row(names[k], [count_cell(only[k], suppress=suppress)]) for k in OVERDUE_KINDS]
        section.tables.append(Table("overdue", _("Overdue work"), _("Kind"), [_("Items")], rows))
        section.charts.append(
            charts.bar_chart(
                title=_("Overdue work"),
                desc=_("Overdue items of each kind."),
                bars=[(row.label, row.cells[0]) for row in rows],
            )
        )
        return section
    values = [[c[k] for k in OVERDUE_KINDS] for c in counts]
    grid = suppress_grid(
        values,
        column_totals=[sum(v[j] for v in values) for j in range(len(OVERDUE_KINDS))],
        suppress=suppress,
    )
    section.tables.append(
        Table(
            "overdue",
            _("Overdue work"),
            _("School"),
            [names[k] for k in OVERDUE_KINDS],
            _grid_rows(labels, grid.cells, None),
            _total_row(_("All schools"), grid.column_totals, None),
        )
    )
    section.charts.append(
        charts.stacked_bar_chart(
            title=_("Overdue work"),
            desc=_("Overdue items per school, by kind."),
            series=[names[k] for k in OVERDUE_KINDS],
            bars=[(label, grid.cells[i]) for i, label in enumerate(labels)],
        )
    )
    return section


def _closures_section(
    labels: Sequence[str],
    school_ids: Sequence[int],
    closures: dict[tuple[int, str], int],
    *,
    suppress: bool,
    per_school: bool,
    year: AcademicYear | None,
) -> Section:
    outcomes = _outcomes()
    note = (
        _("Cases closed during %(year)s and still closed, by outcome.") % {"year": year.name}
        if year
        else _("Cases closed and still closed, by outcome.")
    )
    section = Section("closures", _("Closures and their outcomes"), notes=[note])
    if not per_school:
        values = [[closures.get((school_ids[0], code), 0)] for code, _label in outcomes]
        grid = suppress_grid(values, column_totals=[sum(v[0] for v in values)], suppress=suppress)
        rows = _grid_rows([str(label) for _code, label in outcomes], grid.cells, None)
        section.tables.append(
            Table(
                "closures",
                _("Closures by outcome"),
                _("Outcome"),
                [_("Cases")],
                rows,
                _total_row(_("Total"), grid.column_totals, None),
            )
        )
        section.charts.append(
            charts.bar_chart(
                title=_("Closures by outcome"),
                desc=_("Closed cases per outcome."),
                bars=[(row.label, row.cells[0]) for row in rows],
            )
        )
        return section
    values = [[closures.get((sid, code), 0) for code, _label in outcomes] for sid in school_ids]
    grid = suppress_grid(
        values,
        row_totals=[sum(v) for v in values],
        column_totals=[sum(v[j] for v in values) for j in range(len(outcomes))],
        suppress=suppress,
    )
    section.tables.append(
        Table(
            "closures",
            _("Closures by outcome"),
            _("School"),
            [*[str(label) for _code, label in outcomes], _("Total")],
            _grid_rows(labels, grid.cells, grid.row_totals),
            _total_row(_("All schools"), grid.column_totals, grid.grand_total),
        )
    )
    section.charts.append(
        charts.stacked_bar_chart(
            title=_("Closures by outcome"),
            desc=_("Closed cases per school, by outcome."),
            series=[str(label) for _code, label in outcomes],
            bars=[(label, grid.cells[i]) for i, label in enumerate(labels)],
        )
    )
    return section


def school_report(
    *,
    school: School,
    suppressed: bool,
    year: AcademicYear | None,
    years: list[AcademicYear],
    now: datetime.datetime | None = None,
) -> Report:
    now = now or timezone.now()
    ids = [school.pk]
    by_category, by_state = case_counts_by_school(school_ids=ids)
    classrooms = (
        list(Classroom.objects.filter(school=school, academic_year=year).order_by("grade", "number"))
        if year
        else []
    )
    coverage = {c.classroom_id: c for c in home_visit_coverage(school_ids=ids, year=year)}
    _per_school, overall = awaiting_approval_by_school(school_ids=ids)
    overdue = overdue_by_school(school_ids=ids, now=now)
    closures = closures_by_school(school_ids=ids, year=year)
    pairs = [
        (coverage[c.pk].pupils, coverage[c.pk].visited) if c.pk in coverage else (0, 0) for c in classrooms
    ]
    awaiting = _awaiting_section(
        [_("This school")], [], overall, now, suppress=suppressed, row_header="", with_total=False
    )
    if not suppressed:
        awaiting.cases = awaiting_cases_for_school(school=school, now=now)
    sections = [
        _cases_section(ids, [school], by_category, by_state, suppress=suppressed, per_school=False),
        _coverage_section(
            [c.label for c in classrooms], pairs, suppress=suppressed, row_header=_("Class"), year=year
        ),
        awaiting,
        _overdue_section([school.name], [overdue[school.pk]], suppress=suppressed, per_school=False),
        _closures_section([school.name], ids, closures, suppress=suppressed, per_school=False, year=year),
    ]
    return Report(
        kind="school",
        title=_("Programme report · %(school)s") % {"school": school.name},
        bureau=school.bureau,
        school=school,
        year=year,
        years=years,
        suppressed=suppressed,
        generated_at=now,
        sections=sections,
    )


def city_report(
    *,
    bureau: Bureau,
    year: AcademicYear | None,
    years: list[AcademicYear],
    now: datetime.datetime | None = None,
) -> Report:
    """Every school of the bureau, one row each, with totals; always suppressed."""
    now = now or timezone.now()
    schools = list(School.objects.filter(bureau=bureau).order_by("code"))
    ids = [s.pk for s in schools]
    labels = [s.name for s in schools]
    by_category, by_state = case_counts_by_school(school_ids=ids)
    coverage: dict[int, list[int]] = {sid: [0, 0] for sid in ids}
    for row in home_visit_coverage(school_ids=ids, year=year):
        coverage[row.school_id][0] += row.pupils
        coverage[row.school_id][1] += row.visited
    waits, overall = awaiting_approval_by_school(school_ids=ids)
    overdue = overdue_by_school(school_ids=ids, now=now)
    closures = closures_by_school(school_ids=ids, year=year)
    sections = [
        _cases_section(ids, schools, by_category, by_state, suppress=True, per_school=True),
        _coverage_section(
            labels,
            [(coverage[sid][0], coverage[sid][1]) for sid in ids],
            suppress=True,
            row_header=_("School"),
            year=year,
        ),
        _awaiting_section(
            labels,
            [waits.get(sid, Waiting(0, None, None)) for sid in ids],
            overall,
            now,
            suppress=True,
            row_header=_("School"),
            with_total=True,
        ),
        _overdue_section(labels, [overdue[sid] for sid in ids], suppress=True, per_school=True),
        _closures_section(labels, ids, closures, suppress=True, per_school=True, year=year),
    ]
    for section in sections:
        for table in section.tables:
            if table.row_header == _("School"):
                for school, table_row in zip(schools, table.rows, strict=True):
                    table_row.href = reverse("reports:school", args=[school.code])
    return Report(
        kind="city",
        title=_("City-wide programme report · %(bureau)s") % {"bureau": bureau.name},
        bureau=bureau,
        school=None,
        year=year,
        years=years,
        suppressed=True,
        generated_at=now,
        sections=sections,
    )


def csv_rows(report: Report) -> Iterable[list[str]]:
    """The report as rows of (section, table, row, column, value): the figures exactly as shown."""
    yield [_("Section"), _("Table"), _("Row"), _("Column"), _("Value")]
    for section in report.sections:
        for table in section.tables:
            for row in [*table.rows, *([table.total] if table.total else [])]:
                for column, cell in zip(table.columns, row.cells, strict=True):
                    yield [section.title, table.caption, row.label, column, cell.text]
        if section.cases:
            for case in section.cases:
                label = _("Case %(id)s") % {"id": case.case_id}
                yield [section.title, _("Waiting cases"), label, _("Class"), case.class_label]
                yield [section.title, _("Waiting cases"), label, _("Days waiting"), str(case.days)]
