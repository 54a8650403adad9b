"""Who may read which report: the links a user is offered, and the school or bureau they asked for.

Principal, vice principals and school administrator read their school's report with exact figures
(it stays in the school); a bureau's inspectors read its schools' reports and the city-wide report,
suppressed (docs/reports.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from core.errors import Forbidden, NotFound
from schools.models import Bureau, BureauMembership, Membership, School
from schools.selectors import user_roles

if TYPE_CHECKING:
    from accounts.models import User

# Roles that read their own school's report with exact figures (it stays in the school).
SCHOOL_READERS = (Membership.Role.PRINCIPAL, Membership.Role.VICE_PRINCIPAL, Membership.Role.SCHOOL_ADMIN)


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
