from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.utils import timezone
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

    def set_unusable_password(self) -> None:
        super().set_unusable_password()
        self._password_replaced = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saving a new password revokes every API token of the user, whichever path set it (the
        admin, a reset, a change, an invitation accepted): ``set_password`` leaves the raw password
        in ``_password`` until the save (Django clears it again for mere hash upgrades)."""
        replaced = getattr(self, "_password", None) is not None or getattr(self, "_password_replaced", False)
        if not replaced or self._state.adding:
            super().save(*args, **kwargs)
            return
        from accounts.services import api_tokens_revoke_all

        with transaction.atomic():
            super().save(*args, **kwargs)
            self._password_replaced = False
            api_tokens_revoke_all(user=self, reason=ApiToken.Reason.PASSWORD_CHANGED)

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name or self.username

    def __str__(self) -> str:
        if self.full_name:
            return f"{self.full_name} ({self.username})"
        return self.username


class Invitation(models.Model):
    """A single-use, expiring invitation to join: a link (long random token) and a short code to
    read out by phone, for an account that has no password yet. Only their hashes are stored
    (accounts/invitations.py); re-inviting revokes the previous one."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("user")
    )
    invited_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    token_hash = models.CharField(_("link token (SHA-256)"), max_length=64, unique=True, editable=False)
    code_hash = models.CharField(_("code (HMAC-SHA-256)"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    # Set when a newer invitation replaced it, or when too many wrong codes were typed.
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("wrong codes typed"), default=0)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="invitation_user_recent")]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d}"


class PasswordResetCode(models.Model):
    """A six-digit code sent by SMS to reset a password: hashed, short-lived, a few tries only."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="password_reset_codes", verbose_name=_("user")
    )
    code_hash = models.CharField(_("code (HMAC-SHA-256)"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("wrong codes typed"), default=0)

    class Meta:
        verbose_name = _("password reset code")
        verbose_name_plural = _("password reset codes")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="reset_code_user_recent")]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def live(self) -> ApiTokenQuerySet:
        """Neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A key for the API (``Authorization: Token <key>``), one per device. Only the key's sha256 is
    stored: the key is shown once, when it is issued, and can never be read again."""

    class Reason(models.TextChoices):
        """Why a token was revoked."""

        OWNER = "owner", _("revoked by its owner")
        PASSWORD_CHANGED = "password_changed", _("the password changed")
        SIGNED_OUT_EVERYWHERE = "signed_out_everywhere", _("signed out everywhere")
        REPLACED = "replaced", _("too many tokens: the least recently used was replaced")

    NAME_LENGTH = 64

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("device"), max_length=NAME_LENGTH, blank=True)
    prefix = models.CharField(_("begins with"), max_length=8, editable=False)
    digest = models.CharField(_("sha256 of the key"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(_("why revoked"), max_length=32, choices=Reason.choices, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="accounts_apitoken_user_live")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="accounts_apitoken_expires_after_creation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name or '-'} ({self.prefix}…)"

    def is_live(self, at: datetime.datetime | None = None) -> bool:
        return self.revoked_at is None and self.expires_at > (at or timezone.now())
