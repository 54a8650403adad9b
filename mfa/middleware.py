"""A session that owes its second factor reaches only the page where it pays it.

After the password, a person with an authenticator app is sent to the code page, and a person
who must have one (WANJIA_MFA_REQUIRED) and has none to the enrolment page, whatever they asked
for (the Django admin included); it comes back to them afterwards as ``next``. Logging out and
switching the language stay open. API views are left to DRF: a token is not a session, and a
session that owes its second factor is refused there by ``mfa.authentication.MfaSessionAuthentication``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from rest_framework.views import APIView

from mfa.gate import session_step
from mfa.selectors import Step

# Views any signed-in session may reach, by URL name.
ALWAYS_OPEN = frozenset(
    {"accounts:logout", "set_language", "django.contrib.staticfiles.views.serve"}  # the last: DEBUG only
)
# The one page where each step is paid.
STEP_PAGES = {Step.VERIFY: "mfa:verify", Step.ENROL: "mfa:enrol"}


class MfaGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        view_class = getattr(view_func, "cls", None)
        if isinstance(view_class, type) and issubclass(view_class, APIView):
            return None
        step = session_step(request)
        if step is Step.NONE:
            return None
        # Templates hide the main menu while the session owes a step (base.html).
        request.mfa_step = step  # type: ignore[attr-defined]
        match = request.resolver_match
        view_name = match.view_name if match is not None else ""
        page = STEP_PAGES[step]
        if view_name == page or view_name in ALWAYS_OPEN:
            return None
        return redirect(f"{reverse(page)}?{urlencode({'next': request.get_full_path()})}")
