"""Writes on accounts: API tokens (issued, revoked) and ending a person's sessions.

Each write announces itself (``accounts.signals``) inside its transaction, so that the audit
trail, which sits on a higher floor, records it in the same transaction.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiToken, User
from accounts.signals import api_token_issued, api_tokens_revoked
from accounts.tokens import key_digest, key_prefix, new_key
from core.errors import NotFound

if TYPE_CHECKING:
    from django.http import HttpRequest


def api_token_issue(
    *, user: User, name: str = "", request: HttpRequest | None = None
) -> tuple[ApiToken, str]:
    """A new token for ``user`` (one per device), valid WANJIA_TOKEN_DAYS days. Returns the token
    and its key: the only time the key exists outside the client.

    Past WANJIA_TOKEN_MAX_PER_USER live tokens, the least recently used ones are revoked, so a
    client that logs in at every start does not leave an ever-growing heap of live keys."""
    key = new_key()
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken(
            user=user,
            name=name.strip(),
            prefix=key_prefix(key),
            digest=key_digest(key),
            created_at=now,
            expires_at=now + datetime.timedelta(days=settings.WANJIA_TOKEN_DAYS),
        )
        token.full_clean()
        token.save()
        api_token_issued.send(sender=ApiToken, token=token, request=request)
        surplus = list(
            ApiToken.objects.live()
            .filter(user=user)
            .order_by(Coalesce("last_used_at", "created_at").desc(), "-pk")[
                settings.WANJIA_TOKEN_MAX_PER_USER :
            ]
        )
        if surplus:
            _revoke(user=user, tokens=surplus, reason=ApiToken.Reason.REPLACED, by=None, request=request)
    return token, key


def api_token_revoke(*, user: User, token_id: int, request: HttpRequest | None = None) -> ApiToken:
    """``user`` revokes one of their live tokens; anyone else's, or one no longer live, is not found."""
    with transaction.atomic():
        token = ApiToken.objects.live().select_for_update().filter(user=user, pk=token_id).first()
        if token is None:
            raise NotFound(_("No such token."))
        _revoke(user=user, tokens=[token], reason=ApiToken.Reason.OWNER, by=user, request=request)
    return token


def api_tokens_revoke_all(
    *, user: User, reason: ApiToken.Reason, request: HttpRequest | None = None
) -> list[ApiToken]:
    """Revoke every live token of ``user`` (a password changed, signed out everywhere)."""
    with transaction.atomic():
        tokens = list(ApiToken.objects.live().select_for_update().filter(user=user))
        if tokens:
            _revoke(user=user, tokens=tokens, reason=reason, by=None, request=request)
    return tokens


def _revoke(
    *,
    user: User,
    tokens: list[ApiToken],
    reason: ApiToken.Reason,
    by: User | None,
    request: HttpRequest | None,
) -> None:
    now = timezone.now()
    ApiToken.objects.filter(pk__in=[token.pk for token in tokens]).update(
        revoked_at=now, revoked_reason=reason
    )
    for token in tokens:
        token.revoked_at, token.revoked_reason = now, reason
    api_tokens_revoked.send(sender=ApiToken, user=user, tokens=tokens, reason=reason, by=by, request=request)


def user_sign_out_everywhere(*, user: User) -> None:
    """End every session and revoke every API token of ``user`` (leaving, lost phone, breach).

    Sessions: the session stamp is part of the session auth hash, so each session fails its check
    at its next request and is flushed by Django. Tokens: revoked here.
    """
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_stamp=F("session_stamp") + 1)
        user.refresh_from_db(fields=["session_stamp"])
        api_tokens_revoke_all(user=user, reason=ApiToken.Reason.SIGNED_OUT_EVERYWHERE)
