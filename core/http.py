"""The typed request of our pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind ``login_required``: its user is one of ours, never anonymous."""

    user: User
