"""Writes on accounts that other apps call: ending a person's sessions and API tokens."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from accounts.models import User


def user_sign_out_everywhere(*, user: User) -> None:
    """End every session and revoke every API token of ``user`` (leaving, lost phone, breach).

    Sessions: the session stamp is part of the session auth hash, so each session fails its check
    at its next request and is flushed by Django. Tokens: deleted here.
    """
    from rest_framework.authtoken.models import Token

    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_stamp=F("session_stamp") + 1)
        user.refresh_from_db(fields=["session_stamp"])
        Token.objects.filter(user_id=user.pk).delete()
