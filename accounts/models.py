from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A member of staff or an inspector. Chinese names are not split into first and last."""

    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    # Part of every session's auth hash: raising it ends all the user's sessions at their next
    # request (accounts.services.user_sign_out_everywhere), as a password change does.
    session_stamp = models.PositiveIntegerField(_("session stamp"), default=0, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        key_salt = "accounts.User.get_session_auth_hash"
        value = f"{self.password}:{self.session_stamp}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name or self.username

    def __str__(self) -> str:
        if self.full_name:
            return f"{self.full_name} ({self.username})"
        return self.username
