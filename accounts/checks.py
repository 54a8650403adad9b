"""System checks of the sign-in settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register()
def token_rate_is_gone(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """WANJIA_TOKEN_RATE limited the token endpoint per worker; the lockout replaced it."""
    if not getattr(settings, "WANJIA_TOKEN_RATE", ""):
        return []
    return [
        checks.Warning(
            "WANJIA_TOKEN_RATE is set but no longer read: failed sign-ins at the token endpoint are "
            "now limited by the sign-in lockout.",
            hint="Remove it; set WANJIA_LOGIN_FAILURE_LIMIT, WANJIA_LOGIN_ADDRESS_FAILURE_LIMIT and "
            "WANJIA_LOGIN_LOCKOUT_MINUTES instead (docs/configuration.md).",
            id="accounts.W001",
        )
    ]
