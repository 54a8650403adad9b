"""Helpers for API tests: token clients.

    client = api_client(world.principal)

Cases, plans and visits to call the API on come from ``tests.builders``.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.tokens import key_digest, key_prefix, new_key

if TYPE_CHECKING:
    from accounts.models import User


def api_client(user: User | None = None) -> APIClient:
    """A DRF test client that sends ``Authorization: Token <key>`` for the user (or nothing).

    The token row is written directly, not through ``accounts.services.api_token_issue``: the
    client stands for a device signed in before the test began, so it must not add an
    ``auth.token_issued`` event to the audit trail a test counts, nor count towards the cap on
    live tokens. Tests of issuing tokens go through the endpoint or the service."""
    client = APIClient()
    if user is not None:
        key = new_key()
        now = timezone.now()
        ApiToken.objects.create(
            user=user,
            name="tests",
            prefix=key_prefix(key),
            digest=key_digest(key),
            created_at=now,
            expires_at=now + datetime.timedelta(days=365),
        )
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client
