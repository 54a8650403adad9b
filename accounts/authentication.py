"""``Authorization: Token <key>`` for the API, checked against the hashed ApiToken."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from accounts.models import ApiToken, User
from accounts.tokens import key_digest

# last_used_at is written at most this often per token: a busy client must not turn every read
# into a write.
TOUCH_EVERY = datetime.timedelta(minutes=1)


class ApiTokenAuthentication(TokenAuthentication):
    """DRF's header format and its 401s, against our tokens: looked up by the key's sha256;
    revoked or expired tokens and inactive users are refused (401 ``authentication_failed``)."""

    model = ApiToken

    def authenticate_credentials(self, key: str) -> tuple[User, ApiToken]:
        token = ApiToken.objects.select_related("user").filter(digest=key_digest(key)).first()
        now = timezone.now()
        if token is None or token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("The token has expired: log in again for a new one."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token
