"""Shared helpers of the case page tests: read a page as a user, and the transition buttons on it.

Cases, plans and visits come from ``tests.builders``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.test import Client

if TYPE_CHECKING:
    from accounts.models import User


def page(client: Client, user: User, url: str, status: int = 200) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, (user.username, url, response.status_code)
    return response.content.decode()


def transition_buttons(html: str) -> list[str]:
    """The transitions offered as buttons on a case page, in page order."""
    return re.findall(r'data-transition="([a-z_]+)"', html)
