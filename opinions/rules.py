"""Permission and condition callables for the opinion state machine (django-fsm-2 signatures).

Permissions take (instance, user) and depend only on who the user is; conditions take the
instance. ``MESSAGES`` names, for each condition, the field that is missing and what to say.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from opinions import access


def is_school_leader(obj: Model, user: Any) -> bool:
    """The principal or a vice principal of the opinion's school."""
    return obj.school_id in access.led_schools(user)  # type: ignore[attr-defined]


def has_plan(obj: Model) -> bool:
    return bool(obj.plan.strip())  # type: ignore[attr-defined]


def has_answer(obj: Model) -> bool:
    return bool(obj.answer.strip())  # type: ignore[attr-defined]


def has_answered_on(obj: Model) -> bool:
    return obj.answered_to_parents_on is not None  # type: ignore[attr-defined]


MESSAGES = {
    has_plan: ("plan", _("Write the rectification plan.")),
    has_answer: ("answer", _("Write the answer given to the parents.")),
    has_answered_on: ("answered_to_parents_on", _("Give the date the parents were told.")),
}
