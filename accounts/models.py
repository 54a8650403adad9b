from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A member of staff or an inspector. Chinese names are not split into first and last."""

    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name or self.username

    def __str__(self) -> str:
        if self.full_name:
            return f"{self.full_name} ({self.username})"
        return self.username
