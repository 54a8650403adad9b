"""Reads on accounts that depend on who is asking."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import ApiToken, User


def api_token_list_for_user(*, user: User) -> QuerySet[ApiToken]:
    """The user's own live tokens, newest first (never anyone else's, never a key)."""
    return ApiToken.objects.live().filter(user=user).order_by("-created_at", "-pk")
