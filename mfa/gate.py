"""Where a signed-in session stands with its second factor.

The password (accounts' login page, or the admin's) logs the person in; until the session has
passed its second factor (``request.user.is_verified()``, from django-otp's OTPMiddleware) it
owes a step: the code, or first setting up an authenticator app. The step is worked out at login
and kept in the session, so that pages cost no query for it; it is worked out again whenever
WANJIA_MFA_REQUIRED has changed since, or the session has none (it predates this).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from accounts.models import User
from mfa.selectors import Step, mfa_step_for_user

SESSION_KEY = "wanjia_mfa_step"


def session_step(request: HttpRequest) -> Step:
    """What this request's session owes: nothing, the code, or enrolment."""
    user = request.user
    if not user.is_authenticated:
        return Step.NONE
    # Installed by OTPMiddleware; without it nobody counts as verified (deny by default).
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return Step.NONE
    kept = request.session.get(SESSION_KEY)
    if (
        isinstance(kept, dict)
        and kept.get("required") == bool(settings.WANJIA_MFA_REQUIRED)
        and kept.get("step") in set(Step)
    ):
        return Step(kept["step"])
    assert isinstance(user, User)
    return _remember_step(request, user)


def _remember_step(request: HttpRequest, user: User) -> Step:
    step = mfa_step_for_user(user=user)
    request.session[SESSION_KEY] = {"required": bool(settings.WANJIA_MFA_REQUIRED), "step": step.value}
    return step


def session_forget_step(request: HttpRequest) -> None:
    """Work the step out again at the next request (after enrolling or verifying)."""
    request.session.pop(SESSION_KEY, None)


@receiver(user_logged_in, dispatch_uid="mfa.step_at_login")
def _step_at_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    # Also when the same person logs in again: the session keeps its data, the step is asked afresh.
    if request is not None and hasattr(request, "session"):
        _remember_step(request, user)
