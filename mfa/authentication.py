"""DRF's session authentication, refusing sessions that owe their second factor.

Its own module, because DRF imports the authentication classes named in REST_FRAMEWORK while
``rest_framework.views`` is still being imported: nothing here may import that module.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request

from core.errors import ErrorCode
from mfa.gate import session_step
from mfa.selectors import Step


class MfaRequired(exceptions.PermissionDenied):
    default_detail = _(
        "This session has not passed its second factor: finish signing in on the website "
        "(the code from the authenticator app), or use an API token."
    )
    default_code = ErrorCode.MFA_REQUIRED.value


class MfaSessionAuthentication(SessionAuthentication):
    """DRF's session authentication (CSRF included), refused with 403 ``mfa_required`` while the
    session owes its second factor. Token requests never get here unless they carry no token."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is not None and session_step(request._request) is not Step.NONE:
            raise MfaRequired()
        return result
