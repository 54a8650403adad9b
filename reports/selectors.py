"""The reports a user asks for, built: who may read it (reports.access), which academic year, the
figures (reports.queries) and their tables and charts (reports.build)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotFound
from reports.access import report_bureau_get_for_user, report_school_get_for_user
from reports.build import Report, city_report, school_report
from schools.models import AcademicYear

if TYPE_CHECKING:
    from accounts.models import User


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


def school_report_for_user(*, user: User, code: str, year: str | None) -> Report:
    """The school's report for this user, exact or suppressed by who they are (404/403 otherwise)."""
    school, suppressed = report_school_get_for_user(user=user, code=code)
    academic_year, years = report_year(name=year)
    return school_report(school=school, suppressed=suppressed, year=academic_year, years=years)


def city_report_for_user(*, user: User, bureau: str | None, year: str | None) -> Report:
    """The city-wide report of a bureau the user inspects (their first unless one is named)."""
    inspected = report_bureau_get_for_user(user=user, code=bureau)
    academic_year, years = report_year(name=year)
    return city_report(bureau=inspected, year=academic_year, years=years)
