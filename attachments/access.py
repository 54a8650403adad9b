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
    """The case a visit belongs to (visits without a case are coming: then None)."""
    return visit.case if visit.case_id else None


def visit_school_id(visit: HomeVisit) -> int:
    school_id = getattr(visit, "school_id", None)  # visits may carry their own school
    if school_id:
        return int(school_id)
    case = visit_case(visit)
    assert case is not None
    return case.school_id


def may_upload_to_case(case: Case, user: Any) -> bool:
    return bool(case_access.case_roles(case, user) & case_access.WORKERS)


def may_upload_to_visit(visit: HomeVisit, user: Any) -> bool:
    """Whoever may record the visit: here the workers of its case (deny without a case)."""
    case = visit_case(visit)
    return case is not None and may_upload_to_case(case, user)


def may_remove(*, uploaded_by_id: int, case: Case | None, user: Any) -> bool:
    if uploaded_by_id == user.pk:
        return True
    return case is not None and case_access.LEADER in case_access.case_roles(case, user)


def is_closed(case: Case | None) -> bool:
    return case is not None and case.state == State.CLOSED
