"""Writes on cases and home visits. Each service runs in one transaction, checks who may act, and
audits. One module per concern; import from here (``from casework import services``).

* ``cases``: open a case, fire its transitions (announced through ``casework.signals``)
* ``grants``: counsellors' access to a case's confidential notes
* ``breakglass``: a leader's or inspector's emergency, read-only access to them, and its review
* ``plans``: versions of a case's support plan
* ``visits``: home visits, on a case or without one
* ``visit_plans``: a school's visit plans and their share-out
"""

from casework.services.breakglass import break_glass_open, break_glass_review
from casework.services.cases import NOTES_PERM, case_lock, case_open, case_transition
from casework.services.grants import counsellor_grant, counsellor_revoke
from casework.services.plans import plan_create, plan_submit
from casework.services.visit_plans import visit_plan_assign, visit_plan_create
from casework.services.visits import (
    visit_appoint,
    visit_create,
    visit_follow_up,
    visit_gift_report,
    visit_open_case,
    visit_record,
    visit_schedule,
)

__all__ = [
    "NOTES_PERM",
    "break_glass_open",
    "break_glass_review",
    "case_lock",
    "case_open",
    "case_transition",
    "counsellor_grant",
    "counsellor_revoke",
    "plan_create",
    "plan_submit",
    "visit_appoint",
    "visit_create",
    "visit_follow_up",
    "visit_gift_report",
    "visit_open_case",
    "visit_plan_assign",
    "visit_plan_create",
    "visit_record",
    "visit_schedule",
]
