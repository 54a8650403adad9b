"""The raw figures of the reports: a fixed number of aggregate queries each.

Every figure comes from a handful of aggregate queries over all the schools of a report at once
(grouped by school, class, category, state or outcome), never from a loop over cases, so a
report costs the same number of queries for one school or a whole city. See docs/reports.md.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Aggregate, Count, FloatField, Min, Q
from django.utils import timezone

from casework.models import Case, CaseCategory, HomeVisit, State, SupportPlan
from schools.models import AcademicYear, Pupil, School
from workflows.models import OPEN_STATUSES, CaseTask

NOT_RECORDED = ""  # the outcome of closures from before outcomes were recorded


def _year_bounds(year: AcademicYear | None) -> tuple[datetime.datetime, datetime.datetime] | None:
    if year is None:
        return None
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(year.starts_on, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(year.ends_on + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


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
