"""Form helpers every page uses: widgets, and running one service on a valid form so that a
refusal lands on the form's fields and nothing typed is lost."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, Invalid

# <input type="datetime-local"> sends and shows local wall time without a zone; DateTimeField makes
# it aware in the current time zone (Asia/Shanghai).
LOCAL_DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
# The empty first option of a required pick-list (never Django's "---------").
CHOOSE = _("Choose…")


def textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def local_datetime() -> forms.DateTimeInput:
    return forms.DateTimeInput(format=LOCAL_DATETIME_FORMAT, attrs={"type": "datetime-local"})


def add_service_errors(form: forms.Form, error: Invalid) -> None:
    """Put a service's field errors on the form's fields (unknown fields on the form itself)."""
    if not error.errors:
        form.add_error(None, error.message)
    for name, messages in error.errors.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


def form_service_status(
    form: forms.Form, call: Callable[[dict[str, Any]], object], *, invalid_status: int = 200
) -> int | None:
    """Run one service on a valid form. None when it worked; else the status to re-render the
    form with, its errors on the fields and nothing typed lost (409 for a conflict)."""
    if not form.is_valid():
        return invalid_status
    try:
        call(form.cleaned_data)
    except Invalid as exc:
        add_service_errors(form, exc)
        return invalid_status
    except Conflict as exc:
        form.add_error(None, exc.message)
        return 409
    return None


def run_service(
    form: forms.Form, call: Callable[[dict[str, Any]], Any], *, invalid_status: int = 400
) -> tuple[Any, int]:
    """One service on the form through ``form_service_status``: (result, 200), or (None, the status
    to re-render with: ``invalid_status`` for invalid input, 409 for a conflict)."""
    results: list[Any] = []
    status = form_service_status(form, lambda data: results.append(call(data)), invalid_status=invalid_status)
    return (results[0], 200) if status is None else (None, status)
