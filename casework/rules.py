"""Permission and condition callables for the case state machine (django-fsm-2 signatures).

Permissions take (case, user) and depend only on who the user is to the case, never on the
state; conditions take the case. ``MESSAGES`` says, for each condition, what is missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.db.models import Model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casework import access
from core.errors import Forbidden

if TYPE_CHECKING:
    from casework.models import Case


def _case(obj: Model) -> Case:
    return cast("Case", obj)


def is_case_worker(case: Model, user: Any) -> bool:
    """The owner (paired teacher) or the pupil's class teacher."""
    return bool(access.case_roles(_case(case), user) & access.WORKERS)


def require_case_worker(case: Case, user: Any) -> None:
    """403 unless the user is one of the case's workers; the services and the pages ask alike."""
    if not is_case_worker(case, user):
        raise Forbidden(gettext("Only the paired teacher or the class teacher may write this."))


def is_school_leader(case: Model, user: Any) -> bool:
    """A principal or vice principal of the case's school."""
    return access.LEADER in access.case_roles(_case(case), user)


def is_reviewer(case: Model, user: Any) -> bool:
    """The owner, the class teacher, or the school's principal or vice principal."""
    return bool(access.case_roles(_case(case), user) & access.REVIEWERS)


def has_complete_plan(case: Model) -> bool:
    plan = _case(case).latest_plan()
    return plan is not None and bool(plan.goals.strip()) and bool(plan.measures.strip())


def plan_changed_since_submitted(case: Model) -> bool:
    """A plan sent back (or up for revision) goes to the principal again only once it changed."""
    submitted = _case(case).last_submitted_plan()
    if submitted is None:
        return True
    plan = _case(case).latest_plan()
    return plan is not None and plan.pk != submitted.pk and plan.content() != submitted.content()


def has_open_appointment(case: Model) -> bool:
    return _case(case).open_appointment() is not None


def current_visit_recorded_with_pledge(case: Model) -> bool:
    visit = _case(case).current_visit
    return visit is not None and visit.visited_at is not None and visit.no_gifts_pledge


def is_not_anonymised(case: Model) -> bool:
    """An anonymised case has lost its records to the retention policy: it cannot be worked again."""
    return _case(case).anonymised_at is None


def is_not_plan_author(case: Case, user: Any) -> bool:
    """Four eyes: nobody approves a plan they wrote themselves."""
    plan = case.latest_plan()
    return plan is None or plan.author_id != user.pk


MESSAGES = {
    has_complete_plan: (
        "plan_missing",
        _("A support plan version with goals and measures is needed first."),
    ),
    plan_changed_since_submitted: (
        "plan_unchanged",
        _("The plan has not changed since it was last submitted: revise it before submitting it again."),
    ),
    has_open_appointment: (
        "appointment_missing",
        _("An appointment with the guardians that is not yet recorded is needed first."),
    ),
    current_visit_recorded_with_pledge: (
        "visit_record_missing",
        _("The visit record must be filed, with the no-gifts pledge (清廉家访) confirmed."),
    ),
    is_not_anonymised: (
        "invalid_state",
        _("The case's records were anonymised under the retention policy: open a new case instead."),
    ),
}
