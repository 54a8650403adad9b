"""Who may do what with attachments (docs/attachments.md). Seeing follows the case or the visit.

- See and download: whoever may see the case (``casework.selectors.case_get_for_user``) or the
  visit (``casework.selectors.visit_get_for_user``) the attachment belongs to; inspectors too.
- Upload: the case's workers (paired teacher, class teacher); for a visit, whoever may record it.
- Remove: the uploader, or a principal or vice principal of the school; never on a closed case.
Everyone else, superusers included: nothing.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from casework import access as case_access
from casework.models import Case, HomeVisit, State

UPLOAD_DENIED = _("Only the case's teachers may attach files.")


def visit_case(visit: HomeVisit) -> Case | None:
    """The case a visit belongs to; None for a visit without a case."""
    return visit.case if visit.case_id else None


def visit_school_id(visit: HomeVisit) -> int:
    return visit.school_id


def may_upload_to_case(case: Case, user: Any) -> bool:
    return bool(case_access.case_roles(case, user) & case_access.WORKERS)


def may_upload_to_visit(visit: HomeVisit, user: Any) -> bool:
    """Whoever may write on the visit: its participants and, on a case visit, the case's workers."""
    return case_access.may_write_visit(visit, user)


def may_remove(*, uploaded_by_id: int, case: Case | None, user: Any, visit: HomeVisit | None = None) -> bool:
    if uploaded_by_id == user.pk:
        return True
    if visit is not None:
        return case_access.LEADER in case_access.visit_roles(visit, user)
    return case is not None and case_access.LEADER in case_access.case_roles(case, user)


def is_closed(case: Case | None) -> bool:
    return case is not None and case.state == State.CLOSED
