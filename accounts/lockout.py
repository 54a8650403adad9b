"""The sign-in lockout (django-axes): failed sign-ins at the web login, the admin login and the
token endpoint are counted in the database, per account and per client address, so that every
app-server process sees the same counts; past a limit, attempts are refused for a while.

Settings: WANJIA_LOGIN_FAILURE_LIMIT, WANJIA_LOGIN_ADDRESS_FAILURE_LIMIT,
WANJIA_LOGIN_LOCKOUT_MINUTES (config/settings/base.py turns them into axes' settings).
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _failures(attempts: QuerySet[AccessAttempt]) -> int:
    return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit of its own for the client address.

    A school's staff reach us from one public address, so the address takes more failures
    (WANJIA_LOGIN_ADDRESS_FAILURE_LIMIT) than one account (AXES_FAILURE_LIMIT) before it locks.
    Axes compares one number with one limit, so the address's failures are scaled onto the
    account's limit: ``a * L // A >= L`` exactly when ``a >= A``.
    """

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        attempts = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        by_account = _failures(attempts.filter(username=username)) if username else 0
        by_address = _failures(attempts.filter(ip_address=request.axes_ip_address))
        limit = get_failure_limit(request, credentials)
        return max(by_account, by_address * limit // settings.WANJIA_LOGIN_ADDRESS_FAILURE_LIMIT)

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """After a correct password: only that account's failures are forgiven. Axes would also
        clear the address's, which would let anyone with an account of their own reset the count
        of their guesses at others' passwords by signing in between them."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _deleted = AccessAttempt.objects.filter(username=username).delete()
        return count


def lockout_seconds() -> int:
    """How long a lockout lasts (axes' cool-off), for Retry-After."""
    cool_off = get_cool_off()
    return int(cool_off.total_seconds()) if cool_off is not None else 0


def is_locked_out(request: Any) -> bool:
    """Whether axes refused (or has just locked) the sign-in attempted on this request. Axes marks
    the request it was given, which at the API is DRF's Request rather than Django's."""
    return bool(getattr(request, "axes_locked_out", False))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The page a locked-out sign-in gets (AXES_LOCKOUT_CALLABLE): 429, translated, with
    Retry-After; the same for the web login and the admin login."""
    seconds = lockout_seconds()
    response = render(
        request,
        "accounts/locked_out.html",
        {"minutes": max(1, -(-seconds // 60))},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
