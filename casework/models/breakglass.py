"""Break-glass: a school leader's or an inspector's emergency, time-limited, read-only access to a
case's confidential notes, with the reason they gave and the inspector's review afterwards
(docs/break-glass.md)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BreakGlassRole(models.TextChoices):
    """In which capacity the person opened the notes."""

    LEADER = "leader", _("principal or vice principal")
    INSPECTOR = "inspector", _("inspector")


class BreakGlassAccess(models.Model):
    """One emergency opening of a case's notes. Read access lasts until ``expires_at``;
    the row stays for the review (``reviewed_*``), which an inspector of the bureau writes."""

    case = models.ForeignKey(
        "casework.Case", on_delete=models.CASCADE, related_name="break_glass", verbose_name=_("case")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    role = models.CharField(_("as"), max_length=16, choices=BreakGlassRole.choices)
    reason = models.TextField(_("reason"))
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)

    class Meta:
        verbose_name = _("emergency access to notes")
        verbose_name_plural = _("emergency accesses to notes")
        ordering = ["-opened_at", "-id"]
        indexes = [
            # case_roles: "has this user an unexpired access to this case?"
            models.Index(fields=["case", "user", "expires_at"], name="breakglass_case_user_expiry"),
            # The review page and its badge: the accesses nobody has reviewed yet.
            models.Index(
                fields=["opened_at"], condition=Q(reviewed_at__isnull=True), name="breakglass_unreviewed"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=F("opened_at")), name="breakglass_expires"),
            models.CheckConstraint(
                condition=Q(reviewed_by__isnull=True, reviewed_at__isnull=True)
                | Q(reviewed_by__isnull=False, reviewed_at__isnull=False),
                name="breakglass_review_whole",
            ),
            # Nobody reviews their own emergency access.
            models.CheckConstraint(
                condition=Q(reviewed_by__isnull=True) | ~Q(reviewed_by=F("user")),
                name="breakglass_not_self_reviewed",
            ),
        ]

    def __str__(self) -> str:
        # Never the reason: it may name the pupil's situation.
        return str(_("Emergency access %(id)s to case %(case)s") % {"id": self.pk, "case": self.case_id})

    def is_active(self, now: datetime.datetime | None = None) -> bool:
        return self.expires_at > (now or timezone.now())

    @property
    def is_reviewed(self) -> bool:
        return self.reviewed_at is not None
