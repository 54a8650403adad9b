"""The report as shown (and exported): sections of tables and charts built from the raw figures.

Figures of a report that leaves the school go through reports.suppression; charts are inline SVG
from reports.charts.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from casework.models import Category, ClosureOutcome, State
from reports import charts
from reports.queries import (
    NOT_RECORDED,
    OVERDUE_KINDS,
    AwaitingCase,
    Waiting,
    awaiting_approval_by_school,
    awaiting_cases_for_school,
    case_counts_by_school,
    closures_by_school,
    home_visit_coverage,
    overdue_by_school,
)
from reports.suppression import Cell, count_cell, derived_cell, percent_cell, suppress_grid
from schools.models import AcademicYear, Bureau, Classroom, School

STATES = list(State)
CATEGORIES = list(Category)


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


def overdue_labels() -> dict[str, str]:
    """The kinds of overdue work, as the reports (and the leaders' home page) name them."""
    return _overdue_labels()


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
