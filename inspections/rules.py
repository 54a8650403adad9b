"""Permission and condition callables for the inspection state machines (django-fsm-2 signatures).

Permissions take (instance, user) and depend only on who the user is, never on the state;
conditions take the instance. ``MESSAGES`` says for each condition what is missing, and on which
field (so a missing response is a 400 on that field, not a bare conflict).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from inspections import access


def _roles(obj: Model, user: Any) -> frozenset[str]:
    school = obj.school  # type: ignore[attr-defined]
    return access.school_roles(user=user, bureau_id=school.bureau_id, school_id=school.pk)


def is_bureau_inspector(obj: Model, user: Any) -> bool:
    """An active inspector of the bureau the school belongs to."""
    return access.INSPECTOR in _roles(obj, user)


def is_school_leader(obj: Model, user: Any) -> bool:
    """The principal or a vice principal of the school."""
    return access.LEADER in _roles(obj, user)


def has_rating(obj: Model) -> bool:
    return bool(obj.rating)  # type: ignore[attr-defined]


def has_summary(obj: Model) -> bool:
    return bool(obj.summary.strip())  # type: ignore[attr-defined]


def has_response(obj: Model) -> bool:
    return bool(obj.response.strip())  # type: ignore[attr-defined]


def has_return_comment(obj: Model) -> bool:
    return bool(obj.return_comment.strip())  # type: ignore[attr-defined]


MESSAGES = {
    has_rating: ("rating", _("Choose a rating before submitting.")),
    has_summary: ("summary", _("Write the summary of findings before submitting.")),
    has_response: ("response", _("Write the school's response.")),
    has_return_comment: ("comment", _("Say why the rectification is returned.")),
}
