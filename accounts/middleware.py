"""Sessions end after a while without a request (WANJIA_SESSION_IDLE_MINUTES) and a while after
signing in (WANJIA_SESSION_MAX_HOURS), whatever the client does with its cookie."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import ngettext

# Session keys: when the user signed in, and when the session last saw a request (epoch seconds).
SIGNED_IN_AT = "wanjia_signed_in_at"
SEEN_AT = "wanjia_seen_at"
# The last request is written to the session at most this often, so that reading pages does not
# write the session row on every request; the idle timeout is thus exact to within a minute.
SEEN_EVERY = 60


def _now() -> int:
    return int(timezone.now().timestamp())


def start_session_clocks(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """On Django's user_logged_in (connected in AccountsConfig.ready): the clocks start now."""
    if request is not None and hasattr(request, "session"):
        now = _now()
        request.session[SIGNED_IN_AT] = now
        request.session[SEEN_AT] = now


class SessionTimeoutMiddleware:
    """Ends an expired session: logs out, then sends a page request to the login page with a
    message (and ``next``); an API request goes on unauthenticated and gets the API's 401."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            message = self._expired(request)
            if message is not None:
                logout(request)
                if not request.path.startswith("/api/"):
                    messages.warning(request, message)
                    return redirect_to_login(request.get_full_path())
        return self.get_response(request)

    def _expired(self, request: HttpRequest) -> str | None:
        now = _now()
        session = request.session
        # A session from before these clocks existed starts them now.
        signed_in_at = int(session.setdefault(SIGNED_IN_AT, now))
        seen_at = int(session.setdefault(SEEN_AT, now))
        hours = settings.WANJIA_SESSION_MAX_HOURS
        minutes = settings.WANJIA_SESSION_IDLE_MINUTES
        if now - signed_in_at >= hours * 3600:
            return ngettext(
                "You were signed out: a session lasts at most %(hours)d hour. Please log in again.",
                "You were signed out: a session lasts at most %(hours)d hours. Please log in again.",
                hours,
            ) % {"hours": hours}
        if now - seen_at >= minutes * 60:
            return ngettext(
                "You were signed out after %(minutes)d minute without activity. Please log in again.",
                "You were signed out after %(minutes)d minutes without activity. Please log in again.",
                minutes,
            ) % {"minutes": minutes}
        if now - seen_at >= SEEN_EVERY:
            session[SEEN_AT] = now
        return None
