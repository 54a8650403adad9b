"""Writes on inspections, rectifications and notices. Each service runs in one transaction,
checks who may act (404 unseen, 403 wrong role, 409 wrong state, 400 bad input), locks the row
it changes, and writes one audit event into the school's chain."""

from inspections.services.inspections import (
    ChecklistEntry,
    finding_add,
    inspection_create,
    inspection_submit,
    inspection_update,
)
from inspections.services.notices import notice_issue, notice_withdraw
from inspections.services.rectifications import (
    rectification_answer,
    rectification_close,
    rectification_open,
    rectification_return,
)

__all__ = [
    "ChecklistEntry",
    "finding_add",
    "inspection_create",
    "inspection_submit",
    "inspection_update",
    "notice_issue",
    "notice_withdraw",
    "rectification_answer",
    "rectification_close",
    "rectification_open",
    "rectification_return",
]
