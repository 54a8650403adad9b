"""Helpers for API tests: token clients.

    client = api_client(world.principal)

Cases, plans and visits to call the API on come from ``tests.builders``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

if TYPE_CHECKING:
    from accounts.models import User


def api_client(user: User | None = None) -> APIClient:
    """A DRF test client that sends ``Authorization: Token <key>`` for the user (or nothing)."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client
