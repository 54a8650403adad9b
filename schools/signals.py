"""Logins, logouts and failed logins, recorded through Django's documented auth signals; accepted
invitations, password changes, texted reset codes, and API tokens issued and revoked, through
accounts' own (``accounts.signals``).

Here rather than in the trail because a person's events go to their school's chain
(``home_school_id``), which only the schools app can tell. Connected in SchoolsConfig.ready().
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest

from accounts.models import ApiToken, Invitation, PasswordResetCode, User
from accounts.signals import (
    api_token_issued,
    api_tokens_revoked,
    invitation_accepted,
    password_changed,
    reset_code_sent,
)
from audit.services import AuditContext, audit_record
from schools.selectors import home_school_id

MAX_USERNAME = 150


def _context(request: HttpRequest | None) -> AuditContext | None:
    return AuditContext.from_request(request) if request is not None else None


def _channel(request: HttpRequest | None) -> str:
    return "api" if request is not None and request.path.startswith("/api/") else "web"


def _record_session(action: str, request: HttpRequest | None, user: User) -> None:
    with transaction.atomic():
        audit_record(
            action=action,
            actor=user,
            target=user,
            school_id=home_school_id(user),
            detail={"channel": _channel(request)},
            context=_context(request),
        )


@receiver(user_logged_in, dispatch_uid="audit.auth.login")
def record_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    _record_session("auth.login", request, user)


@receiver(user_logged_out, dispatch_uid="audit.auth.logout")
def record_logout(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is None or not user.is_authenticated:
        return  # logging out while not logged in changes nothing
    _record_session("auth.logout", request, user)


@receiver(user_login_failed, dispatch_uid="audit.auth.login_failed")
def record_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """The username tried (never the password); the actor only when that username exists."""
    username = str(credentials.get(User.USERNAME_FIELD) or "")[:MAX_USERNAME]
    user = User.objects.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    with transaction.atomic():
        audit_record(
            action="auth.login_failed",
            actor=user,
            target=user,
            school_id=home_school_id(user),
            detail={"username": username, "channel": _channel(request)},
            context=_context(request),
        )


@receiver(invitation_accepted, dispatch_uid="audit.invitation.accepted")
def record_invitation_accepted(
    sender: Any, invitation: Invitation, via: str, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Inside the acceptance's transaction; never the token or the code."""
    user = invitation.user
    audit_record(
        action="invitation.accepted",
        actor=user,
        target=user,
        school_id=home_school_id(user),
        detail={"invitation": invitation.pk, "via": via},
        context=_context(request),
    )


@receiver(password_changed, dispatch_uid="audit.auth.password_changed")
def record_password_changed(
    sender: Any, user: User, method: str, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    audit_record(
        action="auth.password_changed",
        actor=user,
        target=user,
        school_id=home_school_id(user),
        detail={"method": method},
        context=_context(request),
    )


@receiver(reset_code_sent, dispatch_uid="audit.auth.reset_code_sent")
def record_reset_code_sent(
    sender: Any, reset_code: PasswordResetCode, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Someone asked for a reset code for this person (not necessarily the person): no actor."""
    user = reset_code.user
    audit_record(
        action="auth.reset_code_sent",
        actor=None,
        target=user,
        school_id=home_school_id(user),
        detail={"channel": "sms"},
        context=_context(request),
    )


@receiver(api_token_issued, dispatch_uid="audit.auth.token_issued")
def record_token_issued(
    sender: Any, token: ApiToken, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Which token (id, device name, expiry), never its key."""
    audit_record(
        action="auth.token_issued",
        actor=token.user,
        target=token.user,
        school_id=home_school_id(token.user),
        detail={"token_id": token.pk, "name": token.name, "expires_at": token.expires_at.isoformat()},
        context=_context(request),
    )


@receiver(api_tokens_revoked, dispatch_uid="audit.auth.token_revoked")
def record_tokens_revoked(
    sender: Any,
    user: User,
    tokens: list[ApiToken],
    reason: str,
    by: User | None = None,
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    """Which tokens and why; the actor is the owner when they revoked it themselves, else none
    (a password change or a sign-out everywhere, recorded by its own event)."""
    audit_record(
        action="auth.token_revoked",
        actor=by,
        target=user,
        school_id=home_school_id(user),
        detail={"token_ids": [token.pk for token in tokens], "reason": str(reason)},
        context=_context(request),
    )
