"""Helpers for API tests: token clients.

    client = api_client(world.principal)

Cases, plans and visits to call the API on come from ``tests.builders``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.test import APIClient

from accounts.services import api_token_issue

if TYPE_CHECKING:
    from accounts.models import User


def api_client(user: User | None = None) -> APIClient:
    """A DRF test client that sends ``Authorization: Token <key>`` for the user (or nothing).

    Each call issues a new token through the service, as a new device signing in would."""
    client = APIClient()
    if user is not None:
        _token, key = api_token_issue(user=user, name="tests")
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client
